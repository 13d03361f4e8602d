using System.Text.Json;
using Json.Schema;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Csv;
using VulnTriage.Reports.Html;
using VulnTriage.Reports.Json;
using VulnTriage.Reports.Markdown;
using VulnTriage.Reports.Tests.Support;

namespace VulnTriage.Reports.Tests;

public sealed class DecisionReportTests
{
    private static readonly DateTimeOffset DecidedAt = new(2025, 1, 30, 12, 0, 0, TimeSpan.Zero);

    // One schema instance per process: JsonSchema.Net registers schemas by $id globally.
    private static Lazy<JsonSchema> Schema => JsonReportWriterTests.Schema;

    /// <summary>The scenario with db02 (needs confirmation) decided not affected on a vendor page, db01 accepted, and a stale decision.</summary>
    private static TriageReport Decided()
    {
        var report = Scenario.Report();
        Decision[] decisions =
        [
            new("d-0001", "TEST-SA-0001", new DecisionSelector(SelectorKind.Host, "db02"), Verdict.NotAffected, VexJustification.ComponentNotPresent,
                "The vendor page lists this board without ME firmware", "https://vendor.example/notice", "alice", DecidedAt),
            new("d-0002", "TEST-SA-0001", new DecisionSelector(SelectorKind.Host, "db01"), Verdict.AcceptedRisk, null,
                "Air-gapped; replaced next quarter", null, "bob", DecidedAt),
            new("d-0003", "TEST-SA-0001", new DecisionSelector(SelectorKind.Host, "retired-long-ago"), Verdict.Fixed, null, "Patched", null, "bob", DecidedAt),
        ];
        var outcome = DecisionApplier.Apply(report.Findings, decisions);
        var progress = ImmutableArrayOf(
            new RunProgress("r-0001", DecidedAt.AddDays(-7), "TEST-SA-0001", new VerdictCounts(2, 3, 1, 0, 4, 0)),
            new RunProgress("r-0002", DecidedAt, "TEST-SA-0001", new VerdictCounts(0, 2, 1, 1, 4, 1, 1)));
        return report with { Findings = outcome.Findings, StaleDecisions = outcome.Stale, Progress = progress };
    }

    private static System.Collections.Immutable.ImmutableArray<RunProgress> ImmutableArrayOf(params RunProgress[] rows) => [.. rows];

    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    public void Should_MatchGoldenFile_When_DecisionsApply(string lang)
    {
        // Given
        var report = Decided();

        // When
        var text = Render.With(new MarkdownReportWriter(), report, lang);

        // Then
        Golden.Verify(text, nameof(DecisionReportTests), "Decided_" + lang, "md");
    }

    [Fact]
    public void Should_Show_The_Human_Verdict_With_The_Machine_Verdict_Beside_It_When_A_Decision_Applies()
    {
        // Given
        var report = Decided();

        // When
        var md = Render.With(new MarkdownReportWriter(), report, "en");
        var html = Render.With(new HtmlReportWriter(), report, "en");
        var csv = Render.With(new CsvReportWriter(), report, "en");

        // Then
        Assert.Contains("1 host looked in scope; the vendor page confirms it is not affected.", md, StringComparison.Ordinal);
        Assert.Contains("Not affected (machine: Needs confirmation, CPU)", md, StringComparison.Ordinal);
        Assert.Contains("TEST-SA-0001\\#decision/d-0001", md, StringComparison.Ordinal);
        Assert.Contains("Stale decisions", md, StringComparison.Ordinal);
        Assert.Contains("Remediation progress", md, StringComparison.Ordinal);
        Assert.Contains("v-accepted_risk", html, StringComparison.Ordinal);
        Assert.Contains(",not_affected,decision,", csv, StringComparison.Ordinal);
        Assert.Contains(",needs_confirmation,cpu,d-0001", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Write_A_Japanese_Decision_Sentence_When_Lang_Is_Ja()
    {
        // When
        var md = Render.With(new MarkdownReportWriter(), Decided(), "ja");

        // Then
        Assert.Contains("対象と見られたホスト1台について、ベンダーの情報により影響がないことを確認しました。", md, StringComparison.Ordinal);
        Assert.Contains("影響なし（機械判定: 要確認, CPU）", md, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    public void Should_PassTheSchema_When_TheReportHasDecisionsStaleDecisionsAndProgress(string lang)
    {
        // Given
        var report = Decided();

        // When
        using var json = JsonDocument.Parse(Render.With(new JsonReportWriter(), report, lang));
        var result = Schema.Value.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

        // Then
        var errors = result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}")) ?? [];
        Assert.True(result.IsValid, string.Join("\n", errors));
        var db02 = json.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("host").GetProperty("name").GetString() == "db02");
        Assert.Equal("not_affected", db02.GetProperty("verdict").GetString());
        Assert.Equal("decision", db02.GetProperty("stage").GetString());
        Assert.Equal("needs_confirmation", db02.GetProperty("machine").GetProperty("verdict").GetString());
        Assert.Equal("d-0001", db02.GetProperty("decision").GetProperty("id").GetString());
        Assert.Equal("d-0003", json.RootElement.GetProperty("staleDecisions")[0].GetProperty("id").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("progress").GetArrayLength());
        Assert.Equal(1, json.RootElement.GetProperty("summary").GetProperty("byVerdict").GetProperty("accepted_risk").GetInt32());
    }
}
