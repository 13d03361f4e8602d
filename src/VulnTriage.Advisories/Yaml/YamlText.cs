using System.Globalization;
using System.Text;
using VulnTriage.Core.Text;

namespace VulnTriage.Advisories.Yaml;

/// <summary>Writes YAML safely for the importers (Intel's table, NVD records): their text is input.</summary>
internal static class YamlText
{
    /// <summary>
    /// A double-quoted YAML scalar: backslash, quote, control, line-separator, byte-order-mark and bidirectional
    /// characters escaped, a lone surrogate replaced by U+FFFD. Table cells and NVD text are input: every string is quoted.
    /// </summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Most strings (CPE names, ids, versions) need no escape: quote them as they are.
        if (!text.AsSpan().ContainsAnyExcept(Plain))
        {
            return string.Concat("\"", text, "\"");
        }

        var sb = new StringBuilder(text.Length + 2);
        sb.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case var _ when char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]):
                    sb.Append(c).Append(text[++i]);
                    break;
                case var _ when char.IsSurrogate(c):
                    sb.Append('\uFFFD');
                    break;
                case var _ when char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF' || UnicodeControls.IsBidiControl(c):
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    // Printable ASCII but the quote and the backslash: written inside double quotes as is.
    private static readonly System.Buffers.SearchValues<char> Plain = System.Buffers.SearchValues.Create(
        " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>Text for a YAML comment or a one-line value: control, line-separator and bidirectional characters become spaces.</summary>
    public static string Comment(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(char.IsControl(c) || c is '\u2028' or '\u2029' || UnicodeControls.IsBidiControl(c) ? ' ' : c);
        }

        return sb.ToString();
    }
}
