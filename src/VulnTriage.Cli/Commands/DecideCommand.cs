using System.CommandLine;
using System.Globalization;
using VulnTriage.Advisories;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;

namespace VulnTriage.Cli.Commands;

/// <summary>
/// <c>vulntriage decide &lt;ADVISORY-ID&gt; --verdict V --justification TEXT --author NAME (--host|--cpu|--platform|--service|--role|--label X)</c>:
/// records a human decision in the state database. Prints the new decision's id.
/// </summary>
internal static class DecideCommand
{
    public static Command Build(CliEnvironment env)
    {
        var id = new Argument<string>("ADVISORY-ID") { Description = "The advisory the decision is about, e.g. INTEL-SA-00086." };
        var verdict = new Option<string>("--verdict") { Description = "The human verdict.", Required = true };
        verdict.AcceptOnlyFromAmong([.. DecisionVocabulary.DecisionVerdicts.Select(v => v.ToWire())]);
        var justification = new Option<string>("--justification") { Description = "Why, in your words (kept with the decision and shown as evidence).", Required = true };
        var vex = new Option<string?>("--vex-justification") { Description = "OpenVEX justification, for not_affected decisions." };
        vex.AcceptOnlyFromAmong([.. DecisionVocabulary.VexJustifications.Select(j => j.ToWire())]);
        var evidence = new Option<string?>("--evidence") { Description = "URL of the evidence (vendor page, ticket)." };
        var author = new Option<string>("--author") { Description = "Who decides.", Required = true };
        var host = new Option<string?>("--host") { Description = "One host, by name or Mackerel host id." };
        var cpu = new Option<string?>("--cpu") { Description = "Every host with this processor: brand string or identified model, e.g. \"Xeon Gold 6130\"." };
        var platform = new Option<string?>("--platform") { Description = "Every host of this DMI platform: \"vendor/product\", a vendor, or a product, e.g. \"Dell Inc./PowerEdge R740\"." };
        var service = new Option<string?>("--service") { Description = "Every host in this Mackerel service." };
        var role = new Option<string?>("--role") { Description = "Every host in this Mackerel role, as service:role." };
        var allVerdicts = new Option<bool>("--all-verdicts") { Description = "With --cpu, --platform, --service, --role or --label: apply to every matching host. By default a selector decision applies only to hosts whose machine verdict needs action (affected, needs_confirmation, unknown)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the hosts the selector matches (in the last saved run, or --inventory) without recording anything." };
        var previewInventory = new Option<string?>("--inventory", "-i") { Description = "Preview the selector against this inventory (a `mkr hosts -v` file or -) instead of the last saved run." };
        var previewFacts = new Option<string?>("--facts") { Description = "With --inventory: the facts directory, for the machine verdicts." };
        var label = new Option<string?>("--label") { Description = "Every host carrying this label, as KEY=VALUE (osquery decoration, Ansible group, CSV label column), e.g. team=payments-sre." };
        var db = StateOptions.Db();
        var advisoriesDir = CommonOptions.AdvisoriesDirectory();

        var command = new Command("decide", "Record a human decision (verdict, justification, evidence, author) for one host or every host matching a selector; later triage runs apply it. Shows the hosts the selector matches first.")
        {
            id, verdict, justification, vex, evidence, author, host, cpu, platform, service, role, label, allVerdicts, dryRun, previewInventory, previewFacts, db, advisoriesDir,
        };

        command.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var catalog = AdvisoryCatalog.Load(parse.GetValue(advisoriesDir));
            var advisory = CommonOptions.Resolve(catalog, [parse.GetRequiredValue(id)])[0];

            var selectors = new (SelectorKind Kind, string? Value)[]
            {
                (SelectorKind.Host, parse.GetValue(host)),
                (SelectorKind.Cpu, parse.GetValue(cpu)),
                (SelectorKind.Platform, parse.GetValue(platform)),
                (SelectorKind.Service, parse.GetValue(service)),
                (SelectorKind.Role, parse.GetValue(role)),
                (SelectorKind.Label, parse.GetValue(label)),
            }.Where(s => s.Value is not null).ToList();
            if (selectors.Count != 1)
            {
                throw new UsageException("give exactly one of --host, --cpu, --platform, --service, --role, --label");
            }

            var (kind, value) = selectors[0];
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new UsageException($"--{kind.ToWire()}: the value is empty");
            }

            if (kind == SelectorKind.Role && value.IndexOf(':', StringComparison.Ordinal) <= 0)
            {
                throw new UsageException("--role: write the role as service:role");
            }

            if (kind == SelectorKind.Label && (value.IndexOf('=', StringComparison.Ordinal) is var eq && (eq <= 0 || eq == value.Trim().Length - 1)))
            {
                throw new UsageException("--label: write the label as KEY=VALUE, e.g. team=payments-sre");
            }

            if (!DecisionVocabulary.TryParseDecisionVerdict(parse.GetValue(verdict), out var v))
            {
                throw new UsageException($"--verdict: unknown verdict '{parse.GetValue(verdict)}'");
            }

            VexJustification? vexJustification = null;
            if (parse.GetValue(vex) is { } vexText)
            {
                if (v != Verdict.NotAffected)
                {
                    throw new UsageException("--vex-justification applies only to --verdict not_affected");
                }

                vexJustification = DecisionVocabulary.TryParseVexJustification(vexText, out var j) ? j : throw new UsageException($"--vex-justification: unknown '{vexText}'");
            }

            var url = parse.GetValue(evidence);
            if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            {
                throw new UsageException($"--evidence: not an http(s) URL: '{url}'");
            }

            var text = parse.GetRequiredValue(justification).Trim();
            var who = parse.GetRequiredValue(author).Trim();
            if (text.Length == 0 || who.Length == 0)
            {
                throw new UsageException("--justification and --author must not be empty");
            }

            if (parse.GetValue(allVerdicts) && kind == SelectorKind.Host)
            {
                throw new UsageException("--all-verdicts applies to --cpu, --platform, --service and --role (a --host decision always applies to its host)");
            }

            var location = StateOptions.Resolve(parse.GetValue(db), env);
            var decision = new Decision(
                parse.GetValue(dryRun) ? "(dry run)" : env.IdGenerator.NewId("d"),
                advisory.Id,
                new DecisionSelector(kind, value.Trim()),
                v,
                vexJustification,
                text,
                url,
                who,
                env.Clock.GetUtcNow(),
                AllVerdicts: parse.GetValue(allVerdicts));

            // A decision to record opens (creates, migrates) the store first and previews against it: several `decide`
            // processes starting on one new database then never read a file another one is still creating.
            using var writable = parse.GetValue(dryRun) ? null : StateOptions.Open(location, env);
            var preview = DecisionPreview.Describe(decision, advisory, location, parse.GetValue(previewInventory), parse.GetValue(previewFacts), env, writable);
            if (parse.GetValue(dryRun))
            {
                if (preview is null)
                {
                    throw new UsageException("--dry-run: nothing to preview against: save a run first (`vulntriage triage " + advisory.Id + " --inventory FILE --save`) or pass --inventory FILE");
                }

                foreach (var line in preview)
                {
                    env.Out.WriteLine(line);
                }

                env.Out.WriteLine("(dry run: nothing was recorded)");
                env.Out.Flush();
                return ExitCodes.Ok;
            }

            foreach (var line in preview ?? ["vulntriage: no saved run to preview the selector against (pass --inventory FILE, or save a run with `triage --save`)"])
            {
                env.Error.WriteLine(line.StartsWith("vulntriage:", StringComparison.Ordinal) ? line : "vulntriage: " + line);
            }

            var state = writable!;
            state.AddDecision(decision);
            env.Out.WriteLine(decision.Id);
            env.Out.Flush();
            env.Error.WriteLine($"vulntriage: recorded {decision.Id}: {advisory.Id} {v.ToWire()} for {VulnTriageCli.OneLine(decision.Selector.ToString())} in {VulnTriageCli.OneLine(state.Location)}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}

/// <summary>Which hosts a decision's selector matches, in the last saved run of its advisory or in an inventory.</summary>
internal static class DecisionPreview
{
    private const int MaxListed = 20;

    /// <summary>The preview lines, or <c>null</c> when there is nothing to preview against.</summary>
    public static IReadOnlyList<string>? Describe(Decision decision, Core.Advisories.Advisory advisory, Storage.StateLocation location, string? inventory, string? facts, CliEnvironment env, Storage.IStateStore? open = null)
    {
        List<(SelectorTarget Target, Verdict Verdict)> targets;
        string where;
        if (inventory is not null)
        {
            var diagnostics = new List<Core.Diagnostics.Diagnostic>();
            var factsDir = facts is null ? null : Inventory.Facts.FactsDirectory.Load(facts, diagnostics.Add);
            var spec = Inventory.Sources.InventorySpec.Parse(inventory) ?? throw new UsageException($"--inventory: '{inventory}' is not an inventory");
            if (spec.Kind == Inventory.Sources.InventoryKind.MackerelApi)
            {
                throw new UsageException("decide --inventory previews against an inventory file, a folder or - (the live API is not read here; save a triage run with --save instead)");
            }

            var source = Inventory.Sources.InventoryOpener.Create(spec, new Inventory.Sources.InventoryOpenOptions(Inventory.Csv.CsvColumnMap.Default, env.OpenStandardInput));
            var report = Application.TriageService.Run([advisory], source.Name, source.Open(diagnostics.Add, CancellationToken.None), factsDir, diagnostics, env.Clock, CancellationToken.None);
            targets = [.. report.Findings.Select(f => (SelectorTarget.From(f), f.Machine?.Verdict ?? f.Verdict))];
            where = $"in {(inventory == "-" ? "standard input" : inventory)}";
        }
        else
        {
            if (open is null && !Storage.StateStores.Exists(location))
            {
                return null;
            }

            using var readOnly = open is null ? StateOptions.OpenReadOnly(location) : null;
            var state = open ?? readOnly!;
            var runs = state.RunIds(advisory.Id);
            if (runs.IsEmpty || state.LoadRun(runs[^1]) is not { } run)
            {
                return null;
            }

            targets = [.. run.Findings
                .Where(f => string.Equals(f.AdvisoryId, advisory.Id, StringComparison.Ordinal))
                .Select(f => (f.Target ?? new SelectorTarget(f.HostId, f.HostName, [], null, null, [], []), f.Machine?.Verdict ?? f.Verdict))];
            where = string.Create(CultureInfo.InvariantCulture, $"in the last saved run {run.Id} ({run.SavedAt.ToUniversalTime():yyyy-MM-dd HH:mm} UTC)");
        }

        var matches = DecisionApplier.Preview(decision, targets);
        var applies = matches.Where(m => m.Applies).ToList();
        var skipped = matches.Where(m => !m.Applies).ToList();
        var lines = new List<string>
        {
            $"{VulnTriageCli.OneLine(decision.Selector.ToString())} matches {Hosts(matches.Length)} {VulnTriageCli.OneLine(where)}: {decision.Verdict.ToWire()} for {Hosts(applies.Count)}"
                + (skipped.Count == 0 ? "" : $"; {Hosts(skipped.Count)} keep their machine verdict ({string.Join(", ", skipped.Select(m => m.MachineVerdict.ToWire()).Distinct())}; --all-verdicts to include them)"),
        };
        foreach (var (target, machine, apply) in matches.OrderBy(m => m.Applies ? 0 : 1).ThenBy(m => m.Target.HostName, StringComparer.Ordinal).Take(MaxListed))
        {
            lines.Add($"  {(apply ? "decide" : "keep  ")}  {VulnTriageCli.OneLine(target.HostName)} ({machine.ToWire()})");
        }

        if (matches.Length > MaxListed)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  … and {matches.Length - MaxListed} more"));
        }

        return lines;
    }

    private static string Hosts(int n) => n == 1 ? "1 host" : string.Create(CultureInfo.InvariantCulture, $"{n} hosts");
}
