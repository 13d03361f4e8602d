using System.Collections.Immutable;
using System.Runtime.InteropServices;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;

namespace VulnTriage.Core.Reporting;

/// <summary>How much per-host detail the Markdown and HTML reports carry.</summary>
public enum ReportDetail
{
    /// <summary>Every host when the fleet is small (at most <see cref="ReportLayout.FullDetailMaxHosts"/> hosts), groups otherwise.</summary>
    Auto,

    /// <summary>Groups of hosts with counts and the first hosts named; the per-host list stays in CSV and JSON.</summary>
    Summary,

    /// <summary>Every host with its evidence (the layout of small fleets), however many there are.</summary>
    Full,
}

/// <summary>Which layout a report gets, and the limits of the grouped one.</summary>
public static class ReportLayout
{
    /// <summary>
    /// Up to this many hosts, <see cref="ReportDetail.Auto"/> lists every host with its evidence: one screen of
    /// hosts is read as a list. Above it, hosts are grouped (a 20,000-host list is read by nobody).
    /// </summary>
    public const int FullDetailMaxHosts = 50;

    /// <summary>Teams listed by name in the conclusion's table; the rest are summed in one row.</summary>
    public const int ConclusionTeams = 10;

    /// <summary>Saved runs shown in the conclusion's progress table and chart of the grouped layout (the latest ones).</summary>
    public const int ConclusionRuns = 8;

    /// <summary>Distinct groups shown under "evidence by group"; more are counted, not shown.</summary>
    public const int EvidenceGroups = 100;

    /// <summary>Whether <paramref name="options"/> asks for the per-host layout for a fleet of <paramref name="hosts"/> hosts.</summary>
    public static bool IsFull(ReportOptions options, int hosts)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Detail switch
        {
            ReportDetail.Full => true,
            ReportDetail.Summary => false,
            _ => hosts <= FullDetailMaxHosts,
        };
    }
}

/// <summary>
/// Hosts with the same verdict, stage, deciding rule clause, processors and action: what the grouped report shows
/// once, with a count and the first hosts by name.
/// </summary>
/// <param name="Verdict">The verdict.</param>
/// <param name="Stage">The stage it rests on.</param>
/// <param name="Clause">The clause of the evidence that decided it (e.g. <c>INTEL-SA-00086#cpu/xeon-scalable-1st-gen</c>); empty when none.</param>
/// <param name="Rule">That evidence, as data (rule id and title, kind); <c>null</c> when the finding has none.</param>
/// <param name="Processors">The hosts' processors, as the finding names them (display names joined by <c>; </c>); empty without CPU facts.</param>
/// <param name="Action">What to do, the same for every host of the group.</param>
/// <param name="Count">How many hosts.</param>
/// <param name="FirstHosts">The first hosts by name (at most the report's <see cref="ReportOptions.MaxHostsPerGroup"/>).</param>
/// <param name="First">The first host's finding (its evidence stands for the group's: same clause, processors and verdict).</param>
public sealed record FindingGroup(
    Verdict Verdict,
    Stage Stage,
    string Clause,
    Evidence? Rule,
    string Processors,
    FindingAction Action,
    int Count,
    ImmutableArray<Host> FirstHosts,
    Finding First);

/// <summary>One team (a service, a role, a label value, or "none") of one advisory: its hosts per verdict and the groups that need action.</summary>
/// <param name="Key">The group key (service name, <c>service:role</c>, <c>key=value</c>), or <c>null</c> for hosts without one.</param>
/// <param name="Label">The heading in the report language.</param>
/// <param name="Counts">The team's hosts per verdict (all verdicts: the chart's bar).</param>
/// <param name="Groups">Groups of the team's hosts that need action, most urgent and largest first.</param>
public sealed record TeamSummary(string? Key, string Label, VerdictCounts Counts, ImmutableArray<FindingGroup> Groups)
{
    /// <summary>Hosts of the team that need action.</summary>
    public int NeedingAction => Counts.NeedingAction;
}

/// <summary>
/// One row of the host × advisory summary: the hosts that got the same verdict for every advisory, how many, and the
/// first by name.
/// </summary>
/// <param name="Verdicts">The verdict per advisory, in the report's advisory order.</param>
/// <param name="Count">How many hosts.</param>
/// <param name="FirstHosts">The first hosts by name.</param>
public sealed record VerdictProfile(ImmutableArray<Verdict> Verdicts, int Count, ImmutableArray<Host> FirstHosts);

/// <summary>The grouping itself: pure functions over sorted findings.</summary>
public static class FleetGroups
{
    /// <summary>
    /// The evidence that decided a finding: the last step that gave the finding's verdict, else the last step with a
    /// verdict, else the first step; <c>null</c> when there is no evidence.
    /// </summary>
    public static Evidence? Deciding(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        if (finding.Evidence.IsDefaultOrEmpty)
        {
            return null;
        }

        Evidence? anyVerdict = null;
        for (var i = finding.Evidence.Length - 1; i >= 0; i--)
        {
            var e = finding.Evidence[i];
            if (e.Verdict == finding.Verdict)
            {
                return e;
            }

            anyVerdict ??= e.Verdict is null ? null : e;
        }

        return anyVerdict ?? finding.Evidence[0];
    }

    /// <summary>
    /// Teams of one advisory's findings (in report order), each with its hosts per verdict and its groups of hosts
    /// needing action; teams in key order, hosts without a key last. A host in two teams is counted in both.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static ImmutableArray<TeamSummary> Teams(
        IReadOnlyList<Finding> findings, ReportOptions options, string lang, ImmutableDictionary<string, string>? teams, ProcessorNames names)
    {
        var byKey = new SortedDictionary<string, TeamBuilder>(StringComparer.Ordinal);
        TeamBuilder? none = null;
        var keyCache = new Dictionary<object, string[]>(ReferenceEqualityComparer.Instance);

        // The teams of one roles array (the readers share one array between the hosts of a role): looked up once per
        // array, and not at all when the next finding's host has the same array.
        var teamsOf = new Dictionary<object, TeamBuilder[]>(ReferenceEqualityComparer.Instance);
        object? lastRoles = null;
        TeamBuilder[] lastBuilders = [];
        foreach (var f in findings)
        {
            TeamBuilder[] builders;
            var roles = options.GroupBy is GroupBy.Label or GroupBy.None || f.Host.Roles.IsDefaultOrEmpty ? null : ImmutableCollectionsMarshal.AsArray(f.Host.Roles);
            if (roles is not null && ReferenceEquals(roles, lastRoles))
            {
                builders = lastBuilders;
            }
            else if (roles is null || !teamsOf.TryGetValue(roles, out builders!))
            {
                var keys = TeamKeys(f.Host, options, keyCache);
                if (keys.Length == 0)
                {
                    none ??= new TeamBuilder();
                    none.Add(f, options.MaxHostsPerGroup, names);
                    continue;
                }

                builders = new TeamBuilder[keys.Length];
                for (var i = 0; i < keys.Length; i++)
                {
                    if (!byKey.TryGetValue(keys[i], out var team))
                    {
                        team = new TeamBuilder();
                        byKey.Add(keys[i], team);
                    }

                    builders[i] = team;
                }

                if (roles is not null && teamsOf.Count < 100_000)
                {
                    teamsOf.Add(roles, builders);
                }
            }

            if (roles is not null)
            {
                lastRoles = roles;
                lastBuilders = builders;
            }

            foreach (var team in builders)
            {
                team.Add(f, options.MaxHostsPerGroup, names);
            }
        }

        var result = ImmutableArray.CreateBuilder<TeamSummary>(byKey.Count + 1);
        foreach (var (key, team) in byKey)
        {
            result.Add(team.Build(key, TeamLabel(key, options, lang, teams)));
        }

        if (none is not null)
        {
            result.Add(none.Build(null, options.GroupBy switch
            {
                GroupBy.Label => ReportSentences.NoLabel(options.LabelKey ?? "", lang),
                GroupBy.None => "",
                _ => ReportSentences.NoService(lang),
            }));
        }

        return result.ToImmutable();
    }

    /// <summary>Groups of all findings of one advisory, whatever the verdict (the evidence shown once per group).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static ImmutableArray<FindingGroup> All(IReadOnlyList<Finding> findings, int maxHosts, ProcessorNames names)
    {
        var builder = new TeamBuilder(needingOnly: false);
        foreach (var f in findings)
        {
            builder.Add(f, maxHosts, names);
        }

        return builder.Build(null, "").Groups;
    }

    /// <summary>
    /// Hosts grouped by their verdict for every advisory (in the report's advisory order), most urgent
    /// first; with <paramref name="needingOnly"/>, only hosts that need action for at least one advisory.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static ImmutableArray<VerdictProfile> Profiles(IReadOnlyList<(Host Host, Verdict[] Verdicts)> perHost, int maxHosts, bool needingOnly)
    {
        var profiles = new Dictionary<VerdictsKey, (List<Host> First, int Count)>();
        foreach (var (host, verdicts) in perHost.OrderBy(e => e.Host.Name, StringComparer.Ordinal).ThenBy(e => e.Host.Id, StringComparer.Ordinal))
        {
            if (needingOnly && verdicts.All(v => v.FailRank() >= 3))
            {
                continue;
            }

            var key = new VerdictsKey(verdicts);
            if (!profiles.TryGetValue(key, out var p))
            {
                p = ([], 0);
            }

            if (p.First.Count < maxHosts)
            {
                p.First.Add(host);
            }

            profiles[key] = (p.First, p.Count + 1);
        }

        return [.. profiles
            .Select(p => new VerdictProfile([.. p.Key.Verdicts], p.Value.Count, [.. p.Value.First]))
            .OrderBy(p => p.Verdicts.Min(v => v.ReportRank()))
            .ThenBy(p => p.Verdicts.Sum(v => v.ReportRank()))
            .ThenByDescending(p => p.Count)
            .ThenBy(p => string.Join(",", p.Verdicts.Select(v => v.ReportRank())), StringComparer.Ordinal)];
    }

    private static string[] TeamKeys(Host host, ReportOptions options, Dictionary<object, string[]> cache)
    {
        switch (options.GroupBy)
        {
            case GroupBy.None:
                return [];
            case GroupBy.Label:
                return [.. (host.Labels.IsDefault ? [] : host.Labels)
                    .Where(l => string.Equals(l.Key, options.LabelKey, StringComparison.OrdinalIgnoreCase))
                    .Select(l => ReportSentences.LabelGroup(options.LabelKey ?? "", l.Value))
                    .Distinct(StringComparer.Ordinal)];
            default:
                if (host.Roles.IsDefaultOrEmpty)
                {
                    return [];
                }

                // Hosts of one role share one roles array (the readers share them): key by the array.
                var array = ImmutableCollectionsMarshal.AsArray(host.Roles)!;
                if (!cache.TryGetValue(array, out var keys))
                {
                    keys = options.GroupBy == GroupBy.Role
                        ? [.. host.Roles.Select(r => r.ToString()).Distinct(StringComparer.Ordinal)]
                        : [.. host.Services];
                    cache[array] = keys;
                }

                return keys;
        }
    }

    private static string TeamLabel(string key, ReportOptions options, string lang, ImmutableDictionary<string, string>? teams)
    {
        if (options.GroupBy == GroupBy.Label)
        {
            return key;
        }

        var service = options.GroupBy == GroupBy.Role && key.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? key[..colon] : key;
        return teams is not null && teams.TryGetValue(service, out var team) ? ReportSentences.WithTeam(key, team, lang) : key;
    }

    /// <summary>Display names of processor lists, made once per list (hosts with the same hardware share one list).</summary>
    internal sealed class ProcessorNames
    {
        private readonly Dictionary<object, string> _names = new(ReferenceEqualityComparer.Instance);

        public string Of(ImmutableArray<ProcessorIdentity> processors)
        {
            if (processors.IsDefaultOrEmpty)
            {
                return "";
            }

            var array = ImmutableCollectionsMarshal.AsArray(processors)!;
            if (!_names.TryGetValue(array, out var name))
            {
                name = string.Join("; ", processors.Select(p => p.DisplayName));
                _names[array] = name;
            }

            return name;
        }
    }

    private readonly record struct GroupKey(Verdict Verdict, Stage Stage, string Clause, string Processors, FindingAction Action);

    private sealed class TeamBuilder(bool needingOnly = true)
    {
        private readonly int[] _counts = new int[Verdicts.All.Length];
        private readonly Dictionary<GroupKey, GroupAccumulator> _groups = [];

        // Findings copied from one evaluation (hosts with the same hardware) share their evidence, processors and
        // action objects: those references find the group without hashing its strings (the action's paragraph, the
        // processor names) for every host. Keys compare references only; a miss falls back to the value key.
        private readonly Dictionary<SharedKey, GroupAccumulator> _shared = [];
        private SharedKey _lastKey;
        private GroupAccumulator? _last;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public void Add(Finding f, int maxHosts, ProcessorNames names)
        {
            _counts[(int)f.Verdict]++;
            if (needingOnly && f.Verdict.FailRank() >= 3)
            {
                return;
            }

            var shared = new SharedKey(f);
            GroupAccumulator? g;
            if (_last is not null && shared.Equals(_lastKey))
            {
                g = _last;
            }
            else if (!_shared.TryGetValue(shared, out g))
            {
                var rule = Deciding(f);
                var key = new GroupKey(f.Verdict, f.Stage, rule?.Clause ?? "", names.Of(f.Processors), f.Action);
                if (!_groups.TryGetValue(key, out g))
                {
                    g = new GroupAccumulator(f, rule);
                    _groups.Add(key, g);
                }

                if (_shared.Count < 100_000)
                {
                    _shared.Add(shared, g);
                }
            }

            _lastKey = shared;
            _last = g;

            // Findings come sorted by host name within a verdict: the first seen are the first by name.
            if (g.Hosts.Count < maxHosts)
            {
                g.Hosts.Add(f.Host);
            }

            g.Count++;
        }

        public TeamSummary Build(string? key, string label) => new(
            key,
            label,
            VerdictCounts.FromArray(_counts),
            [.. _groups
                .Select(p => new FindingGroup(p.Key.Verdict, p.Key.Stage, p.Key.Clause, p.Value.Rule, p.Key.Processors, p.Key.Action, p.Value.Count, [.. p.Value.Hosts], p.Value.First))
                .OrderBy(g => g.Verdict.ReportRank())
                .ThenByDescending(g => g.Count)
                .ThenBy(g => g.Processors, StringComparer.Ordinal)
                .ThenBy(g => g.Clause, StringComparer.Ordinal)
                .ThenBy(g => g.Stage)
                .ThenBy(g => g.FirstHosts.IsEmpty ? "" : g.FirstHosts[0].Name, StringComparer.Ordinal)]);
    }

    private sealed class GroupAccumulator(Finding first, Evidence? rule)
    {
        public Finding First { get; } = first;

        public Evidence? Rule { get; } = rule;

        public List<Host> Hosts { get; } = [];

        public int Count { get; set; }
    }

    /// <summary>What makes two findings fall into one group, by reference: equal references mean equal values.</summary>
    private readonly struct SharedKey(Finding f) : IEquatable<SharedKey>
    {
        private readonly object? _evidence = ImmutableCollectionsMarshal.AsArray(f.Evidence);
        private readonly object? _processors = ImmutableCollectionsMarshal.AsArray(f.Processors);
        private readonly FindingAction _action = f.Action;
        private readonly Verdict _verdict = f.Verdict;
        private readonly Stage _stage = f.Stage;

        public bool Equals(SharedKey other) =>
            ReferenceEquals(_evidence, other._evidence) && ReferenceEquals(_processors, other._processors)
            && ReferenceEquals(_action, other._action) && _verdict == other._verdict && _stage == other._stage;

        public override bool Equals(object? obj) => obj is SharedKey other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(
            System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_evidence),
            System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_processors),
            System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_action),
            _verdict,
            _stage);
    }

    /// <summary>A verdict vector compared by value.</summary>
    private readonly struct VerdictsKey(Verdict[] verdicts) : IEquatable<VerdictsKey>
    {
        public Verdict[] Verdicts { get; } = verdicts;

        public bool Equals(VerdictsKey other) => Verdicts.AsSpan().SequenceEqual(other.Verdicts);

        public override bool Equals(object? obj) => obj is VerdictsKey other && Equals(other);

        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (var v in Verdicts)
            {
                h.Add(v);
            }

            return h.ToHashCode();
        }
    }
}
