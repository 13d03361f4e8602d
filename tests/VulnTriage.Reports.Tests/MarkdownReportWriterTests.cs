using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Markdown;
using VulnTriage.Reports.Tests.Support;

namespace VulnTriage.Reports.Tests;

public sealed class MarkdownReportWriterTests
{
    private static readonly MarkdownReportWriter Writer = new();

    [Theory]
    [InlineData("en", GroupBy.Service, "Scenario_en")]
    [InlineData("ja", GroupBy.Service, "Scenario_ja")]
    [InlineData("en", GroupBy.Role, "Scenario_en_by_role")]
    [InlineData("en", GroupBy.None, "Scenario_en_ungrouped")]
    public void Should_MatchGoldenFile_When_WritingTheScenario(string lang, GroupBy groupBy, string caseName)
    {
        // Given
        var report = Scenario.Report();

        // When
        var text = Render.With(Writer, report, lang, groupBy);

        // Then
        Golden.Verify(text, nameof(MarkdownReportWriterTests), caseName, "md");
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    public void Should_MatchGoldenFile_When_WritingSeveralAdvisories(string lang)
    {
        // Given
        var report = Scenario.Report(Scenario.Advisory, Scenario.SecondAdvisory);

        // When
        var text = Render.With(Writer, report, lang);

        // Then
        Golden.Verify(text, nameof(MarkdownReportWriterTests), "TwoAdvisories_" + lang, "md");
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    public void Should_KeepEveryTableRowsColumnCount_When_CellsHoldPipesAndNewlines(string lang)
    {
        // Given
        var report = Scenario.Report(Scenario.Advisory, Scenario.SecondAdvisory);

        // When
        var lines = Render.With(Writer, report, lang).Split('\n');

        // Then: every row of a table has as many unescaped pipes as its header
        var tables = 0;
        int? columns = null;
        foreach (var line in lines)
        {
            if (!line.StartsWith('|'))
            {
                columns = null;
                continue;
            }

            var pipes = UnescapedPipes(line);
            if (columns is null)
            {
                columns = pipes;
                tables++;
            }

            Assert.True(pipes == columns, $"row has {pipes} pipes, header {columns}: {line}");
        }

        Assert.True(tables >= 8, $"expected the scenario to produce tables, found {tables}");
    }

    [Fact]
    public void Should_NeitherOpenAHeadingNorEmitHtml_When_AHostNameCarriesMarkup()
    {
        // Given
        var report = Scenario.Report();

        // When
        var text = Render.With(Writer, report);

        // Then
        // every '<' is escaped, except where a link destination opens: "](<https://…>)"
        for (var i = text.IndexOf('<', StringComparison.Ordinal); i >= 0; i = text.IndexOf('<', i + 1))
        {
            Assert.True(text[i - 1] == '\\' || text.AsSpan(i - 2, 2).SequenceEqual("]("), $"raw '<' at {i}: {text.Substring(Math.Max(0, i - 20), 40)}");
        }

        Assert.DoesNotContain("\n# heading", text, StringComparison.Ordinal);
        Assert.DoesNotContain("](<javascript", text, StringComparison.Ordinal);
        Assert.Contains(@"evil\|host\<script\>alert(1)\</script\>\`=cmd\` \# heading", text, StringComparison.Ordinal);
        Assert.Equal(1, text.Split('\n').Count(l => l.StartsWith("# ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("a|b", @"a\|b")]
    [InlineData("line1\r\nline2", "line1  line2")]
    [InlineData("# title", @"\# title")]
    [InlineData("- item", @"\- item")]
    [InlineData("1. item", @"1\. item")]
    [InlineData("    code", "code")]
    [InlineData("8.2 (v3.0)", "8.2 (v3.0)")]
    [InlineData("*bold* _it_ `c` [l](u) \\", @"\*bold\* \_it\_ \`c\` \[l\](u) \\")]
    [InlineData("<script>", @"\<script\>")]
    [InlineData("a\u202Eb", "a\uFFFDb")]
    public void Should_EscapeMarkup_When_TextIsUntrusted(string raw, string expected)
    {
        // Given / When
        var escaped = MarkdownEscaper.Escape(raw);

        // Then
        Assert.Equal(expected, escaped);
    }

    [Fact]
    public void Should_KeepFindingsOrder_When_ListingEvidence()
    {
        // Given
        var report = Scenario.Report();

        // When
        var text = Render.With(Writer, report);

        // Then: the evidence list names the hosts in the report's order
        var evidence = text[text.IndexOf("Evidence per host", StringComparison.Ordinal)..];
        var positions = report.Findings.Select(f => evidence.IndexOf("- **" + MarkdownEscaper.Escape(f.Host.Name), StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
    }

    private static int UnescapedPipes(string line)
    {
        var count = 0;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\\')
            {
                i++;
            }
            else if (line[i] == '|')
            {
                count++;
            }
        }

        return count;
    }
}
