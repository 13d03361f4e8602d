using System.Globalization;
using System.Text;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Tests.Identification;

/// <summary>One row of testdata/cpu/corpus.tsv or unverified.tsv (see testdata/cpu/README.md).</summary>
internal sealed record CpuCorpusRow(
    string File,
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
    /// <summary><c>file:line</c>, the row's key and its name in test output.</summary>
    public string Location => $"{File}:{Line}";

    /// <summary>Whether the brand string is a real one copied from a cited source (every row of corpus.tsv).</summary>
    public bool IsReal => File == CpuCorpus.RealFile;

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
    /// <summary>Real brand strings, each copied from a cited public source.</summary>
    public const string RealFile = "corpus.tsv";

    /// <summary>Brand strings written from the vendor's naming for parts without a capture yet (<c>ark:</c> rows).</summary>
    public const string UnverifiedFile = "unverified.tsv";

    public const string RelativePath = "testdata/cpu/" + RealFile;

    private static readonly Lazy<IReadOnlyDictionary<string, CpuCorpusRow>> Rows = new(Load);

    /// <summary>Every row of both files, keyed by <see cref="CpuCorpusRow.Location"/>.</summary>
    public static IReadOnlyDictionary<string, CpuCorpusRow> All => Rows.Value;

    private static Dictionary<string, CpuCorpusRow> Load() =>
        Parse(Path.Combine(AppContext.BaseDirectory, RelativePath))
            .Concat(Parse(Path.Combine(AppContext.BaseDirectory, "testdata/cpu/" + UnverifiedFile)))
            .ToDictionary(r => r.Location, StringComparer.Ordinal);

    /// <summary>Parses a corpus file (also linked into bench/VulnTriage.Bench for the identification benchmark).</summary>
    public static List<CpuCorpusRow> Parse(string path)
    {
        var rows = new List<CpuCorpusRow>();
        var file = Path.GetFileName(path);
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
                throw new InvalidDataException($"{file}:{i + 1}: expected 13 tab-separated columns, found {f.Length}");
            }

            rows.Add(new CpuCorpusRow(
                file,
                i + 1,
                Unescape(f[0]),
                f[1].Length == 0 ? null : f[1],
                ParseSignature(f[2], file, i + 1),
                f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12]));
        }

        return rows;
    }

    private static CpuSignature? ParseSignature(string text, string file, int line)
    {
        if (text.Trim().Length == 0)
        {
            return null;
        }

        var p = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length is < 2 or > 3)
        {
            throw new InvalidDataException($"{file}:{line}: signature must be 'family model [stepping]' in decimal");
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
