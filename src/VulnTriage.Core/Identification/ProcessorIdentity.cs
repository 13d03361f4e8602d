using System.Collections.Frozen;
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
