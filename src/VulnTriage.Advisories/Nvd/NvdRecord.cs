using System.Collections.Immutable;
using VulnTriage.Core.Cpe;
using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Advisories.Nvd;

/// <summary>Stable diagnostic codes of the NVD reader and importer (VT26xx; docs/nvd-import.md).</summary>
public static class NvdDiagnosticCodes
{
    /// <summary>The input is not valid JSON (or is cut off).</summary>
    public const string InvalidJson = "VT2601";

    /// <summary>The JSON is not an NVD CVE record, nor an API response carrying them.</summary>
    public const string NotARecord = "VT2602";

    /// <summary>A match criterion is not a CPE 2.3 formatted string.</summary>
    public const string InvalidCpe = "VT2603";

    /// <summary>An item of the record has the wrong shape and was skipped; its configuration is listed as unmapped (warning).</summary>
    public const string SkippedItem = "VT2604";

    /// <summary>Parts of a record could not be mapped to rules; they are listed in the draft (warning).</summary>
    public const string Unmapped = "VT2605";

    /// <summary>A record, or a list in it, is larger than the reader accepts.</summary>
    public const string TooLarge = "VT2606";

    /// <summary>An input file or directory cannot be read.</summary>
    public const string Unreadable = "VT2607";

    /// <summary>The input holds no record.</summary>
    public const string Empty = "VT2608";

    /// <summary>Two inputs carry the same CVE; the later revision is used (warning).</summary>
    public const string Duplicate = "VT2609";

    /// <summary>Some processor CPEs a record lists are not named back from any brand string this tool identifies (warning).</summary>
    public const string UnnamedProcessors = "VT2610";
}

/// <summary>One NVD CVE record (CVE API 2.0 <c>cve</c> object), as far as the importer needs it. Immutable.</summary>
/// <param name="Id">The CVE id.</param>
/// <param name="SourceIdentifier">The CNA (<c>secure@intel.com</c>, <c>psirt@amd.com</c>).</param>
/// <param name="Published">Publication date-time as written (no zone).</param>
/// <param name="LastModified">The record revision: NVD's <c>lastModified</c>.</param>
/// <param name="VulnStatus">NVD's analysis status (<c>Modified</c>, <c>Analyzed</c>, <c>Awaiting Analysis</c>, …).</param>
/// <param name="Descriptions">Descriptions by language (<c>en</c>, <c>es</c>).</param>
/// <param name="Metrics">CVSS metrics, most preferred first (NVD's primary v4.0, v3.1, v3.0, v2, then the CNA's).</param>
/// <param name="References">Reference URLs with their tags.</param>
/// <param name="Configurations">The applicability statement: alternatives, each an AND/OR tree (empty when not analysed).</param>
/// <param name="Location">Where the record starts (file:line).</param>
public sealed record NvdRecord(
    string Id,
    string? SourceIdentifier,
    string? Published,
    string? LastModified,
    string? VulnStatus,
    ImmutableArray<NvdText> Descriptions,
    ImmutableArray<NvdMetric> Metrics,
    ImmutableArray<NvdReference> References,
    ImmutableArray<NvdConfiguration> Configurations,
    SourceLocation Location)
{
    /// <summary>The English description, or the first one, or empty.</summary>
    public string Description =>
        Descriptions.FirstOrDefault(d => d.Lang == "en")?.Value ?? Descriptions.FirstOrDefault()?.Value ?? "";
}

/// <summary>A text in a language.</summary>
public sealed record NvdText(string Lang, string Value);

/// <summary>A CVSS metric: version, score, vector and severity, and whose it is.</summary>
public sealed record NvdMetric(string Version, decimal Score, string? Vector, string? Severity, string? Source, bool Primary);

/// <summary>A reference URL.</summary>
public sealed record NvdReference(string Url, ImmutableArray<string> Tags);

/// <summary>One configuration: nodes combined by <see cref="Operator"/> (AND, OR, or absent for one node), possibly negated.</summary>
/// <param name="Index">Its position in the record (0-based).</param>
/// <param name="Operator"><c>AND</c>, <c>OR</c>, or <c>null</c>.</param>
/// <param name="Negate">Whether the configuration is negated.</param>
/// <param name="Nodes">The nodes.</param>
/// <param name="Problem">Why it cannot be used as read (a wrong-typed field), or <c>null</c>.</param>
public sealed record NvdConfiguration(int Index, string? Operator, bool Negate, ImmutableArray<NvdNode> Nodes, string? Problem = null);

/// <summary>One node: match criteria combined by <see cref="Operator"/>, possibly negated.</summary>
public sealed record NvdNode(string Operator, bool Negate, ImmutableArray<NvdCpeMatch> CpeMatch, string? Problem = null);

/// <summary>
/// One match criterion. <see cref="Name"/> is <c>null</c> when the item was malformed (<see cref="Problem"/> says how):
/// the importer then lists its configuration as unmapped instead of reading it without the item.
/// </summary>
public sealed record NvdCpeMatch(bool Vulnerable, string Criteria, CpeName? Name, CpeVersionRange? Range, string? MatchCriteriaId, string? Problem = null)
{
    /// <summary>The criterion for matching, when well formed.</summary>
    public CpeMatchCriterion? Criterion => Name is null ? null : new CpeMatchCriterion(Name, Range is { IsBounded: true } ? Range : null);

    /// <summary>The criterion as NVD shows it: the match string and its range.</summary>
    public string Display => Range is { IsBounded: true } r ? $"{Criteria} ({r})" : Criteria;
}
