using System.CommandLine;
using System.Globalization;
using System.Text;
using VulnTriage.Advisories.Nvd;
using VulnTriage.Cli.Application;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;
using VulnTriage.Inventory.IO;

namespace VulnTriage.Cli.Commands;

/// <summary>
/// <c>vulntriage advisories import nvd &lt;FILE|DIR|-&gt;... --out DIR</c>: one draft advisory per CVE, written for review
/// (docs/nvd-import.md).
/// </summary>
internal static class AdvisoriesImportNvdCommand
{
    /// <summary>How many warning or error lines are printed before "… and N more".</summary>
    private const int MaxLines = 20;

    public static Command Build(CliEnvironment env)
    {
        var inputs = new Argument<string[]>("INPUT")
        {
            Description = "NVD CVE API 2.0 JSON: an API response (vulnerabilities[]), a per-CVE record file, a directory of them (walked for *.json), or - for standard input.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out", "-o")
        {
            Description = "Directory to write one draft per CVE into, as <CVE-ID>.yaml (created when missing). A file there that is not a draft is left as is.",
            Required = true,
        };
        var command = new Command("nvd", "Draft one advisory per NVD CVE record (status: draft), from its CPE configurations; review the drafts, then use them with --advisories.")
        {
            inputs, output,
        };
        command.SetAction(parse => VulnTriageCli.Guard(env, () => Run(env, parse.GetValue(inputs) ?? [], parse.GetRequiredValue(output))));
        return command;
    }

    private static int Run(CliEnvironment env, IReadOnlyList<string> inputs, string outDir)
    {
        if (inputs.Count(i => i == "-") > 1)
        {
            throw new UsageException("standard input (-) can be read only once");
        }

        try
        {
            Directory.CreateDirectory(outDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(new Diagnostic(NvdDiagnosticCodes.Unreadable, DiagnosticSeverity.Error, new SourceLocation(outDir), "cannot create the output directory: " + e.Message));
        }

        var warnings = new List<Diagnostic>();
        var readWarnings = new List<Diagnostic>();
        var errors = new List<Diagnostic>();

        // Only the revision of each CVE written is kept: a record is let go once its draft is on disk.
        var revisions = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        int drafts = 0, unanalysed = 0, unmapped = 0;

        // Records are read one after another (the reader streams); drafts are built on every core, and written here, in
        // input order. Each worker has its own identification cache (the cache is a plain memo, not thread-safe).
        using var caches = new ThreadLocal<IdentificationCache>(() => new IdentificationCache());
        // NoBuffering: a worker takes one record at a time (a chunk of parsed Downfall records would hold hundreds of MB).
        var records = NvdInputs.Read(inputs, env, d => { lock (readWarnings) { readWarnings.Add(d); } }, errors, CancellationToken.None);
        var pipeline = System.Collections.Concurrent.Partitioner.Create(records, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering)
            .AsParallel().AsOrdered().WithDegreeOfParallelism(Math.Max(1, Environment.ProcessorCount)).WithMergeOptions(ParallelMergeOptions.NotBuffered)
            .Select(x => (
                // Only what the writer needs travels on: the parsed record is let go as soon as its draft is built.
                Record: x.Record with { Configurations = [], Descriptions = [], Metrics = [], References = [] },
                Draft: NvdDraftBuilder.Build(x.Record, caches.Value!)));
        foreach (var (record, draft) in pipeline)
        {
            var again = revisions.ContainsKey(record.Id);
            if (!NvdInputs.Keep(revisions, record, warnings.Add))
            {
                continue;
            }

            // The id is a CVE id (the reader checks ^CVE-[0-9]{4}-[0-9]{4,}$), so it is a safe file name.
            var path = Path.Combine(outDir, record.Id + ".yaml");
            if (!again && File.Exists(path) && !IsDraft(path))
            {
                warnings.Add(new Diagnostic(NvdDiagnosticCodes.Duplicate, DiagnosticSeverity.Warning, new SourceLocation(path),
                    $"{record.Id}: the file exists and is not a draft (status: draft); left as is"));
                continue;
            }

            AtomicFile.Write(path, stream => stream.Write(new UTF8Encoding(false).GetBytes(draft.Yaml)), flushToDisk: false);
            warnings.AddRange(draft.Diagnostics);
            if (!again)
            {
                drafts++;
                unanalysed += draft.Summary.Configurations == 0 ? 1 : 0;
                unmapped += draft.Summary.Unmapped > 0 ? 1 : 0;
            }

            env.Out.WriteLine($"{record.Id}: {VulnTriageCli.OneLine(path)} ({NvdInputs.Describe(draft.Summary)}{(draft.Summary.Configurations == 0 ? "; not analysed by NVD: every host unknown" : "")})");
        }

        Print(env, [.. readWarnings, .. warnings]);
        Print(env, errors);
        env.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{drafts} draft(s) written to {VulnTriageCli.OneLine(outDir)}: {unanalysed} not analysed by NVD, {unmapped} with criteria that could not be mapped (listed under source.unmapped). Review them, then: vulntriage advisories verify --advisories {VulnTriageCli.OneLine(outDir)}"));
        if (errors.Count > 0)
        {
            return ExitCodes.InputError;
        }

        if (drafts == 0)
        {
            env.Error.WriteLine("vulntriage: no draft was written");
            return ExitCodes.InputError;
        }

        return ExitCodes.Ok;
    }

    // A draft the importer wrote (or one still marked draft) may be replaced; a reviewed file never is.
    private static bool IsDraft(string path)
    {
        try
        {
            return File.ReadLines(path).Take(64).Any(l => l.TrimEnd() == "status: draft");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void Print(CliEnvironment env, List<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics.Take(MaxLines))
        {
            env.Error.WriteLine($"vulntriage: {VulnTriageCli.OneLine(d.ToString())}");
        }

        if (diagnostics.Count > MaxLines)
        {
            env.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"vulntriage: … and {diagnostics.Count - MaxLines} more"));
        }
    }
}
