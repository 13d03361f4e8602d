using System.Collections.Immutable;
using VulnTriage.Advisories.Yaml;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Advisories;

/// <summary>The advisories available to a run: those embedded in the binary plus a user's own directory.</summary>
public sealed class AdvisoryCatalog
{
    private const string ResourcePrefix = "advisories/";

    private AdvisoryCatalog(ImmutableArray<Advisory> advisories)
    {
        Advisories = advisories;
    }

    /// <summary>All advisories, sorted by id.</summary>
    public ImmutableArray<Advisory> Advisories { get; }

    /// <summary>Names of the embedded advisory files (<c>advisories/intel/INTEL-SA-00086.yaml</c>), sorted.</summary>
    public static ImmutableArray<string> EmbeddedNames { get; } =
        [.. typeof(AdvisoryCatalog).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

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
    public static AdvisoryCatalog Load(string? userDirectory, bool checkSchema)
    {
        var diagnostics = new List<Diagnostic>();
        var loaded = new List<Advisory>();
        foreach (var name in EmbeddedNames)
        {
            TryLoad(ReadEmbedded(name), name, loaded, diagnostics, checkSchema);
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
                string text;
                try
                {
                    text = File.ReadAllText(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    diagnostics.Add(new Diagnostic(DiagnosticCodes.AdvisoryDirectoryUnreadable, DiagnosticSeverity.Error, new SourceLocation(file), $"cannot read: {e.Message}"));
                    continue;
                }

                TryLoad(text, file, loaded, diagnostics, checkSchema);
            }
        }

        foreach (var dup in loaded.GroupBy(a => a.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            diagnostics.Add(new Diagnostic(DiagnosticCodes.AdvisoryDuplicateId, DiagnosticSeverity.Error, new SourceLocation(dup.Last().SourceName),
                $"advisory id {dup.Key} is defined more than once ({string.Join(", ", dup.Select(a => a.SourceName))})"));
        }

        if (diagnostics.Count > 0)
        {
            throw new InputException(diagnostics);
        }

        return new AdvisoryCatalog([.. loaded.OrderBy(a => a.Id, StringComparer.Ordinal)]);
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

        return new AdvisoryCatalog([.. Advisories.Concat(added).OrderBy(a => a.Id, StringComparer.Ordinal)]);
    }

    /// <summary>Finds an advisory by id (case-insensitive).</summary>
    public Advisory? Find(string id) =>
        Advisories.FirstOrDefault(a => string.Equals(a.Id, id, StringComparison.OrdinalIgnoreCase));

    private static void TryLoad(string text, string name, List<Advisory> loaded, List<Diagnostic> diagnostics, bool checkSchema)
    {
        try
        {
            loaded.Add(AdvisoryYamlLoader.Load(text, name));
        }
        catch (InputException e)
        {
            // The loader's messages are the precise ones; the schema would repeat them less clearly.
            diagnostics.AddRange(e.Diagnostics);
            return;
        }

        // A file the loader accepts but the published schema refuses would mislead editors: report it.
        if (checkSchema)
        {
            diagnostics.AddRange(AdvisorySchema.Check(text, name).Take(5));
        }
    }
}
