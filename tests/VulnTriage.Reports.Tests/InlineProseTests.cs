using VulnTriage.Reports.Common;

namespace VulnTriage.Reports.Tests;

/// <summary>Our own sentences name commands in backticks: shown as code, never as escaped backticks.</summary>
public sealed class InlineProseTests
{
    [Fact]
    public void Should_Show_Backticked_Spans_As_Code_When_Splitting_One_Of_Our_Sentences()
    {
        // When
        var inlines = Inline.Prose("the JSON report (`--format json`), or `--detail full`.");

        // Then
        Assert.Equal(
            [("the JSON report (", InlineKind.Plain), ("--format json", InlineKind.Code), ("), or ", InlineKind.Plain), ("--detail full", InlineKind.Code), (".", InlineKind.Plain)],
            inlines.Select(i => (i.Text, i.Kind)));
    }

    [Fact]
    public void Should_Keep_An_Unclosed_Backtick_Span_As_Plain_Text_When_Splitting()
    {
        // When
        var inlines = Inline.Prose("a `b");

        // Then
        Assert.All(inlines, i => Assert.Equal(InlineKind.Plain, i.Kind));
    }

    [Fact]
    public void Should_Write_Code_Spans_In_Markdown_And_Html_When_A_Paragraph_Has_Code()
    {
        // Given
        var markdown = new StringWriter();
        var html = new StringWriter();

        // When
        new Markdown.MarkdownSink(markdown).Paragraph(Inline.Prose("run `vulntriage triage --all` <now>"));
        new Html.HtmlSink(html).Paragraph(Inline.Prose("run `vulntriage triage --all` <now>"));

        // Then: code as code; the rest escaped as always
        Assert.Contains("run `vulntriage triage --all` \\<now\\>", markdown.ToString(), StringComparison.Ordinal);
        Assert.Contains("run <code>vulntriage triage --all</code> &lt;now&gt;", html.ToString(), StringComparison.Ordinal);
    }
}
