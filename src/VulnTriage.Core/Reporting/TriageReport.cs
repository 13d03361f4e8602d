using System.Collections.Immutable;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Matching;

namespace VulnTriage.Core.Reporting;

/// <summary>How findings are grouped in the "needs action" part of a report.</summary>
public enum GroupBy
{
    /// <summary>By Mackerel service.</summary>
    Service,
    /// <summary>By Mackerel service:role.</summary>
    Role,
    /// <summary>No grouping.</summary>
    None,
    /// <summary>By the values of one host label (<see cref="ReportOptions.LabelKey"/>), e.g. <c>team</c>.</summary>
    Label,
}

/// <summary>Facts about the inventory that was read.</summary>
/// <param name="Source">File path, <c>-</c>, or <c>mackerel</c>.</param>
/// <param name="HostsRead">Hosts read from the inventory.</param>
/// <param name="HostsEvaluated">Hosts evaluated (read minus excluded).</param>
/// <param name="RetiredExcluded">Retired hosts left out.</param>
/// <param name="DistinctProcessors">Distinct processors identified.</param>
/// <param name="FactsFiles">Facts files matched to hosts.</param>
public sealed record InventorySummary(string Source, int HostsRead, int HostsEvaluated, int RetiredExcluded, int DistinctProcessors, int FactsFiles);

/// <summary>Everything a report writer needs. Findings are already sorted by <see cref="FindingOrder"/>.</summary>
/// <param name="Advisories">Advisories evaluated, in the order asked.</param>
/// <param name="Findings">One finding per (advisory, host), sorted.</param>
/// <param name="Diagnostics">Problems met while reading inputs.</param>
/// <param name="Inventory">Inventory facts.</param>
/// <param name="GeneratedAt">When the report was made (injected clock).</param>
/// <param name="ToolVersion">VulnTriage version.</param>
/// <param name="ServiceTeams">Owning team per Mackerel service name (from service memos, when read from the API); <c>null</c> when unknown.</param>
/// <param name="StaleDecisions">Recorded decisions whose selector matched no host in this run (default: none).</param>
/// <param name="Progress">Remediation progress over saved runs, oldest first, when a state database has runs (default: none).</param>
public sealed record TriageReport(
    ImmutableArray<Advisory> Advisories,
    ImmutableArray<Finding> Findings,
    ImmutableArray<Diagnostic> Diagnostics,
    InventorySummary Inventory,
    DateTimeOffset GeneratedAt,
    string ToolVersion,
    ImmutableDictionary<string, string>? ServiceTeams = null,
    ImmutableArray<Decisions.Decision> StaleDecisions = default,
    ImmutableArray<Decisions.RunProgress> Progress = default);

/// <summary>Options that shape a written report.</summary>
/// <param name="Lang"><c>en</c> or <c>ja</c>.</param>
/// <param name="GroupBy">Grouping of hosts needing action.</param>
/// <param name="LabelKey">The label key to group by when <paramref name="GroupBy"/> is <see cref="GroupBy.Label"/>.</param>
/// <param name="Detail">Per-host detail of the Markdown and HTML reports (<see cref="ReportLayout"/>).</param>
/// <param name="MaxHostsPerGroup">Hosts named per group in the grouped layout (the rest are counted).</param>
public sealed record ReportOptions(string Lang, GroupBy GroupBy, string? LabelKey = null, ReportDetail Detail = ReportDetail.Auto, int MaxHostsPerGroup = 10)
{
    /// <summary>Whether the summary computes the team groups, verdicts per team and host × advisory rows (the human-readable reports do; JSON and CSV do not).</summary>
    public bool Grouping { get; init; } = true;
}
