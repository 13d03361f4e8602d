using System.Reflection;
using System.Text.RegularExpressions;
using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Common;
using VulnTriage.Reports.Tests.Support;

namespace VulnTriage.Reports.Tests;

/// <summary>Issue 16: no label or sentence the report writers ship in Japanese has a half-width space between two Japanese characters.</summary>
public sealed partial class JapaneseReportTextTests
{
    [GeneratedRegex(@"[\u3000-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uFF01-\uFF60] +[\u3000-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uFF01-\uFF60]")]
    private static partial Regex SpaceBetweenJapanese();

    [GeneratedRegex(@"[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF][()\[\]]|[()\[\]][\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF]")]
    private static partial Regex HalfWidthBracketInJapanese();

    [Fact]
    public void Should_Have_No_Half_Width_Space_Between_Japanese_Characters_When_Reading_Every_Japanese_Label()
    {
        // Given: every string property of the Japanese labels
        var labels = typeof(Labels).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(string))
            .Select(p => (p.Name, Text: (string)p.GetValue(Labels.Ja)!))
            .ToList();

        // Then
        Assert.True(labels.Count > 40);
        Assert.All(labels, l => Assert.False(SpaceBetweenJapanese().IsMatch(l.Text), $"{l.Name}: {l.Text}"));
        Assert.All(labels, l => Assert.False(HalfWidthBracketInJapanese().IsMatch(l.Text), $"half-width bracket in {l.Name}: {l.Text}"));
    }

    [Theory]
    [InlineData("markdown", ReportDetail.Auto)]
    [InlineData("html", ReportDetail.Auto)]
    [InlineData("markdown", ReportDetail.Summary)]
    [InlineData("html", ReportDetail.Summary)]
    public void Should_Have_No_Half_Width_Space_Between_Japanese_Characters_When_Writing_A_Japanese_Report(string format, ReportDetail detail)
    {
        // Given: the scenario corpus that feeds every writer, in the per-host layout and the grouped one (issue 13), with saved runs and two advisories
        var report = Scenario.Report(Scenario.Advisory, Scenario.SecondAdvisory) with
        {
            Progress = [new Core.Decisions.RunProgress("r-1", Scenario.GeneratedAt, "TEST-SA-0001", new VerdictCounts(1, 2, 1, 1, 4, 1))],
        };
        var writer = ReportWriters.Create(format);
        var output = new StringWriter();

        // When
        writer.Write(report, new ReportOptions("ja", GroupBy.Service, null, detail), output);

        // Then: everything the writers write, evidence sentences included (they are rendered by the writers since issue 10)
        var text = Regex.Replace(output.ToString(), "<[^>]+>", "\n");

        var match = SpaceBetweenJapanese().Match(text);
        Assert.False(match.Success, match.Success ? text.Substring(Math.Max(0, match.Index - 60), Math.Min(140, text.Length - Math.Max(0, match.Index - 60))) : "");
        // Japanese brackets are full-width (the grouped layout of issue 13; the per-host layout still writes "影響あり (ファームウェア)"
        // in its evidence list, a known gap). Markdown's own link syntax [text](#id) is markup, not text.
        var prose = Regex.Replace(text, @"\[([^\]]*)\]\([^)]*\)", "$1");
        var bracket = detail == ReportDetail.Summary ? HalfWidthBracketInJapanese().Match(prose) : Match.Empty;
        Assert.False(bracket.Success, bracket.Success ? $"half-width bracket: {prose.AsSpan(Math.Max(0, bracket.Index - 60), Math.Min(140, prose.Length - Math.Max(0, bracket.Index - 60)))}" : "");
    }
}
