using System.Collections.Concurrent;
using System.Collections.Immutable;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;

namespace VulnTriage.Web.Data;

/// <summary>One advisory as the overview shows it: its latest saved run, counts and progress over saved runs.</summary>
/// <param name="Id">Advisory id.</param>
/// <param name="Advisory">The advisory from the catalog, or <c>null</c> when the catalog no longer has it.</param>
/// <param name="LatestRunId">The latest saved run that evaluated it (and did not fail).</param>
/// <param name="SavedAt">When that run was saved.</param>
/// <param name="Counts">Hosts per verdict in that run.</param>
/// <param name="Progress">Hosts per verdict in every saved run that evaluated it, oldest first.</param>
public sealed record AdvisoryState(string Id, Advisory? Advisory, string LatestRunId, DateTimeOffset SavedAt, VerdictCounts Counts, ImmutableArray<RunProgress> Progress);

/// <summary>What the store holds now, as far as the pages need it without loading a run: runs, advisories, decisions.</summary>
/// <param name="Runs">Every saved run, oldest first.</param>
/// <param name="Advisories">Every advisory with a saved run, in catalog order (unknown ids last).</param>
/// <param name="Decisions">The audit trail, oldest first.</param>
public sealed record Snapshot(ImmutableArray<RunSummary> Runs, ImmutableArray<AdvisoryState> Advisories, ImmutableArray<Decision> Decisions)
{
    /// <summary>The state of one advisory (by id, case-insensitive), or <c>null</c>.</summary>
    public AdvisoryState? Find(string id) => Advisories.FirstOrDefault(a => string.Equals(a.Id, id, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The pages' and the API's data: a short-lived <see cref="Snapshot"/> (runs, progress, decisions) and saved runs
/// loaded once and kept by id — a saved run never changes — rebuilt into the report's findings and indexed by advisory
/// and host. Loading happens off the request threads, once per run even when 50 requests ask at once.
/// </summary>
public sealed class DashboardData
{
    private readonly StoreAccess _store;
    private readonly ServeOptions _options;
    private readonly ConcurrentDictionary<string, Lazy<Task<RunView?>>> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly ConcurrentDictionary<(string From, string To, string Advisory), Lazy<Task<RunDiff>>> _diffs = new();
    private readonly Lock _snapshotLock = new();
    private ProgressCache? _progress;
    private Task<Snapshot>? _snapshot;
    private DateTimeOffset _snapshotAt;
    private long _generation;

    /// <summary>Creates the data service.</summary>
    public DashboardData(StoreAccess store, ServeOptions options)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>The store.</summary>
    public StoreAccess Store => _store;

    /// <summary>The current snapshot (reused for <see cref="ServeOptions.SnapshotTime"/>; refreshed by one caller at a time).</summary>
    public Task<Snapshot> SnapshotAsync()
    {
        var now = _options.Clock.GetUtcNow();
        lock (_snapshotLock)
        {
            if (_snapshot is null || _snapshot.IsFaulted || (_snapshot.IsCompleted && now - _snapshotAt >= _options.SnapshotTime))
            {
                _snapshotAt = now;
                _snapshot = _store.RunAsync(Read);
            }

            return _snapshot;
        }
    }

    /// <summary>Forgets the snapshot: the next request reads the store again (after a decision or a saved run).</summary>
    public void Invalidate()
    {
        lock (_snapshotLock)
        {
            _snapshot = null;
            Interlocked.Increment(ref _generation);
        }
    }

    /// <summary>A saved run rebuilt for the pages, or <c>null</c> when there is no such run.</summary>
    public async Task<RunView?> RunAsync(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var decisions = (await SnapshotAsync().ConfigureAwait(false)).Decisions;
        var lazy = _runs.GetOrAdd(runId, id => new Lazy<Task<RunView?>>(() => _store.RunAsync(s => s.LoadRun(id) is { } run ? new RunView(run, decisions, _options) : null)));
        if (lazy.IsValueCreated is false)
        {
            _order.Enqueue(runId);
            Evict();
        }

        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            _runs.TryRemove(runId, out _);
            throw;
        }
    }

    private void Evict()
    {
        while (_runs.Count > _options.CachedRuns && _order.TryDequeue(out var oldest))
        {
            _runs.TryRemove(oldest, out _);
        }
    }

    /// <summary>
    /// What changed between two saved runs for one advisory (<see cref="RunDiff.Compare"/>), computed once per pair: both
    /// runs are saved and never change. <c>null</c> when either run is missing.
    /// </summary>
    public async Task<RunDiff?> DiffAsync(string fromRunId, string toRunId, string advisoryId)
    {
        ArgumentNullException.ThrowIfNull(fromRunId);
        ArgumentNullException.ThrowIfNull(toRunId);
        ArgumentNullException.ThrowIfNull(advisoryId);
        if (await RunAsync(fromRunId).ConfigureAwait(false) is not { } from || await RunAsync(toRunId).ConfigureAwait(false) is not { } to)
        {
            return null;
        }

        if (_diffs.Count > _options.CachedRuns * 8)
        {
            _diffs.Clear();
        }

        var lazy = _diffs.GetOrAdd((fromRunId, toRunId, advisoryId), _ => new Lazy<Task<RunDiff>>(() => Task.Run(() => RunDiff.Compare(from.Run, to.Run, advisoryId))));
        return await lazy.Value.ConfigureAwait(false);
    }

    private Snapshot Read(Storage.IStateStore store)
    {
        var runs = store.Runs();
        var decisions = store.Decisions();

        // Hosts per verdict per run are counted over every saved finding; a saved run never changes, so the counts are
        // asked for again only when the list of runs changed (a run saved or failed, here or by another server).
        var runsKey = string.Join(',', runs.Select(r => r.Id));
        var progressCache = Volatile.Read(ref _progress);
        if (progressCache is null || progressCache.RunsKey != runsKey)
        {
            progressCache = new ProgressCache(runsKey, new ConcurrentDictionary<string, ImmutableArray<RunProgress>>(StringComparer.Ordinal));
            Volatile.Write(ref _progress, progressCache);
        }

        var latest = new Dictionary<string, RunSummary>(StringComparer.Ordinal);
        foreach (var run in runs.Where(r => r.Error is null))
        {
            foreach (var id in run.Advisories)
            {
                latest[id] = run;
            }
        }

        var order = _options.Advisories.Select((a, i) => (a.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var advisories = latest
            .OrderBy(p => order.GetValueOrDefault(p.Key, int.MaxValue)).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p =>
            {
                var progress = progressCache.ByAdvisory.GetOrAdd(p.Key, store.Progress);
                var counts = progress.IsEmpty ? VerdictCounts.Zero : progress[^1].Counts;
                return new AdvisoryState(p.Key, _options.FindAdvisory(p.Key), p.Value.Id, p.Value.SavedAt, counts, progress);
            })
            .ToImmutableArray();
        return new Snapshot(runs, advisories, decisions);
    }
}

/// <summary>Hosts per verdict over the saved runs, per advisory, valid while the list of runs is <paramref name="RunsKey"/>.</summary>
internal sealed record ProgressCache(string RunsKey, ConcurrentDictionary<string, ImmutableArray<RunProgress>> ByAdvisory);

/// <summary>A saved run rebuilt into the report's findings (<see cref="SavedFinding.ToFinding"/>), indexed for the pages.</summary>
public sealed class RunView
{
    /// <summary>How many distinct filters (and previews) a loaded run keeps.</summary>
    internal const int MaxCachedFilters = 256;

    private readonly ConcurrentDictionary<(string Advisory, string Lang), ReportSummary> _summaries = new();
    private readonly ConcurrentDictionary<(string Advisory, FindingFilter Filter, string DefaultVerdict), Lazy<IReadOnlyList<Finding>>> _filtered = new();
    private readonly ConcurrentDictionary<string, (ImmutableArray<string> Services, ImmutableArray<string> Roles)> _facets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Advisory, SelectorKind Kind, string Value, Verdict Verdict), Lazy<ImmutableArray<(SelectorTarget, Verdict, bool)>>> _previews = new();
    private readonly Dictionary<string, List<Finding>> _byHostName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<Finding>> _byHostId = new(StringComparer.Ordinal);
    private readonly ServeOptions _options;

    internal RunView(SavedRun run, ImmutableArray<Decision> decisions, ServeOptions options)
    {
        Run = run;
        _options = options;
        var byId = decisions.ToDictionary(d => d.Id, StringComparer.Ordinal);
        var byAdvisory = new Dictionary<string, List<Finding>>(StringComparer.Ordinal);
        var targets = new Dictionary<string, List<(SelectorTarget, Verdict)>>(StringComparer.Ordinal);
        foreach (var saved in run.Findings)
        {
            var finding = saved.ToFinding(saved.DecisionId is { } d ? byId.GetValueOrDefault(d) : null);
            Add(byAdvisory, saved.AdvisoryId, finding);
            Add(_byHostName, saved.HostName, finding);
            Add(_byHostId, saved.HostId, finding);
            if (!targets.TryGetValue(saved.AdvisoryId, out var list))
            {
                targets[saved.AdvisoryId] = list = [];
            }

            list.Add((saved.Target ?? new SelectorTarget(saved.HostId, saved.HostName, [], null, null, [], []), saved.Machine?.Verdict ?? saved.Verdict));
        }

        foreach (var list in byAdvisory.Values)
        {
            list.Sort(FindingOrder.Instance);
        }

        Findings = byAdvisory.ToImmutableDictionary(p => p.Key, p => p.Value.ToImmutableArray(), StringComparer.Ordinal);
        Targets = targets.ToImmutableDictionary(p => p.Key, p => p.Value.ToImmutableArray(), StringComparer.Ordinal);
    }

    /// <summary>The saved run.</summary>
    public SavedRun Run { get; }

    /// <summary>
    /// The findings of <paramref name="advisoryId"/> that <paramref name="filter"/> keeps (its offset ignored), in report
    /// order. A run never changes, so each distinct filter is applied once (one pass over the run's findings) and kept;
    /// paging and 50 people looking at their team's hosts reuse it. At most <see cref="MaxCachedFilters"/> are kept.
    /// </summary>
    internal IReadOnlyList<Finding> Filtered(string advisoryId, FindingFilter filter, string defaultVerdict)
    {
        var key = (advisoryId, filter with { Offset = 0 }, defaultVerdict);
        if (_filtered.TryGetValue(key, out var hit))
        {
            return hit.Value;
        }

        if (_filtered.Count >= MaxCachedFilters)
        {
            _filtered.Clear();
        }

        return _filtered.GetOrAdd(key, k => new Lazy<IReadOnlyList<Finding>>(() => k.Filter.Apply(Findings.GetValueOrDefault(k.Advisory, []), k.DefaultVerdict, Run.ServiceTeams))).Value;
    }

    /// <summary>The services and roles (<c>service:role</c>) of an advisory's hosts, sorted: the filter form's choices.</summary>
    internal (ImmutableArray<string> Services, ImmutableArray<string> Roles) Facets(string advisoryId) =>
        _facets.GetOrAdd(advisoryId, id =>
        {
            var all = Findings.GetValueOrDefault(id, []);
            return (
                [.. all.SelectMany(f => f.Host.Services).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                [.. all.SelectMany(f => f.Host.Roles.IsDefault ? [] : f.Host.Roles).Select(r => r.ToString()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
        });

    /// <summary>Which hosts of the run a decision's selector matches (<see cref="DecisionApplier.Preview"/>), once per selector and verdict.</summary>
    internal ImmutableArray<(SelectorTarget Target, Verdict MachineVerdict, bool Applies)> Preview(string advisoryId, Decision decision)
    {
        var key = (advisoryId, decision.Selector.Kind, decision.Selector.Value, decision.Verdict);
        if (_previews.Count >= MaxCachedFilters)
        {
            _previews.Clear();
        }

        return _previews.GetOrAdd(key, _ => new Lazy<ImmutableArray<(SelectorTarget, Verdict, bool)>>(() => DecisionApplier.Preview(decision, Targets.GetValueOrDefault(advisoryId, [])))).Value;
    }

    /// <summary>Findings per advisory, in the report's order.</summary>
    public ImmutableDictionary<string, ImmutableArray<Finding>> Findings { get; }

    /// <summary>What selectors look at, per advisory, with the machine verdict (for the decision preview).</summary>
    public ImmutableDictionary<string, ImmutableArray<(SelectorTarget Target, Verdict MachineVerdict)>> Targets { get; }

    /// <summary>The findings of the host with this name (case-insensitive) or id, every advisory of the run.</summary>
    public IReadOnlyList<Finding> Host(string nameOrId) =>
        _byHostName.TryGetValue(nameOrId, out var byName) ? byName : _byHostId.TryGetValue(nameOrId, out var byId) ? byId : [];

    /// <summary>The report's summary of one advisory in this run (computed once per language).</summary>
    public ReportSummary? Summary(string advisoryId, string lang)
    {
        if (!Findings.TryGetValue(advisoryId, out var findings) || _options.FindAdvisory(advisoryId) is not { } advisory)
        {
            return null;
        }

        return _summaries.GetOrAdd((advisoryId, lang), key => ReportSummary.Create(Report(advisory, findings), new ReportOptions(key.Lang, GroupBy.Service)));
    }

    /// <summary>The run as a report over <paramref name="findings"/> (the report writers' input).</summary>
    public TriageReport Report(Advisory advisory, ImmutableArray<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(advisory);
        var hosts = findings.Length;
        return new TriageReport([advisory], findings, [], new InventorySummary(Run.Inventory, hosts, hosts, 0, 0, 0), Run.SavedAt, Run.ToolVersion, Run.ServiceTeams);
    }

    private static void Add(Dictionary<string, List<Finding>> index, string key, Finding f)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(f);
    }
}
