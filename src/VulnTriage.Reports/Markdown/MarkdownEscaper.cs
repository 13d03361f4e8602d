using System.Buffers;
using System.Text;

namespace VulnTriage.Reports.Markdown;

/// <summary>
/// Escapes untrusted text for GitHub-flavoured Markdown, for table cells and inline text alike: the result is one
/// line of literal text that can open no block (heading, list, quote, code) and contains no markup, HTML or table pipe.
/// </summary>
internal static class MarkdownEscaper
{
    // Every ASCII punctuation CommonMark can give a meaning to inline, plus the table pipe. A backslash escape is
    // valid before any ASCII punctuation, so escaping a few extra characters is harmless.
    private const string Special = "\\`*_[]<>|#&~!";

    // Fast path: most host names and texts need no escaping at all.
    private static readonly SearchValues<char> NeedsWork = SearchValues.Create(
        Special + "\u2028\u2029\u200E\u200F\u061C\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069"
        + string.Concat(Enumerable.Range(0, 32).Select(i => (char)i)) + string.Concat(Enumerable.Range(0x7F, 0x21).Select(i => (char)i)));

    /// <summary>The escaped text.</summary>
    /// <param name="text">Raw text.</param>
    /// <param name="atLineStart">Whether the text starts a line (paragraph, list item): then leading spaces are dropped
    /// and a leading <c>-</c>, <c>+</c>, <c>=</c> or <c>1.</c> is escaped too. Table cells and later inline pieces need not.</param>
    public static string Escape(string? text, bool atLineStart = true)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (!text.AsSpan().ContainsAny(NeedsWork) && (!atLineStart || !NeedsBlockStartEscape(text)))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (IsLineBreakOrControl(c))
            {
                sb.Append(' ');
            }
            else if (Core.Text.UnicodeControls.IsBidiControl(c))
            {
                sb.Append('\uFFFD');
            }
            else
            {
                if (Special.Contains(c, StringComparison.Ordinal))
                {
                    sb.Append('\\');
                }

                sb.Append(c);
            }
        }

        if (atLineStart)
        {
            EscapeBlockStart(sb);
        }

        return sb.ToString();
    }

    /// <summary>Newlines and other control characters become spaces (they could end a table row or a paragraph).</summary>
    internal static bool IsLineBreakOrControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    private static bool NeedsBlockStartEscape(string text) =>
        text[0] is ' ' or '-' or '+' or '=' || char.IsAsciiDigit(text[0]);

    // At the start of a line, "-", "+", "=" and "1. " / "1) " open lists or setext headings; leading spaces open code blocks.
    private static void EscapeBlockStart(StringBuilder sb)
    {
        var start = 0;
        while (start < sb.Length && sb[start] == ' ')
        {
            start++;
        }

        if (start > 0)
        {
            sb.Remove(0, start);
        }

        if (sb.Length == 0)
        {
            return;
        }

        if (sb[0] is '-' or '+' or '=')
        {
            sb.Insert(0, '\\');
            return;
        }

        var digits = 0;
        while (digits < sb.Length && char.IsAsciiDigit(sb[digits]))
        {
            digits++;
        }

        if (digits > 0 && digits < sb.Length && sb[digits] is '.' or ')' && (digits + 1 == sb.Length || sb[digits + 1] == ' '))
        {
            sb.Insert(digits, '\\');
        }
    }
}
