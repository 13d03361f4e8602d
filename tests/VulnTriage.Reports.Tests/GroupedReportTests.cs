using System.Collections.Immutable;
using System.Text.RegularExpressions;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Html;
using VulnTriage.Reports.Markdown;
using VulnTriage.Reports.Tests.Support;

namespace VulnTriage.Reports.Tests;

/// <summary>
/// Issue 13: the layout a person can read at 20,000 hosts — per team, groups of hosts with the same verdict, rule and
/// processors, counted, the action written once, the first hosts named; a table of contents; verdicts per team as a
/// chart (HTML) or a table (Markdown); progress over saved runs as a line chart.
/// </summary>
public sealed partial class GroupedReportTests
{
    private static readonly DateTimeOffset SavedAt = new(2025, 1, 30, 12, 0, 0, TimeSpan.Zero);

    private static string Render(IReportWriter writer, TriageReport report, string lang, ReportDetail detail = ReportDetail.Summary, int maxHosts = 10, GroupBy groupBy = GroupBy.Service)
    {
        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        writer.Write(report, new ReportOptions(lang, groupBy, null, detail, maxHosts), output);
        return output.ToString();
    }

    /// <summary>The scenario corpus with three saved runs (the progress chart).</summary>
    private static TriageReport WithProgress(TriageReport report) => report with
    {
        Progress =
        [
            new RunProgress("r-0001", SavedAt.AddDays(-14), "TEST-SA-0001", new VerdictCounts(3, 4, 2, 0, 4, 0)),
            new RunProgress("r-0002", SavedAt.AddDays(-7), "TEST-SA-0001", new VerdictCounts(2, 3, 1, 1, 4, 1)),
            new RunProgress("r-0003", SavedAt, "TEST-SA-0001", new VerdictCounts(1, 2, 1, 1, 4, 1)),
        ],
    };

    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    public void Should_MatchGoldenFile_When_Writing_The_Grouped_Markdown_Layout(string lang)
    {
        // Given
        var report = WithProgress(Scenario.Report());

        // When
        var text = Render(new MarkdownReportWriter(), report, lang, maxHosts: 1);

        // Then
        Golden.Verify(text, nameof(GroupedReportTests), "Grouped_" + lang, "md");
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    public void Should_MatchGoldenFile_When_Writing_The_Grouped_Html_Layout(string lang)
    {
        // Given
        var report = WithProgress(Scenario.Report());

        // When
        var text = Render(new HtmlReportWriter(), report, lang);

        // Then
        Golden.Verify(text, nameof(GroupedReportTests), "Grouped_" + lang, "html");
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    public void Should_MatchGoldenFile_When_Writing_Several_Advisories_Grouped(string lang)
    {
        // Given
        var report = Scenario.Report(Scenario.Advisory, Scenario.SecondAdvisory);

        // When
        var text = Render(new MarkdownReportWriter(), report, lang);

        // Then
        Golden.Verify(text, nameof(GroupedReportTests), "TwoAdvisories_" + lang, "md");
    }

    [Fact]
    public void Should_Open_With_One_Line_Per_Advisory_Then_The_Hosts_By_Advisory_Table_When_A_Report_Has_Several()
    {
        // Given
        var report = Scenario.Report(Scenario.Advisory, Scenario.SecondAdvisory);

        // When
        var lines = Render(new MarkdownReportWriter(), report, "en").Split('\n');

        // Then: the conclusion's first list is one line per advisory, and the host x advisory table follows
        var conclusion = Array.IndexOf(lines, "## Conclusion");
        var advisoryLines = lines.Skip(conclusion).SkipWhile(l => !l.StartsWith("- ", StringComparison.Ordinal)).TakeWhile(l => l.StartsWith("- ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["- **TEST-SA-0001**: ", "- **TEST-SA-0002**: "], advisoryLines.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)] + ": "));
        var table = Array.IndexOf(lines, "### Hosts × advisories");
        Assert.True(table > conclusion);
        Assert.StartsWith("| Hosts | TEST-SA-0001 | TEST-SA-0002 | First hosts |", lines[table + 4], StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Keep_The_Per_Host_Layout_When_The_Fleet_Is_Small_And_Group_It_When_Large()
    {
        // Given the scenario (10 hosts) and a 51-host fleet
        var small = Scenario.Report();
        var large = Fleet.Report(51);

        // When
        var smallAuto = Render(new MarkdownReportWriter(), small, "en", ReportDetail.Auto);
        var smallFull = Render(new MarkdownReportWriter(), small, "en", ReportDetail.Full);
        var largeAuto = Render(new MarkdownReportWriter(), large, "en", ReportDetail.Auto);

        // Then
        Assert.Equal(ReportLayout.FullDetailMaxHosts, 50);
        Assert.Equal(smallFull, smallAuto);
        Assert.DoesNotContain("**Contents:**", smallAuto, StringComparison.Ordinal);
        Assert.Contains("**Contents:**", largeAuto, StringComparison.Ordinal);
        Assert.DoesNotContain("### Evidence per host", largeAuto, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Stay_Under_300_KB_With_Its_Conclusion_On_One_Screen_When_The_Fleet_Has_20000_Hosts()
    {
        // Given a 20,000-host fleet: 8 services, 12 processors, every environment, hostile names among them
        var report = Fleet.Report(20_000);

        // When: the default layout (auto)
        var text = Render(new MarkdownReportWriter(), report, "en", ReportDetail.Auto);
        var lines = text.Split('\n');

        // Then (issue 13, "Done when")
        var bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        Assert.True(bytes <= 300 * 1024, $"{bytes} bytes");
        var needAction = Array.IndexOf(lines, "## Hosts that need action");
        var firstGroup = Array.FindIndex(lines, needAction, l => l.StartsWith("### ", StringComparison.Ordinal));
        Assert.True(firstGroup is > 0 and <= 40, $"first host group on line {firstGroup + 1}");
    }

    [Fact]
    public void Should_Count_Every_Host_Once_Per_Team_And_Name_The_First_Hosts_By_Name_When_Grouping()
    {
        // Given
        var report = Fleet.Report(3_000);
        var options = new ReportOptions("en", GroupBy.Service, null, ReportDetail.Summary, 5);

        // When
        var summary = ReportSummary.Create(report, options).Advisories[0];

        // Then: per team, its groups add up to its hosts needing action; each group's named hosts are its first by name
        foreach (var team in summary.Teams)
        {
            Assert.Equal(team.NeedingAction, team.Groups.Sum(g => g.Count));
            var inTeam = report.Findings.Where(f => team.Key is null ? f.Host.Roles.IsDefaultOrEmpty : f.Host.Services.Contains(team.Key)).ToList();
            Assert.Equal(inTeam.Count, team.Counts.Total);
            foreach (var g in team.Groups)
            {
                var members = inTeam.Where(f => f.Verdict == g.Verdict && FleetGroups.Deciding(f)?.Clause == g.Clause && string.Join("; ", f.Processors.Select(p => p.DisplayName)) == g.Processors && f.Action == g.Action)
                    .Select(f => f.Host.Name).Order(StringComparer.Ordinal).ToList();
                Assert.Equal(members.Count, g.Count);
                Assert.Equal(members.Take(5), g.FirstHosts.Select(h => h.Name));
            }
        }

        Assert.Equal(report.Findings.Length, summary.Groups.Sum(g => g.Count));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    public void Should_Escape_Team_And_Host_Names_In_The_Svg_When_They_Carry_Markup(string lang)
    {
        // Given hosts whose service and name are markup
        var report = Fleet.Report(200, hostile: true);

        // When
        var html = Render(new HtmlReportWriter(), report, lang);

        // Then: charts were drawn, and no markup from the inventory survived anywhere (SVG text, titles, attributes)
        Assert.Contains("<svg ", html, StringComparison.Ordinal);
        Assert.Contains("<rect class=\"bar\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\"><b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        // Every SVG text element holds only text (and its title): nothing from a name became an element.
        Assert.Equal(Regex.Count(html, "<text[ >]"), SvgText().Count(html));
    }

    [Fact]
    public void Should_Draw_A_Line_Per_Verdict_When_Saved_Runs_Exist()
    {
        // Given
        var report = WithProgress(Scenario.Report());

        // When
        var html = Render(new HtmlReportWriter(), report, "en");

        // Then: one polyline per verdict any run has, three points each
        var lines = LineChart().Matches(html);
        Assert.Equal(6, lines.Count);
        Assert.All(lines, m => Assert.Equal(3, m.Groups[1].Value.Split(' ').Length));
    }

    [GeneratedRegex("<text[^>]*>[^<]*(?:<title>[^<]*</title>)?</text>")]
    private static partial Regex SvgText();

    [GeneratedRegex("<polyline class=\"line\"[^>]*points=\"([^\"]*)\"")]
    private static partial Regex LineChart();

    /// <summary>
    /// A synthetic fleet made like the benchmark's (bench/VulnTriage.Bench generate): real brand strings, 8 services,
    /// the four environments. Findings are built as the evaluator shapes them (one shared evidence record per
    /// processor, as the triage's memo shares it), sorted in report order.
    /// </summary>
    internal static class Fleet
    {
        private static readonly ProcessorIdentity[] Cpus =
        [
            Scenario.Skylake, Scenario.CoffeeLake, Scenario.Epyc, Scenario.AwsXeon,
            Scenario.Skylake with { ModelNumber = "E3-1240 v6", Microarchitecture = "kaby-lake", NormalizedBrand = "Intel(R) Xeon(R) CPU E3-1240 v6 @ 3.70GHz" },
            Scenario.CoffeeLake with { ModelNumber = "i5-8500", NormalizedBrand = "Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz" },
            Scenario.AwsXeon with { ModelNumber = "Gold 6130", NormalizedBrand = "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz" },
            Scenario.AwsXeon with { ModelNumber = "Silver 4110", NormalizedBrand = "Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz" },
            Scenario.Epyc with { ModelNumber = "7763", Microarchitecture = "zen3", NormalizedBrand = "AMD EPYC 7763 64-Core Processor" },
            Scenario.Skylake with { ModelNumber = "E3-1230 v3", Microarchitecture = "haswell", NormalizedBrand = "Intel(R) Xeon(R) CPU E3-1230 v3 @ 3.30GHz" },
            Scenario.CoffeeLake with { ModelNumber = "i7-6700", Microarchitecture = "skylake", NormalizedBrand = "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz" },
            Scenario.AwsXeon with { ModelNumber = "W-2123", ProductLine = ProductLines.XeonW, NormalizedBrand = "Intel(R) Xeon(R) W-2123 CPU @ 3.60GHz" },
        ];

        private static readonly string[] Services = ["Analytics", "Corp-IT", "Factory", "Infra", "Payments", "Shop", "Search", "Mail"];

        public static TriageReport Report(int hosts, bool hostile = false)
        {
            var advisory = Scenario.Advisory;
            var random = new Random(13);
            var identities = Cpus.Select(c => ImmutableArray.Create(c)).ToArray();
            var roles = Services.Select(s => ImmutableArray.Create(new RoleRef(hostile && s == "Shop" ? "Shop<script>alert(1)</script><b>" : s, "app"))).ToArray();
            var evidence = Cpus.Select(c => Candidate(advisory.Id, c)).ToArray();
            var outside = Cpus.Select(c => Outside(advisory.Id, c)).ToArray();
            var check = new FindingAction(ActionKind.ConfirmFirmware, new("Read the ME firmware version (probe or fw_ver) and re-run.", "ME ファームウェアのバージョン（プローブまたは fw_ver）を確認して再実行してください。"));
            var cloud = new Evidence($"{advisory.Id}#cloud/aws", EvidenceKind.CloudProvider, [new EvidenceFact("cloud.provider", "ec2", "meta.cloud.provider")]) { Verdict = Verdict.ProviderManaged, Subject = "Aws" };
            var findings = new List<Finding>(hosts);
            for (var i = 0; i < hosts; i++)
            {
                var c = random.Next(Cpus.Length);
                var name = hostile && i % 50 == 0
                    ? $"evil{i:D5}<img src=x onerror=alert(1)>"
                    : $"{Services[i % Services.Length].ToLowerInvariant()}{i:D5}.dc{(i % 3) + 1}.example.com";
                var isCloud = random.Next(100) < 15;
                var host = new Host($"id{i:D6}", name, null, HostStatus.Working, false, random.Next(50) == 0 ? [] : roles[i % roles.Length],
                    isCloud ? new CloudInfo(CloudProvider.Aws, "ec2", "m5.large", "meta.cloud.provider") : null, [], "Linux", null);
                var intel = Cpus[c].Vendor == CpuVendor.Intel;
                findings.Add(isCloud
                    ? new Finding(advisory.Id, host, Verdict.ProviderManaged, Stage.Cloud, HostEnvironment.Aws, identities[c], [cloud], [], FindingAction.None)
                    : intel
                        ? new Finding(advisory.Id, host, Verdict.NeedsConfirmation, Stage.Cpu, HostEnvironment.OnPremises, identities[c], [evidence[c]], ["CVE-2017-5705"], check)
                        : new Finding(advisory.Id, host, Verdict.NotAffected, Stage.Cpu, HostEnvironment.OnPremises, identities[c], [outside[c]], [], FindingAction.None));
            }

            findings.Sort(FindingOrder.Instance);
            return new TriageReport([advisory], [.. findings], [], new InventorySummary("hosts.json", hosts, hosts, 0, Cpus.Length, 0), Scenario.GeneratedAt, "0.1.0-test");
        }

        private static Evidence Candidate(string advisory, ProcessorIdentity cpu) =>
            new($"{advisory}#cpu/core-6-8", EvidenceKind.CandidateCpu, [new EvidenceFact("cpu.model_name", cpu.NormalizedBrand, "meta.cpu")])
            {
                Verdict = Verdict.NeedsConfirmation,
                Subject = cpu.DisplayName,
                RuleId = "core-6-8",
                RuleTitle = new("6th-8th generation Core and Xeon E3 v5/v6", "第6〜8世代 Core と Xeon E3 v5/v6"),
                Detail = "ME",
                Scope = Core.Advisories.CpuRuleScope.Listed,
            };

        private static Evidence Outside(string advisory, ProcessorIdentity cpu) =>
            new($"{advisory}#cpu/outside-listed-families", EvidenceKind.OutsideRules, [new EvidenceFact("cpu.vendor_id", "AuthenticAMD", "meta.cpu")])
            {
                Verdict = Verdict.NotAffected,
                Subject = cpu.DisplayName,
            };
    }
}
