using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Identification;

/// <summary>
/// Identifies processors from the brand string, the CPUID vendor id and the CPUID signature (each may be missing).
/// Pure: the same inputs always give the same identity. Never throws on bad input; an unrecognised processor
/// gets <see cref="IdentificationConfidence.Unknown"/> with the reason.
/// </summary>
public static class CpuIdentifier
{
    /// <summary>Identifies one processor.</summary>
    /// <param name="vendorId">CPUID vendor string (<c>GenuineIntel</c>, <c>AuthenticAMD</c>, …) or <c>null</c>.</param>
    /// <param name="brandString">Brand string / model name as reported, or <c>null</c>.</param>
    /// <param name="signature">CPUID display family/model/stepping, or <c>null</c>.</param>
    public static ProcessorIdentity Identify(string? vendorId, string? brandString, CpuSignature? signature)
    {
        var brand = BrandStrings.Normalize(brandString);
        return new ProcessorIdentity(
            CpuVendor.Unknown, null, null, null, null, null, MarketSegment.Unknown, false, null,
            IdentificationConfidence.Unknown, "not implemented", brand, signature);
    }
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
