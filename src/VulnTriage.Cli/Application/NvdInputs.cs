using System.Globalization;
using VulnTriage.Advisories.Nvd;
using VulnTriage.Advisories.Yaml;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;
using VulnTriage.Inventory.IO;

namespace VulnTriage.Cli.Application;

/// <summary>
/// NVD inputs for <c>advisories import nvd</c> and <c>triage --nvd</c>: a file, a directory of <c>*.json</c> files (walked
/// in name order, as the per-CVE mirror lays them out), or <c>-</c> for standard input. Files are opened only when regular
/// (<see cref="SafeFile"/>): a FIFO or a device in the directory is skipped with a warning. Records stream one at a time.
/// </summary>
internal static class NvdInputs
{
    /// <summary>
    /// The records of every input. An input that cannot be read, or is not NVD data, adds its located diagnostic to
    /// <paramref name="errors"/> and the others are still read.
    /// </summary>
    public static IEnumerable<(NvdRecord Record, string Input)> Read(IReadOnlyList<string> inputs, CliEnvironment env, Action<Diagnostic> warn, List<Diagnostic> errors, CancellationToken cancellationToken)
    {
        foreach (var input in inputs)
        {
            foreach (var (name, open) in Files(input, env, warn, errors))
            {
                Stream? stream;
                try
                {
                    stream = open();
                }
                catch (InputException e)
                {
                    errors.AddRange(e.Diagnostics);
                    continue;
                }

                if (stream is null)
                {
                    continue;
                }

                using (stream)
                {
                    using var records = NvdFeedReader.Read(stream, name, warn, cancellationToken).GetEnumerator();
                    while (true)
                    {
                        NvdRecord record;
                        try
                        {
                            if (!records.MoveNext())
                            {
                                break;
                            }

                            record = records.Current;
                        }
                        catch (InputException e)
                        {
                            errors.AddRange(e.Diagnostics);
                            break;
                        }
                        catch (IOException e)
                        {
                            errors.Add(Unreadable(name, e.Message));
                            break;
                        }

                        yield return (record, name);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Drafts for <c>triage --nvd</c>, built in memory exactly as <c>advisories import nvd</c> writes them and loaded through
    /// the strict loader. Warnings (what could not be mapped) go to <paramref name="warnings"/>; any unreadable input throws.
    /// </summary>
    public static IReadOnlyList<Advisory> Drafts(IReadOnlyList<string> inputs, CliEnvironment env, List<Diagnostic> warnings, CancellationToken cancellationToken)
    {
        var errors = new List<Diagnostic>();
        var cache = new IdentificationCache();
        var latest = new Dictionary<string, (NvdRecord Record, string Input)>(StringComparer.OrdinalIgnoreCase);
        var revisions = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (record, input) in Read(inputs, env, warnings.Add, errors, cancellationToken))
        {
            if (Keep(revisions, record, warnings.Add))
            {
                latest[record.Id] = (record, input);
            }
        }

        if (errors.Count > 0)
        {
            throw new InputException(errors);
        }

        if (latest.Count == 0)
        {
            throw new InputException(new Diagnostic(NvdDiagnosticCodes.Empty, DiagnosticSeverity.Error, new SourceLocation(string.Join(", ", inputs)), "--nvd: no NVD record was read"));
        }

        var drafts = new List<Advisory>();
        foreach (var (record, input) in latest.Values.OrderBy(v => v.Record.Id, StringComparer.Ordinal))
        {
            var draft = NvdDraftBuilder.Build(record, cache);
            warnings.AddRange(draft.Diagnostics);
            drafts.Add(AdvisoryYamlLoader.Load(draft.Yaml, $"{input} ({record.Id}, drafted in memory)"));
        }

        return drafts;
    }

    /// <summary>
    /// Whether a record should replace what was read before for its CVE: the later revision (<c>lastModified</c>) wins;
    /// a repeat is a warning either way. <paramref name="revisions"/> (CVE → revision kept) is updated.
    /// </summary>
    public static bool Keep(Dictionary<string, string?> revisions, NvdRecord record, Action<Diagnostic> warn)
    {
        ArgumentNullException.ThrowIfNull(revisions);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(warn);
        if (!revisions.TryGetValue(record.Id, out var earlier))
        {
            revisions[record.Id] = record.LastModified;
            return true;
        }

        var newer = string.CompareOrdinal(record.LastModified ?? "", earlier ?? "") > 0;
        warn(new Diagnostic(NvdDiagnosticCodes.Duplicate, DiagnosticSeverity.Warning, record.Location,
            $"{record.Id} was read before (lastModified {earlier ?? "unknown"}); the {(newer ? "later" : "earlier")} revision {(newer ? record.LastModified : earlier) ?? "unknown"} is used"));
        if (newer)
        {
            revisions[record.Id] = record.LastModified;
        }

        return newer;
    }

    private static IEnumerable<(string Name, Func<Stream?> Open)> Files(string input, CliEnvironment env, Action<Diagnostic> warn, List<Diagnostic> errors)
    {
        if (input == "-")
        {
            yield return ("-", env.OpenStandardInput);
            yield break;
        }

        if (Directory.Exists(input))
        {
            List<string> files;
            try
            {
                files = [.. Directory.EnumerateFiles(input, "*.json", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.None })
                    .Order(StringComparer.Ordinal)];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(Unreadable(input, e.Message));
                yield break;
            }

            if (files.Count == 0)
            {
                errors.Add(new Diagnostic(NvdDiagnosticCodes.Empty, DiagnosticSeverity.Error, new SourceLocation(input), "the directory holds no *.json file"));
            }

            foreach (var file in files)
            {
                // A FIFO or a device among the files is skipped (it could block forever), never read.
                yield return (file, () => Open(file, inDirectory: true, warn));
            }

            yield break;
        }

        yield return (input, () => Open(input, inDirectory: false, warn));
    }

    private static FileStream? Open(string path, bool inDirectory, Action<Diagnostic> warn)
    {
        switch (SafeFile.TryOpenRegular(path, out var stream, out var problem))
        {
            case SafeFileOutcome.Ok:
                return stream!;
            case SafeFileOutcome.NotRegularFile when inDirectory:
                warn(new Diagnostic(NvdDiagnosticCodes.Unreadable, DiagnosticSeverity.Warning, new SourceLocation(path), $"skipped: {problem}"));
                return null;
            default:
                throw new InputException(Unreadable(path, problem ?? "cannot be read"));
        }
    }

    private static Diagnostic Unreadable(string path, string problem) =>
        new(NvdDiagnosticCodes.Unreadable, DiagnosticSeverity.Error, new SourceLocation(path), "cannot read: " + problem);

    /// <summary>"3 configurations, 1 processor, …" for one draft.</summary>
    public static string Describe(NvdDraftSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.Configurations} configurations, {s.Processors} processors, {s.CpuRules} CPU rules, {s.FirmwareRules} firmware rules, {s.Unmapped} criteria unmapped");
}
