using System.Collections.Immutable;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;

namespace VulnTriage.Web.Data;

/// <summary>
/// The findings filter of the advisory page and of <c>GET /api/v1/advisories/{id}/findings</c>: verdict, service (team),
/// role, host status and a CPU substring, then an offset. Applied to a run held in memory: one pass over its findings.
/// </summary>
/// <param name="VerdictText">A verdict word, <c>all</c>, <c>needs_action</c>, or <c>null</c> (the default of the caller).</param>
/// <param name="Service">Mackerel service.</param>
/// <param name="Team">Owning team (from service memos): the services it owns.</param>
/// <param name="Role">Role as <c>service:role</c>.</param>
/// <param name="Status">Host status word.</param>
/// <param name="Cpu">Text the CPU's brand string or identified name contains (case-insensitive).</param>
/// <param name="Offset">How many matching findings to skip.</param>
internal sealed record FindingFilter(string? VerdictText, string? Service, string? Team, string? Role, string? Status, string? Cpu, int Offset)
{
    public static FindingFilter From(IQueryCollection query)
    {
        static string? Get(IQueryCollection q, string name) => q[name].ToString() is { Length: > 0 } v ? v.Trim() : null;
        return new FindingFilter(
            Get(query, "verdict"),
            Get(query, "service"),
            Get(query, "team"),
            Get(query, "role"),
            Get(query, "status"),
            Get(query, "cpu"),
            int.TryParse(query["offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0);
    }

    /// <summary>The field that cannot be understood, or <c>null</c>.</summary>
    public string? Invalid()
    {
        if (VerdictText is not null and not ("all" or "needs_action") && !Verdicts.TryParse(VerdictText, out _))
        {
            return "verdict";
        }

        if (Status is not null && !Enum.GetValues<HostStatus>().Any(s => StatusWire(s) == Status))
        {
            return "status";
        }

        return Offset < 0 ? "offset" : null;
    }

    /// <summary>The matching findings, in the run's (report) order. A <c>null</c> verdict means <paramref name="defaultVerdict"/>.</summary>
    public List<Finding> Apply(ImmutableArray<Finding> findings, string defaultVerdict = "needs_action", ImmutableDictionary<string, string>? teams = null)
    {
        var verdictText = VerdictText ?? defaultVerdict;
        Verdict? verdict = Verdicts.TryParse(verdictText, out var v) ? v : null;
        var needsAction = verdictText == "needs_action";
        HashSet<string>? teamServices = Team is null ? null
            : (teams ?? ImmutableDictionary<string, string>.Empty).Where(p => string.Equals(p.Value, Team, StringComparison.OrdinalIgnoreCase)).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var result = new List<Finding>();
        foreach (var f in findings)
        {
            if ((verdict is { } want && f.Verdict != want) || (needsAction && f.Verdict.FailRank() >= 3))
            {
                continue;
            }

            var roles = f.Host.Roles.IsDefault ? [] : f.Host.Roles;
            if (Service is not null && !roles.Any(r => r.Service == Service))
            {
                continue;
            }

            if (teamServices is not null && !roles.Any(r => teamServices.Contains(r.Service)))
            {
                continue;
            }

            if (Role is not null && !roles.Any(r => r.ToString() == Role))
            {
                continue;
            }

            if (Status is not null && StatusWire(f.Host.Status) != Status)
            {
                continue;
            }

            if (Cpu is not null && !CpuMatches(f, Cpu))
            {
                continue;
            }

            result.Add(f);
        }

        return result;
    }

    /// <summary>The query that reproduces this filter at another offset.</summary>
    public IEnumerable<(string, string?)> Query(int offset) =>
    [
        ("verdict", VerdictText), ("service", Service), ("team", Team), ("role", Role), ("status", Status), ("cpu", Cpu),
        ("offset", offset > 0 ? offset.ToString(CultureInfo.InvariantCulture) : null),
    ];

    /// <summary>Mackerel's status words, as the report JSON writes them.</summary>
    public static string StatusWire(HostStatus status) => Reports.Json.JsonReportWriter.StatusWire(status);

    private static bool CpuMatches(Finding f, string text)
    {
        foreach (var p in f.Host.Processors.IsDefault ? [] : f.Host.Processors)
        {
            if (p.BrandString?.Contains(text, StringComparison.OrdinalIgnoreCase) == true)
            {
                return true;
            }
        }

        foreach (var p in f.Processors.IsDefault ? [] : f.Processors)
        {
            if (p.NormalizedBrand.Contains(text, StringComparison.OrdinalIgnoreCase) || p.DisplayName.Contains(text, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
