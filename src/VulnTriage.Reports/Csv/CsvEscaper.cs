using System.Text;

namespace VulnTriage.Reports.Csv;

/// <summary>RFC 4180 field quoting plus spreadsheet formula neutralisation (OWASP "CSV injection").</summary>
internal static class CsvEscaper
{
    /// <summary>
    /// The field as written: control characters other than TAB, CR and LF are dropped (LibreOffice skips a leading NUL
    /// and would then read <c>=HYPERLINK(…)</c> as a live formula); a value whose first character, after any leading
    /// spaces, is <c>= + - @</c> (or their full-width forms), TAB or CR gets a leading <c>'</c> so spreadsheets show it
    /// as text; a value with a comma, quote, CR or LF is quoted, with quotes doubled.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value.AsSpan().IndexOfAnyInRange('\0', '\u001F') >= 0 || value.AsSpan().IndexOfAnyInRange('\u007F', '\u009F') >= 0)
        {
            var kept = new StringBuilder(value.Length);
            foreach (var c in value)
            {
                if (!char.IsControl(c) || c is '\t' or '\r' or '\n')
                {
                    kept.Append(c);
                }
            }

            value = kept.ToString();
            if (value.Length == 0)
            {
                return "";
            }
        }

        // Span-based: the params char[] overload would allocate per cell (and ReadyToRun code does not stack-allocate it).
        var first = value.AsSpan().TrimStart(" \u3000");
        if (first.Length > 0 && first[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '＝' or '＋' or '－' or '＠')
        {
            value = "'" + value;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 8);
        sb.Append('"');
        foreach (var c in value)
        {
            if (c == '"')
            {
                sb.Append('"');
            }

            sb.Append(c);
        }

        sb.Append('"');
        return sb.ToString();
    }
}
