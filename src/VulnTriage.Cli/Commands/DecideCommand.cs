using System.CommandLine;
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
        var label = new Option<string?>("--label") { Description = "Every host carrying this label, as KEY=VALUE (osquery decoration, Ansible group, CSV label column), e.g. team=payments-sre." };
        var db = StateOptions.Db();
        var advisoriesDir = CommonOptions.AdvisoriesDirectory();

        var command = new Command("decide", "Record a human decision (verdict, justification, evidence, author) for one host or every host matching a selector; later triage runs apply it.")
        {
            id, verdict, justification, vex, evidence, author, host, cpu, platform, service, role, label, db, advisoriesDir,
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

            using var state = StateOptions.Open(parse.GetValue(db), env);
            var decision = new Decision(
                env.IdGenerator.NewId("d"),
                advisory.Id,
                new DecisionSelector(kind, value.Trim()),
                v,
                vexJustification,
                text,
                url,
                who,
                env.Clock.GetUtcNow());
            state.AddDecision(decision);
            env.Out.WriteLine(decision.Id);
            env.Out.Flush();
            env.Error.WriteLine($"vulntriage: recorded {decision.Id}: {advisory.Id} {v.ToWire()} for {VulnTriageCli.OneLine(decision.Selector.ToString())} in {VulnTriageCli.OneLine(state.Path)}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
