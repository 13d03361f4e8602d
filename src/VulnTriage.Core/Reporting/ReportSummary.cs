using System.Collections.Immutable;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Matching;

namespace VulnTriage.Core.Reporting;

/// <summary>How many findings (hosts) got each verdict. Immutable.</summary>
/// <param name="Affected">Hosts with <see cref="Verdict.Affected"/>.</param>
/// <param name="NeedsConfirmation">Hosts with <see cref="Verdict.NeedsConfirmation"/>.</param>
/// <param name="Unknown">Hosts with <see cref="Verdict.Unknown"/>.</param>
/// <param name="Fixed">Hosts with <see cref="Verdict.Fixed"/>.</param>
/// <param name="ProviderManaged">Hosts with <see cref="Verdict.ProviderManaged"/>.</param>
/// <param name="NotAffected">Hosts with <see cref="Verdict.NotAffected"/>.</param>
/// <param name="AcceptedRisk">Hosts with <see cref="Verdict.AcceptedRisk"/> (only ever set by a recorded decision).</param>
public sealed record VerdictCounts(int Affected, int NeedsConfirmation, int Unknown, int Fixed, int ProviderManaged, int NotAffected, int AcceptedRisk = 0)
{
    /// <summary>No hosts.</summary>
    public static VerdictCounts Zero { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>All hosts counted.</summary>
    public int Total => Affected + NeedsConfirmation + Unknown + Fixed + ProviderManaged + NotAffected + AcceptedRisk;

    /// <summary>Hosts that need someone to act: affected, needs confirmation, or unknown.</summary>
    public int NeedingAction => Affected + NeedsConfirmation + Unknown;

    /// <summary>The count for one verdict.</summary>
    public int Get(Verdict verdict) => verdict switch
    {
        Verdict.Affected => Affected,
        Verdict.NeedsConfirmation => NeedsConfirmation,
        Verdict.Unknown => Unknown,
        Verdict.Fixed => Fixed,
        Verdict.ProviderManaged => ProviderManaged,
        Verdict.NotAffected => NotAffected,
        Verdict.AcceptedRisk => AcceptedRisk,
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>These counts with one more host of <paramref name="verdict"/>.</summary>
    public VerdictCounts Add(Verdict verdict) => verdict switch
    {
        Verdict.Affected => this with { Affected = Affected + 1 },
        Verdict.NeedsConfirmation => this with { NeedsConfirmation = NeedsConfirmation + 1 },
        Verdict.Unknown => this with { Unknown = Unknown + 1 },
        Verdict.Fixed => this with { Fixed = Fixed + 1 },
        Verdict.ProviderManaged => this with { ProviderManaged = ProviderManaged + 1 },
        Verdict.NotAffected => this with { NotAffected = NotAffected + 1 },
        Verdict.AcceptedRisk => this with { AcceptedRisk = AcceptedRisk + 1 },
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>Counts from an array indexed by <see cref="Verdict"/> value.</summary>
    internal static VerdictCounts FromArray(int[] counts) =>
        new(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6]);
}

/// <summary>The verdicts of the hosts in one environment, with the sentence a team would write about them.</summary>
/// <param name="Environment">The environment.</param>
/// <param name="Counts">Hosts per verdict; <see cref="VerdictCounts.Total"/> is the number of hosts.</param>
/// <param name="Line">One line in the report language, e.g. "AWS (12 hosts): managed by the provider — no action for us."</param>
public sealed record EnvironmentSummary(HostEnvironment Environment, VerdictCounts Counts, string Line);

/// <summary>A group of findings that need action (affected, needs confirmation, unknown).</summary>
/// <param name="Key">The service name, the <c>service:role</c> name, <c>key=value</c> of a label, or <c>null</c> for "no service"/"no label" and for the ungrouped list.</param>
/// <param name="Label">The heading to show, in the report language (e.g. "(no service)"); empty when ungrouped.</param>
/// <param name="Findings">The findings, in report order.</param>
public sealed record ActionGroup(string? Key, string Label, ImmutableArray<Finding> Findings);

/// <summary>The conclusion for one advisory.</summary>
/// <param name="Advisory">The advisory.</param>
/// <param name="Findings">Its findings, in report order.</param>
/// <param name="Counts">Hosts per verdict.</param>
/// <param name="Environments">Per environment, in the order AWS, Google Cloud, Azure, on-premises; only those present.</param>
/// <param name="Headline">The overall sentence in the report language.</param>
/// <param name="ActionGroups">Hosts that need action, grouped as asked; empty when none do.</param>
/// <param name="DecisionLines">Sentences about recorded decisions that set verdicts (e.g. "1 host looked in scope; the vendor page confirms it is not affected."); default: none.</param>
/// <param name="Teams">Per team (as grouped): hosts per verdict and the groups that need action; default: none.</param>
/// <param name="Groups">Groups of all the advisory's hosts, whatever the verdict (each group's evidence is shown once); default: none.</param>
public sealed record AdvisorySummary(
    Advisory Advisory,
    ImmutableArray<Finding> Findings,
    VerdictCounts Counts,
    ImmutableArray<EnvironmentSummary> Environments,
    string Headline,
    ImmutableArray<ActionGroup> ActionGroups,
    ImmutableArray<string> DecisionLines = default,
    ImmutableArray<TeamSummary> Teams = default,
    ImmutableArray<FindingGroup> Groups = default);

/// <summary>
/// The conclusion of a report: per advisory, and combined. The combined counts are per host, using each host's
/// most urgent verdict across the advisories (a host affected by one advisory counts as affected).
/// Pure: the same report and options always give the same summary.
/// </summary>
/// <param name="Lang">The report language the sentences are written in.</param>
/// <param name="Advisories">Per advisory, in the report's advisory order.</param>
/// <param name="Counts">Distinct hosts per most urgent verdict.</param>
/// <param name="Environments">Per environment, combined over advisories.</param>
/// <param name="Headline">The combined sentence in the report language.</param>
/// <param name="Full">Whether the per-host layout applies (<see cref="ReportLayout.IsFull"/>); otherwise hosts are grouped.</param>
/// <param name="Profiles">With several advisories: hosts grouped by their verdict for every advisory (the host × advisory summary); default: none.</param>
public sealed record ReportSummary(
    string Lang,
    ImmutableArray<AdvisorySummary> Advisories,
    VerdictCounts Counts,
    ImmutableArray<EnvironmentSummary> Environments,
    string Headline,
    bool Full = true,
    ImmutableArray<VerdictProfile> Profiles = default)
{
    /// <summary>The environments in report order: AWS, Google Cloud, Azure, on-premises.</summary>
    public static ImmutableArray<HostEnvironment> EnvironmentOrder { get; } =
        [HostEnvironment.Aws, HostEnvironment.Gcp, HostEnvironment.Azure, HostEnvironment.OnPremises];

    // The position in EnvironmentOrder of each environment, by its numeric value.
    private static readonly int[] EnvironmentIndex = [.. Enum.GetValues<HostEnvironment>().OrderBy(e => (int)e).Select(e => EnvironmentOrder.IndexOf(e))];

    /// <summary>The worst verdict seen for one host so far (mutable: one per host while the findings are read).</summary>
    private sealed class WorstVerdict(Inventory.Host host, Verdict verdict, HostEnvironment environment, int advisories)
    {
        public Inventory.Host Host { get; } = host;

        /// <summary>The verdict per advisory (report order); every host has a finding per advisory, were one missing, nothing is known (never "not affected").</summary>
        public Verdict[] Verdicts { get; } = advisories == 0 ? [] : Enumerable.Repeat(Verdict.Unknown, advisories).ToArray();

        public Verdict Verdict { get; set; } = verdict;

        public HostEnvironment Environment { get; set; } = environment;
    }

    /// <summary>Computes the summary. Findings keep the order they have in <paramref name="report"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static ReportSummary Create(TriageReport report, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        var lang = ReportSentences.NormalizeLang(options.Lang);

        var byAdvisory = new Dictionary<string, List<Finding>>(StringComparer.Ordinal);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < report.Advisories.Length; i++)
        {
            byAdvisory.TryAdd(report.Advisories[i].Id, []);
            index.TryAdd(report.Advisories[i].Id, i);
        }

        // With several advisories, each host's verdict per advisory (the host × advisory profiles) is gathered in the
        // same pass.
        var wantProfiles = options.Grouping && report.Advisories.Length > 1;

        // Worst verdict per host across advisories (lower enum value = more urgent). A host's findings usually share
        // one Host object and an advisory's one id string: both are found by reference first, by value when not.
        var worst = new Dictionary<string, WorstVerdict>(StringComparer.Ordinal);
        var worstByReference = new Dictionary<Inventory.Host, WorstVerdict>(ReferenceEqualityComparer.Instance);
        string? lastId = null;
        List<Finding>? lastList = null;
        var lastIndex = -1;
        foreach (var finding in report.Findings)
        {
            if (!ReferenceEquals(finding.AdvisoryId, lastId))
            {
                lastId = finding.AdvisoryId;
                lastList = byAdvisory.GetValueOrDefault(finding.AdvisoryId);
                lastIndex = index.GetValueOrDefault(finding.AdvisoryId, -1);
            }

            lastList?.Add(finding);

            if (!worstByReference.TryGetValue(finding.Host, out var seen))
            {
                if (!worst.TryGetValue(finding.Host.Id, out seen))
                {
                    seen = new WorstVerdict(finding.Host, finding.Verdict, finding.Environment, wantProfiles ? report.Advisories.Length : 0);
                    worst.Add(finding.Host.Id, seen);
                }

                worstByReference[finding.Host] = seen;
            }

            if (wantProfiles && lastIndex >= 0)
            {
                seen.Verdicts[lastIndex] = finding.Verdict;
            }

            if (finding.Verdict.ReportRank() < seen.Verdict.ReportRank())
            {
                seen.Verdict = finding.Verdict;
                seen.Environment = finding.Environment;
            }
        }

        // The per-host layout for small fleets (or when asked); groups otherwise. Grouping is done only when a layout
        // shows it (the JSON and CSV reports carry every host and do not need it).
        var full = ReportLayout.IsFull(options, worst.Count);
        // Each advisory's summary (and the host × advisory profiles) is independent of the others: built on every core,
        // kept in the report's advisory order.
        var summaries = new AdvisorySummary[report.Advisories.Length];
        var profiles = ImmutableArray<VerdictProfile>.Empty;
        Parallel.For(0, summaries.Length + (wantProfiles ? 1 : 0), i =>
        {
            if (i == summaries.Length)
            {
                profiles = FleetGroups.Profiles([.. worst.Values.Select(w => (w.Host, w.Verdicts))], full ? int.MaxValue : options.MaxHostsPerGroup, needingOnly: !full);
                return;
            }

            var advisory = report.Advisories[i];
            var names = new FleetGroups.ProcessorNames();
            var findings = byAdvisory[advisory.Id];
            var (counts, environments) = Count(findings.Select(f => (f.Verdict, f.Environment)), lang);
            summaries[i] = new AdvisorySummary(
                advisory,
                [.. findings],
                counts,
                environments,
                ReportSentences.Headline(counts, lang),
                !full ? [] : options.GroupBy == GroupBy.Label ? GroupByLabel(findings, options.LabelKey ?? "", lang) : Group(findings, options.GroupBy, lang, report.ServiceTeams),
                Decisions.DecisionApplier.ConclusionLines(findings, lang),
                options.Grouping ? FleetGroups.Teams(findings, options, lang, report.ServiceTeams, names) : [],
                options.Grouping && !full ? FleetGroups.All(findings, options.MaxHostsPerGroup, names) : []);
        });

        var (total, combined) = Count(worst.Values.Select(w => (w.Verdict, w.Environment)), lang);
        return new ReportSummary(lang, [.. summaries], total, combined, ReportSentences.Headline(total, lang), full, profiles);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static (VerdictCounts Counts, ImmutableArray<EnvironmentSummary> Environments) Count(
        IEnumerable<(Verdict Verdict, HostEnvironment Environment)> items, string lang)
    {
        var perEnvironment = new int[EnvironmentOrder.Length][];
        for (var i = 0; i < perEnvironment.Length; i++)
        {
            perEnvironment[i] = new int[Verdicts.All.Length];
        }

        // Indexed by the enum's numeric value (0..6), not by report order.
        var all = new int[Verdicts.All.Length];
        foreach (var (verdict, environment) in items)
        {
            all[(int)verdict]++;
            perEnvironment[EnvironmentIndex[(int)environment]][(int)verdict]++;
        }

        var environments = ImmutableArray.CreateBuilder<EnvironmentSummary>();
        for (var i = 0; i < EnvironmentOrder.Length; i++)
        {
            var counts = VerdictCounts.FromArray(perEnvironment[i]);
            if (counts.Total > 0)
            {
                environments.Add(new EnvironmentSummary(EnvironmentOrder[i], counts, ReportSentences.EnvironmentLine(EnvironmentOrder[i], counts, lang)));
            }
        }

        return (VerdictCounts.FromArray(all), environments.ToImmutable());
    }

    /// <summary>Hosts needing action grouped by the values of one label (a host with two values is in both groups).</summary>
    private static ImmutableArray<ActionGroup> GroupByLabel(List<Finding> findings, string key, string lang)
    {
        var needing = findings.Where(f => f.Verdict.FailRank() < 3).ToList();
        if (needing.Count == 0)
        {
            return [];
        }

        var groups = new SortedDictionary<string, List<Finding>>(StringComparer.Ordinal);
        var unlabelled = new List<Finding>();
        foreach (var finding in needing)
        {
            var values = (finding.Host.Labels.IsDefault ? [] : finding.Host.Labels)
                .Where(l => string.Equals(l.Key, key, StringComparison.OrdinalIgnoreCase))
                .Select(l => l.Value)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (values.Count == 0)
            {
                unlabelled.Add(finding);
                continue;
            }

            foreach (var value in values)
            {
                if (!groups.TryGetValue(value, out var list))
                {
                    list = [];
                    groups.Add(value, list);
                }

                list.Add(finding);
            }
        }

        var result = ImmutableArray.CreateBuilder<ActionGroup>(groups.Count + 1);
        foreach (var (value, list) in groups)
        {
            result.Add(new ActionGroup(ReportSentences.LabelGroup(key, value), ReportSentences.LabelGroup(key, value), [.. list]));
        }

        if (unlabelled.Count > 0)
        {
            result.Add(new ActionGroup(null, ReportSentences.NoLabel(key, lang), [.. unlabelled]));
        }

        return result.ToImmutable();
    }

    private static ImmutableArray<ActionGroup> Group(List<Finding> findings, GroupBy groupBy, string lang, ImmutableDictionary<string, string>? teams) =>
        GroupFindings(findings.Where(f => f.Verdict.FailRank() < 3), groupBy, lang, teams);

    /// <summary>
    /// Groups <paramref name="findings"/> (all of them, whatever their verdict) as the report groups the hosts that need
    /// action: by service (or service:role), labelled with the owning team when known, hosts without a service last; a
    /// host in several services is listed in each. The dashboard groups a filtered list this way.
    /// </summary>
    public static ImmutableArray<ActionGroup> GroupFindings(IEnumerable<Finding> findings, GroupBy groupBy, string lang, ImmutableDictionary<string, string>? teams)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var needing = findings.ToList();
        if (needing.Count == 0)
        {
            return [];
        }

        if (groupBy == GroupBy.None)
        {
            return [new ActionGroup(null, "", [.. needing])];
        }

        var groups = new SortedDictionary<string, List<Finding>>(StringComparer.Ordinal);
        var unassigned = new List<Finding>();
        foreach (var finding in needing)
        {
            if (finding.Host.Roles.IsDefaultOrEmpty)
            {
                unassigned.Add(finding);
                continue;
            }

            var keys = groupBy == GroupBy.Role
                ? finding.Host.Roles.Select(r => r.ToString()).Distinct(StringComparer.Ordinal)
                : finding.Host.Services;
            foreach (var key in keys)
            {
                if (!groups.TryGetValue(key, out var list))
                {
                    list = [];
                    groups.Add(key, list);
                }

                list.Add(finding);
            }
        }

        var result = ImmutableArray.CreateBuilder<ActionGroup>(groups.Count + 1);
        foreach (var (key, list) in groups)
        {
            var service = groupBy == GroupBy.Role && key.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? key[..colon] : key;
            var label = teams is not null && teams.TryGetValue(service, out var team) ? ReportSentences.WithTeam(key, team, lang) : key;
            result.Add(new ActionGroup(key, label, [.. list]));
        }

        if (unassigned.Count > 0)
        {
            result.Add(new ActionGroup(null, ReportSentences.NoService(lang), [.. unassigned]));
        }

        return result.ToImmutable();
    }
}
