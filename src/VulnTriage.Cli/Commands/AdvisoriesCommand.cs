using System.CommandLine;
using System.Globalization;
using VulnTriage.Advisories;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Matching;

namespace VulnTriage.Cli.Commands;

/// <summary><c>vulntriage advisories list|show|verify|import</c>.</summary>
internal static class AdvisoriesCommand
{
    public static Command Build(CliEnvironment env)
    {
        var command = new Command("advisories", "List, show, verify and import advisories (embedded ones and your own with --advisories DIR).");

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
        var verify = new Command("verify", "Check every advisory against the JSON Schema, load it strictly and run its examples and rule examples; exit 3 on any failure.") { verifyDir };
        verify.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var catalog = AdvisoryCatalog.Load(parse.GetValue(verifyDir), checkSchema: true);
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
        command.Add(AdvisoriesImportCommand.Build(env));
        return command;
    }

    private static void Show(TextWriter w, Advisory a, string lang)
    {
        var ja = lang == "ja";
        string L(string en, string jp) => ja ? jp : en;
        w.WriteLine($"{a.Id} — {a.Title.Get(lang)}");
        w.WriteLine(ja
            ? string.Create(CultureInfo.InvariantCulture, $"公開日: {a.Published:yyyy-MM-dd}、深刻度: {SeverityJa(a.Severity)}、出典: {a.SourceName}")
            : string.Create(CultureInfo.InvariantCulture, $"Published {a.Published:yyyy-MM-dd}, severity {a.Severity}, source {a.SourceName}"));
        if (a.Status == AdvisoryStatus.Draft)
        {
            ShowDraft(w, a, ja);
        }

        w.WriteLine();
        w.WriteLine(a.Summary.Get(lang));
        w.WriteLine();
        w.WriteLine(L("CVEs:", "CVE:"));
        foreach (var c in a.Cves)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c.Id}  CVSS {c.CvssVersion} {c.CvssScore}  {c.CvssVector}"));
        }

        w.WriteLine();
        w.WriteLine(L("Affected systems:", "影響を受けるシステム:"));
        w.WriteLine(a.AffectedSystems.Get(lang));
        w.WriteLine();
        w.WriteLine(L("CPU rules (candidate stage):", "CPU ルール（候補段階）:"));
        foreach (var r in a.CpuRules)
        {
            var scope = r.Scope switch
            {
                CpuRuleScope.Listed => L("listed", "対象"),
                CpuRuleScope.Conditional => L("conditional", "条件付き"),
                _ => L("excluded", "対象外"),
            };
            w.WriteLine($"  {r.Id} [{scope}] {r.Title.Get(lang)}");
            w.WriteLine($"    {L("when", "条件")} {r.When.Describe()}");
        }

        w.WriteLine();
        w.WriteLine(L("Firmware rules (confirmation stage, first match decides):", "ファームウェアルール（確定段階、先頭から順に適用）:"));
        foreach (var r in a.FirmwareRules)
        {
            var amt = r.Amt == AmtCondition.Required ? L(" (AMT firmware only)", "（AMT ファームウェアのみ）") : "";
            var verdict = ja ? Core.Reporting.ReportSentences.VerdictLabel(r.Verdict, "ja") : r.Verdict.ToWire();
            var when = r.When is { } extra ? L(" and ", " かつ ") + extra.Describe() : "";
            w.WriteLine($"  {r.Id}: {r.Kind.ToString().ToUpperInvariant()} {(ja ? DescribeJa(r.Match) : r.Match.Describe())}{amt}{when} -> {verdict}");
        }

        if (!a.MicrocodeRules.IsDefaultOrEmpty)
        {
            w.WriteLine();
            w.WriteLine(L("Microcode rules (confirmation stage):", "マイクロコードルール（確定段階）:"));
            foreach (var r in a.MicrocodeRules)
            {
                var with = r.FixesAlone ? "" : L(" (software must act too)", "（ソフトウェア側の対処も必要）");
                w.WriteLine($"  {r.Id}: {L("when", "条件")} {r.When.Describe()}; {L("fixed at", "修正リビジョン")} {r.Fixed.Expected}{with}");
            }
        }

        if (!a.KernelRules.IsDefaultOrEmpty)
        {
            w.WriteLine();
            w.WriteLine(L("Kernel rules (the kernel's own verdict):", "カーネルルール（カーネル自身の判定）:"));
            foreach (var r in a.KernelRules)
            {
                w.WriteLine($"  {r.Id}: /sys/devices/system/cpu/vulnerabilities/{r.File}");
            }
        }

        w.WriteLine();
        w.WriteLine(L("How to check:", "確認方法:"));
        w.WriteLine(a.HowToCheck.Get(lang));
        w.WriteLine();
        w.WriteLine(L("How to fix:", "対処方法:"));
        w.WriteLine(a.Remediation.Get(lang));
        w.WriteLine();
        w.WriteLine(L("References:", "参考情報:"));
        foreach (var r in a.References)
        {
            w.WriteLine($"  {r.Title}: {r.Url}");
        }
    }

    // A draft says so first, with where it came from and what could not be mapped.
    private static void ShowDraft(TextWriter w, Advisory a, bool ja)
    {
        w.WriteLine(ja ? "ドラフト（取り込み後、未確認）" : "DRAFT (imported, not reviewed)");
        if (a.Source is not { } s)
        {
            return;
        }

        w.WriteLine(ja
            ? string.Create(CultureInfo.InvariantCulture, $"出典: {s.Feed} {s.Record}（状態 {s.RecordStatus}、最終更新 {s.Revision}）、構成 {s.Configurations} 件、プロセッサー {s.Processors} 件、ルールにできなかった条件 {s.Unmapped.Length} 件")
            : string.Create(CultureInfo.InvariantCulture, $"Source: {s.Feed} {s.Record} (status {s.RecordStatus}, lastModified {s.Revision}), {s.Configurations} configurations, {s.Processors} processors, {s.Unmapped.Length} criteria unmapped"));
        foreach (var u in s.Unmapped.Take(10))
        {
            w.WriteLine($"  {(ja ? "未対応" : "unmapped")} {u.Location}: {VulnTriageCli.OneLine(u.Criteria)} ({u.Reason})");
        }

        if (s.Unmapped.Length > 10)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  … {s.Unmapped.Length - 10}"));
        }
    }

    /// <summary>A firmware condition in Japanese: 「メジャー 11、マイナー 0,5,6」.</summary>
    private static string DescribeJa(FirmwareMatch m)
    {
        var parts = new List<string>();
        if (m.Major is not null)
        {
            parts.Add($"メジャー {m.Major}");
        }

        if (m.Minor is not null)
        {
            parts.Add($"マイナー {m.Minor}");
        }

        if (m.Hotfix is not null)
        {
            parts.Add($"ホットフィックス {m.Hotfix}");
        }

        if (m.AtLeast is { } a)
        {
            parts.Add($"{a} 以上");
        }

        if (m.Below is { } b)
        {
            parts.Add($"{b} 未満");
        }

        return parts.Count == 0 ? "全バージョン" : string.Join("、", parts);
    }

    /// <summary>JVN's severity terms, as the Japanese report uses them.</summary>
    private static string SeverityJa(string severity) => severity.ToUpperInvariant() switch
    {
        "CRITICAL" => "緊急",
        "HIGH" => "重要",
        "MEDIUM" or "MODERATE" => "警告",
        "LOW" => "注意",
        _ => severity,
    };
}
