using System.Collections.Immutable;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Matching;

namespace VulnTriage.Reports.Common;

/// <summary>
/// Picks an advisory's vendor pages for a host by its platform (system or board) vendor, as the host's facts
/// (DMI, from the probe or a facts file) give it in <see cref="Finding.Platform"/>; an evidence fact named
/// <see cref="PlatformVendorFact"/> is the fallback. Keywords match whole words ("hp" matches "HP" but not "HPE").
/// </summary>
internal static class VendorPageSelector
{
    /// <summary>The evidence fact that carries the platform vendor, e.g. <c>Dell Inc.</c>.</summary>
    public const string PlatformVendorFact = "platform.vendor";

    /// <summary>The platform vendor of the host, lower-case, or <c>null</c> when not known.</summary>
    public static string? PlatformVendor(Finding finding)
    {
        var fromFacts = finding.Platform?.SystemVendor ?? finding.Platform?.BoardVendor;
        if (!string.IsNullOrWhiteSpace(fromFacts))
        {
            return fromFacts.Trim().ToLowerInvariant();
        }

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

        var words = Words(platformVendor);
        return [.. advisory.VendorPages.Where(p => !p.Matches.IsDefaultOrEmpty
            && p.Matches.Any(m => Words(m) is { Length: > 2 } keyword && words.Contains(keyword, StringComparison.Ordinal)))];
    }

    /// <summary>" dell inc " for "Dell Inc.": lower-case alphanumeric words between single spaces.</summary>
    private static string Words(string text)
    {
        var sb = new System.Text.StringBuilder(" ");
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (sb[^1] != ' ')
            {
                sb.Append(' ');
            }
        }

        if (sb[^1] != ' ')
        {
            sb.Append(' ');
        }

        return sb.ToString();
    }
}
