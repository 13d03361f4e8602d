using System.CommandLine;
using System.Globalization;
using VulnTriage.Advisories;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Matching;

namespace VulnTriage.Cli.Commands;

/// <summary><c>vulntriage advisories list|show|verify</c>.</summary>
internal static class AdvisoriesCommand
{
    public static Command Build(CliEnvironment env)
    {
        var command = new Command("advisories", "List, show and verify the advisories (embedded ones and your own with --advisories DIR).");

        var listDir = CommonOptions.AdvisoriesDirectory();
        var list = new Command("list", "List the available advisories.") { listDir };
        list.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var catalog = AdvisoryCatalog.Load(parse.GetValue(listDir));
            env.Out.WriteLine("ID                PUBLISHED   SEVERITY  CVES  TITLE");
            foreach (var a in catalog.Advisories)
            {
                env.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{a.Id,-17} {a.Published:yyyy-MM-dd}  {a.Severity,-8}  {a.Cves.Length,4}  {VulnTriageCli.OneLine(a.Title.En)}"));
            }

            return ExitCodes.Ok;
        }));

        var showId = new Argument<string>("ADVISORY-ID") { Description = "The advisory to show." };
        var showDir = CommonOptions.AdvisoriesDirectory();
        var showLang = new Option<string>("--lang") { Description = "Language.", DefaultValueFactory = _ => "en" };
        showLang.AcceptOnlyFromAmong("en", "ja");
        var show = new Command("show", "Show an advisory: what it is, which systems it affects, its rules, how to check and how to fix.") { showId, showDir, showLang };
        show.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var catalog = AdvisoryCatalog.Load(parse.GetValue(showDir));
            var advisory = CommonOptions.Resolve(catalog, [parse.GetRequiredValue(showId)])[0];
            Show(env.Out, advisory, parse.GetValue(showLang) ?? "en");
            return ExitCodes.Ok;
        }));

        var verifyDir = CommonOptions.AdvisoriesDirectory();
        var verify = new Command("verify", "Load every advisory strictly and run its examples; exit 3 if any example gets another verdict.") { verifyDir };
        verify.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var catalog = AdvisoryCatalog.Load(parse.GetValue(verifyDir));
            var failures = 0;
            var cache = new IdentificationCache();
            foreach (var advisory in catalog.Advisories)
            {
                foreach (var example in advisory.Examples)
                {
                    var finding = AdvisoryEvaluator.Evaluate(advisory, example.Host, example.Facts, cache);
                    var ok = finding.Verdict == example.Expect
                        && (example.ExpectStage is not { } st || st == finding.Stage)
                        && (example.ExpectClause is not { } cl || finding.Evidence.Any(e => e.Clause.EndsWith("/" + cl, StringComparison.Ordinal)));
                    if (!ok)
                    {
                        failures++;
                        env.Out.WriteLine($"FAIL {advisory.Id}: {VulnTriageCli.OneLine(example.Name)}: expected {example.Expect.ToWire()}, got {finding.Verdict.ToWire()} ({string.Join(", ", finding.Evidence.Select(e => e.Clause))})");
                    }
                }

                env.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{advisory.Id}: {advisory.Examples.Length} examples checked ({advisory.SourceName})"));
            }

            env.Out.WriteLine(failures == 0 ? "all examples pass" : string.Create(CultureInfo.InvariantCulture, $"{failures} example(s) failed"));
            return failures == 0 ? ExitCodes.Ok : ExitCodes.InputError;
        }));

        command.Add(list);
        command.Add(show);
        command.Add(verify);
        return command;
    }

    private static void Show(TextWriter w, Advisory a, string lang)
    {
        w.WriteLine($"{a.Id} — {a.Title.Get(lang)}");
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Published {a.Published:yyyy-MM-dd}, severity {a.Severity}, source {a.SourceName}"));
        w.WriteLine();
        w.WriteLine(a.Summary.Get(lang));
        w.WriteLine();
        w.WriteLine("CVEs:");
        foreach (var c in a.Cves)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c.Id}  CVSS {c.CvssVersion} {c.CvssScore}  {c.CvssVector}"));
        }

        w.WriteLine();
        w.WriteLine(lang == "ja" ? "影響を受けるシステム:" : "Affected systems:");
        w.WriteLine(a.AffectedSystems.Get(lang));
        w.WriteLine();
        w.WriteLine(lang == "ja" ? "CPU ルール（候補段階）:" : "CPU rules (candidate stage):");
        foreach (var r in a.CpuRules)
        {
            w.WriteLine($"  {r.Id} [{(r.Scope == CpuRuleScope.Listed ? "listed" : "conditional")}] {r.Title.Get(lang)}");
        }

        w.WriteLine();
        w.WriteLine(lang == "ja" ? "ファームウェアルール（確定段階、先頭から順に適用）:" : "Firmware rules (confirmation stage, first match decides):");
        foreach (var r in a.FirmwareRules)
        {
            w.WriteLine($"  {r.Id}: {r.Kind.ToString().ToUpperInvariant()} {r.Match.Describe()}{(r.Amt == AmtCondition.Required ? " (AMT firmware only)" : "")} -> {r.Verdict.ToWire()}");
        }

        w.WriteLine();
        w.WriteLine(lang == "ja" ? "確認方法:" : "How to check:");
        w.WriteLine(a.HowToCheck.Get(lang));
        w.WriteLine();
        w.WriteLine(lang == "ja" ? "対処方法:" : "How to fix:");
        w.WriteLine(a.Remediation.Get(lang));
        w.WriteLine();
        w.WriteLine(lang == "ja" ? "参考:" : "References:");
        foreach (var r in a.References)
        {
            w.WriteLine($"  {r.Title}: {r.Url}");
        }
    }
}
