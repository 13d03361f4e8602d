using System.Globalization;
using System.Text;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Tests.Identification;

/// <summary>The expert's answer for INTEL-SA-00086 from a row's CPU facts alone (testdata/cpu/README.md, "Held-out set").</summary>
internal enum HeldOutLabel
{
    /// <summary>The CPU cannot rule the host out: expected <c>needs_confirmation</c>.</summary>
    In,

    /// <summary>The CPU rules the host out: expected <c>not_affected</c>.</summary>
    Out,

    /// <summary>Experts could disagree; excluded from the metric.</summary>
    Ambiguous,
}

/// <summary>One row of testdata/cpu/heldout-sa00086.tsv.</summary>
internal sealed record HeldOutRow(int Line, string Brand, string VendorId, CpuSignature Signature, HeldOutLabel Label, string Why, string Source)
{
    /// <summary><c>heldout-sa00086.tsv:line</c>, the row's name in test output.</summary>
    public string Location => $"{HeldOutSet.FileName}:{Line}";

    /// <summary>The signature as <c>/proc/cpuinfo</c> prints it, hex in the kernel's style for reading (<c>06_5E_3</c>).</summary>
    public string SignatureText => string.Create(CultureInfo.InvariantCulture, $"{Signature.Family:X2}_{Signature.Model:X2}_{Signature.Stepping:X}");
}

/// <summary>
/// Loads the held-out set: real (brand, vendor id, signature) triples that the identification corpus never saw, each
/// labelled for INTEL-SA-00086 by the policy in testdata/cpu/README.md. Same TSV conventions and escapes as
/// <see cref="CpuCorpus"/>, whose <see cref="CpuCorpus.Unescape"/> it reuses.
/// </summary>
internal static class HeldOutSet
{
    public const string FileName = "heldout-sa00086.tsv";

    public const string RelativePath = "testdata/cpu/" + FileName;

    private const int Columns = 6;

    private static readonly Lazy<IReadOnlyList<HeldOutRow>> Rows = new(() => Parse(Path.Combine(AppContext.BaseDirectory, RelativePath)));

    /// <summary>Every row, in file order.</summary>
    public static IReadOnlyList<HeldOutRow> All => Rows.Value;

    /// <summary>
    /// Parses the file. A malformed row throws <see cref="InvalidDataException"/> naming its line: a row that cannot be
    /// read is a defect of the data set, never a row to skip.
    /// </summary>
    public static List<HeldOutRow> Parse(string path)
    {
        var rows = new List<HeldOutRow>();
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        var headerSeen = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var f = line.Split('\t');
            if (!headerSeen)
            {
                headerSeen = true;
                if (!f.SequenceEqual(["brand", "vendor_id", "signature", "label", "why", "source"]))
                {
                    throw new InvalidDataException($"{FileName}:{i + 1}: unexpected header '{line}'");
                }

                continue;
            }

            if (f.Length != Columns)
            {
                throw new InvalidDataException($"{FileName}:{i + 1}: expected {Columns} tab-separated columns, found {f.Length}");
            }

            rows.Add(new HeldOutRow(i + 1, CpuCorpus.Unescape(f[0]), f[1], ParseSignature(f[2], i + 1), ParseLabel(f[3], i + 1), f[4], f[5]));
        }

        return rows;
    }

    /// <summary>The key the "held out" criterion compares brand strings by: whitespace runs collapsed, trimmed, case folded.</summary>
    public static string Key(string brand) =>
        string.Join(' ', brand.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();

    private static CpuSignature ParseSignature(string text, int line)
    {
        var p = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length != 3 || !p.All(x => int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new InvalidDataException($"{FileName}:{line}: signature must be decimal 'family model stepping', found '{text}'");
        }

        return new CpuSignature(
            int.Parse(p[0], CultureInfo.InvariantCulture),
            int.Parse(p[1], CultureInfo.InvariantCulture),
            int.Parse(p[2], CultureInfo.InvariantCulture));
    }

    private static HeldOutLabel ParseLabel(string text, int line) => text switch
    {
        "in" => HeldOutLabel.In,
        "out" => HeldOutLabel.Out,
        "ambiguous" => HeldOutLabel.Ambiguous,
        _ => throw new InvalidDataException($"{FileName}:{line}: label must be in, out or ambiguous, found '{text}'"),
    };
}
