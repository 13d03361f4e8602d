using System.Collections.Immutable;
using System.Text.RegularExpressions;
using VulnTriage.Core.Identification;

namespace VulnTriage.Core.Cpe;

/// <summary>
/// The hardware CPE names one identified processor goes by. <see cref="Names"/> empty means the model is not known well
/// enough to name (no brand string, a hypervisor's synthetic model, a line NVD's naming is not known for): only
/// <see cref="Vendor"/> may be known, which still rules out criteria of other vendors.
/// </summary>
/// <param name="Vendor">The CPE vendor (<c>intel</c>, <c>amd</c>, <c>hygon</c>, <c>via</c>, <c>zhaoxin</c>), or <c>null</c> when not known.</param>
/// <param name="Names">Every name the processor goes by, in both NVD naming styles; aliases of one part, not alternatives.</param>
/// <param name="Reason">Why <see cref="Names"/> is empty (language-neutral key), or <c>null</c>.</param>
public sealed record ProcessorCpeNames(string? Vendor, ImmutableArray<CpeName> Names, string? Reason)
{
    /// <summary>Whether the processor could be named.</summary>
    public bool IsKnown => !Names.IsDefaultOrEmpty;
}

/// <summary>
/// Maps an identified processor to the hardware CPE names NVD uses for it, in both naming styles NVD has used
/// (shared/docs/reference/nvd-cpe-vex.md §4.1; docs/nvd-import.md "Host → CPE"):
/// <list type="bullet">
/// <item>the current style, the model in the product and version NA: <c>cpe:2.3:h:intel:xeon_gold_6248:-</c>,
/// <c>core_i7-8700k:-</c>, <c>xeon_e3-1230_v6:-</c>, <c>atom_c3758:-</c>, <c>amd:epyc_7502:-</c>, <c>amd:ryzen_7_3700x:-</c>;</item>
/// <item>the 2018-era style, the family in the product and the model as version: <c>core_i7:8700k</c>,
/// <c>atom_c:c3758</c>, <c>celeron_j:j3455</c>, <c>xeon_e5:4650_v4</c>, <c>core_m:5y10</c>;</item>
/// <item>for every Xeon the family name <c>xeon:&lt;model&gt;</c>, which NVD's "any Xeon" criterion
/// (<c>cpe:2.3:h:intel:xeon:*</c>, CVE-2018-3646) matches, and the underscore form of Xeon E3/E5/E7 names NVD also uses
/// (<c>xeon_e5_1620_v4:-</c>, CVE-2017-5754).</item>
/// </list>
/// Names are lower case, spaces become <c>_</c>. A processor whose model cannot be named gets no names, never a guess
/// from another part: a predicate over it is unknown, not false. Pure.
/// </summary>
public static partial class ProcessorCpes
{
    /// <summary>The reason key when the hypervisor hides the physical processor.</summary>
    public const string HiddenReason = "virtual";

    /// <summary>The reason key when the model number is not known.</summary>
    public const string NoModelReason = "no-model";

    /// <summary>The reason key when the vendor is not known.</summary>
    public const string NoVendorReason = "no-vendor";

    /// <summary>The reason key when the product line has no known NVD naming.</summary>
    public const string UnnamedLineReason = "no-naming";

    // A memo per identity (identities are shared by the identification cache): every rule of every advisory asks again.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ProcessorIdentity, ProcessorCpeNames> Memo = [];

    /// <summary>The names <paramref name="identity"/> goes by.</summary>
    public static ProcessorCpeNames For(ProcessorIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return Memo.GetValue(identity, Compute);
    }

    private static ProcessorCpeNames Compute(ProcessorIdentity identity)
    {
        var vendor = VendorKey(identity);
        if (identity.HidesPhysicalCpu)
        {
            // A synthetic model names no physical part; its vendor id is still the host's (KVM, Hyper-V, VMware).
            return new ProcessorCpeNames(vendor, [], HiddenReason);
        }

        if (vendor is null)
        {
            return new ProcessorCpeNames(null, [], NoVendorReason);
        }

        if (identity.ModelNumber is not { Length: > 0 } model || identity.ProductLine is not { } line)
        {
            return new ProcessorCpeNames(vendor, [], NoModelReason);
        }

        var m = Normalize(model);
        if (m is null)
        {
            return new ProcessorCpeNames(vendor, [], UnnamedLineReason);
        }

        var names = new List<(string Product, string? Version)>();
        switch (vendor, line)
        {
            case ("intel", ProductLines.Core):
                {
                    var parts = CoreModel().Match(m);
                    if (parts.Success)
                    {
                        names.Add(($"core_{parts.Groups[1].Value}-{parts.Groups[2].Value}", null));
                        names.Add(($"core_{parts.Groups[1].Value}", parts.Groups[2].Value));
                    }
                    else
                    {
                        names.Add(("core_" + m, null));
                    }

                    break;
                }

            case ("intel", ProductLines.CoreUltra):
                names.Add(("core_" + m, null));
                break;
            case ("intel", ProductLines.Core2):
                if (Core2Family().Match(identity.NormalizedBrand) is { Success: true } family)
                {
                    var f = family.Groups[1].Value.ToLowerInvariant();
                    names.Add(($"core_2_{f}_{m}", null));
                    names.Add(($"core_2_{f}", m));
                }

                break;
            case ("intel", ProductLines.XeonE3 or ProductLines.XeonE5 or ProductLines.XeonE7):
                {
                    names.Add(("xeon_" + m, null));
                    names.Add(("xeon_" + m.Replace('-', '_'), null));
                    var dash = m.IndexOf('-', StringComparison.Ordinal);
                    if (dash > 0)
                    {
                        names.Add(("xeon_" + m[..dash], m[(dash + 1)..]));
                    }

                    names.Add(("xeon", m));
                    break;
                }

            case ("intel", ProductLines.XeonScalable or ProductLines.XeonE or ProductLines.XeonW or ProductLines.XeonD or ProductLines.Xeon6 or ProductLines.XeonLegacy):
                names.Add(("xeon_" + m, null));
                names.Add(("xeon", m));
                break;
            case ("intel", ProductLines.XeonPhi):
                names.Add(("xeon_phi_" + m, null));
                names.Add(("xeon", "phi_" + m));
                break;
            case ("intel", ProductLines.Atom or ProductLines.Celeron or ProductLines.Pentium):
                {
                    var product = line;
                    names.Add(($"{product}_{m}", null));

                    // "Gold G6400", "Silver N5000": NVD writes both pentium_gold_6405u and pentium_6405u (CVE-2022-40982).
                    var bare = Tier().Replace(m, "");
                    if (bare != m)
                    {
                        names.Add(($"{product}_{bare}", null));
                    }

                    // Letter series in the 2018-era style: atom_c:c3758, celeron_j:j3455; Atom x5-Z8350 as atom_x5:z8350.
                    if (SeriesModel().Match(bare) is { Success: true } series)
                    {
                        names.Add(($"{product}_{series.Groups[1].Value}", bare));
                    }
                    else if (AtomX().Match(bare) is { Success: true } x)
                    {
                        names.Add(($"{product}_{x.Groups[1].Value}", x.Groups[2].Value));
                    }
                    else
                    {
                        names.Add((product, bare));
                    }

                    break;
                }

            case ("intel", ProductLines.IntelProcessor):
                names.Add(("processor_" + m, null));
                break;
            case ("amd", ProductLines.Epyc):
                names.Add(("epyc_" + m, null));
                break;
            case ("amd", ProductLines.Ryzen):
                names.Add(("ryzen_" + m, null));
                break;
            case ("amd", ProductLines.Threadripper):
                names.Add(("ryzen_threadripper_" + m, null));
                break;
            case ("amd", ProductLines.Athlon):
                {
                    // The brand string keeps the tier the model number drops: "AMD Athlon Gold 7220U" is athlon_gold_7220u.
                    if (AthlonTier().Match(identity.NormalizedBrand) is { Success: true } tier && !m.StartsWith(tier.Groups[1].Value.ToLowerInvariant() + "_", StringComparison.Ordinal))
                    {
                        names.Add(($"athlon_{tier.Groups[1].Value.ToLowerInvariant()}_{m}", null));
                    }

                    names.Add(("athlon_" + m, null));
                    break;
                }

            case ("amd", ProductLines.Opteron):
                names.Add(("opteron_" + m, null));
                break;
        }

        if (names.Count == 0)
        {
            return new ProcessorCpeNames(vendor, [], UnnamedLineReason);
        }

        var result = names
            .Distinct()
            .Select(n => CpeName.Create('h', vendor, n.Product, n.Version is null ? CpeValue.NotApplicable : CpeValue.Of(n.Version)))
            .ToImmutableArray();
        return new ProcessorCpeNames(vendor, result, null);
    }

    /// <summary>The CPE vendor for the identity's vendor, or <c>null</c> when it is not known (or, for Arm designs, not one vendor).</summary>
    public static string? VendorKey(ProcessorIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return identity.Vendor switch
        {
            CpuVendor.Intel => "intel",
            CpuVendor.Amd => "amd",
            CpuVendor.Hygon => "hygon",
            CpuVendor.Via => "via",
            CpuVendor.Zhaoxin => "zhaoxin",
            _ => null,
        };
    }

    // Lower case, spaces as underscores; only the characters NVD product names use.
    private static string? Normalize(string model)
    {
        var m = string.Join('_', model.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
        return m.Length > 0 && m.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? m : null;
    }

    [GeneratedRegex("^(i[3579]|m[357]?)-([a-z0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex CoreModel();

    [GeneratedRegex(@"Core\(TM\)2 (Duo|Quad|Extreme|Solo)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Core2Family();

    [GeneratedRegex("^(gold|silver)_", RegexOptions.CultureInvariant)]
    private static partial Regex Tier();

    [GeneratedRegex("^([a-z])[0-9]+[a-z]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SeriesModel();

    [GeneratedRegex("^(x[357])-([a-z][0-9]+[a-z]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex AtomX();

    [GeneratedRegex(@"\bAthlon(?:\(tm\))? (Gold|Silver|PRO)\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex AthlonTier();
}
