using VulnTriage.Reports.Common;

namespace VulnTriage.Reports.Markdown;

/// <summary>Writes the shared document as GitHub-flavoured Markdown. Every piece of text goes through <see cref="MarkdownEscaper"/>.</summary>
internal sealed class MarkdownSink(TextWriter output) : IDocumentSink
{
    private readonly TextWriter _output = output;
    private bool _needsBlankLine;

    public void BeginDocument(string title, string lang)
    {
    }

    public void Heading(int level, string text, string? anchor = null)
    {
        Block();
        _output.Write(new string('#', Math.Clamp(level, 1, 6)));
        _output.Write(' ');
        _output.Write(MarkdownEscaper.Escape(text));
        _output.Write('\n');
    }

    /// <summary>
    /// One line of links. Markdown renderers give headings their own ids; GitHub's (and most others') is the heading's
    /// text lower-cased, punctuation removed, spaces made hyphens (<see cref="Slug"/>), which is what the links use.
    /// </summary>
    public void Contents(string label, IReadOnlyList<(string Text, string Anchor)> entries)
    {
        Block();
        _output.Write("**");
        _output.Write(MarkdownEscaper.Escape(label));
        _output.Write(":** ");
        for (var i = 0; i < entries.Count; i++)
        {
            if (i > 0)
            {
                _output.Write(" · ");
            }

            _output.Write('[');
            _output.Write(MarkdownEscaper.Escape(entries[i].Text));
            _output.Write("](#");
            _output.Write(Uri.EscapeDataString(Slug(entries[i].Text)));
            _output.Write(')');
        }

        _output.Write('\n');
    }

    /// <summary>The chart's numbers as a table (Markdown has no pictures of its own).</summary>
    public void Chart(ReportChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var (header, rows) = chart.Table();
        BeginTable(header);
        foreach (var row in rows)
        {
            Row(row);
        }

        EndTable();
    }

    /// <summary>GitHub's heading id: lower case; letters, digits, marks, '-' and '_' kept; spaces to '-'; the rest dropped.</summary>
    internal static string Slug(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (c == ' ')
            {
                sb.Append('-');
            }
            else if (c is '-' or '_' || char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark)
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    public void Paragraph(params IReadOnlyList<Inline> inlines)
    {
        Block();
        WriteInlines(inlines);
        _output.Write('\n');
    }

    public void BeginTable(params IReadOnlyList<string> headers)
    {
        Block();
        _output.Write('|');
        foreach (var h in headers)
        {
            _output.Write(' ');
            _output.Write(MarkdownEscaper.Escape(h));
            _output.Write(" |");
        }

        _output.Write("\n|");
        for (var i = 0; i < headers.Count; i++)
        {
            _output.Write(" --- |");
        }

        _output.Write('\n');
    }

    public void Row(params IReadOnlyList<Inline> cells)
    {
        _output.Write('|');
        foreach (var cell in cells)
        {
            _output.Write(' ');
            WriteInline(cell);
            _output.Write(" |");
        }

        _output.Write('\n');
    }

    public void EndTable()
    {
    }

    public void BeginList() => Block();

    public void ListItem(int depth, params IReadOnlyList<Inline> inlines)
    {
        _output.Write(new string(' ', 2 * Math.Max(0, depth)));
        _output.Write("- ");
        WriteInlines(inlines);
        _output.Write('\n');
    }

    public void EndList()
    {
    }

    public void Footer(string text)
    {
        Block();
        _output.Write("---\n\n");
        _output.Write('_');
        _output.Write(MarkdownEscaper.Escape(text));
        _output.Write("_\n");
    }

    public void EndDocument() => _output.Flush();

    private void Block()
    {
        if (_needsBlankLine)
        {
            _output.Write('\n');
        }

        _needsBlankLine = true;
    }

    private void WriteInlines(IReadOnlyList<Inline> inlines)
    {
        for (var i = 0; i < inlines.Count; i++)
        {
            WriteInline(inlines[i], atLineStart: i == 0);
        }
    }

    private void WriteInline(Inline inline, bool atLineStart = false)
    {
        var text = MarkdownEscaper.Escape(inline.Text, atLineStart);

        switch (inline.Kind)
        {
            case InlineKind.Strong when text.Length > 0:
                _output.Write("**");
                _output.Write(text.Trim());
                _output.Write("**");
                break;
            case InlineKind.Code when inline.Text.Length > 0 && inline.Text.AsSpan().IndexOfAny("`|\r\n") < 0:
                _output.Write('`');
                _output.Write(inline.Text);
                _output.Write('`');
                break;
            case InlineKind.Link when SafeUrl(inline.Url) is { } url:
                _output.Write('[');
                _output.Write(text);
                _output.Write("](<");
                _output.Write(url);
                _output.Write(">)");
                break;
            default:
                _output.Write(text);
                break;
        }
    }

    /// <summary>An http(s) URL made safe for <c>(&lt;…&gt;)</c> link destinations, or <c>null</c>.</summary>
    private static string? SafeUrl(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return null;
        }

        // AbsoluteUri percent-encodes spaces, '<', '>' and control characters; escape the rest that ends a destination.
        return uri.AbsoluteUri.Replace("\\", "%5C", StringComparison.Ordinal).Replace("|", "%7C", StringComparison.Ordinal);
    }
}
