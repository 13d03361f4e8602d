using System.Text;

namespace VulnTriage.Reports.Csv;

/// <summary>RFC 4180 field quoting plus spreadsheet formula neutralisation (OWASP "CSV injection").</summary>
internal static class CsvEscaper
{
    /// <summary>
    /// The field as written: a value starting with <c>= + - @</c>, TAB or CR gets a leading <c>'</c> so spreadsheets
    /// show it as text; a value with a comma, quote, CR or LF is quoted, with quotes doubled.
    /// </summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
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
