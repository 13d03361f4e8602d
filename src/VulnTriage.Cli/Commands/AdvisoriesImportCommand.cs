using System.CommandLine;
using System.Text;
using VulnTriage.Advisories.IntelTable;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Inventory.IO;

namespace VulnTriage.Cli.Commands;

/// <summary>
/// <c>vulntriage advisories import intel-table CSV [--out DIR] [--revision LABEL]</c>: a new revision of Intel's
/// affected-processor table becomes a data update (docs/advisory-format.md, "Intel's table and generated blocks").
/// </summary>
internal static class AdvisoriesImportCommand
{
    private const int MaxAdvisoryBytes = 1 << 20;

    public static Command Build(CliEnvironment env)
    {
        var import = new Command("import", "Import vendor data into advisory files: Intel's affected-processor table updates the curated advisories; NVD records become drafts (status: draft) to review, then use with --advisories.");

        var csv = new Argument<string>("CSV") { Description = "Intel's affected-processor table (Intel_affected_processor_list.csv), any revision." };
        var outDir = new Option<string>("--out")
        {
            Description = "The directory of Intel advisories to update and to write drafts into (default: advisories/intel).",
            DefaultValueFactory = _ => Path.Combine("advisories", "intel"),
        };
        var drafts = new Option<string?>("--drafts") { Description = "Where to write the draft advisories (default: a drafts folder inside --out, which is not embedded: review a draft, then move it up)." };
        var revision = new Option<string?>("--revision") { Description = "A label for this revision of the table (e.g. \"IPU 26.1\"), written into rule titles; default: the file name." };
        var table = new Command("intel-table", "Update the signature sets of the Intel advisories from Intel's affected-processor table, and write a draft advisory for every column no advisory claims.")
        {
            csv, outDir, drafts, revision,
        };
        table.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var path = parse.GetRequiredValue(csv);
            var dir = parse.GetValue(outDir) ?? Path.Combine("advisories", "intel");
            if (!Directory.Exists(dir))
            {
                throw new UsageException($"--out {VulnTriageCli.OneLine(dir)}: no such directory");
            }

            var parsed = ReadTable(path);
            foreach (var w in parsed.Warnings)
            {
                env.Error.WriteLine($"vulntriage: {VulnTriageCli.OneLine(w.ToString())}");
            }

            var retiredPath = Path.Combine(dir, IntelTableImporter.RetiredFileName);
            var retired = File.Exists(retiredPath) ? ReadTable(retiredPath) : null;
            var existing = Directory.EnumerateFiles(dir)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || Path.GetFileName(f) == IntelTableImporter.RetiredFileName)
                .Order(StringComparer.Ordinal)
                .Select(f => (Path.GetFileName(f), ReadText(f)))
                .ToList();
            var label = parse.GetValue(revision) is { Length: > 0 } r ? r : Path.GetFileName(path);
            var today = DateOnly.FromDateTime(env.Clock.GetUtcNow().UtcDateTime);
            var result = IntelTableImporter.Import(parsed, retired, existing, label, today);

            var draftDir = parse.GetValue(drafts) is { Length: > 0 } d ? d : Path.Combine(dir, "drafts");
            if (result.Files.Any(f => f.Kind == ImportFileKind.Draft))
            {
                Directory.CreateDirectory(draftDir);
            }

            foreach (var file in result.Files)
            {
                var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(file.Text);
                AtomicFile.Write(Path.Combine(file.Kind == ImportFileKind.Draft ? draftDir : dir, file.Name), s => s.Write(bytes));
            }

            foreach (var message in result.Messages)
            {
                env.Out.WriteLine(VulnTriageCli.OneLine(message));
            }

            env.Out.WriteLine($"{result.Files.Count(f => f.Kind == ImportFileKind.Updated)} advisories updated, {result.Files.Count(f => f.Kind == ImportFileKind.Draft)} drafts written in {VulnTriageCli.OneLine(draftDir)}; check them with 'vulntriage advisories verify --advisories {VulnTriageCli.OneLine(draftDir)}'");
            return ExitCodes.Ok;
        }));

        import.Add(table);
        import.Add(AdvisoriesImportNvdCommand.Build(env));
        return import;
    }

    private static IntelAffectedTable ReadTable(string path)
    {
        // Streamed record by record: the reader caps a record's length and the number of rows, so memory stays bounded.
        var outcome = SafeFile.TryOpenRegular(path, out var stream, out var problem);
        if (outcome != SafeFileOutcome.Ok)
        {
            throw new InputException(new Diagnostic(DiagnosticCodes.IntelTableNotCsv, DiagnosticSeverity.Error, new SourceLocation(path), problem ?? "cannot read the table"));
        }

        using (stream)
        {
            using var reader = new StreamReader(stream!, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            try
            {
                return IntelTableReader.Read(reader, path);
            }
            catch (DecoderFallbackException)
            {
                throw new InputException(new Diagnostic(DiagnosticCodes.IntelTableNotCsv, DiagnosticSeverity.Error, new SourceLocation(path), "not UTF-8 text: not a CSV file"));
            }
        }
    }

    private static string ReadText(string path)
    {
        var outcome = SafeFile.TryReadAllBytes(path, MaxAdvisoryBytes, out var bytes, out var problem);
        return outcome == SafeFileOutcome.Ok
            ? Encoding.UTF8.GetString(bytes)
            : throw new InputException(new Diagnostic(DiagnosticCodes.AdvisoryDirectoryUnreadable, DiagnosticSeverity.Error, new SourceLocation(path), problem ?? "cannot read"));
    }
}
