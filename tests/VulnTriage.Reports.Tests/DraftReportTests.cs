using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Common;
using VulnTriage.Reports.Json;
using VulnTriage.Reports.Tests.Support;

namespace VulnTriage.Reports.Tests;

/// <summary>
/// Issue 12: a draft advisory (imported from NVD, not reviewed) is marked in every format, and the evidence of an
/// imported advisory names the record, its revision and how many processors it lists. Values from the Zenbleed record
/// (../shared/data/nvd/CVE-2023-20593.json: lastModified 2023-09-25T18:15:10.333, 71 configurations, 69 processors).
/// </summary>
public sealed partial class DraftReportTests
{
    private static readonly AdvisorySource Zenbleed = new("nvd", "CVE-2023-20593", "2023-09-25T18:15:10.333", "Modified", 71, 69,
        [new UnmappedCriterion("configurations[0]", "cpe:2.3:o:xen:xen:4.14.0:*:*:*:*:*:x86:*", "software")]);

    private static ImmutableArray<EvidenceFact> SourceFacts(AdvisorySource s) =>
        [new("source.record", s.Record, s.Feed), new("source.revision", s.Revision!, s.Feed), new("source.status", s.RecordStatus!, s.Feed)];

    private static TriageReport DraftReport()
    {
        var report = Scenario.Report();
        var draft = report.Advisories[0] with { Status = AdvisoryStatus.Draft, Source = Zenbleed };
        var notListed = new Evidence(draft.Id + "#cpu/not-listed", EvidenceKind.NotListed, SourceFacts(Zenbleed))
        {
            Verdict = Verdict.Unknown,
            Subject = "Intel Xeon Gold 6130 (skylake)",
            Detail = "69",
        };
        var findings = report.Findings.Select((f, i) => i == 0
            ? f with { Verdict = Verdict.Unknown, Evidence = [notListed], Action = new FindingAction(ActionKind.ReadVendorAdvisory, Reference: draft.Id) }
            : f).ToImmutableArray();
        return report with { Advisories = [draft], Findings = findings };
    }

    [Theory]
    [InlineData("markdown", "en", "**Draft:** Draft advisory imported from NVD record CVE-2023-20593 (status Modified, lastModified 2023-09-25T18:15:10.333)")]
    [InlineData("html", "en", "Draft advisory imported from NVD record CVE-2023-20593")]
    [InlineData("csv", "en", "Draft advisory imported from NVD record CVE-2023-20593")]
    [InlineData("markdown", "ja", "ドラフトのアドバイザリーです。NVD のレコード CVE-2023-20593")]
    [InlineData("html", "ja", "ドラフトのアドバイザリーです。")]
    public void Should_Say_The_Advisory_Is_A_Draft_When_Writing_Each_Format(string format, string lang, string expected)
    {
        Assert.Contains(expected, Render.With(ReportWriters.Create(format), DraftReport(), lang), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Not_Mention_Drafts_When_The_Advisory_Is_Curated()
    {
        var text = Render.With(ReportWriters.Create("markdown"), Scenario.Report());
        Assert.DoesNotContain("Draft", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Carry_Status_And_Source_And_Pass_The_Schema_When_Writing_Json()
    {
        // When
        using var json = JsonDocument.Parse(Render.With(new JsonReportWriter(), DraftReport()));
        var result = JsonReportWriterTests.Schema.Value.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        // Then
        Assert.True(result.IsValid);
        var advisory = json.RootElement.GetProperty("advisories")[0];
        Assert.Equal("draft", advisory.GetProperty("status").GetString());
        Assert.Equal(69, advisory.GetProperty("source").GetProperty("processors").GetInt32());
        Assert.Equal(1, advisory.GetProperty("source").GetProperty("unmapped").GetInt32());
        Assert.Equal("read_vendor_advisory", json.RootElement.GetProperty("findings")[0].GetProperty("actionKind").GetString());
    }

    [Theory]
    [InlineData("en", "Intel Xeon Gold 6130 (skylake) is not among the 69 processors NVD lists for CVE-2023-20593 (record lastModified 2023-09-25T18:15:10.333); absence from NVD's list is not safety.")]
    [InlineData("ja", "Intel Xeon Gold 6130 (skylake) は、NVD が CVE-2023-20593 について挙げている 69 件のプロセッサーに含まれていません（レコードの最終更新 2023-09-25T18:15:10.333）。一覧にないことは安全を意味しません。")]
    public void Should_Name_The_Record_Its_Revision_And_The_Count_When_A_Processor_Is_Not_Listed(string lang, string expected)
    {
        Assert.Equal(expected, EvidenceText.Reason(DraftReport().Findings[0].Evidence[0], lang));
    }

    [Theory]
    [InlineData("en", "NVD has not analysed CVE-2023-23583 yet (status \"Awaiting Analysis\", record lastModified 2023-11-16T22:15:27.860): the record names no processor or firmware, so no host can be matched.")]
    [InlineData("ja", "NVD は CVE-2023-23583 をまだ分析していません（状態「Awaiting Analysis」、レコードの最終更新 2023-11-16T22:15:27.860）。レコードに対象のプロセッサーやファームウェアの記載がないため、どのホストも照合できません。")]
    public void Should_Say_Nvd_Has_Not_Analysed_It_When_The_Record_Has_No_Configuration(string lang, string expected)
    {
        // Given: CVE-2023-23583 (Reptar) as stored in ../shared/data/nvd
        var source = new AdvisorySource("nvd", "CVE-2023-23583", "2023-11-16T22:15:27.860", "Awaiting Analysis", 0, 0, []);
        var evidence = new Evidence("CVE-2023-23583#source/nvd", EvidenceKind.SourceNotAnalysed, SourceFacts(source))
        {
            Verdict = Verdict.Unknown,
            Subject = "Awaiting Analysis",
            Detail = "CVE-2023-23583",
        };

        // Then
        Assert.Equal(expected, EvidenceText.Reason(evidence, lang));
    }

    [GeneratedRegex(@"[\u3000-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uFF01-\uFF60] +[\u3000-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uFF01-\uFF60]")]
    private static partial Regex SpaceBetweenJapanese();

    [Fact]
    public void Should_Have_No_Half_Width_Space_Between_Japanese_Characters_When_Writing_A_Japanese_Draft_Report()
    {
        var text = Regex.Replace(Render.With(ReportWriters.Create("html"), DraftReport(), "ja"), "<[^>]+>", "\n");
        Assert.DoesNotMatch(SpaceBetweenJapanese(), text);
        Assert.DoesNotMatch(SpaceBetweenJapanese(), EvidenceText.Action(new FindingAction(ActionKind.ReadVendorAdvisory, Reference: "CVE-2023-20593"), "ja"));
    }
}
