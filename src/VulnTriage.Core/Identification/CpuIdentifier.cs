using System.Globalization;
using System.Text.RegularExpressions;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Identification;

/// <summary>
/// Identifies processors from the brand string, the CPUID vendor id and the CPUID signature (each may be missing).
/// Pure: the same inputs always give the same identity. Never throws on bad input; an unrecognised processor
/// gets <see cref="IdentificationConfidence.Unknown"/> with the reason.
/// </summary>
/// <remarks>
/// Order of evidence: synthetic hypervisor models are recognised first (their signatures are synthetic and are
/// never decoded as hardware); then the brand string gives vendor, product line, model number, generation,
/// segment and a microarchitecture; the signature gives a microarchitecture. When both agree the identity is
/// <see cref="IdentificationConfidence.High"/>; when they disagree the signature wins for the microarchitecture,
/// the string for the marketing name, and confidence is at most <see cref="IdentificationConfidence.Medium"/>.
/// A result whose microarchitecture could not be determined is <see cref="IdentificationConfidence.Unknown"/>
/// (except synthetic virtual CPUs and Arm hosts, which are <see cref="IdentificationConfidence.Low"/>), so that no
/// advisory rule can place it outside its scope.
/// </remarks>
public static partial class CpuIdentifier
{
    /// <summary>Identifies one processor.</summary>
    /// <param name="vendorId">CPUID vendor string (<c>GenuineIntel</c>, <c>AuthenticAMD</c>, …) or <c>null</c>.</param>
    /// <param name="brandString">Brand string / model name as reported, or <c>null</c>.</param>
    /// <param name="signature">CPUID display family/model/stepping, or <c>null</c>.</param>
    public static ProcessorIdentity Identify(string? vendorId, string? brandString, CpuSignature? signature)
    {
        var normalized = BrandStrings.Normalize(brandString);
        var shownBrand = normalized.Length > BrandText.MaxParsedLength ? normalized[..BrandText.MaxParsedLength] + "…" : normalized;
        var idVendor = VendorFromId(vendorId);
        var reasons = new List<string>(4);

        // Windows PROCESSOR_IDENTIFIER ("Intel64 Family 6 Model 58 Stepping 9, GenuineIntel") and bare kernel "06/55".
        var brandIsSignature = false;
        var bareSignature = false;
        if (normalized.Length is > 0 and <= BrandText.MaxParsedLength)
        {
            if (WindowsIdentifierRegex().Match(normalized) is { Success: true } w)
            {
                brandIsSignature = true;
                var decoded = new CpuSignature(ParseSmall(w.Groups[2].Value), ParseSmall(w.Groups[3].Value), w.Groups[4].Success ? ParseSmall(w.Groups[4].Value) : null);
                reasons.Add($"brand string is a Windows processor identifier; decoded signature {decoded}");
                signature ??= decoded;
                if (idVendor == CpuVendor.Unknown)
                {
                    idVendor = w.Groups[5].Success ? VendorFromId(w.Groups[5].Value) : w.Groups[1].Value.StartsWith("AMD", StringComparison.OrdinalIgnoreCase) ? CpuVendor.Amd : CpuVendor.Unknown;
                }
            }
            else if (BareSignatureRegex().Match(normalized) is { Success: true } b)
            {
                brandIsSignature = true;
                bareSignature = true;
                var decoded = new CpuSignature(
                    int.Parse(b.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    int.Parse(b.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    null);
                reasons.Add($"brand string is a bare kernel family/model ({decoded}), no stepping");
                if (signature is null)
                {
                    signature = decoded;
                }
                else
                {
                    bareSignature = false;
                }
            }
        }

        var clean = brandIsSignature ? "" : BrandText.Clean(normalized);
        var brandVendor = VendorFromBrand(clean);
        var vendor = idVendor != CpuVendor.Unknown ? idVendor : brandVendor;
        if (vendor == CpuVendor.Via && brandVendor == CpuVendor.Zhaoxin)
        {
            vendor = CpuVendor.Zhaoxin;
        }

        if (vendor == CpuVendor.Unknown && signature is { } guess)
        {
            vendor = VendorFromSignature(guess);
            if (vendor != CpuVendor.Unknown)
            {
                reasons.Add($"vendor inferred from signature family {guess.Family:X2}h");
            }
        }

        if (idVendor != CpuVendor.Unknown && brandVendor != CpuVendor.Unknown && idVendor != brandVendor
            && !(idVendor == CpuVendor.Via && brandVendor == CpuVendor.Zhaoxin))
        {
            reasons.Add($"vendor id says {idVendor} but the brand string says {brandVendor}");
        }

        var virt = brandIsSignature ? null : VirtualCpuParser.Parse(normalized, vendor);
        if (virt is not null)
        {
            reasons.Add(virt.Note ?? "virtual CPU");
            if (signature is not null)
            {
                reasons.Add($"signature {signature.Value} is synthetic and was not decoded");
            }

            return new ProcessorIdentity(virt.Vendor, virt.Line, virt.Model, null, virt.March, null, virt.Segment, true,
                virt.HypervisorModel, IdentificationConfidence.Low, string.Join("; ", reasons), shownBrand, signature);
        }

        var brand = ParseBrand(clean, brandVendor != CpuVendor.Unknown ? brandVendor : vendor);
        if (brand.Vendor != CpuVendor.Unknown && vendor == CpuVendor.Unknown)
        {
            vendor = brand.Vendor;
        }

        var sig = signature is { } sgn ? SignatureDecoder.Decode(vendor, sgn) : null;
        return Combine(vendor, brand, sig, signature, clean.Length == 0, bareSignature, reasons, shownBrand);
    }

    private static ProcessorIdentity Combine(
        CpuVendor vendor, BrandInfo brand, SignatureInfo? sig, CpuSignature? signature, bool noBrand, bool bareSignature, List<string> reasons, string shownBrand)
    {
        var line = brand.Line;
        var generation = brand.Generation;
        var segment = brand.Segment;
        var isVirtual = false;
        string? hypervisorModel = null;
        string? march;
        string? codename = brand.Codename;
        IdentificationConfidence confidence;

        var brandText = brand.Model is not null ? $"{line} {brand.Model}" : line;
        if (brand.March is not null)
        {
            reasons.Add($"brand string: {brandText} is {brand.March}");
        }
        else if (brand.Note is not null)
        {
            reasons.Add($"brand string: {brand.Note}");
        }
        else if (!noBrand)
        {
            reasons.Add(brandText is null ? "brand string not recognised" : $"brand string: {brandText}, microarchitecture not determined");
        }

        if (sig is not null)
        {
            reasons.Add($"signature: {sig.Description}");
        }

        if (brand.March is not null && sig is { Known: true })
        {
            var agreed = sig.MarchCandidates.Contains(brand.March, StringComparer.Ordinal) ? brand.March
                : brand.MarchAlternatives.FirstOrDefault(a => sig.MarchCandidates.Contains(a, StringComparer.Ordinal));
            if (agreed is not null)
            {
                march = agreed;
                confidence = IdentificationConfidence.High;
                if (codename is null || (sig.CodenameCandidates.Count > 0 && !sig.CodenameCandidates.Contains(codename, StringComparer.Ordinal) && agreed != brand.March))
                {
                    codename = sig.Codename ?? codename;
                }

                reasons.Add("brand string and signature agree");
            }
            else if (signature is { } masked && IsHypervisorMaskedSignature(vendor, masked, brand.March))
            {
                // A hypervisor that passes the model name through but presents a generic CPUID (KVM's kvm64/qemu64:
                // Intel family 0Fh model 6). The signature says nothing about the physical part; the name is all there is.
                march = brand.March;
                isVirtual = true;
                hypervisorModel = $"CPUID masked by the hypervisor ({masked})";
                confidence = IdentificationConfidence.Low;
                reasons.Add($"brand string names a {brand.March} part but the signature {masked} is a hypervisor's generic CPU model: the physical CPU is hidden");
            }
            else
            {
                march = sig.March;
                codename = sig.Codename;
                confidence = IdentificationConfidence.Medium;
                reasons.Add($"brand string and signature DISAGREE ({brand.March} vs {sig.March}): signature wins for the microarchitecture, brand string for the name");
            }
        }
        else if (brand.March is not null)
        {
            march = brand.March;
            confidence = IdentificationConfidence.Medium;
            reasons.Add(sig is null ? "identified from the brand string only" : "identified from the brand string only (signature not recognised)");
        }
        else if (sig is { Known: true })
        {
            march = sig.March;
            codename ??= sig.Codename;
            if (brand.Hidden)
            {
                isVirtual = true;
                line ??= sig.HiddenXeonLine;
                generation ??= sig.HiddenXeonGeneration;
                confidence = IdentificationConfidence.Medium;
                reasons.Add("hidden brand string (no model number; hypervisor-masked, e.g. GCE): identified from the signature");
            }
            else if (bareSignature || brand.Generic)
            {
                confidence = IdentificationConfidence.Low;
                reasons.Add(brand.Generic ? "generic or engineering-sample brand string: identified from the signature only" : "identified from a bare family/model only");
            }
            else if (noBrand || line is not null)
            {
                confidence = IdentificationConfidence.Medium;
                reasons.Add("identified from the signature only");
            }
            else
            {
                confidence = IdentificationConfidence.Low;
                reasons.Add("brand string not recognised: identified from the signature only");
            }
        }
        else
        {
            march = null;
            isVirtual = brand.Hidden;
            confidence = vendor == CpuVendor.Arm ? IdentificationConfidence.Low : IdentificationConfidence.Unknown;
            reasons.Add(vendor == CpuVendor.Arm
                ? "Arm processor: identified only by vendor"
                : "microarchitecture could not be determined: identification is UNKNOWN");
        }

        if (segment == MarketSegment.Unknown && brand.Hidden && line is ProductLines.XeonScalable or ProductLines.XeonE5 or ProductLines.XeonE7 or ProductLines.XeonD or ProductLines.Xeon6)
        {
            segment = MarketSegment.Server;
        }

        return new ProcessorIdentity(vendor, line, brand.Model, generation, march, codename, segment, isVirtual, hypervisorModel,
            confidence, string.Join("; ", reasons), shownBrand, signature);
    }

    /// <summary>
    /// Whether a signature that contradicts a modern brand string is a hypervisor's generic CPU model rather than the
    /// part's own CPUID: an Intel family-6-era (or later) name with an Intel family 0Fh (NetBurst) signature, or a Zen
    /// name with an AMD signature older than family 17h.
    /// </summary>
    private static bool IsHypervisorMaskedSignature(CpuVendor vendor, CpuSignature signature, string brandMarch) => vendor switch
    {
        CpuVendor.Intel => signature.Family == 0x0F && brandMarch != "netburst",
        CpuVendor.Amd => signature.Family < 0x17 && brandMarch.StartsWith("zen", StringComparison.Ordinal),
        _ => false,
    };

    private static BrandInfo ParseBrand(string clean, CpuVendor vendor)
    {
        if (clean.Length == 0)
        {
            return BrandInfo.None(vendor);
        }

        return vendor switch
        {
            CpuVendor.Intel => IntelBrandParser.Parse(clean),
            CpuVendor.Amd => AmdBrandParser.Parse(clean),
            CpuVendor.Hygon => AmdBrandParser.Hygon(clean),
            CpuVendor.Via => AmdBrandParser.Via(clean),
            CpuVendor.Zhaoxin => AmdBrandParser.Zhaoxin(clean),
            _ => BrandInfo.None(vendor),
        };
    }

    private static int ParseSmall(string digits) =>
        digits.Length is > 0 and <= 4 ? int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) : -1;

    internal static CpuVendor VendorFromId(string? vendorId)
    {
        if (string.IsNullOrWhiteSpace(vendorId) || vendorId.Length > 64)
        {
            return CpuVendor.Unknown;
        }

        return vendorId.Trim() switch
        {
            "GenuineIntel" or "GenuineIotel" => CpuVendor.Intel,
            "AuthenticAMD" or "AMDisbetter!" => CpuVendor.Amd,
            "HygonGenuine" => CpuVendor.Hygon,
            "CentaurHauls" or "VIA VIA VIA" => CpuVendor.Via,
            "Shanghai" => CpuVendor.Zhaoxin,
            "VirtualApple" or "Apple" or "ARM" => CpuVendor.Arm,
            _ => CpuVendor.Unknown,
        };
    }

    private static CpuVendor VendorFromBrand(string c)
    {
        if (c.Length == 0)
        {
            return CpuVendor.Unknown;
        }

        if (c.Contains("ZHAOXIN", StringComparison.Ordinal))
        {
            return CpuVendor.Zhaoxin;
        }

        if (c.Contains("HYGON", StringComparison.Ordinal))
        {
            return CpuVendor.Hygon;
        }

        if (c.Contains("INTEL", StringComparison.Ordinal) || c.StartsWith("PENTIUM", StringComparison.Ordinal) || c.StartsWith("CELERON", StringComparison.Ordinal)
            || c.StartsWith("XEON", StringComparison.Ordinal))
        {
            return CpuVendor.Intel;
        }

        if (c.Contains("AMD", StringComparison.Ordinal) || c.Contains("RYZEN", StringComparison.Ordinal) || c.Contains("EPYC", StringComparison.Ordinal)
            || c.Contains("ATHLON", StringComparison.Ordinal) || c.Contains("OPTERON", StringComparison.Ordinal))
        {
            return CpuVendor.Amd;
        }

        if (c.StartsWith("VIA ", StringComparison.Ordinal) || c.StartsWith("CENTAUR", StringComparison.Ordinal))
        {
            return CpuVendor.Via;
        }

        if (c.Contains("NEOVERSE", StringComparison.Ordinal) || c.Contains("CORTEX-", StringComparison.Ordinal) || c.StartsWith("APPLE M", StringComparison.Ordinal)
            || c.Contains("AMPERE", StringComparison.Ordinal) || c.Contains("GRAVITON", StringComparison.Ordinal) || c.Contains("KUNPENG", StringComparison.Ordinal)
            || c.StartsWith("ARMV", StringComparison.Ordinal))
        {
            return CpuVendor.Arm;
        }

        return CpuVendor.Unknown;
    }

    private static CpuVendor VendorFromSignature(CpuSignature s) => s.Family switch
    {
        6 when s.Model >= 0x0F => CpuVendor.Intel,
        0xB => CpuVendor.Intel,
        0x10 or 0x11 or 0x12 or 0x14 or 0x15 or 0x16 or 0x17 or 0x19 or 0x1A => CpuVendor.Amd,
        0x18 => CpuVendor.Hygon,
        _ => CpuVendor.Unknown,
    };

    [GeneratedRegex(@"^(Intel64|AMD64|x86|EM64T|IA64) Family (\d{1,4}) Model (\d{1,4})(?: Stepping (\d{1,4}))?,? ?(\S{1,16})?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex WindowsIdentifierRegex();

    [GeneratedRegex(@"^([0-9a-fA-F]{1,2})/([0-9a-fA-F]{1,2})$", RegexOptions.CultureInvariant)]
    private static partial Regex BareSignatureRegex();
}

/// <summary>Brand-string helpers.</summary>
public static class BrandStrings
{
    /// <summary>Trims and collapses runs of whitespace (and control characters) to one space.</summary>
    public static string Normalize(string? brand)
    {
        if (string.IsNullOrEmpty(brand))
        {
            return "";
        }

        var sb = new System.Text.StringBuilder(brand.Length);
        var pendingSpace = false;
        foreach (var ch in brand)
        {
            if (char.IsWhiteSpace(ch) || char.IsControl(ch))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(ch);
        }

        return sb.ToString();
    }
}

/// <summary>
/// Per-run memo of identifications: each distinct (vendor id, brand string, signature) is identified once.
/// Not thread-safe; one per run.
/// </summary>
public sealed class IdentificationCache
{
    private readonly Dictionary<(string? Vendor, string? Brand, CpuSignature? Signature), ProcessorIdentity> _cache = [];

    /// <summary>How many distinct processors were identified.</summary>
    public int Count => _cache.Count;

    /// <summary>Returns the cached identity or identifies and caches it.</summary>
    public ProcessorIdentity Identify(string? vendorId, string? brandString, CpuSignature? signature)
    {
        var key = (vendorId, brandString, signature);
        if (!_cache.TryGetValue(key, out var identity))
        {
            identity = CpuIdentifier.Identify(vendorId, brandString, signature);
            _cache[key] = identity;
        }

        return identity;
    }

    /// <summary>Identifies a processor fact.</summary>
    public ProcessorIdentity Identify(ProcessorFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        return Identify(fact.VendorId, fact.BrandString, fact.Signature);
    }
}
