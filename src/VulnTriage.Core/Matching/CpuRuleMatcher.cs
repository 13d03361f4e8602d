using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;

namespace VulnTriage.Core.Matching;

/// <summary>
/// Three-valued matching of identified processors against advisory CPU rules: <c>true</c> (matches),
/// <c>false</c> (a known field rules it out), <c>null</c> (a field the rule needs is unknown — indeterminate).
/// A rule is false as soon as one condition is false; otherwise indeterminate if any condition is.
/// </summary>
public static class CpuRuleMatcher
{
    /// <summary>Matches one identity against one condition set.</summary>
    public static bool? Matches(CpuMatch match, ProcessorIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentNullException.ThrowIfNull(identity);

        bool? result = true;
        void And(bool? condition)
        {
            if (result == false)
            {
                return;
            }

            if (condition == false)
            {
                result = false;
            }
            else if (condition is null)
            {
                result = null;
            }
        }

        if (!match.Vendors.IsDefaultOrEmpty)
        {
            And(identity.Vendor == CpuVendor.Unknown ? null : match.Vendors.Contains(identity.Vendor));
        }

        if (!match.ProductLines.IsDefaultOrEmpty)
        {
            And(identity.ProductLine is null ? null : match.ProductLines.Contains(identity.ProductLine, StringComparer.Ordinal));
        }

        if (!match.Generations.IsDefaultOrEmpty)
        {
            And(identity.Generation is { } g ? match.Generations.Contains(g) : null);
        }

        if (!match.ModelNumbers.IsDefaultOrEmpty)
        {
            And(identity.ModelNumber is null ? null : match.ModelNumbers.Any(r => r.IsMatch(identity.ModelNumber)));
        }

        if (!match.Microarchitectures.IsDefaultOrEmpty)
        {
            And(identity.Microarchitecture is null ? null : match.Microarchitectures.Contains(identity.Microarchitecture, StringComparer.Ordinal));
        }

        if (!match.Codenames.IsDefaultOrEmpty)
        {
            And(identity.Codename is null ? null : match.Codenames.Contains(identity.Codename, StringComparer.Ordinal));
        }

        if (!match.Segments.IsDefaultOrEmpty)
        {
            And(identity.Segment == MarketSegment.Unknown ? null : match.Segments.Contains(identity.Segment));
        }

        if (!match.Signatures.IsDefaultOrEmpty)
        {
            if (identity.Signature is not { } signature)
            {
                And(null);
            }
            else
            {
                bool? any = false;
                foreach (var s in match.Signatures)
                {
                    var m = s.Matches(signature);
                    if (m == true)
                    {
                        any = true;
                        break;
                    }

                    if (m is null)
                    {
                        any = null;
                    }
                }

                And(any);
            }
        }

        return result;
    }
}
