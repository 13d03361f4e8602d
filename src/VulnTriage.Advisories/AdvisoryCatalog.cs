using System.Collections.Immutable;
using VulnTriage.Advisories.Yaml;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Advisories;

/// <summary>The advisories available to a run: those embedded in the binary plus a user's own directory.</summary>
public sealed class AdvisoryCatalog
{
    private const string ResourcePrefix = "advisories/";

    private AdvisoryCatalog(ImmutableArray<Advisory> advisories, ImmutableArray<string> knownIds)
    {
        Advisories = advisories;
        KnownIds = knownIds;
    }

    /// <summary>The advisories loaded, sorted by id (all of them, or those a run asked for: <see cref="LoadFor"/>).</summary>
    public ImmutableArray<Advisory> Advisories { get; }

    /// <summary>Every advisory id available, loaded or not (for "unknown advisory" messages), sorted.</summary>
    public ImmutableArray<string> KnownIds { get; }


    /// <summary>Names of the embedded advisory files (<c>advisories/intel/INTEL-SA-00086.yaml</c>), sorted.</summary>
    public static ImmutableArray<string> EmbeddedNames { get; } =
        [.. typeof(AdvisoryCatalog).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    /// <summary>Ids of the embedded advisories: their file names without <c>.yaml</c> (a shipped file is named by its id), sorted.</summary>
    public static ImmutableArray<string> EmbeddedIds { get; } =
        [.. EmbeddedNames.Select(n => Path.GetFileNameWithoutExtension(n)).Order(StringComparer.Ordinal)];

    /// <summary>Reads one embedded advisory file's text.</summary>
    public static string ReadEmbedded(string name)
    {
        using var stream = typeof(AdvisoryCatalog).Assembly.GetManifestResourceStream(name)
            ?? throw new ArgumentException($"no embedded advisory named {name}", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Loads the embedded advisories and, when <paramref name="userDirectory"/> is given, every <c>*.yaml</c>/<c>*.yml</c>
    /// under it. Any invalid file or duplicate id throws <see cref="InputException"/> with every diagnostic.
    /// </summary>
    public static AdvisoryCatalog Load(string? userDirectory) => Load(userDirectory, checkSchema: false);

    /// <summary>
    /// As <see cref="Load(string?)"/>; with <paramref name="checkSchema"/>, each file is also checked against the published
    /// JSON Schema (docs/advisory.schema.json), as <c>vulntriage advisories verify</c> does.
    /// </summary>
    public static AdvisoryCatalog Load(string? userDirectory, bool checkSchema) =>
        Load([.. EmbeddedNames], userDirectory, checkSchema);

    /// <summary>
    /// Loads what a run needs, strictly as <see cref="Load(string?)"/> does: the embedded advisories that
    /// <paramref name="ids"/> name — by advisory id (its file name), or, for any other id (a CVE id), every embedded
    /// file whose text mentions it, so the caller can resolve it exactly — or every embedded one with
    /// <paramref name="all"/>; and every file under <paramref name="userDirectory"/> (a directory of your own is
    /// always checked whole). Files are parsed in parallel. A dozen advisories cost a dozen parses; one costs one.
    /// </summary>
    public static AdvisoryCatalog LoadFor(IEnumerable<string> ids, string? userDirectory, bool all = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (all)
        {
            return Load([.. EmbeddedNames], userDirectory, checkSchema: false);
        }

        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in ids)
        {
            var id = raw.Trim();
            var byName = EmbeddedNames.FirstOrDefault(n => string.Equals(Path.GetFileNameWithoutExtension(n), id, StringComparison.OrdinalIgnoreCase));
            if (byName is not null)
            {
                wanted.Add(byName);
                continue;
            }

            foreach (var name in EmbeddedNames)
            {
                if (id.Length > 0 && ReadEmbedded(name).Contains(id, StringComparison.OrdinalIgnoreCase))
                {
                    wanted.Add(name);
                }
            }
        }

        return Load([.. EmbeddedNames.Where(wanted.Contains)], userDirectory, checkSchema: false);
    }

    private static AdvisoryCatalog Load(IReadOnlyList<string> embedded, string? userDirectory, bool checkSchema)
    {
        var diagnostics = new List<Diagnostic>();
        var sources = new List<(string Name, string? Text, Diagnostic? Problem)>();
        foreach (var name in embedded)
        {
            sources.Add((name, ReadEmbedded(name), null));
        }

        if (userDirectory is not null)
        {
            IEnumerable<string> files;
            try
            {
                files = [.. Directory.EnumerateFiles(userDirectory, "*.*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new InputException(new Diagnostic(DiagnosticCodes.AdvisoryDirectoryUnreadable, DiagnosticSeverity.Error, new SourceLocation(userDirectory), $"cannot read the advisories directory: {e.Message}"));
            }

            foreach (var file in files)
            {
                var (text, problem) = ReadUserFile(file);
                sources.Add((file, text, problem is null ? null : new Diagnostic(DiagnosticCodes.AdvisoryDirectoryUnreadable, DiagnosticSeverity.Error, new SourceLocation(file), problem)));
            }
        }

        // Parsed in parallel; results and diagnostics are kept in file order, so messages come out as before.
        var results = new (Advisory? Advisory, IReadOnlyList<Diagnostic> Diagnostics)[sources.Count];
        Parallel.For(0, sources.Count, i =>
        {
            var (name, text, problem) = sources[i];
            results[i] = problem is not null ? (null, [problem]) : TryLoad(text!, name, checkSchema);
        });

        var loaded = new List<Advisory>();
        foreach (var (advisory, found) in results)
        {
            diagnostics.AddRange(found);
            if (advisory is not null)
            {
                loaded.Add(advisory);
            }
        }

        foreach (var dup in loaded.GroupBy(a => a.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            diagnostics.Add(new Diagnostic(DiagnosticCodes.AdvisoryDuplicateId, DiagnosticSeverity.Error, new SourceLocation(dup.Last().SourceName),
                $"advisory id {dup.Key} is defined more than once ({string.Join(", ", dup.Select(a => a.SourceName))})"));
        }

        // A file of your own that reuses the id of an embedded advisory not loaded this run is still a duplicate.
        var loadedEmbedded = embedded.ToHashSet(StringComparer.Ordinal);
        foreach (var user in loaded.Where(a => !a.SourceName.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var shipped = EmbeddedNames.FirstOrDefault(n => !loadedEmbedded.Contains(n) && string.Equals(Path.GetFileNameWithoutExtension(n), user.Id, StringComparison.Ordinal));
            if (shipped is not null)
            {
                diagnostics.Add(new Diagnostic(DiagnosticCodes.AdvisoryDuplicateId, DiagnosticSeverity.Error, new SourceLocation(user.SourceName),
                    $"advisory id {user.Id} is defined more than once ({shipped}, {user.SourceName})"));
            }
        }

        if (diagnostics.Count > 0)
        {
            throw new InputException(diagnostics);
        }

        var known = EmbeddedIds.Concat(loaded.Select(a => a.Id)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return new AdvisoryCatalog([.. loaded.OrderBy(a => a.Id, StringComparer.Ordinal)], [.. known]);
    }

    /// <summary>The largest advisory file read from a user directory.</summary>
    internal const int MaxUserFileBytes = 4 << 20;

    /// <summary>
    /// Reads one advisory file of the user's directory. Only a non-empty file is opened: a FIFO, socket or device
    /// reports size 0 (opening a FIFO would block the run; a link to <c>/dev/zero</c> would never end), and an empty
    /// advisory is an error anyway. At most <see cref="MaxUserFileBytes"/> are read, counted as read; byte order marks
    /// are honoured as <see cref="File.ReadAllText(string)"/> does.
    /// </summary>
    private static (string? Text, string? Problem) ReadUserFile(string file)
    {
        try
        {
            // The size of what a link finally points to (a link's own size is the length of its target's path).
            FileSystemInfo info = new FileInfo(file);
            info = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
            if (info is not FileInfo { Exists: true } target)
            {
                return (null, "a link to nothing, or not a regular file");
            }

            if (target.Length == 0)
            {
                return (null, "empty, or not a regular file (a FIFO, socket or device is never opened)");
            }

            if (target.Length > MaxUserFileBytes)
            {
                return (null, $"larger than {MaxUserFileBytes} bytes; not read");
            }

            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            using var memory = new MemoryStream();
            var buffer = new byte[1 << 16];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (memory.Length + read > MaxUserFileBytes)
                {
                    return (null, $"larger than {MaxUserFileBytes} bytes; not read");
                }

                memory.Write(buffer, 0, read);
            }

            memory.Position = 0;
            using var reader = new StreamReader(memory, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return (reader.ReadToEnd(), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read: {e.Message}");
        }
    }

    /// <summary>
    /// This catalog with <paramref name="more"/> added (drafts built in memory, e.g. <c>triage --nvd</c>). An id that is
    /// already there throws <see cref="InputException"/> (VT2005), as two files with one id do.
    /// </summary>
    public AdvisoryCatalog With(IEnumerable<Advisory> more)
    {
        ArgumentNullException.ThrowIfNull(more);
        var added = more.ToList();
        var clash = added.FirstOrDefault(a => Advisories.Any(b => string.Equals(a.Id, b.Id, StringComparison.OrdinalIgnoreCase)));
        if (clash is not null)
        {
            var other = Advisories.First(b => string.Equals(clash.Id, b.Id, StringComparison.OrdinalIgnoreCase));
            throw new InputException(new Diagnostic(DiagnosticCodes.AdvisoryDuplicateId, DiagnosticSeverity.Error, new SourceLocation(clash.SourceName),
                $"advisory id {clash.Id} is defined more than once ({other.SourceName}, {clash.SourceName})"));
        }

        return new AdvisoryCatalog([.. Advisories.Concat(added).OrderBy(a => a.Id, StringComparer.Ordinal)], [.. KnownIds.Concat(added.Select(a => a.Id)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
    }

    /// <summary>Finds an advisory by id (case-insensitive).</summary>
    public Advisory? Find(string id) =>
        Advisories.FirstOrDefault(a => string.Equals(a.Id, id, StringComparison.OrdinalIgnoreCase));

    private static (Advisory? Advisory, IReadOnlyList<Diagnostic> Diagnostics) TryLoad(string text, string name, bool checkSchema)
    {
        Advisory advisory;
        try
        {
            advisory = AdvisoryYamlLoader.Load(text, name);
        }
        catch (InputException e)
        {
            // The loader's messages are the precise ones; the schema would repeat them less clearly.
            return (null, e.Diagnostics);
        }

        // A file the loader accepts but the published schema refuses would mislead editors: report it.
        return (advisory, checkSchema ? [.. AdvisorySchema.Check(text, name).Take(5)] : []);
    }
}
