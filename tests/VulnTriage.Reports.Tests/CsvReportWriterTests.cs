using System.Text;
using VulnTriage.Core.Matching;
using VulnTriage.Reports.Csv;
using VulnTriage.Reports.Tests.Support;

namespace VulnTriage.Reports.Tests;

public sealed class CsvReportWriterTests
{
    private static readonly CsvReportWriter Writer = new();

    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    public void Should_MatchGoldenFile_When_WritingTheScenario(string lang)
    {
        // Given
        var report = Scenario.Report();

        // When
        var text = Render.With(Writer, report, lang);

        // Then
        Golden.Verify(text, nameof(CsvReportWriterTests), "Scenario_" + lang, "csv");
    }

    [Fact]
    public void Should_RoundTripEveryField_When_ParsedAsRfc4180()
    {
        // Given
        var report = Scenario.Report(Scenario.Advisory, Scenario.SecondAdvisory);

        // When
        var rows = Parse(Render.With(Writer, report));

        // Then
        Assert.Equal(CsvReportWriter.Columns, rows[0]);
        Assert.Equal(report.Findings.Length + 1, rows.Count);
        Assert.All(rows, r => Assert.Equal(19, r.Count));
        for (var i = 0; i < report.Findings.Length; i++)
        {
            var f = report.Findings[i];
            var row = rows[i + 1];
            Assert.Equal(f.AdvisoryId, row[0]);
            Assert.Equal(f.Host.Id, row[1]);
            Assert.Equal(f.Host.Name, row[2]);
            Assert.Equal(Unneutralise(f.Host.DisplayName ?? ""), Unneutralise(row[3]));
            Assert.Equal(f.Verdict.ToWire(), row[10]);
            Assert.Equal(f.Stage.ToWire(), row[11]);
        }

        var evil = rows.Single(r => r[1] == "0evil" && r[0] == "TEST-SA-0001");
        Assert.Equal(Scenario.InjectionName, evil[2]);
        Assert.Equal("'" + Scenario.InjectionDisplayName, evil[3]);
        Assert.Equal(Scenario.InjectionCpu, evil[8]);
        Assert.Equal("false", rows.Single(r => r[1] == "7lonely" && r[0] == "TEST-SA-0001")[9]);
        Assert.Equal("true", rows.Single(r => r[1] == "5db01" && r[0] == "TEST-SA-0001")[9]);
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+cmd", "'+cmd")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("plain", "plain")]
    [InlineData("", "")]

    // Issue 16 attack 3: LibreOffice skips a leading NUL and then evaluates the formula.
    [InlineData("\0=HYPERLINK(\"http://evil.example/\",\"x\")", "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\"")]
    [InlineData("\u0001\u0002=1+1", "'=1+1")]
    [InlineData("  =1+1", "'  =1+1")]
    [InlineData("＝1+1", "'＝1+1")]
    [InlineData("a\0b", "ab")]
    [InlineData("\0", "")]
    public void Should_QuoteAndNeutralise_When_AFieldIsDangerous(string raw, string expected)
    {
        // Given / When
        var field = CsvEscaper.Field(raw);

        // Then
        Assert.Equal(expected, field);
    }

    private static string Unneutralise(string value) => value.StartsWith('\'') ? value[1..] : value;

    /// <summary>A strict RFC 4180 parser: CRLF records, quoted fields with doubled quotes, nothing else.</summary>
    private static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (field.Length == 0 && text[i] == '"')
            {
                i++;
                while (true)
                {
                    Assert.True(i < text.Length, "unterminated quoted field");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }

                Assert.True(i == text.Length || text[i] == ',' || text[i] == '\r', $"text after a closing quote at {i}");
                continue;
            }

            switch (text[i])
            {
                case ',':
                    row.Add(field.ToString());
                    field.Clear();
                    i++;
                    break;
                case '\r':
                    Assert.True(i + 1 < text.Length && text[i + 1] == '\n', "bare CR outside quotes");
                    row.Add(field.ToString());
                    field.Clear();
                    rows.Add(row);
                    row = [];
                    i += 2;
                    break;
                case '\n':
                case '"':
                    Assert.Fail($"bare {(text[i] == '"' ? "quote" : "LF")} outside quotes at {i}");
                    break;
                default:
                    field.Append(text[i++]);
                    break;
            }
        }

        Assert.True(row.Count == 0 && field.Length == 0, "the last record must end with CRLF");
        return rows;
    }
}
