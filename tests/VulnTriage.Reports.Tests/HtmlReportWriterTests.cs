using System.Text.RegularExpressions;
using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Html;
using VulnTriage.Reports.Tests.Support;

namespace VulnTriage.Reports.Tests;

public sealed partial class HtmlReportWriterTests
{
    private static readonly HtmlReportWriter Writer = new();

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
        Golden.Verify(text, nameof(HtmlReportWriterTests), "Scenario_" + lang, "html");
    }

    [Theory]
    [InlineData(Scenario.InjectionName)]
    [InlineData(Scenario.InjectionCpu)]
    [InlineData(Scenario.InjectionFact)]
    [InlineData("<script")]
    [InlineData("<b>")]
    [InlineData("<img")]
    [InlineData("ops|team:web<b>")]
    [InlineData("javascript:")]
    public void Should_NeverContainInjectionRaw_When_HostsCarryMarkup(string injection)
    {
        // Given
        var report = Scenario.Report(Scenario.Advisory, Scenario.SecondAdvisory);

        // When
        var html = Render.With(Writer, report, "en", GroupBy.Role);

        // Then
        Assert.DoesNotContain(injection, html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    public void Should_BeSelfContained_When_Written(string lang)
    {
        // Given
        var report = Scenario.Report();

        // When
        var html = Render.With(Writer, report, lang);

        // Then
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"" + lang + "\">", html, StringComparison.Ordinal);
        Assert.Contains("<meta charset=\"utf-8\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("class=\"verdict v-affected\"", html, StringComparison.Ordinal);
        // Every tag that opens is closed, in order (void <meta> aside).
        var stack = new Stack<string>();
        foreach (Match m in TagPattern().Matches(html))
        {
            var name = m.Groups["name"].Value;
            if (name is "meta" || m.Value.StartsWith("<!", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.Contains(name, AllowedTags);

            if (m.Groups["close"].Success)
            {
                Assert.True(stack.Count > 0 && stack.Pop() == name, $"unbalanced </{name}> at {m.Index}");
            }
            else
            {
                stack.Push(name);
            }
        }

        Assert.Empty(stack);
    }

    [Theory]
    [InlineData("plain host-01")]
    [InlineData("日本語のホスト")]
    [InlineData("Müller ©")]
    [InlineData("emoji \U0001F600")]
    [InlineData("a<b & \"c\" 'd'")]
    public void Should_EncodeLikeWebUtility_When_TextHasNoControlCharacters(string text)
    {
        // Given / When
        var encoded = HtmlSink.Encode(text);

        // Then: the fast path (text returned as is) never differs from the encoder
        Assert.Equal(System.Net.WebUtility.HtmlEncode(text), encoded);
    }

    [Fact]
    public void Should_ReplaceControlAndBidiCharacters_When_Encoding()
    {
        // Given
        var text = "a\r\nb\u202Ec\u0000";

        // When
        var encoded = HtmlSink.Encode(text);

        // Then
        Assert.Equal("a  b\uFFFDc ", encoded);
    }

    private static readonly string[] AllowedTags =
        ["html", "head", "title", "style", "body", "main", "footer", "h1", "h2", "h3", "h4", "p", "strong", "a", "span", "table", "thead", "tbody", "tr", "th", "td", "ul", "li"];

    [GeneratedRegex("<(?<close>/)?(?<name>[a-zA-Z0-9!]+)[^>]*>")]
    private static partial Regex TagPattern();
}
