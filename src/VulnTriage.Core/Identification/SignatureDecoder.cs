using System.Globalization;
using VulnTriage.Core.Identification.Catalog;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Identification;

/// <summary>
/// CPUID display family/model/stepping to microarchitecture and codename, read from the CPU catalog
/// (<see cref="CpuCatalog"/>, Identification/Catalog/cpus.tsv). A signature the catalog does not know is unknown, never
/// the nearest row (docs/reference/cpu-identification.md §5.7).
/// </summary>
/// <remarks>
/// Until identity attributes are sets (issue 10), <see cref="SignatureInfo"/> carries one microarchitecture and one
/// codename; this class reduces the catalog's rows to them:
/// <list type="bullet">
/// <item>Microarchitecture: the first matching row in file order (the catalog writes the main part first); every matching
/// row's microarchitecture is a candidate. Without a stepping, a model whose rows name several microarchitectures is
/// unknown (the stepping decides).</item>
/// <item>Codename: the one codename the matching rows name; when they name several and the first matching row is a Xeon
/// row (its first product line is a Xeon line) that pairs codenames with product lines (catalog README), that row's first
/// codename, its server platform (<c>skylake-sp</c> for 06_55_4, as the table before the catalog had it); otherwise none.
/// All of them are candidates.</item>
/// <item>Hidden Xeon line: the first Xeon product line of the first row that has one (a hypervisor-hidden
/// <c>Intel(R) Xeon(R) CPU @ 2.20GHz</c> is a Xeon, and the catalog lists the main Xeon line first), with its generation
/// when the row gives exactly one.</item>
/// </list>
/// </remarks>
internal static class SignatureDecoder
{
    public static SignatureInfo Decode(CpuVendor vendor, CpuSignature signature)
    {
        var (family, model, stepping) = (signature.Family, signature.Model, signature.Stepping);
        if (family is < 0 or > 0x2FF || model is < 0 or > 0xFFF || stepping is < 0 or > 0xFF)
        {
            return SignatureInfo.Unknown(string.Create(CultureInfo.InvariantCulture, $"signature {family}/{model}/{stepping} is out of range"));
        }

        var text = signature.ToString();
        if (vendor is CpuVendor.Unknown or CpuVendor.Arm or CpuVendor.Other)
        {
            return SignatureInfo.Unknown($"{text} cannot be decoded without a known vendor");
        }

        var rows = CpuCatalog.Find(vendor, signature);
        if (rows.IsEmpty && AlternateVendor(vendor, family) is { } alternate)
        {
            rows = CpuCatalog.Find(alternate, signature);
        }

        if (rows.IsEmpty)
        {
            return SignatureInfo.Unknown($"{VendorName(vendor)} {text} is not in the CPU catalog");
        }

        // Small loops instead of LINQ: this runs once per distinct processor, but a fleet can have many.
        var marches = new List<string>(rows.Length);
        var codenames = new List<string>(4);
        foreach (var row in rows)
        {
            if (!marches.Contains(row.Microarchitecture, StringComparer.Ordinal))
            {
                marches.Add(row.Microarchitecture);
            }

            foreach (var codename in row.Codenames)
            {
                if (!codenames.Contains(codename, StringComparer.Ordinal))
                {
                    codenames.Add(codename);
                }
            }
        }

        if (stepping is null && marches.Count > 1)
        {
            return SignatureInfo.Unknown($"{text} without a stepping is {string.Join(" or ", marches)}") with { Rows = rows };
        }

        var description = codenames.Count == 0
            ? $"{text} is {string.Join(" or ", marches)}"
            : $"{text} is {string.Join(" or ", marches)} ({string.Join(", ", codenames)})";
        var (hiddenLine, hiddenGeneration, hiddenCodename) = HiddenXeon(rows);
        return new SignatureInfo(marches[0], marches, codenames.Count == 1 ? codenames[0] : hiddenCodename, codenames, description)
        {
            HiddenXeonLine = hiddenLine,
            HiddenXeonGeneration = hiddenGeneration,
            Rows = rows,
        };
    }

    /// <summary>
    /// CentaurHauls is the vendor id of VIA and of Zhaoxin; family 18h is Hygon's, though a hypervisor may present it as
    /// AuthenticAMD. When the vendor's own rows know nothing, these are looked up.
    /// </summary>
    private static CpuVendor? AlternateVendor(CpuVendor vendor, int family) => vendor switch
    {
        CpuVendor.Via => CpuVendor.Zhaoxin,
        CpuVendor.Zhaoxin => CpuVendor.Via,
        CpuVendor.Amd when family == 0x18 => CpuVendor.Hygon,
        _ => null,
    };

    private static (string? Line, int? Generation, string? Codename) HiddenXeon(System.Collections.Immutable.ImmutableArray<CpuCatalogEntry> rows)
    {
        foreach (var row in rows)
        {
            for (var i = 0; i < row.ProductLines.Length; i++)
            {
                var line = row.ProductLines[i];
                if (!line.Line.StartsWith("xeon", StringComparison.Ordinal) || line.Line == ProductLines.XeonPhi)
                {
                    continue;
                }

                int? generation = line.Generations.Length == 1 && !line.AlsoWithoutGeneration ? line.Generations[0] : null;

                // Only a row whose main (first) line is this Xeon line names its server platform; a Pentium III row that
                // also lists Xeon (06_07: katmai|tanner) must not make every Katmai a Tanner.
                var codename = i == 0 && row.Codenames.Length == row.ProductLines.Length ? row.Codenames[0] : null;
                return (line.Line, generation, codename);
            }
        }

        return (null, null, null);
    }

    private static string VendorName(CpuVendor vendor) => vendor switch
    {
        CpuVendor.Intel => "Intel",
        CpuVendor.Amd => "AMD",
        CpuVendor.Hygon => "Hygon",
        CpuVendor.Via => "VIA",
        CpuVendor.Zhaoxin => "Zhaoxin",
        _ => vendor.ToString(),
    };
}
