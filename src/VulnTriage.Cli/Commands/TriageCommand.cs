using System.CommandLine;
using VulnTriage.Advisories;
using VulnTriage.Cli.Application;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Inventory.Facts;
using VulnTriage.Reports;

namespace VulnTriage.Cli.Commands;

/// <summary><c>vulntriage triage &lt;ADVISORY-ID&gt;... --inventory FILE|-</c>: the main job.</summary>
internal static class TriageCommand
{
    public static Command Build(CliEnvironment env, CancellationToken cancellationToken)
    {
        var ids = new Argument<string[]>("ADVISORY-ID") { Description = "One or more advisory ids, e.g. INTEL-SA-00086.", Arity = ArgumentArity.OneOrMore };
        var inventory = CommonOptions.Inventory();
        var map = CommonOptions.CsvMap();
        var facts = new Option<string?>("--facts") { Description = "Directory of per-host facts files named <host name>.json or <host id>.json (firmware versions; `vulntriage probe` output)." };
        var format = new Option<string>("--format", "-f") { Description = "Report format (md is markdown). Default: from the --out file's extension (.html, .json, .csv, .md), else markdown." };
        format.AcceptOnlyFromAmong("markdown", "md", "json", "csv", "html");
        var lang = new Option<string>("--lang") { Description = "Report language.", DefaultValueFactory = _ => "en" };
        lang.AcceptOnlyFromAmong("en", "ja");
        var groupBy = new Option<string>("--group-by") { Description = "Group hosts that need action by Mackerel service, service:role, a host label (label:KEY, e.g. label:team), or not at all.", DefaultValueFactory = _ => "service" };
        groupBy.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is not ("service" or "role" or "none") && ParseLabelKey(r.GetValueOrDefault<string>()) is null)
            {
                r.AddError($"--group-by: '{r.GetValueOrDefault<string>()}' is not service, role, none or label:KEY");
            }
        });
        var failOn = new Option<string>("--fail-on") { Description = "Exit 1 when any finding is at or above this verdict (affected > needs_confirmation > unknown).", DefaultValueFactory = _ => "needs_confirmation" };
        failOn.AcceptOnlyFromAmong("affected", "needs_confirmation", "unknown");
        var advisoriesDir = CommonOptions.AdvisoriesDirectory();
        var output = CommonOptions.OutFile();
        var db = StateOptions.Db();
        var save = new Option<bool>("--save") { Description = "Store this run (every finding's verdict, stage and clauses) in the state database, for `vulntriage diff` and the progress table." };
        var nvd = new Option<string[]>("--nvd")
        {
            Description = "NVD CVE API 2.0 JSON (a file, a directory of them, or -): each record is drafted in memory as `advisories import nvd` would write it, and is named by its CVE id. Name the advisory ids before --nvd.",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };

        var command = new Command("triage", "Give every host in the inventory a verdict with evidence for each advisory, and write the conclusion-first report.")
        {
            ids, inventory, map, facts, format, lang, groupBy, failOn, advisoriesDir, output, db, save, nvd,
        };
        var mackerel = MackerelOptions.AddTo(command);

        command.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var catalog = AdvisoryCatalog.Load(parse.GetValue(advisoriesDir));
            var diagnostics = new List<Diagnostic>();
            if (parse.GetValue(nvd) is { Length: > 0 } records)
            {
                // Drafts from NVD records, built in memory; what could not be mapped is warned about here and in the report.
                if (records.Contains("-") && (parse.GetValue(inventory) ?? []).Contains("-"))
                {
                    throw new UsageException("--nvd - and --inventory - both read standard input; give one of them a file");
                }

                var warnings = new List<Diagnostic>();
                catalog = catalog.With(NvdInputs.Drafts(records, env, warnings, cancellationToken));
                foreach (var w in warnings.Take(20))
                {
                    env.Error.WriteLine($"vulntriage: {VulnTriageCli.OneLine(w.ToString())}");
                }

                diagnostics.AddRange(warnings);
            }

            var advisories = CommonOptions.Resolve(catalog, parse.GetValue(ids) ?? []);
            var factsDir = parse.GetValue(facts) is { } dir ? FactsDirectory.Load(dir, diagnostics.Add) : null;
            using var opened = MackerelInventory.Open(parse, parse.GetRequiredValue(inventory), parse.GetValue(map) ?? [], mackerel, env, forTriage: true, includeRetired: false, diagnostics.Add, cancellationToken);

            var report = TriageService.Run(advisories, opened.Name, opened.Reading, factsDir, diagnostics, env.Clock, cancellationToken);

            // Recorded decisions apply when the state database exists (--db, or the default location); --save creates it.
            // Without --save the database is only read: opened read-only, never migrated or switched to WAL.
            var statePath = parse.GetValue(db) is { } explicitDb ? StateOptions.Resolve(explicitDb, env) : StateOptions.TryResolveDefault(env);
            if (statePath is not null && parse.GetValue(save))
            {
                using var state = StateOptions.Open(statePath, env);
                report = DecisionState.Apply(report, state, save: true, env.IdGenerator);
            }
            else if (statePath is not null && parse.GetValue(db) is not null && !File.Exists(statePath))
            {
                env.Error.WriteLine($"vulntriage: note: {VulnTriageCli.OneLine(statePath)} does not exist yet; no recorded decisions were applied");
            }
            else if (statePath is not null && File.Exists(statePath))
            {
                using var state = StateOptions.OpenReadOnly(statePath);
                report = DecisionState.Apply(report, state, save: false, env.IdGenerator);
            }
            else if (parse.GetValue(save))
            {
                throw new UsageException("--save: no state database location: pass --db FILE (neither XDG_DATA_HOME nor HOME is set)");
            }

            var writer = ReportWriters.Create(CommonOptions.ReportFormat(parse, format, output));
            var groupByText = parse.GetValue(groupBy) ?? "service";
            var labelKey = ParseLabelKey(groupByText);
            var options = new ReportOptions(parse.GetValue(lang) ?? "en", labelKey is not null ? GroupBy.Label : groupByText switch
            {
                "role" => GroupBy.Role,
                "none" => GroupBy.None,
                _ => GroupBy.Service,
            }, labelKey);
            CommonOptions.WriteOutput(parse.GetValue(output), env, w => writer.Write(report, options, w));

            // Said on stderr too: a warning only inside the report is read by nobody in a pipeline.
            foreach (var d in report.Diagnostics.Where(d => d.Code is DiagnosticCodes.FactsUnmatched or DiagnosticCodes.InventoryDuplicateHostId))
            {
                env.Error.WriteLine($"vulntriage: {VulnTriageCli.OneLine(d.ToString())}");
            }

            if (NothingToTriage(report) is { } nothing)
            {
                env.Error.WriteLine($"vulntriage: {VulnTriageCli.OneLine(nothing.ToString())}");
                return ExitCodes.InputError;
            }

            if (!Verdicts.TryParse(parse.GetValue(failOn), out var threshold))
            {
                throw new UsageException($"--fail-on: unknown verdict '{parse.GetValue(failOn)}'");
            }

            return report.Findings.Any(f => f.Verdict.FailRank() <= threshold.FailRank()) ? ExitCodes.FindingsAtThreshold : ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// An inventory with no host, or whose hosts carry no CPU facts at all (<c>mkr hosts</c> without <c>-v</c> has no
    /// <c>meta</c>), cannot be triaged: every host would be "unknown" and cloud hosts would look on-premises. The report
    /// is still written; the run says so and exits 3.
    /// </summary>
    internal static Diagnostic? NothingToTriage(Core.Reporting.TriageReport report)
    {
        var hosts = report.Findings.Select(f => f.Host).DistinctBy(h => h.Id).ToList();
        var source = new SourceLocation(report.Inventory.Source == "-" ? "(standard input)" : report.Inventory.Source);
        if (hosts.Count == 0)
        {
            var retired = report.Inventory.RetiredExcluded > 0
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" ({report.Inventory.RetiredExcluded} retired hosts were left out)")
                : "";
            return new Diagnostic(DiagnosticCodes.InventoryEmpty, DiagnosticSeverity.Warning, source,
                $"the inventory has no host to triage{retired}; nothing was evaluated (with mkr: `mkr hosts -v --status working --status standby --status maintenance --status poweroff`)");
        }

        if (hosts.All(h => h.Processors.IsDefaultOrEmpty))
        {
            return new Diagnostic(DiagnosticCodes.InventoryWithoutCpuFacts, DiagnosticSeverity.Warning, source,
                "no host in the inventory has CPU facts (meta.cpu), so no host can be triaged and cloud hosts cannot be told from on-premises ones; was it made with `mkr hosts` without -v? Use `mkr hosts -v`");
        }

        return null;
    }

    /// <summary>The key of <c>label:KEY</c>, or <c>null</c>.</summary>
    internal static string? ParseLabelKey(string? groupBy) =>
        groupBy is not null && groupBy.StartsWith("label:", StringComparison.Ordinal) && groupBy.Length > "label:".Length && !string.IsNullOrWhiteSpace(groupBy["label:".Length..])
            ? groupBy["label:".Length..].Trim()
            : null;
}
