using System.CommandLine;
using VulnTriage.Advisories;
using VulnTriage.Cli.Application;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Inventory.Facts;
using VulnTriage.Reports;
using VulnTriage.Storage;

namespace VulnTriage.Cli.Commands;

/// <summary><c>vulntriage triage &lt;ADVISORY-ID&gt;... --inventory FILE|-</c>: the main job.</summary>
internal static class TriageCommand
{
    public static Command Build(CliEnvironment env, CancellationToken cancellationToken)
    {
        var ids = new Argument<string[]>("ADVISORY-ID") { Description = "One or more advisory ids (or CVE ids they carry), e.g. INTEL-SA-00086; or none with --all.", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Every advisory: the embedded ones and those of --advisories DIR. The inventory is read once for all of them." };
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
        var save = new Option<bool>("--save") { Description = "Store this run (every finding's verdict, stage and evidence) in the state database, for `vulntriage diff` and the progress table." };
        var detail = new Option<string>("--detail") { Description = "Markdown/HTML layout: auto (every host when the fleet has at most 50 hosts, groups of hosts otherwise), summary (groups) or full (every host with its evidence).", DefaultValueFactory = _ => "auto" };
        detail.AcceptOnlyFromAmong("auto", "summary", "full");
        var maxHosts = new Option<int>("--max-hosts-per-group") { Description = "Hosts named per group in the grouped layout; the rest are counted (CSV and JSON list every host).", DefaultValueFactory = _ => 10 };
        maxHosts.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 100_000)
            {
                r.AddError("--max-hosts-per-group: must be between 0 and 100000");
            }
        });
        var nvd = new Option<string[]>("--nvd")
        {
            Description = "NVD CVE API 2.0 JSON (a file, a directory of them, or -): each record is drafted in memory as `advisories import nvd` would write it, and is named by its CVE id. Name the advisory ids (or --all) before --nvd.",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress line and no summary line on stderr (they are shown only when stderr is a terminal anyway)." };

        var command = new Command("triage", "Give every host in the inventory a verdict with evidence for each advisory, and write the conclusion-first report.")
        {
            ids, all, inventory, map, facts, format, lang, groupBy, detail, maxHosts, failOn, advisoriesDir, output, db, save, nvd, quiet,
        };
        var mackerel = MackerelOptions.AddTo(command);

        command.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var timer = new PhaseTimer(env);
            var requested = parse.GetValue(ids) ?? [];
            var everything = parse.GetValue(all);
            if (everything == (requested.Length > 0))
            {
                throw new UsageException(everything
                    ? "name advisories or pass --all, not both"
                    : "name at least one advisory (e.g. triage INTEL-SA-00086) or pass --all");
            }

            // Drafts from NVD records, built in memory; what could not be mapped is warned about here and in the report.
            var diagnostics = new List<Diagnostic>();
            IReadOnlyList<Core.Advisories.Advisory> drafts = [];
            if (parse.GetValue(nvd) is { Length: > 0 } records)
            {
                if (records.Contains("-") && (parse.GetValue(inventory) ?? []).Contains("-"))
                {
                    throw new UsageException("--nvd - and --inventory - both read standard input; give one of them a file");
                }

                var warnings = new List<Diagnostic>();
                drafts = [.. NvdInputs.Drafts(records, env, warnings, cancellationToken)];
                foreach (var w in warnings.Take(20))
                {
                    env.Error.WriteLine($"vulntriage: {VulnTriageCli.OneLine(w.ToString())}");
                }

                diagnostics.AddRange(warnings);
            }

            // Only the advisories asked for are loaded (in parallel); --all loads every one. Loading runs beside opening
            // and reading the inventory (the first hosts are parsed meanwhile); a problem with the advisories (an
            // unknown id: exit 2) is still reported before any problem with the inventory, as when loading came first.
            var advisoriesDirectory = parse.GetValue(advisoriesDir);
            var loading = Task.Run(() =>
            {
                var catalog = AdvisoryCatalog.LoadFor(requested, advisoriesDirectory, all: everything);
                if (drafts.Count > 0)
                {
                    catalog = catalog.With(drafts);
                }

                return everything ? catalog.Advisories : CommonOptions.Resolve(catalog, requested);
            }, cancellationToken);
            var progress = env.ErrorIsTerminal && !parse.GetValue(quiet);
            FactsDirectory? factsDir;
            OpenedInventory opened;
            try
            {
                factsDir = parse.GetValue(facts) is { } dir ? FactsDirectory.Load(dir, diagnostics.Add) : null;
                opened = MackerelInventory.Open(parse, parse.GetRequiredValue(inventory), parse.GetValue(map) ?? [], mackerel, env, forTriage: true, includeRetired: false, diagnostics.Add, cancellationToken, progress);
            }
            catch (Exception)
            {
                TriageService.ThrowIfAdvisoriesFailed(loading);
                throw;
            }

            using var _ = opened;
            var started = TimeProvider.System.GetTimestamp();
            var reading = progress && !opened.ShowsProgress
                ? opened.Reading with { Entries = ProgressLine.Wrap(opened.Reading.Entries, env.Error, TimeProvider.System, "reading the inventory") }
                : opened.Reading;
            var report = TriageService.Run(loading, opened.Name, reading, factsDir, diagnostics, env.Clock, cancellationToken, () => timer.Mark("advisories (beside reading)"));
            var advisories = report.Advisories;
            timer.Mark("read+evaluate");

            // Recorded decisions apply when the state database exists (--db, or the default location); --save creates it.
            // Without --save the database is only read: opened read-only, never migrated or switched to WAL.
            var location = parse.GetValue(db) is { } explicitDb ? StateOptions.Resolve(explicitDb, env) : StateOptions.TryResolveDefault(env);
            if (location is not null && parse.GetValue(save))
            {
                using var state = StateOptions.Open(location, env);
                report = DecisionState.Apply(report, state, save: true, env.IdGenerator);
            }
            else if (location is not null && StateStores.Exists(location))
            {
                using var state = StateOptions.OpenReadOnly(location);
                report = DecisionState.Apply(report, state, save: false, env.IdGenerator);
            }
            else if (location is not null && parse.GetValue(db) is not null)
            {
                env.Error.WriteLine($"vulntriage: note: {VulnTriageCli.OneLine(location.Display)} does not exist yet; no recorded decisions were applied");
            }
            else if (parse.GetValue(save))
            {
                throw new UsageException("--save: no state database location: pass --db FILE|URL (neither XDG_DATA_HOME nor HOME is set)");
            }

            var writer = ReportWriters.Create(CommonOptions.ReportFormat(parse, format, output));
            var groupByText = parse.GetValue(groupBy) ?? "service";
            var labelKey = ParseLabelKey(groupByText);
            var options = new ReportOptions(parse.GetValue(lang) ?? "en", labelKey is not null ? GroupBy.Label : groupByText switch
            {
                "role" => GroupBy.Role,
                "none" => GroupBy.None,
                _ => GroupBy.Service,
            }, labelKey, parse.GetValue(detail) switch
            {
                "summary" => ReportDetail.Summary,
                "full" => ReportDetail.Full,
                _ => ReportDetail.Auto,
            }, parse.GetValue(maxHosts));
            timer.Mark("decisions");
            CommonOptions.WriteOutput(parse.GetValue(output), env, w => writer.Write(report, options, w));
            timer.Mark("write");
            timer.Report(env.Error);

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

            if (progress)
            {
                env.Error.WriteLine("vulntriage: " + VulnTriageCli.OneLine(ProgressLine.Summary(report, TimeProvider.System.GetElapsedTime(started))));
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
        // Every evaluated host has at least one finding (one per advisory): no finding means no host, and no finding with
        // processors means no host with CPU facts.
        var source = new SourceLocation(report.Inventory.Source == "-" ? "(standard input)" : report.Inventory.Source);
        if (report.Findings.IsEmpty)
        {
            var retired = report.Inventory.RetiredExcluded > 0
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" ({report.Inventory.RetiredExcluded} retired hosts were left out)")
                : "";
            return new Diagnostic(DiagnosticCodes.InventoryEmpty, DiagnosticSeverity.Warning, source,
                $"the inventory has no host to triage{retired}; nothing was evaluated (with mkr: `mkr hosts -v --status working --status standby --status maintenance --status poweroff`)");
        }

        if (report.Findings.All(f => f.Host.Processors.IsDefaultOrEmpty))
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
