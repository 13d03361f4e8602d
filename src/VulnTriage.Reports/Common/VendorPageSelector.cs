using System.Collections.Immutable;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Matching;

namespace VulnTriage.Reports.Common;

/// <summary>
/// Picks an advisory's vendor pages for a host by its platform (board/system) vendor.
/// The inventory has no platform vendor today, so the only source is an evidence fact named
/// <see cref="PlatformVendorFact"/>; when a matcher or facts file starts producing it, pages are selected
/// without changing the writers.
/// </summary>
internal static class VendorPageSelector
{
    /// <summary>The evidence fact that carries the platform vendor, e.g. <c>Dell Inc.</c>.</summary>
    public const string PlatformVendorFact = "platform.vendor";

    /// <summary>The platform vendor of the host, lower-case, or <c>null</c> when not known.</summary>
    public static string? PlatformVendor(Finding finding)
    {
        if (finding.Evidence.IsDefaultOrEmpty)
        {
            return null;
        }

        foreach (var evidence in finding.Evidence)
        {
            foreach (var fact in evidence.Facts)
            {
                if (string.Equals(fact.Name, PlatformVendorFact, StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(fact.Value))
                {
                    return fact.Value.Trim().ToLowerInvariant();
                }
            }
        }

        return null;
    }

    /// <summary>The pages whose <see cref="VendorPage.Matches"/> keywords occur in the platform vendor; empty when it is unknown.</summary>
    public static ImmutableArray<VendorPage> Select(Advisory advisory, string? platformVendor)
    {
        if (string.IsNullOrEmpty(platformVendor) || advisory.VendorPages.IsDefaultOrEmpty)
        {
            return [];
        }

        return [.. advisory.VendorPages.Where(p => !p.Matches.IsDefaultOrEmpty
            && p.Matches.Any(m => m.Length > 0 && platformVendor.Contains(m, StringComparison.Ordinal)))];
    }
}
