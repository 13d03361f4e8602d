using System.Collections.Immutable;
using System.Text.RegularExpressions;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Versions;

namespace VulnTriage.Core.Advisories;

/// <summary>Text in the report languages. English is required; Japanese falls back to English when absent.</summary>
public sealed record LocalizedText(string En, string? Ja = null)
{
    /// <summary>The text for <paramref name="lang"/> (<c>en</c> or <c>ja</c>).</summary>
    public string Get(string lang) => lang == "ja" && !string.IsNullOrEmpty(Ja) ? Ja : En;

    /// <summary>Empty text.</summary>
    public static LocalizedText Empty { get; } = new("", "");
}

/// <summary>A set of non-negative integers, kept as sorted inclusive ranges (e.g. steppings 0–4, models 0x4E and 0x5E).</summary>
public sealed record IntSet(ImmutableArray<(int Low, int High)> Ranges)
{
    /// <summary>Whether <paramref name="value"/> is in the set.</summary>
    public bool Contains(int value)
    {
        foreach (var (low, high) in Ranges)
        {
            if (value >= low && value <= high)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A set of single values.</summary>
    public static IntSet Of(params int[] values) => new([.. values.Order().Select(v => (v, v))]);

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(",", Ranges.Select(r => r.Low == r.High
            ? r.Low.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.Low}-{r.High}")));
}

/// <summary>A CPUID signature condition: family, and optionally model and stepping sets.</summary>
public sealed record SignatureMatch(int Family, IntSet? Models, IntSet? Steppings)
{
    /// <summary>Three-valued match: <c>null</c> when the condition needs a stepping that is not known.</summary>
    public bool? Matches(CpuSignature signature)
    {
        if (signature.Family != Family || (Models is not null && !Models.Contains(signature.Model)))
        {
            return false;
        }

        if (Steppings is null)
        {
            return true;
        }

        return signature.Stepping is { } s ? Steppings.Contains(s) : null;
    }
}

/// <summary>
/// Conditions on an identified processor; every condition given must hold (AND), each list is an OR.
/// A condition on a field the identification could not determine is <em>indeterminate</em>, never false.
/// </summary>
public sealed record CpuMatch(
    ImmutableArray<CpuVendor> Vendors,
    ImmutableArray<string> ProductLines,
    ImmutableArray<int> Generations,
    ImmutableArray<Regex> ModelNumbers,
    ImmutableArray<string> Microarchitectures,
    ImmutableArray<string> Codenames,
    ImmutableArray<MarketSegment> Segments,
    ImmutableArray<SignatureMatch> Signatures);

/// <summary>How a CPU rule puts a processor in scope.</summary>
public enum CpuRuleScope
{
    /// <summary>The advisory lists this processor family.</summary>
    Listed,

    /// <summary>Not listed, but some CVEs can still apply depending on the firmware (e.g. AMT on ME 6–10 platforms).</summary>
    Conditional,
}

/// <summary>A candidate-stage rule: processors that make a host a candidate, and the firmware to expect.</summary>
public sealed record CpuRule(
    string Id,
    LocalizedText Title,
    CpuRuleScope Scope,
    CpuMatch Match,
    ImmutableArray<FirmwareKind> ExpectFirmware,
    ImmutableArray<string> Cves,
    LocalizedText Check);

/// <summary>Conditions on a firmware version; every condition given must hold.</summary>
public sealed record FirmwareMatch(IntSet? Major, IntSet? Minor, IntSet? Hotfix, FirmwareVersion? AtLeast, FirmwareVersion? Below)
{
    /// <summary>Whether <paramref name="v"/> satisfies every condition.</summary>
    public bool Matches(FirmwareVersion v) =>
        (Major is null || Major.Contains(v.Major))
        && (Minor is null || Minor.Contains(v.Minor))
        && (Hotfix is null || Hotfix.Contains(v.Hotfix))
        && (AtLeast is not { } low || v >= low)
        && (Below is not { } high || v < high);

    /// <summary>The condition in words, for evidence: <c>major 11, minor 0,5,6</c>.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Major is not null)
        {
            parts.Add($"major {Major}");
        }

        if (Minor is not null)
        {
            parts.Add($"minor {Minor}");
        }

        if (Hotfix is not null)
        {
            parts.Add($"hotfix {Hotfix}");
        }

        if (AtLeast is { } a)
        {
            parts.Add($">= {a}");
        }

        if (Below is { } b)
        {
            parts.Add($"< {b}");
        }

        return parts.Count == 0 ? "any version" : string.Join(", ", parts);
    }
}

/// <summary>Whether a firmware rule depends on the firmware being a corporate (AMT) image.</summary>
public enum AmtCondition
{
    /// <summary>The rule applies whatever the SKU.</summary>
    Any,

    /// <summary>The rule applies only to corporate/AMT firmware; consumer firmware is not affected.</summary>
    Required,
}

/// <summary>A confirmation-stage rule: a firmware version range and the verdict it decides. Rules are tried in file order.</summary>
public sealed record FirmwareRule(
    string Id,
    FirmwareKind Kind,
    FirmwareMatch Match,
    Verdict Verdict,
    AmtCondition Amt,
    ImmutableArray<string> Cves,
    LocalizedText Note);

/// <summary>A CVE the advisory covers.</summary>
public sealed record CveInfo(string Id, decimal? CvssScore, string? CvssVersion, string? CvssVector, LocalizedText Description);

/// <summary>What a cloud provider has said (or what is known) about the advisory.</summary>
public sealed record CloudStatement(CloudProvider Provider, LocalizedText Statement, ImmutableArray<string> References);

/// <summary>A reference link.</summary>
public sealed record Reference(string Title, string Url);

/// <summary>A hardware vendor's page for the advisory, matched to hosts by platform vendor where known.</summary>
public sealed record VendorPage(string Vendor, string Title, string Url, ImmutableArray<string> Matches);

/// <summary>An example host carried in the advisory file, with the verdict it must get.</summary>
/// <param name="Name">What the example shows.</param>
/// <param name="Host">The host, built from the example's fields.</param>
/// <param name="Facts">Firmware facts for the example, or <see cref="HostFacts.None"/>.</param>
/// <param name="Expect">The verdict the advisory must give.</param>
/// <param name="ExpectStage">The stage it must rest on, when given.</param>
/// <param name="ExpectClause">The rule id it must cite, when given.</param>
public sealed record AdvisoryExample(string Name, Host Host, HostFacts Facts, Verdict Expect, Stage? ExpectStage, string? ExpectClause);

/// <summary>An advisory, loaded from data. Immutable; validated by the loader.</summary>
public sealed record Advisory(
    string Id,
    string Vendor,
    LocalizedText Title,
    DateOnly Published,
    string Severity,
    ImmutableArray<CveInfo> Cves,
    LocalizedText Summary,
    LocalizedText AffectedSystems,
    ImmutableArray<CpuRule> CpuRules,
    ImmutableArray<FirmwareRule> FirmwareRules,
    LocalizedText OutOfScope,
    LocalizedText HowToCheck,
    LocalizedText Remediation,
    ImmutableArray<CloudStatement> CloudStatements,
    ImmutableArray<Reference> References,
    ImmutableArray<VendorPage> VendorPages,
    ImmutableArray<AdvisoryExample> Examples,
    string SourceName);
