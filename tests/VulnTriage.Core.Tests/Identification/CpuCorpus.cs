using System.Globalization;
using System.Text;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Tests.Identification;

/// <summary>One row of testdata/cpu/corpus.tsv (see testdata/cpu/README.md).</summary>
internal sealed record CpuCorpusRow(
    int Line,
    string Brand,
    string? VendorId,
    CpuSignature? Signature,
    string Vendor,
    string ProductLine,
    string ModelNumber,
    string Generation,
    string Microarchitecture,
    string Codename,
    string Segment,
    string Virtual,
    string Confidence,
    string Source)
{
    /// <summary>
    /// Whether the row's signature was copied from a real capture of the part (README "CPUID signatures"):
    /// a signature is present and the source cites a capture — not an <c>ark:</c> row, not a signature written from
    /// the part's published CPUID, not a brand rebuilt from a libcpuid test-file name (<c>libcpuid tests/…</c>), knowledge or synthetic row, and not a
    /// <c>family/model:</c> confirmation without a stepping.
    /// </summary>
    public bool HasCapturedSignature
    {
        get
        {
            if (Signature is null)
            {
                return false;
            }

            if (Source.Contains("; signature:", StringComparison.Ordinal) || Source.Contains("; brand and signature:", StringComparison.Ordinal))
            {
                return true;
            }

            return !Source.StartsWith("ark:", StringComparison.Ordinal)
                && !Source.Contains("(signature: the part's published CPUID)", StringComparison.Ordinal)
                && !Source.StartsWith("libcpuid ", StringComparison.Ordinal)
                && !Source.Contains("knowledge", StringComparison.OrdinalIgnoreCase)
                && !Source.Contains("synthetic", StringComparison.OrdinalIgnoreCase)
                && !Source.Contains("family/model:", StringComparison.Ordinal);
        }
    }
}

internal static class CpuCorpus
{
    public const string RelativePath = "testdata/cpu/corpus.tsv";

    private static readonly Lazy<IReadOnlyDictionary<int, CpuCorpusRow>> Rows = new(Load);

    public static IReadOnlyDictionary<int, CpuCorpusRow> All => Rows.Value;

    private static Dictionary<int, CpuCorpusRow> Load() =>
        Parse(Path.Combine(AppContext.BaseDirectory, RelativePath)).ToDictionary(r => r.Line);

    /// <summary>Parses a corpus file (also linked into bench/VulnTriage.Bench for the identification benchmark).</summary>
    public static List<CpuCorpusRow> Parse(string path)
    {
        var rows = new List<CpuCorpusRow>();
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        var headerSeen = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (!headerSeen)
            {
                headerSeen = true; // header row
                continue;
            }

            var f = line.Split('\t');
            if (f.Length != 13)
            {
                throw new InvalidDataException($"{RelativePath}:{i + 1}: expected 13 tab-separated columns, found {f.Length}");
            }

            rows.Add(new CpuCorpusRow(
                i + 1,
                Unescape(f[0]),
                f[1].Length == 0 ? null : f[1],
                ParseSignature(f[2], i + 1),
                f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12]));
        }

        return rows;
    }

    private static CpuSignature? ParseSignature(string text, int line)
    {
        if (text.Trim().Length == 0)
        {
            return null;
        }

        var p = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length is < 2 or > 3)
        {
            throw new InvalidDataException($"{RelativePath}:{line}: signature must be 'family model [stepping]' in decimal");
        }

        return new CpuSignature(
            int.Parse(p[0], CultureInfo.InvariantCulture),
            int.Parse(p[1], CultureInfo.InvariantCulture),
            p.Length == 3 ? int.Parse(p[2], CultureInfo.InvariantCulture) : null);
    }

    /// <summary>Brand column escapes: <c>\n</c>, <c>\t</c>, <c>\\</c>, <c>\xHH</c>.</summary>
    public static string Unescape(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length)
            {
                sb.Append(s[i]);
                continue;
            }

            var c = s[++i];
            switch (c)
            {
                case 'n':
                    sb.Append('\n');
                    break;
                case 't':
                    sb.Append('\t');
                    break;
                case '\\':
                    sb.Append('\\');
                    break;
                case 'x' when i + 2 < s.Length:
                    sb.Append((char)int.Parse(s.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                default:
                    sb.Append('\\').Append(c);
                    break;
            }
        }

        return sb.ToString();
    }
}
