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
                foreach (var failure in AdvisoryVerifier.Verify(advisory, cache))
                {
                    failures++;
                    env.Out.WriteLine($"FAIL {advisory.Id} {failure.Where}: {VulnTriageCli.OneLine(failure.Name)}: expected {failure.Expected}, got {VulnTriageCli.OneLine(failure.Got)}");
                }

                var ruleExamples = advisory.CpuRules.Sum(r => r.Examples.Match.Length + r.Examples.NoMatch.Length)
                    + advisory.FirmwareRules.Sum(r => r.Examples.Match.Length + r.Examples.NoMatch.Length)
                    + advisory.MicrocodeRules.Sum(r => r.Examples.Match.Length + r.Examples.NoMatch.Length)
                    + advisory.KernelRules.Sum(r => r.Examples.Match.Length + r.Examples.NoMatch.Length);
                env.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{advisory.Id}: {advisory.Examples.Length} examples and {ruleExamples} rule examples checked ({advisory.SourceName})"));
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
            w.WriteLine($"  {r.Id} [{r.Scope.ToString().ToLowerInvariant()}] {r.Title.Get(lang)}");
            w.WriteLine($"    when {r.When.Describe()}");
        }

        w.WriteLine();
        w.WriteLine(lang == "ja" ? "ファームウェアルール（確定段階、先頭から順に適用）:" : "Firmware rules (confirmation stage, first match decides):");
        foreach (var r in a.FirmwareRules)
        {
            w.WriteLine($"  {r.Id}: {r.Kind.ToString().ToUpperInvariant()} {r.Match.Describe()}{(r.Amt == AmtCondition.Required ? " (AMT firmware only)" : "")}{(r.When is { } when ? " and " + when.Describe() : "")} -> {r.Verdict.ToWire()}");
        }

        if (!a.MicrocodeRules.IsDefaultOrEmpty)
        {
            w.WriteLine();
            w.WriteLine(lang == "ja" ? "マイクロコードルール:" : "Microcode rules:");
            foreach (var r in a.MicrocodeRules)
            {
                w.WriteLine($"  {r.Id}: when {r.When.Describe()}; fixed at {r.Fixed.Expected}{(r.FixesAlone ? "" : " (with software)")}");
            }
        }

        if (!a.KernelRules.IsDefaultOrEmpty)
        {
            w.WriteLine();
            w.WriteLine(lang == "ja" ? "カーネルルール:" : "Kernel rules:");
            foreach (var r in a.KernelRules)
            {
                w.WriteLine($"  {r.Id}: /sys/devices/system/cpu/vulnerabilities/{r.File}");
            }
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
