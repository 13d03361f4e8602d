using System.Buffers;
using System.Net;
using System.Text;
using VulnTriage.Core.Matching;
using VulnTriage.Reports.Common;
using VulnTriage.Reports.Markdown;

namespace VulnTriage.Reports.Html;

/// <summary>
/// Writes the shared document as one self-contained HTML page: inline CSS, no scripts, no external resources, and a
/// Content-Security-Policy that would block them anyway. Every piece of text goes through <see cref="Encode"/>.
/// </summary>
internal sealed class HtmlSink(TextWriter output) : IDocumentSink
{
    private const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans JP",sans-serif;line-height:1.5;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1f2328}
        h1{font-size:1.6rem;border-bottom:2px solid #d0d7de;padding-bottom:.3rem}
        h2{font-size:1.3rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
        h3{font-size:1.1rem}h4,h5,h6{font-size:1rem}
        table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
        th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
        th{background:#f6f8fa;white-space:nowrap}
        td:not(:last-child){word-break:keep-all}
        .verdict{font-weight:600;white-space:nowrap;border-radius:.25rem;padding:0 .3rem}
        .v-affected{background:#ffebe9;color:#a40e26}
        .v-needs_confirmation{background:#fff8c5;color:#7d4e00}
        .v-unknown{background:#fbefff;color:#6e40c9}
        .v-fixed{background:#dafbe1;color:#116329}
        .v-provider_managed{background:#ddf4ff;color:#0550ae}
        .v-not_affected{background:#eaeef2;color:#24292f}
        .v-accepted_risk{background:#fff1e5;color:#953800}
        footer{margin-top:2rem;border-top:1px solid #d0d7de;color:#57606a;font-size:.85rem;padding-top:.5rem}
        """;

    // Text without any of these is written as is; anything else goes through the cleaner and WebUtility.HtmlEncode
    // (which also encodes U+00A0–U+00FF and surrogate pairs as numeric references, hence those ranges).
    private static readonly SearchValues<char> Suspicious = SearchValues.Create(
        Range('\0', '\u001F') + Range('\u007F', '\u00FF') + Range('\uD800', '\uDFFF')
        + "<>&\"'\u2028\u2029\u200E\u200F\u061C" + Range('\u202A', '\u202E') + Range('\u2066', '\u2069'));

    private readonly TextWriter _output = output;
    private int _listDepth = -1;

    /// <summary>HTML-encodes untrusted text; control characters become spaces and bidi overrides U+FFFD first.</summary>
    public static string Encode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (!text.AsSpan().ContainsAny(Suspicious))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(MarkdownEscaper.IsLineBreakOrControl(c) ? ' ' : Core.Text.UnicodeControls.IsBidiControl(c) ? '\uFFFD' : c);
        }

        return WebUtility.HtmlEncode(sb.ToString());
    }

    private static string Range(char first, char last) =>
        string.Concat(Enumerable.Range(first, last - first + 1).Select(i => (char)i));

    public void BeginDocument(string title, string lang)
    {
        _output.Write("<!DOCTYPE html>\n<html lang=\"");
        _output.Write(Encode(lang));
        _output.Write("\">\n<head>\n<meta charset=\"utf-8\">\n");
        _output.Write("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
        _output.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        _output.Write(Encode(title));
        _output.Write("</title>\n<style>\n");
        _output.Write(Css);
        _output.Write("\n</style>\n</head>\n<body>\n<main>\n");
    }

    public void Heading(int level, string text, string? anchor = null)
    {
        var n = Math.Clamp(level, 1, 6);
        if (SafeId(anchor) is { } id)
        {
            _output.Write($"<h{n} id=\"{id}\">");
        }
        else
        {
            _output.Write($"<h{n}>");
        }

        _output.Write(Encode(text));
        _output.Write($"</h{n}>\n");
    }

    public void Contents(string label, IReadOnlyList<(string Text, string Anchor)> entries)
    {
        // Inline styles (the policy allows them): pages without a table of contents or charts keep their stylesheet as it was.
        _output.Write("<nav class=\"toc\" style=\"font-size:.9rem;margin:.5rem 0 1rem;line-height:1.8\" aria-label=\"");
        _output.Write(Encode(label));
        _output.Write("\"><strong>");
        _output.Write(Encode(label));
        _output.Write(":</strong> ");
        foreach (var (text, anchor) in entries)
        {
            if (SafeId(anchor) is not { } id)
            {
                continue;
            }

            _output.Write("<a style=\"margin-right:.75rem\" href=\"#");
            _output.Write(id);
            _output.Write("\">");
            _output.Write(Encode(text));
            _output.Write("</a>");
        }

        _output.Write("</nav>\n");
    }

    /// <summary>The chart as inline SVG (no script), then its numbers as a table.</summary>
    public void Chart(ReportChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        _output.Write("<figure class=\"chart\" style=\"margin:.5rem 0 1rem\">\n");
        _output.Write(chart.Kind == ChartKind.StackedBars ? SvgCharts.StackedBars(chart, Encode) : SvgCharts.Lines(chart, Encode));
        _output.Write("</figure>\n");
        var (header, rows) = chart.Table();
        BeginTable(header);
        foreach (var row in rows)
        {
            Row(row);
        }

        EndTable();
    }

    /// <summary>Ids are made by the document from fixed words and numbers; anything else is dropped rather than escaped.</summary>
    private static string? SafeId(string? anchor) =>
        anchor is { Length: > 0 and <= 64 } && anchor.AsSpan().IndexOfAnyExcept(IdChars) < 0 ? anchor : null;

    private static readonly SearchValues<char> IdChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    public void Paragraph(params IReadOnlyList<Inline> inlines)
    {
        _output.Write("<p>");
        WriteInlines(inlines);
        _output.Write("</p>\n");
    }

    public void BeginTable(params IReadOnlyList<string> headers)
    {
        _output.Write("<table>\n<thead><tr>");
        foreach (var h in headers)
        {
            _output.Write("<th>");
            _output.Write(Encode(h));
            _output.Write("</th>");
        }

        _output.Write("</tr></thead>\n<tbody>\n");
    }

    public void Row(params IReadOnlyList<Inline> cells)
    {
        _output.Write("<tr>");
        foreach (var cell in cells)
        {
            _output.Write("<td>");
            WriteInline(cell);
            _output.Write("</td>");
        }

        _output.Write("</tr>\n");
    }

    public void EndTable() => _output.Write("</tbody>\n</table>\n");

    public void BeginList() => _listDepth = -1;

    public void ListItem(int depth, params IReadOnlyList<Inline> inlines)
    {
        depth = Math.Clamp(depth, 0, _listDepth + 1);
        while (_listDepth > depth)
        {
            _output.Write("</li>\n</ul>\n");
            _listDepth--;
        }

        if (_listDepth == depth)
        {
            _output.Write("</li>\n");
        }
        else
        {
            _output.Write("<ul>\n");
            _listDepth = depth;
        }

        _output.Write("<li>");
        WriteInlines(inlines);
    }

    public void EndList()
    {
        while (_listDepth >= 0)
        {
            _output.Write("</li>\n</ul>\n");
            _listDepth--;
        }
    }

    public void Footer(string text)
    {
        _output.Write("</main>\n<footer>");
        _output.Write(Encode(text));
        _output.Write("</footer>\n");
    }

    public void EndDocument()
    {
        _output.Write("</body>\n</html>\n");
        _output.Flush();
    }

    private void WriteInlines(IReadOnlyList<Inline> inlines)
    {
        foreach (var inline in inlines)
        {
            WriteInline(inline);
        }
    }

    private void WriteInline(Inline inline)
    {
        if (inline.Verdict is { } verdict)
        {
            _output.Write("<span class=\"verdict v-");
            _output.Write(verdict.ToWire());
            _output.Write("\">");
        }

        switch (inline.Kind)
        {
            case InlineKind.Strong:
                _output.Write("<strong>");
                _output.Write(Encode(inline.Text));
                _output.Write("</strong>");
                break;
            case InlineKind.Code:
                _output.Write("<code>");
                _output.Write(Encode(inline.Text));
                _output.Write("</code>");
                break;
            case InlineKind.Link when SafeUrl(inline.Url) is { } url:
                _output.Write("<a href=\"");
                _output.Write(Encode(url));
                _output.Write("\" rel=\"noreferrer noopener\">");
                _output.Write(Encode(inline.Text));
                _output.Write("</a>");
                break;
            default:
                _output.Write(Encode(inline.Text));
                break;
        }

        if (inline.Verdict is not null)
        {
            _output.Write("</span>");
        }
    }

    /// <summary>Only absolute http(s) links are emitted; anything else (javascript:, data:) is shown as text.</summary>
    private static string? SafeUrl(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.AbsoluteUri
            : null;
}
