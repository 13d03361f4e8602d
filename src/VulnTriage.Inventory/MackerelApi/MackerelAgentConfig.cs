using System.Globalization;
using System.Text;

namespace VulnTriage.Inventory.MackerelApi;

/// <summary>
/// The two top-level settings VulnTriage reads from mackerel-agent's TOML config (as <c>mkr</c> does):
/// <c>apikey = "…"</c> and <c>apibase = "…"</c>. Only top-level keys before the first <c>[table]</c> count; basic
/// strings (with escapes) and literal strings are understood; comments and other keys are ignored.
/// </summary>
/// <param name="ApiKey">The <c>apikey</c> value, or <c>null</c>.</param>
/// <param name="ApiBase">The <c>apibase</c> value, or <c>null</c>.</param>
public sealed record MackerelAgentConfig(string? ApiKey, string? ApiBase)
{
    /// <summary>Where mackerel-agent keeps its config on Linux (and where <c>mkr</c> looks by default).</summary>
    public const string DefaultPath = "/etc/mackerel-agent/mackerel-agent.conf";

    /// <summary>Parses the config text.</summary>
    /// <param name="text">The file's text.</param>
    /// <returns>The two settings.</returns>
    /// <exception cref="FormatException">An <c>apikey</c>/<c>apibase</c> line whose value is not a TOML string (the message never contains the value).</exception>
    public static MackerelAgentConfig Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? apiKey = null, apiBase = null;
        var lines = text.TrimStart('\uFEFF').Split('\n');
        string? openMultiline = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r').Trim();
            if (openMultiline is not null)
            {
                // Inside a multi-line string: nothing here is a key.
                if (line.Contains(openMultiline, StringComparison.Ordinal))
                {
                    openMultiline = null;
                }

                continue;
            }

            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line[0] == '[')
            {
                break; // Tables start: the rest belongs to plugins etc.
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var key = line[..eq].Trim().Trim('"', '\'');
            var value = line[(eq + 1)..].Trim();
            foreach (var quote in (ReadOnlySpan<string>)["\"\"\"", "'''"])
            {
                if (value.StartsWith(quote, StringComparison.Ordinal) && value.IndexOf(quote, 3, StringComparison.Ordinal) < 0)
                {
                    openMultiline = quote;
                }
            }

            if (openMultiline is not null || (key != "apikey" && key != "apibase"))
            {
                continue;
            }

            var parsed = ParseString(value)
                ?? throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"line {i + 1}: the value of '{key}' is not a TOML string"));
            if (key == "apikey")
            {
                apiKey = parsed;
            }
            else
            {
                apiBase = parsed;
            }
        }

        return new MackerelAgentConfig(apiKey, apiBase);
    }

    /// <summary>A single-line TOML basic (<c>"…"</c>, with escapes) or literal (<c>'…'</c>) string followed only by a comment.</summary>
    private static string? ParseString(string value)
    {
        if (value.Length < 2)
        {
            return null;
        }

        int end;
        string result;
        if (value[0] == '\'')
        {
            end = value.IndexOf('\'', 1);
            if (end < 0)
            {
                return null;
            }

            result = value[1..end];
        }
        else if (value[0] == '"')
        {
            var sb = new StringBuilder();
            end = -1;
            for (var i = 1; i < value.Length; i++)
            {
                var c = value[i];
                if (c == '"')
                {
                    end = i;
                    break;
                }

                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }

                if (++i >= value.Length)
                {
                    return null;
                }

                switch (value[i])
                {
                    case 'b': sb.Append('\b'); break;
                    case 't': sb.Append('\t'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'r': sb.Append('\r'); break;
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case 'u' or 'U':
                        var len = value[i] == 'u' ? 4 : 8;
                        if (i + len >= value.Length
                            || !int.TryParse(value.AsSpan(i + 1, len), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var cp)
                            || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                        {
                            return null;
                        }

                        sb.Append(char.ConvertFromUtf32(cp));
                        i += len;
                        break;
                    default:
                        return null;
                }
            }

            if (end < 0)
            {
                return null;
            }

            result = sb.ToString();
        }
        else
        {
            return null;
        }

        var rest = value[(end + 1)..].Trim();
        return rest.Length == 0 || rest[0] == '#' ? result : null;
    }
}
