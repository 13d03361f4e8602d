using System.Collections.Immutable;
using System.Runtime.InteropServices;
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

    /// <summary>Computes the summary. Findings keep the order they have in <paramref name="report"/>.</summary>
    /// <remarks>
    /// Reports of 20,000 hosts × 14 advisories hold 280,000 findings, spread over memory: the cost is in reading them,
    /// not in the arithmetic. So every finding is read twice in all: once to find its advisory (positions only), then
    /// once by its advisory's pass, which counts it, places its host in the host × advisory table and adds it to its
    /// team's group. The advisories' passes run on every core.
    /// </remarks>
    public static ReportSummary Create(TriageReport report, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        var lang = ReportSentences.NormalizeLang(options.Lang);
        var advisories = report.Advisories;
        var findings = report.Findings.IsDefault ? [] : report.Findings;

        // Column c < advisories.Length holds the positions (in report.Findings) of advisory c's findings, in report
        // order; the last column those of findings whose advisory the report does not list (they count in the
        // combined verdicts only).
        var columns = Partition(advisories, findings);
        var hosts = HostTable.Create(findings, columns, advisories.Length + 1);

        // With several advisories, each host's verdict per advisory (the host × advisory profiles) is read from the
        // same table.
        var wantProfiles = options.Grouping && advisories.Length > 1;
        var full = ReportLayout.IsFull(options, hosts.Count);
        var summaries = new AdvisorySummary[advisories.Length];
        var missing = new List<int>[advisories.Length];
        Parallel.For(0, advisories.Length, c => (summaries[c], missing[c]) = Summarize(advisories[c], c, columns[c], findings, hosts, report, options, lang, full));

        // Findings whose hosts are missing from the first advisory (never, for a triage run) and those of unlisted
        // advisories are placed one by one, adding rows.
        for (var c = 0; c < columns.Length; c++)
        {
            hosts.PlaceAdding(c, c < advisories.Length ? missing[c] : columns[c], findings);
        }

        var (total, combined, profiles) = hosts.Combine(findings, advisories.Length, lang, wantProfiles, full ? int.MaxValue : options.MaxHostsPerGroup, needingOnly: !full);
        return new ReportSummary(lang, [.. summaries], total, combined, ReportSentences.Headline(total, lang), full, profiles);
    }

    /// <summary>The positions of each advisory's findings; the last column holds those of unlisted advisories.</summary>
    private static List<int>[] Partition(ImmutableArray<Advisory> advisories, ImmutableArray<Finding> findings)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < advisories.Length; i++)
        {
            index.TryAdd(advisories[i].Id, i);
        }

        var columns = new List<int>[advisories.Length + 1];
        var expected = advisories.Length == 0 ? 0 : findings.Length / advisories.Length;
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = new List<int>(i < advisories.Length ? expected : 0);
        }

        // Findings of one advisory come in runs sharing one id string: it is looked up once per run.
        string? lastId = null;
        var last = columns[^1];
        for (var p = 0; p < findings.Length; p++)
        {
            var id = findings[p].AdvisoryId;
            if (!ReferenceEquals(id, lastId))
            {
                lastId = id;
                last = columns[index.TryGetValue(id, out var c) ? c : advisories.Length];
            }

            last.Add(p);
        }

        return columns;
    }

    /// <summary>One advisory's summary: one pass over its findings counts them, places their hosts and groups them.</summary>
    /// <returns>The summary, and the positions of the findings whose hosts have no row in <paramref name="hosts"/> yet.</returns>
    private static (AdvisorySummary Summary, List<int> Missing) Summarize(
        Advisory advisory, int column, List<int> positions, ImmutableArray<Finding> all, HostTable hosts,
        TriageReport report, ReportOptions options, string lang, bool full)
    {
        var findings = new Finding[positions.Count];
        var perEnvironment = new int[EnvironmentOrder.Length * Verdicts.All.Length];
        var grouper = options.Grouping ? new FleetGroups.AdvisoryGrouper(options, new FleetGroups.ProcessorNames()) : null;
        List<Finding>? decided = null;
        var missing = new List<int>();
        for (var i = 0; i < findings.Length; i++)
        {
            var position = positions[i];
            var f = all[position];
            findings[i] = f;
            perEnvironment[(EnvironmentIndex[(int)f.Environment] * Verdicts.All.Length) + (int)f.Verdict]++;
            if (f.Decision is not null && f.Machine is not null)
            {
                (decided ??= []).Add(f);
            }

            if (!hosts.Place(column, f, position))
            {
                missing.Add(position);
            }

            grouper?.Add(f, i);
        }

        var list = ImmutableCollectionsMarshal.AsImmutableArray(findings);
        var (counts, environments) = Counted(perEnvironment, lang);
        var summary = new AdvisorySummary(
            advisory,
            list,
            counts,
            environments,
            ReportSentences.Headline(counts, lang),
            !full ? [] : options.GroupBy == GroupBy.Label ? GroupByLabel(list, options.LabelKey ?? "", lang) : Group(list, options.GroupBy, lang, report.ServiceTeams),
            Decisions.DecisionApplier.ConclusionLines(decided ?? [], lang),
            grouper is null ? [] : grouper.Teams(lang, report.ServiceTeams),
            grouper is null || full ? [] : grouper.All());
        return (summary, missing);
    }

    /// <summary>
    /// Each host's verdict per advisory (report order; the last column for unlisted advisories), with the position of
    /// the finding it came from. A host is one row: found by its object first (findings of one host share it), by its
    /// id when not. Rows are made from the first advisory's findings before the advisories' passes, which only read the
    /// row index and write their own column; hosts missing from it are added one by one afterwards.
    /// </summary>
    private sealed class HostTable
    {
        private const byte Missing = byte.MaxValue;
        private readonly Dictionary<Inventory.Host, int> _byReference = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<string, int> _byId = new(StringComparer.Ordinal);
        private readonly List<Inventory.Host> _hosts = [];
        private readonly int _columns;

        // Per row, per column: the verdict's report rank (Missing when the host has no finding there) and the finding's position.
        private byte[] _ranks;
        private int[] _positions;

        private HostTable(int columns, int capacity)
        {
            _columns = columns;
            _ranks = new byte[Math.Max(1, capacity) * columns];
            _positions = new int[_ranks.Length];
            _ranks.AsSpan().Fill(Missing);
        }

        public int Count => _hosts.Count;

        public static HostTable Create(ImmutableArray<Finding> findings, List<int>[] columns, int columnCount)
        {
            var first = columns.FirstOrDefault(c => c.Count > 0) ?? [];
            var table = new HostTable(columnCount, first.Count);
            foreach (var p in first)
            {
                table.RowOf(findings[p].Host);
            }

            return table;
        }

        /// <summary>Places one finding in its host's row (read-only lookups: safe beside other columns' passes); false when its host has no row yet.</summary>
        public bool Place(int column, Finding f, int position)
        {
            if (!_byReference.TryGetValue(f.Host, out var row) && !_byId.TryGetValue(f.Host.Id, out row))
            {
                return false;
            }

            Set(row, column, f, position);
            return true;
        }

        /// <summary>Places findings whether or not their hosts have rows, adding rows (not beside any other pass).</summary>
        public void PlaceAdding(int column, List<int> positions, ImmutableArray<Finding> findings)
        {
            foreach (var p in positions)
            {
                Set(RowOf(findings[p].Host), column, findings[p], p);
            }
        }

        /// <summary>Combined counts (each host's most urgent verdict) and, when asked, the host × advisory profiles.</summary>
        public (VerdictCounts Total, ImmutableArray<EnvironmentSummary> Environments, ImmutableArray<VerdictProfile> Profiles) Combine(
            ImmutableArray<Finding> findings, int advisories, string lang, bool wantProfiles, int maxHosts, bool needingOnly)
        {
            var perEnvironment = new int[EnvironmentOrder.Length * Verdicts.All.Length];
            var profiles = wantProfiles ? new FleetGroups.ProfileBuilder(maxHosts) : null;
            var verdicts = new Verdict[advisories];
            for (var row = 0; row < _hosts.Count; row++)
            {
                // The most urgent verdict; between equals, the finding first in the report (as a reader meets them).
                var best = -1;
                for (var c = 0; c < _columns; c++)
                {
                    var i = (row * _columns) + c;
                    if (_ranks[i] != Missing && (best < 0 || _ranks[i] < _ranks[best] || (_ranks[i] == _ranks[best] && _positions[i] < _positions[best])))
                    {
                        best = i;
                    }
                }

                if (best >= 0)
                {
                    var worst = findings[_positions[best]];
                    perEnvironment[(EnvironmentIndex[(int)worst.Environment] * Verdicts.All.Length) + (int)worst.Verdict]++;
                }

                if (profiles is null)
                {
                    continue;
                }

                // Every host has a finding per advisory; were one missing, nothing is known (never "not affected").
                var needing = false;
                for (var c = 0; c < advisories; c++)
                {
                    var rank = _ranks[(row * _columns) + c];
                    verdicts[c] = rank == Missing ? Verdict.Unknown : Verdicts.All[rank];
                    needing |= verdicts[c].FailRank() < 3;
                }

                if (!needingOnly || needing)
                {
                    profiles.Add(_hosts[row], verdicts);
                }
            }

            var (total, environments) = Counted(perEnvironment, lang);
            return (total, environments, profiles?.Build() ?? []);
        }

        private void Set(int row, int column, Finding f, int position)
        {
            // A host twice in one column (not from a triage run): the more urgent finding, else the first, stands.
            var i = (row * _columns) + column;
            var rank = (byte)f.Verdict.ReportRank();
            if (_ranks[i] == Missing || rank < _ranks[i])
            {
                _ranks[i] = rank;
                _positions[i] = position;
            }
        }

        private int RowOf(Inventory.Host host)
        {
            if (_byReference.TryGetValue(host, out var row))
            {
                return row;
            }

            if (!_byId.TryGetValue(host.Id, out row))
            {
                row = _hosts.Count;
                _hosts.Add(host);
                _byId.Add(host.Id, row);
                if ((row + 1) * _columns > _ranks.Length)
                {
                    var size = Math.Max(_ranks.Length * 2, (row + 1) * _columns);
                    var ranks = new byte[size];
                    ranks.AsSpan().Fill(Missing);
                    _ranks.CopyTo(ranks, 0);
                    _ranks = ranks;
                    Array.Resize(ref _positions, size);
                }
            }

            _byReference[host] = row;
            return row;
        }
    }

    private static (VerdictCounts Counts, ImmutableArray<EnvironmentSummary> Environments) Counted(int[] perEnvironment, string lang)
    {
        var all = new int[Verdicts.All.Length];
        var environments = ImmutableArray.CreateBuilder<EnvironmentSummary>();
        for (var e = 0; e < EnvironmentOrder.Length; e++)
        {
            var slice = perEnvironment.AsSpan(e * Verdicts.All.Length, Verdicts.All.Length).ToArray();
            for (var v = 0; v < slice.Length; v++)
            {
                all[v] += slice[v];
            }

            var counts = VerdictCounts.FromArray(slice);
            if (counts.Total > 0)
            {
                environments.Add(new EnvironmentSummary(EnvironmentOrder[e], counts, ReportSentences.EnvironmentLine(EnvironmentOrder[e], counts, lang)));
            }
        }

        return (VerdictCounts.FromArray(all), environments.ToImmutable());
    }

    /// <summary>Hosts needing action grouped by the values of one label (a host with two values is in both groups).</summary>
    private static ImmutableArray<ActionGroup> GroupByLabel(IEnumerable<Finding> findings, string key, string lang)
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

    private static ImmutableArray<ActionGroup> Group(IEnumerable<Finding> findings, GroupBy groupBy, string lang, ImmutableDictionary<string, string>? teams) =>
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
