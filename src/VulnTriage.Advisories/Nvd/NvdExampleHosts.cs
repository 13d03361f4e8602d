using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using VulnTriage.Core.Cpe;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Advisories.Nvd;

/// <summary>An example host for a draft's rules: the fields of an advisory example (docs/advisory-format.md, "examples").</summary>
/// <param name="VendorId">CPUID vendor id, or <c>null</c>.</param>
/// <param name="ModelName">The brand string.</param>
/// <param name="Signature">Decimal <c>family model stepping</c>, or <c>null</c>.</param>
/// <param name="Name">What the example shows.</param>
internal sealed record ExampleHost(string? VendorId, string ModelName, string? Signature, string Name)
{
    /// <summary>The one-processor host the example stands for.</summary>
    public Host ToHost()
    {
        CpuSignature? signature = null;
        if (Signature is { } s)
        {
            var n = s.Split(' ').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            signature = new CpuSignature(n[0], n[1], n.Length == 3 ? n[2] : null);
        }

        return new Host("example", "example", Name, HostStatus.Working, false, [], null, [new ProcessorFact(VendorId, ModelName, signature, 1, 1)], "Linux", null);
    }
}

/// <summary>
/// Hosts for the rule examples an imported draft must carry (a listed processor must match, an unlisted one must not):
/// real processors first — brand strings and signatures from tests/VulnTriage.Core.Tests/testdata/cpu/corpus.tsv, where
/// each row cites where it was seen — and, for a listed processor none of them is, a brand string written from the CPE
/// name in the form its vendor uses (<c>xeon_gold_6248</c> → <c>Intel(R) Xeon(R) Gold 6248 CPU</c>). Every example is
/// checked through identification before it is written: a brand string this tool would not name back is never used.
/// </summary>
internal static partial class NvdExampleHosts
{
    /// <summary>Real processors (corpus.tsv rows), Intel and AMD, across generations.</summary>
    public static ImmutableArray<ExampleHost> Real { get; } =
    [
        new("AuthenticAMD", "AMD EPYC 7763 64-Core Processor", "25 1 1", "AMD EPYC 7763 (Zen 3)"),
        new("AuthenticAMD", "AMD Ryzen 9 5950X 16-Core Processor", "25 33 0", "AMD Ryzen 9 5950X (Zen 3)"),
        new("AuthenticAMD", "AMD EPYC 9654 96-Core Processor", "25 17 1", "AMD EPYC 9654 (Zen 4)"),
        new("AuthenticAMD", "AMD EPYC 7502 32-Core Processor", "23 49 0", "AMD EPYC 7502 (Zen 2)"),
        new("AuthenticAMD", "AMD Ryzen 7 3700X 8-Core Processor", "23 113 0", "AMD Ryzen 7 3700X (Zen 2)"),
        new("GenuineIntel", "12th Gen Intel(R) Core(TM) i7-12700", "6 151 2", "Intel Core i7-12700 (Alder Lake)"),
        new("GenuineIntel", "13th Gen Intel(R) Core(TM) i9-13900K", "6 183 1", "Intel Core i9-13900K (Raptor Lake)"),
        new("GenuineIntel", "Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz", "6 106 6", "Intel Xeon Platinum 8380 (Ice Lake-SP)"),
        new("GenuineIntel", "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "6 85 7", "Intel Xeon Gold 6248 (Cascade Lake)"),
        new("GenuineIntel", "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", "6 85 4", "Intel Xeon Gold 6130 (Skylake-SP)"),
        new("GenuineIntel", "Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz", "6 158 10", "Intel Core i7-8700K (Coffee Lake)"),
        new("GenuineIntel", "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz", "6 94 3", "Intel Core i7-6700 (Skylake)"),
        new("GenuineIntel", "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", "6 79 1", "Intel Xeon E5-2680 v4 (Broadwell-EP)"),
        new("GenuineIntel", "Intel(R) Atom(TM) CPU C3758 @ 2.20GHz", "6 95 1", "Intel Atom C3758 (Denverton)"),
        new("GenuineIntel", "Intel(R) Celeron(R) J4105 CPU @ 1.50GHz", "6 122 1", "Intel Celeron J4105 (Gemini Lake)"),
        new("GenuineIntel", "Intel(R) Celeron(R) CPU J3455 @ 1.50GHz", "6 92 9", "Intel Celeron J3455 (Apollo Lake)"),
    ];

    /// <summary>
    /// A brand string for the processor <paramref name="cpe"/> names, in the vendor's own form, or <c>null</c> when the
    /// product is not one this can write. Both NVD naming styles (<c>core_i7-8700k:-</c>, <c>core_i7:8700k</c>).
    /// </summary>
    public static ExampleHost? ForCpe(CpeName cpe)
    {
        ArgumentNullException.ThrowIfNull(cpe);
        if (cpe.Vendor is not { Kind: CpeValueKind.Text } vendorValue || cpe.Product is not { Kind: CpeValueKind.Text, HasWildcards: false } productValue)
        {
            return null;
        }

        var vendor = vendorValue.Literal.ToLowerInvariant();
        var product = productValue.Literal.ToLowerInvariant();
        if (cpe.Version is { Kind: CpeValueKind.Text, HasWildcards: false } v)
        {
            // 2018-era style: family in the product, model in the version (core_i7:8700k, atom_c:c3758, xeon_e5:2680_v4).
            var model = v.Literal.ToLowerInvariant();
            product = product switch
            {
                _ when SeriesFamily().IsMatch(product) => product[..product.IndexOf('_', StringComparison.Ordinal)] + "_" + model,
                _ when DashFamily().IsMatch(product) => product + "-" + model,
                "xeon" or "atom" or "celeron" or "pentium" => product + "_" + model,
                _ => "",
            };
        }

        var brand = vendor switch
        {
            "intel" => Intel(product),
            "amd" => Amd(product),
            _ => null,
        };
        return brand is null ? null : new ExampleHost(vendor == "intel" ? "GenuineIntel" : "AuthenticAMD", brand, null, $"{brand} (written from {cpe})");
    }

    private static string? Intel(string product)
    {
        if (CoreName().Match(product) is { Success: true } core)
        {
            return $"Intel(R) Core(TM) {core.Groups[1].Value}-{core.Groups[2].Value.ToUpperInvariant()} CPU";
        }

        if (XeonTier().Match(product) is { Success: true } tier)
        {
            return $"Intel(R) Xeon(R) {Title(tier.Groups[1].Value)} {tier.Groups[2].Value.ToUpperInvariant()} CPU";
        }

        if (XeonE3().Match(product) is { Success: true } e3)
        {
            return $"Intel(R) Xeon(R) CPU {e3.Groups[1].Value.ToUpperInvariant()}-{e3.Groups[2].Value.ToUpperInvariant()}{(e3.Groups[3].Success ? " v" + e3.Groups[3].Value : "")}";
        }

        if (XeonLetter().Match(product) is { Success: true } xl)
        {
            return $"Intel(R) Xeon(R) {xl.Groups[1].Value.ToUpperInvariant()}-{xl.Groups[2].Value.ToUpperInvariant()} CPU";
        }

        if (Small().Match(product) is { Success: true } small)
        {
            var line = small.Groups[1].Value;
            var tierWord = small.Groups[2].Success ? Title(small.Groups[2].Value) + " " : "";
            var model = small.Groups[3].Value.ToUpperInvariant();
            return line switch
            {
                "atom" => $"Intel(R) Atom(TM) CPU {model}",
                "celeron" => $"Intel(R) Celeron(R) CPU {model}",
                _ => $"Intel(R) Pentium(R) {tierWord}{model} CPU",
            };
        }

        return null;
    }

    private static string? Amd(string product)
    {
        if (AmdName().Match(product) is not { Success: true } m)
        {
            return null;
        }

        var words = m.Groups[2].Value.Split('_').Select(w => w == "pro" ? "PRO" : w.ToUpperInvariant());
        return m.Groups[1].Value switch
        {
            "epyc" => $"AMD EPYC {string.Join(' ', words)} Processor",
            "ryzen_threadripper" => $"AMD Ryzen Threadripper {string.Join(' ', words)} Processor",
            "ryzen" => $"AMD Ryzen {string.Join(' ', words)} Processor",
            _ => $"AMD Athlon {string.Join(' ', m.Groups[2].Value.Split('_').Select(w => w is "gold" or "silver" ? Title(w) : w == "pro" ? "PRO" : w.ToUpperInvariant()))} Processor",
        };
    }

    private static string Title(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    [GeneratedRegex("^(atom|celeron|pentium)_[a-z]$", RegexOptions.CultureInvariant)]
    private static partial Regex SeriesFamily();

    [GeneratedRegex("^(core_i[3579]|core_m[357]?|xeon_e[357])$", RegexOptions.CultureInvariant)]
    private static partial Regex DashFamily();

    [GeneratedRegex("^core_(i[3579]|m[357]?)[-_]([0-9a-z]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex CoreName();

    [GeneratedRegex("^xeon_(gold|silver|platinum|bronze)_([0-9a-z]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex XeonTier();

    [GeneratedRegex("^xeon_(e[357])[-_]([0-9]{4}[a-z]{0,2})(?:_v([0-9]))?$", RegexOptions.CultureInvariant)]
    private static partial Regex XeonE3();

    [GeneratedRegex("^xeon_([dew])-([0-9a-z]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex XeonLetter();

    [GeneratedRegex("^(atom|celeron|pentium)_(?:(gold|silver)_)?([a-z]?[0-9]{3,5}[a-z]{0,3})$", RegexOptions.CultureInvariant)]
    private static partial Regex Small();

    [GeneratedRegex("^(epyc|ryzen_threadripper|ryzen|athlon)_([0-9a-z_]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex AmdName();
}
