using System.Text;

namespace VulnTriage.Core.Identification;

/// <summary>Turns a normalised brand string into the matching form used by the parsers.</summary>
internal static class BrandText
{
    /// <summary>Longest brand string that is parsed (a CPUID brand string has at most 48 characters).</summary>
    public const int MaxParsedLength = 256;

    /// <summary>
    /// Upper case, without <c>(R)</c>/<c>(TM)</c>/<c>(C)</c>/®/™, cut at the first <c>@</c> (the frequency),
    /// single spaces, mangled <c>CoreT</c> repaired.
    /// </summary>
    public static string Clean(string normalized)
    {
        var s = normalized.Length > MaxParsedLength ? normalized[..MaxParsedLength] : normalized;
        var at = s.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            s = s[..at];
        }

        var sb = new StringBuilder(s.Length);
        var pendingSpace = false;
        for (var i = 0; i < s.Length; i++)
        {
            var ch = s[i];
            if (ch == '(' && i + 2 < s.Length)
            {
                var skip = MarkLength(s, i);
                if (skip > 0)
                {
                    i += skip - 1;
                    pendingSpace = sb.Length > 0 && (i + 1 >= s.Length || s[i + 1] != '-'); // "FX(tm)-8350" -> "FX-8350"
                    continue;
                }
            }

            if (ch is '®' or '™' || char.IsWhiteSpace(ch) || char.IsControl(ch))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(char.ToUpperInvariant(ch));
        }

        var result = sb.ToString();
        if (result.Contains("CORET ", StringComparison.Ordinal))
        {
            result = result.Replace("CORET ", "CORE ", StringComparison.Ordinal);
        }

        return result;
    }

    private static int MarkLength(string s, int i)
    {
        var rest = s.AsSpan(i);
        if (rest.StartsWith("(R)", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("(C)", StringComparison.OrdinalIgnoreCase))
        {
            return 3;
        }

        return rest.StartsWith("(TM)", StringComparison.OrdinalIgnoreCase) ? 4 : 0;
    }
}
