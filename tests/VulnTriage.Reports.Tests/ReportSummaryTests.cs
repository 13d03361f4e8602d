using System.Collections.Immutable;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Tests.Support;

namespace VulnTriage.Reports.Tests;

public sealed class ReportSummaryTests
{
    [Theory]
    [InlineData(2, 3, 0, 0, 0, 15, "en", "2 hosts are affected and 3 need confirmation.")]
    [InlineData(1, 0, 0, 0, 0, 0, "en", "1 host is affected.")]
    [InlineData(2, 3, 1, 0, 0, 0, "en", "2 hosts are affected, 3 need confirmation and 1 could not be assessed.")]
    [InlineData(0, 3, 1, 4, 5, 6, "en", "No host is confirmed affected; 3 need confirmation and 1 could not be assessed.")]
    [InlineData(0, 1, 0, 0, 0, 6, "en", "No host is confirmed affected; 1 needs confirmation.")]
    [InlineData(0, 0, 1, 0, 0, 6, "en", "No host is confirmed affected; 1 could not be assessed.")]
    [InlineData(0, 0, 0, 1, 12, 20, "en", "No host is affected.")]
    [InlineData(0, 0, 0, 0, 0, 0, "en", "No host was evaluated.")]
    [InlineData(2, 3, 0, 0, 0, 15, "ja", "影響を受けるホストが2台、確認が必要なホストが3台あります。")]
    [InlineData(0, 3, 1, 0, 0, 6, "ja", "影響が確定したホストはありません。ただし、確認が必要なホストが3台、判定できなかったホストが1台あります。")]
    [InlineData(0, 0, 0, 1, 12, 20, "ja", "影響を受けるホストはありません。")]
    public void Should_WriteTheHeadline_When_CountsAreGiven(int a, int n, int u, int f, int p, int na, string lang, string expected)
    {
        // Given
        var counts = new VerdictCounts(a, n, u, f, p, na);

        // When
        var headline = ReportSentences.Headline(counts, lang);

        // Then
        Assert.Equal(expected, headline);
    }

    [Fact]
    public void Should_NeverSayNoHostIsAffected_When_AnyHostIsUnknownOrNeedsConfirmation()
    {
        // Given: every combination of small counts
        var range = Enumerable.Range(0, 3).ToArray();
        foreach (var a in range)
        {
            foreach (var n in range)
            {
                foreach (var u in range)
                {
                    foreach (var lang in new[] { "en", "ja" })
                    {
                        // When
                        var headline = ReportSentences.Headline(new VerdictCounts(a, n, u, 1, 1, 1), lang);

                        // Then
                        var saysClear = headline is "No host is affected." or "影響を受けるホストはありません。";
                        Assert.Equal(a + n + u == 0, saysClear);
                        if (n + u > 0)
                        {
                            Assert.DoesNotContain("No host is affected", headline, StringComparison.Ordinal);
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(HostEnvironment.Aws, 0, 0, 0, 0, 12, 0, "en", "AWS (12 hosts): managed by the provider — no action for us.")]
    [InlineData(HostEnvironment.OnPremises, 2, 3, 0, 0, 0, 15, "en", "On-premises (20 hosts): 2 affected, 3 need confirmation, 15 not affected.")]
    [InlineData(HostEnvironment.OnPremises, 0, 0, 0, 0, 0, 1, "en", "On-premises (1 host): not affected.")]
    [InlineData(HostEnvironment.Gcp, 0, 0, 2, 0, 0, 0, "en", "Google Cloud (2 hosts): could not be assessed.")]
    [InlineData(HostEnvironment.Aws, 0, 0, 0, 0, 12, 0, "ja", "AWS（12台）: プロバイダー管理のため対応不要")]
    [InlineData(HostEnvironment.OnPremises, 2, 3, 0, 0, 0, 15, "ja", "オンプレミス（20台）: 影響あり 2台、要確認 3台、影響なし 15台")]
    [InlineData(HostEnvironment.OnPremises, 0, 0, 0, 0, 0, 4, "ja", "オンプレミス（4台）: 影響なし")]
    public void Should_WriteTheEnvironmentLine_When_CountsAreGiven(HostEnvironment environment, int a, int n, int u, int f, int p, int na, string lang, string expected)
    {
        // Given
        var counts = new VerdictCounts(a, n, u, f, p, na);

        // When
        var line = ReportSentences.EnvironmentLine(environment, counts, lang);

        // Then
        Assert.Equal(expected, line);
    }

    [Fact]
    public void Should_CountVerdictsAndOrderEnvironments_When_SummarisingTheScenario()
    {
        // Given
        var report = Scenario.Report();

        // When
        var summary = ReportSummary.Create(report, new ReportOptions("en", GroupBy.Service));

        // Then
        var advisory = Assert.Single(summary.Advisories);
        Assert.Equal(new VerdictCounts(1, 2, 1, 1, 4, 1), advisory.Counts);
        Assert.Equal([HostEnvironment.Aws, HostEnvironment.Gcp, HostEnvironment.Azure, HostEnvironment.OnPremises], advisory.Environments.Select(e => e.Environment));
        Assert.Equal("On-premises (6 hosts): 1 affected, 2 need confirmation, 1 could not be assessed, 1 fixed, 1 not affected.", advisory.Environments[3].Line);
        Assert.Equal("1 host is affected, 2 need confirmation and 1 could not be assessed.", summary.Headline);
    }

    [Fact]
    public void Should_ListAHostUnderEachService_When_GroupingByService()
    {
        // Given
        var report = Scenario.Report();

        // When
        var groups = ReportSummary.Create(report, new ReportOptions("ja", GroupBy.Service)).Advisories[0].ActionGroups;

        // Then: db01 is in db and web; lonely has no roles; only hosts needing action appear
        Assert.Equal(["db", "ops|team", "web", null], groups.Select(g => g.Key));
        Assert.Equal("（サービス未設定）", groups[^1].Label);
        Assert.Equal(["db01", "db02"], groups[0].Findings.Select(f => f.Host.Name));
        Assert.Equal(["db01"], groups[2].Findings.Select(f => f.Host.Name));
        Assert.Equal(["lonely"], groups[^1].Findings.Select(f => f.Host.Name));
        Assert.All(groups.SelectMany(g => g.Findings), f => Assert.True(f.Verdict.FailRank() < 3));
    }

    [Fact]
    public void Should_GroupByLabelValue_And_ListUnlabelledHostsLast_When_GroupingByLabel()
    {
        // Given: the scenario with team labels on two hosts (one of them with two teams)
        var report = Scenario.Report();
        var labelled = report.Findings.Select(f => f.Host.Name switch
        {
            "db01" => f with { Host = f.Host with { Labels = [new HostLabel("team", "dba", "csv"), new HostLabel("team", "payments", "csv")] } },
            "db02" => f with { Host = f.Host with { Labels = [new HostLabel("Team", "dba", "osquery decorations")] } },
            _ => f,
        }).ToImmutableArray();

        // When
        var groups = ReportSummary.Create(report with { Findings = labelled }, new ReportOptions("ja", GroupBy.Label, "team")).Advisories[0].ActionGroups;

        // Then
        Assert.Equal(["team=dba", "team=payments", null], groups.Select(g => g.Key));
        Assert.Equal(["db01", "db02"], groups[0].Findings.Select(f => f.Host.Name));
        Assert.Equal(["db01"], groups[1].Findings.Select(f => f.Host.Name));
        Assert.Equal("（team ラベルなし）", groups[^1].Label);
        Assert.DoesNotContain(groups[^1].Findings, f => f.Host.Name is "db01" or "db02");
    }

    [Fact]
    public void Should_UseServiceRoleKeys_When_GroupingByRole()
    {
        // Given
        var report = Scenario.Report();

        // When
        var groups = ReportSummary.Create(report, new ReportOptions("en", GroupBy.Role)).Advisories[0].ActionGroups;

        // Then
        Assert.Equal(["db:primary", "db:replica", "ops|team:web<b>", "web:app", null], groups.Select(g => g.Key));
        Assert.Equal("(no service)", groups[^1].Label);
    }

    [Fact]
    public void Should_CountEachHostOnceByItsWorstVerdict_When_SeveralAdvisories()
    {
        // Given
        var report = Scenario.Report(Scenario.Advisory, Scenario.SecondAdvisory);

        // When
        var summary = ReportSummary.Create(report, new ReportOptions("en", GroupBy.None));

        // Then
        Assert.Equal(10, summary.Counts.Total);
        Assert.Equal(new VerdictCounts(1, 2, 1, 1, 4, 1), summary.Counts);
        Assert.Equal(2, summary.Advisories.Length);
        Assert.Equal(6, summary.Advisories[1].Counts.Total);
        Assert.Single(summary.Advisories[1].ActionGroups);
    }

    [Theory]
    [InlineData(ReportDetail.Full)]
    [InlineData(ReportDetail.Summary)]
    public void Should_CountEveryHostByItsWorstVerdict_When_AHostIsMissingFromTheFirstAdvisory_Or_AnAdvisoryIsNotListed(ReportDetail detail)
    {
        // Given: the first advisory's findings without one host the second advisory has (its row is made late), a host
        // of its own with a finding of an advisory the report does not list, and a second copy of a finding
        var report = Scenario.Report(Scenario.Advisory, Scenario.SecondAdvisory);
        var dropped = report.Findings.First(f => f.AdvisoryId == Scenario.SecondAdvisory.Id && f.Verdict.FailRank() < 3).Host;
        var stray = report.Findings[0] with
        {
            AdvisoryId = "TEST-UNLISTED",
            Host = report.Findings[0].Host with { Id = "stray", Name = "stray.example" },
            Verdict = Verdict.Affected,
        };
        var duplicate = report.Findings.First(f => f.AdvisoryId == Scenario.SecondAdvisory.Id && f.Verdict == Verdict.ProviderManaged);
        var findings = report.Findings
            .Where(f => !(f.AdvisoryId == Scenario.Advisory.Id && f.Host.Id == dropped.Id))
            .Append(stray)
            .Append(duplicate with { Verdict = Verdict.NeedsConfirmation })
            .ToImmutableArray();

        // When
        var summary = ReportSummary.Create(report with { Findings = findings }, new ReportOptions("en", GroupBy.Service, Detail: detail));

        // Then: each host once, by the most urgent of all its findings (a plain recount)
        var expected = findings.GroupBy(f => f.Host.Id).Select(g => g.MinBy(f => f.Verdict.ReportRank())!.Verdict).ToList();
        foreach (var verdict in Verdicts.All)
        {
            Assert.Equal(expected.Count(v => v == verdict), summary.Counts.Get(verdict));
        }

        Assert.Equal(findings.Count(f => f.AdvisoryId == Scenario.Advisory.Id), summary.Advisories[0].Counts.Total);
        Assert.Equal(findings.Count(f => f.AdvisoryId == Scenario.SecondAdvisory.Id), summary.Advisories[1].Counts.Total);

        // The dropped host has no finding for the first advisory: nothing is known there, never "not affected"
        var profile = Assert.Single(summary.Profiles, p => p.FirstHosts.Any(h => h.Id == dropped.Id));
        Assert.Equal(Verdict.Unknown, profile.Verdicts[0]);
        // ... and the host known only from an unlisted advisory is unknown for every listed one (as before this layout)
        Assert.All(Assert.Single(summary.Profiles, p => p.FirstHosts.Any(h => h.Id == "stray")).Verdicts, v => Assert.Equal(Verdict.Unknown, v));
    }
}
