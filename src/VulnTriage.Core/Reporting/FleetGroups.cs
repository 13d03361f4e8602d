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
    /// The teams and groups of one advisory's findings, built in one pass (<see cref="Add"/> in report order). A
    /// finding goes to a cell: the teams its host belongs to (hosts of one role share them) and its group (verdict,
    /// stage, deciding clause, processors, action). Consecutive findings usually fall in the same cell, found by
    /// reference; the teams and the fleet-wide groups are then made from the cells, not from the findings.
    /// </summary>
    internal sealed class AdvisoryGrouper(ReportOptions options, ProcessorNames names)
    {
        private readonly Dictionary<string, TeamBuilder> _byKey = new(StringComparer.Ordinal);
        private readonly Dictionary<object, TeamBuilder[]> _teamsOf = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<string[], TeamBuilder[]> _teamSets = new(KeysComparer.Instance);
        private readonly Dictionary<object, string[]> _keyCache = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<SharedKey, int> _shared = [];
        private readonly Dictionary<GroupKey, int> _groupIds = [];
        private readonly List<GroupKey> _groups = [];
        private readonly Dictionary<(TeamBuilder[] Teams, int Group), Cell> _cells = [];
        private readonly int _maxHosts = options.MaxHostsPerGroup;
        private TeamBuilder? _none;
        private TeamBuilder[]? _noTeam;
        private object? _lastSource;
        private TeamBuilder[] _lastTeams = [];
        private SharedKey _lastShared;
        private int _lastGroup = -1;
        private Cell? _lastCell;

        /// <summary>Adds the finding at <paramref name="position"/> of the advisory's findings (positions grow).</summary>
        public void Add(Finding f, int position)
        {
            var teams = TeamsOf(f.Host);
            var shared = new SharedKey(f);
            int group;
            if (_lastGroup >= 0 && shared.Equals(_lastShared))
            {
                group = _lastGroup;
            }
            else if (!_shared.TryGetValue(shared, out group))
            {
                var key = new GroupKey(f.Verdict, f.Stage, Deciding(f)?.Clause ?? "", names.Of(f.Processors), f.Action);
                if (!_groupIds.TryGetValue(key, out group))
                {
                    group = _groups.Count;
                    _groups.Add(key);
                    _groupIds.Add(key, group);
                }

                // Beyond this many distinct references (hosts with facts of their own), groups are found by value.
                if (_shared.Count < 100_000)
                {
                    _shared.Add(shared, group);
                }
            }

            _lastShared = shared;
            _lastGroup = group;

            var cell = _lastCell;
            if (cell is null || cell.Group != group || !ReferenceEquals(cell.Teams, teams))
            {
                if (!_cells.TryGetValue((teams, group), out cell))
                {
                    cell = new Cell(teams, group, f, position);
                    _cells.Add((teams, group), cell);
                }

                _lastCell = cell;
            }

            // Positions grow: the first seen are the first in report order (by host name within a verdict).
            if (cell.Hosts.Count < _maxHosts)
            {
                cell.Hosts.Add((position, f.Host));
            }

            cell.Count++;
        }

        /// <summary>The teams, in key order, hosts without a key last; each with its hosts per verdict and its groups needing action.</summary>
        public ImmutableArray<TeamSummary> Teams(string lang, ImmutableDictionary<string, string>? teams)
        {
            foreach (var cell in _cells.Values)
            {
                foreach (var team in cell.Teams)
                {
                    team.Add(cell, _groups[cell.Group].Verdict);
                }
            }

            var result = ImmutableArray.CreateBuilder<TeamSummary>(_byKey.Count + 1);
            foreach (var (key, team) in _byKey.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                result.Add(team.Build(key, TeamLabel(key, options, lang, teams), _groups, _maxHosts));
            }

            if (_none is not null)
            {
                result.Add(_none.Build(null, options.GroupBy switch
                {
                    GroupBy.Label => ReportSentences.NoLabel(options.LabelKey ?? "", lang),
                    GroupBy.None => "",
                    _ => ReportSentences.NoService(lang),
                }, _groups, _maxHosts));
            }

            return result.ToImmutable();
        }

        /// <summary>Groups of all the advisory's findings, whatever the verdict (each finding once, whatever its teams).</summary>
        public ImmutableArray<FindingGroup> All()
        {
            var all = new TeamBuilder(needingOnly: false);
            foreach (var cell in _cells.Values)
            {
                all.Add(cell, _groups[cell.Group].Verdict);
            }

            return all.Build(null, "", _groups, _maxHosts).Groups;
        }

        private TeamBuilder[] TeamsOf(Host host)
        {
            // Hosts of one role share one roles array (the readers share them), so are looked up by the array, and
            // not at all when the previous finding's host had the same one. A host without one is in no team.
            object? source = options.GroupBy switch
            {
                GroupBy.None => null,
                GroupBy.Label => host.Labels.IsDefaultOrEmpty ? null : ImmutableCollectionsMarshal.AsArray(host.Labels),
                _ => host.Roles.IsDefaultOrEmpty ? null : ImmutableCollectionsMarshal.AsArray(host.Roles),
            };
            if (source is null)
            {
                return NoTeam();
            }

            if (ReferenceEquals(source, _lastSource))
            {
                return _lastTeams;
            }

            if (!_teamsOf.TryGetValue(source, out var builders))
            {
                var keys = TeamKeys(host, options, _keyCache);
                builders = keys.Length == 0 ? NoTeam() : TeamSet(keys);
                if (_teamsOf.Count < 100_000)
                {
                    _teamsOf.Add(source, builders);
                }
            }

            _lastSource = source;
            _lastTeams = builders;
            return builders;
        }

        private TeamBuilder[] NoTeam() => _noTeam ??= [_none = new TeamBuilder()];

        /// <summary>The teams of these keys: one array per distinct key list (hosts in the same teams share cells).</summary>
        private TeamBuilder[] TeamSet(string[] keys)
        {
            if (!_teamSets.TryGetValue(keys, out var builders))
            {
                builders = new TeamBuilder[keys.Length];
                for (var i = 0; i < keys.Length; i++)
                {
                    if (!_byKey.TryGetValue(keys[i], out var team))
                    {
                        team = new TeamBuilder();
                        _byKey.Add(keys[i], team);
                    }

                    builders[i] = team;
                }

                _teamSets.Add(keys, builders);
            }

            return builders;
        }
    }

    /// <summary>Hosts grouped by their verdict for every advisory; the first hosts by name (then id) kept per profile.</summary>
    internal sealed class ProfileBuilder(int maxHosts)
    {
        private readonly Dictionary<VerdictsKey, Profile> _profiles = [];

        /// <summary>Adds a host; <paramref name="verdicts"/> is read, not kept.</summary>
        public void Add(Host host, Verdict[] verdicts)
        {
            if (!_profiles.TryGetValue(new VerdictsKey(verdicts), out var p))
            {
                p = new Profile();
                _profiles.Add(new VerdictsKey([.. verdicts]), p);
            }

            // The first hosts by name, kept sorted: at most maxHosts.
            p.Count++;
            if (p.First.Count == maxHosts && HostOrder.Instance.Compare(host, p.First[^1]) >= 0)
            {
                return;
            }

            var at = p.First.BinarySearch(host, HostOrder.Instance);
            p.First.Insert(at < 0 ? ~at : at, host);
            if (p.First.Count > maxHosts)
            {
                p.First.RemoveAt(p.First.Count - 1);
            }
        }

        /// <summary>Most urgent first.</summary>
        public ImmutableArray<VerdictProfile> Build() => [.. _profiles
            .Select(p => new VerdictProfile([.. p.Key.Verdicts], p.Value.Count, [.. p.Value.First]))
            .OrderBy(p => p.Verdicts.Min(v => v.ReportRank()))
            .ThenBy(p => p.Verdicts.Sum(v => v.ReportRank()))
            .ThenByDescending(p => p.Count)
            .ThenBy(p => string.Join(",", p.Verdicts.Select(v => v.ReportRank())), StringComparer.Ordinal)];

        private sealed class Profile
        {
            public List<Host> First { get; } = [];

            public int Count { get; set; }
        }
    }

    /// <summary>Team key lists compared by their keys.</summary>
    private sealed class KeysComparer : IEqualityComparer<string[]>
    {
        public static KeysComparer Instance { get; } = new();

        public bool Equals(string[]? x, string[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(string[] obj)
        {
            var h = new HashCode();
            foreach (var key in obj)
            {
                h.Add(key, StringComparer.Ordinal);
            }

            return h.ToHashCode();
        }
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

    /// <summary>What makes findings one group: the processors by their display names.</summary>
    private readonly record struct GroupKey(Verdict Verdict, Stage Stage, string Clause, string Processors, FindingAction Action);

    /// <summary>The findings of one group whose hosts are in the same teams.</summary>
    private sealed class Cell(TeamBuilder[] teams, int group, Finding first, int position)
    {
        public TeamBuilder[] Teams { get; } = teams;

        public int Group { get; } = group;

        public Finding First { get; } = first;

        public int FirstPosition { get; } = position;

        /// <summary>The first hosts, with their positions among the advisory's findings.</summary>
        public List<(int Position, Host Host)> Hosts { get; } = [];

        public int Count { get; set; }
    }

    private sealed class TeamBuilder(bool needingOnly = true)
    {
        private readonly int[] _counts = new int[Verdicts.All.Length];
        private readonly Dictionary<int, List<Cell>> _groups = [];

        public void Add(Cell cell, Verdict verdict)
        {
            _counts[(int)verdict] += cell.Count;
            if (needingOnly && verdict.FailRank() >= 3)
            {
                return;
            }

            if (!_groups.TryGetValue(cell.Group, out var cells))
            {
                cells = [];
                _groups.Add(cell.Group, cells);
            }

            cells.Add(cell);
        }

        public TeamSummary Build(string? key, string label, List<GroupKey> groups, int maxHosts) => new(
            key,
            label,
            VerdictCounts.FromArray(_counts),
            [.. _groups
                .Select(p => Group(groups[p.Key], p.Value, maxHosts))
                .OrderBy(g => g.Verdict.ReportRank())
                .ThenByDescending(g => g.Count)
                .ThenBy(g => g.Processors, StringComparer.Ordinal)
                .ThenBy(g => g.Clause, StringComparer.Ordinal)
                .ThenBy(g => g.Stage)
                .ThenBy(g => g.FirstHosts.IsEmpty ? "" : g.FirstHosts[0].Name, StringComparer.Ordinal)]);

        private static FindingGroup Group(GroupKey key, List<Cell> cells, int maxHosts)
        {
            // The group's first finding and first hosts are those first in report order over its cells.
            var first = cells.MinBy(c => c.FirstPosition)!;
            var hosts = cells.Count == 1
                ? cells[0].Hosts.Take(maxHosts).Select(h => h.Host)
                : cells.SelectMany(c => c.Hosts).OrderBy(h => h.Position).Take(maxHosts).Select(h => h.Host);
            return new FindingGroup(key.Verdict, key.Stage, key.Clause, Deciding(first.First), key.Processors, key.Action, cells.Sum(c => c.Count), [.. hosts], first.First);
        }
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
