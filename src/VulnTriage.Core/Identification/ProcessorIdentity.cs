using System.Collections.Frozen;
using System.Collections.Immutable;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Identification;

/// <summary>Processor vendors. <see cref="Unknown"/> is used when neither the vendor id nor the brand string says.</summary>
public enum CpuVendor
{
    /// <summary>Not known.</summary>
    Unknown,

    /// <summary>Intel (<c>GenuineIntel</c>).</summary>
    Intel,

    /// <summary>AMD (<c>AuthenticAMD</c>).</summary>
    Amd,

    /// <summary>Hygon (<c>HygonGenuine</c>).</summary>
    Hygon,

    /// <summary>VIA / Centaur (<c>CentaurHauls</c>, <c>VIA VIA VIA </c>).</summary>
    Via,

    /// <summary>Zhaoxin (<c>  Shanghai  </c>, or <c>CentaurHauls</c> with a Zhaoxin brand).</summary>
    Zhaoxin,

    /// <summary>Arm-architecture designs (Ampere, Graviton, Apple) — identified only coarsely.</summary>
    Arm,

    /// <summary>
    /// Another x86 vendor named by its CPUID vendor id (Cyrix, NexGen, Transmeta, NSC, Rise, SiS, UMC, Vortex86/DM&amp;P,
    /// RDC, Elbrus): not identified further, but known not to be any vendor above.
    /// </summary>
    Other,
}

/// <summary>Market segment of a processor.</summary>
public enum MarketSegment
{
    /// <summary>Not known.</summary>
    Unknown,

    /// <summary>Servers (Xeon Scalable, E5/E7, EPYC, Atom C).</summary>
    Server,

    /// <summary>Desktops and workstations.</summary>
    Desktop,

    /// <summary>Laptops and tablets.</summary>
    Mobile,

    /// <summary>Embedded and IoT parts (Atom E, Celeron J in appliances).</summary>
    Embedded,
}

/// <summary>How sure an identification is.</summary>
public enum IdentificationConfidence
{
    /// <summary>Nothing usable could be read: no advisory rule may treat this as "outside scope".</summary>
    Unknown,

    /// <summary>Some fields are known, others guessed or missing (e.g. hidden or synthetic brand strings).</summary>
    Low,

    /// <summary>Identified from one source (string or signature) without contradiction.</summary>
    Medium,

    /// <summary>Brand string and signature agree.</summary>
    High,
}

/// <summary>Product-line identifiers used in identifications and in advisory CPU rules (lower-case, kebab).</summary>
public static class ProductLines
{
#pragma warning disable CS1591 // the names say it all
    public const string Core = "core";
    public const string CoreUltra = "core-ultra";
    public const string Core2 = "core2";
    public const string XeonE3 = "xeon-e3";
    public const string XeonE5 = "xeon-e5";
    public const string XeonE7 = "xeon-e7";
    public const string XeonE = "xeon-e";
    public const string XeonD = "xeon-d";
    public const string XeonW = "xeon-w";
    public const string XeonScalable = "xeon-scalable";
    public const string Xeon6 = "xeon-6";
    public const string XeonLegacy = "xeon";
    public const string XeonPhi = "xeon-phi";
    public const string Atom = "atom";
    public const string Pentium = "pentium";
    public const string Celeron = "celeron";
    public const string IntelProcessor = "intel-processor";
    public const string Epyc = "epyc";
    public const string Ryzen = "ryzen";
    public const string Threadripper = "threadripper";
    public const string Opteron = "opteron";
    public const string Athlon = "athlon";
    public const string AmdLegacy = "amd-legacy";
    public const string Hygon = "hygon";
    public const string Via = "via";
    public const string Zhaoxin = "zhaoxin";
    public const string Virtual = "virtual";
#pragma warning restore CS1591

    /// <summary>Every product-line identifier; advisory files may use only these.</summary>
    public static FrozenSet<string> All { get; } = new[]
    {
        Core, CoreUltra, Core2, XeonE3, XeonE5, XeonE7, XeonE, XeonD, XeonW, XeonScalable, Xeon6, XeonLegacy, XeonPhi,
        Atom, Pentium, Celeron, IntelProcessor, Epyc, Ryzen, Threadripper, Opteron, Athlon, AmdLegacy, Hygon, Via, Zhaoxin, Virtual,
    }.ToFrozenSet(StringComparer.Ordinal);
}

/// <summary>
/// What a processor is, as far as its brand string, vendor id and CPUID signature tell.
/// Fields that could not be determined are <c>null</c>; <see cref="Confidence"/> and <see cref="Reason"/> say why.
/// </summary>
/// <param name="Vendor">Vendor.</param>
/// <param name="ProductLine">One of <see cref="ProductLines"/>, or <c>null</c>.</param>
/// <param name="ModelNumber">Marketing model number, normalised: <c>i7-8700K</c>, <c>E3-1230 v5</c>, <c>Gold 6130</c>, <c>7502P</c>.</param>
/// <param name="Generation">
/// Generation within the product line: Core "Nth gen" (1–14); Core Ultra series (1–3); Xeon E3/E5/E7 version (v1 = 1);
/// Xeon Scalable generation (1 = Skylake-SP … 5 = Emerald Rapids); EPYC generation (1 = Naples … 5 = Turin); Ryzen series.
/// </param>
/// <param name="Microarchitecture">Core microarchitecture, kebab-case: <c>skylake</c>, <c>kaby-lake</c>, <c>coffee-lake</c>, <c>goldmont</c>, <c>zen2</c>.</param>
/// <param name="Codename">Platform or die codename, kebab-case: <c>apollo-lake</c>, <c>denverton</c>, <c>skylake-sp</c>, <c>rome</c>.</param>
/// <param name="Segment">Market segment.</param>
/// <param name="IsVirtual">Whether the string/signature shows a virtual CPU (hypervisor model or hidden brand string).</param>
/// <param name="HypervisorModel">The hypervisor's CPU model name when it names one, e.g. <c>Skylake, IBRS</c>.</param>
/// <param name="Confidence">How sure this is.</param>
/// <param name="Reason">Plain-English account of how it was identified, or why not.</param>
/// <param name="NormalizedBrand">Brand string with whitespace collapsed (what was matched).</param>
/// <param name="Signature">Signature that was used, if any.</param>
public sealed record ProcessorIdentity(
    CpuVendor Vendor,
    string? ProductLine,
    string? ModelNumber,
    int? Generation,
    string? Microarchitecture,
    string? Codename,
    MarketSegment Segment,
    bool IsVirtual,
    string? HypervisorModel,
    IdentificationConfidence Confidence,
    string Reason,
    string NormalizedBrand,
    CpuSignature? Signature)
{
    private readonly ValueSet<CpuVendor>? _vendors;
    private readonly ValueSet<string>? _lines;
    private readonly ValueSet<int>? _generations;
    private readonly ValueSet<string>? _marches;
    private readonly ValueSet<string>? _codenames;
    private readonly ValueSet<MarketSegment>? _segments;

    /// <summary>The vendors still possible. Defaults to the scalar <see cref="Vendor"/> (Unknown when it is unknown).</summary>
    public ValueSet<CpuVendor> PossibleVendors
    {
        get => _vendors ?? (Vendor == CpuVendor.Unknown ? ValueSet<CpuVendor>.Unknown : ValueSet<CpuVendor>.Of(Vendor));
        init => _vendors = value;
    }

    /// <summary>The product lines still possible (what rules read). Defaults to the scalar <see cref="ProductLine"/>.</summary>
    public ValueSet<string> PossibleProductLines
    {
        get => _lines ?? ValueSet<string>.OfNullable(ProductLine);
        init => _lines = value;
    }

    /// <summary>The generations still possible; Known(∅) when the part has no generation (N-series, Pentium, Celeron…).</summary>
    public ValueSet<int> PossibleGenerations
    {
        get => _generations ?? (Generation is { } g ? ValueSet<int>.Of(g) : ValueSet<int>.Unknown);
        init => _generations = value;
    }

    /// <summary>The microarchitectures still possible, brand string and signature intersected.</summary>
    public ValueSet<string> PossibleMicroarchitectures
    {
        get => _marches ?? ValueSet<string>.OfNullable(Microarchitecture);
        init => _marches = value;
    }

    /// <summary>The platform/die codenames still possible.</summary>
    public ValueSet<string> PossibleCodenames
    {
        get => _codenames ?? ValueSet<string>.OfNullable(Codename);
        init => _codenames = value;
    }

    /// <summary>The market segments still possible.</summary>
    public ValueSet<MarketSegment> PossibleSegments
    {
        get => _segments ?? (Segment == MarketSegment.Unknown ? ValueSet<MarketSegment>.Unknown : ValueSet<MarketSegment>.Of(Segment));
        init => _segments = value;
    }

    /// <summary>
    /// Whether the physical processor is hidden from the guest: a hypervisor's synthetic model (<c>Common KVM processor</c>,
    /// <c>Intel Xeon Processor (Skylake, IBRS)</c>) or a CPUID the hypervisor masked. A hidden brand string with a real
    /// signature (GCE) is virtual but not hidden: the signature still tells the part.
    /// </summary>
    public bool HidesPhysicalCpu => IsVirtual && (HypervisorModel is not null || ProductLine == ProductLines.Virtual);

    /// <summary>
    /// When the product line is not known from the brand string and the signature allows several, the lines with the
    /// generations each has on this signature (e.g. 06_5E: core {6}, xeon-e3 {5}, pentium ∅, celeron ∅). Rules are then
    /// evaluated once per line, because line and generation go together: "Core 6th gen or Xeon E3 v5" holds for every
    /// line although neither attribute alone is known. Empty otherwise.
    /// </summary>
    public ImmutableArray<LineWorld> LineWorlds { get; init; } = [];

    /// <summary>Where each attribute's knowledge came from (brand string, signature, vendor id), for evidence.</summary>
    public IdentityOrigins Origins { get; init; } = IdentityOrigins.None;

    /// <summary>A short human name: "Intel Xeon E3-1230 v5 (skylake)" or the brand string when little is known.</summary>
    public string DisplayName
    {
        get
        {
            if (ModelNumber is null && ProductLine is null)
            {
                return NormalizedBrand.Length > 0 ? NormalizedBrand : "unidentified processor";
            }

            var vendor = Vendor switch
            {
                CpuVendor.Intel => "Intel",
                CpuVendor.Amd => "AMD",
                CpuVendor.Hygon => "Hygon",
                CpuVendor.Via => "VIA",
                CpuVendor.Zhaoxin => "Zhaoxin",
                CpuVendor.Arm => "Arm",
                CpuVendor.Other => "",
                _ => "",
            };
            var line = ProductLineDisplay(ProductLine);
            var text = string.Join(' ', new[] { vendor, line, ModelNumber }.Where(s => !string.IsNullOrEmpty(s)));
            return Microarchitecture is null ? text : $"{text} ({Microarchitecture})";
        }
    }

    private static string? ProductLineDisplay(string? line) => line switch
    {
        null => null,
        ProductLines.Core => "Core",
        ProductLines.CoreUltra => "Core Ultra",
        ProductLines.Core2 => "Core 2",
        ProductLines.XeonE3 or ProductLines.XeonE5 or ProductLines.XeonE7 or ProductLines.XeonE or ProductLines.XeonD
            or ProductLines.XeonW or ProductLines.XeonLegacy => "Xeon",
        ProductLines.XeonScalable => "Xeon",
        ProductLines.Xeon6 => "Xeon 6",
        ProductLines.XeonPhi => "Xeon Phi",
        ProductLines.Atom => "Atom",
        ProductLines.Pentium => "Pentium",
        ProductLines.Celeron => "Celeron",
        ProductLines.IntelProcessor => "Processor",
        ProductLines.Epyc => "EPYC",
        ProductLines.Ryzen => "Ryzen",
        ProductLines.Threadripper => "Ryzen Threadripper",
        ProductLines.Opteron => "Opteron",
        ProductLines.Athlon => "Athlon",
        ProductLines.Hygon => "C86",
        ProductLines.Virtual => "virtual CPU",
        _ => line,
    };
}

/// <summary>Where each identity attribute's knowledge came from: <c>brand</c>, <c>signature</c>, <c>brand+signature</c>, <c>vendor id</c>, or empty.</summary>
/// <param name="Vendor">Vendor.</param>
/// <param name="ProductLine">Product line.</param>
/// <param name="Generation">Generation.</param>
/// <param name="Microarchitecture">Microarchitecture.</param>
/// <param name="Codename">Codename.</param>
/// <param name="Segment">Segment.</param>
public sealed record IdentityOrigins(string Vendor, string ProductLine, string Generation, string Microarchitecture, string Codename, string Segment)
{
    /// <summary>Nothing recorded.</summary>
    public static IdentityOrigins None { get; } = new("", "", "", "", "", "");
}

/// <summary>One product line a signature allows, with the generations that line has on it (Known(∅) when none).</summary>
/// <param name="Line">The product line.</param>
/// <param name="Generations">Its generations on the signature.</param>
public sealed record LineWorld(string Line, ValueSet<int> Generations);
