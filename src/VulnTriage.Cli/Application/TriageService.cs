using VulnTriage.Core.Advisories;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Inventory;
using VulnTriage.Inventory.Facts;

namespace VulnTriage.Cli.Application;

/// <summary>The triage: stream hosts, evaluate each advisory with each host's facts, and assemble the report.</summary>
internal static class TriageService
{

    /// <summary>
    /// The triage over an opened inventory. A host's facts come from its <c>--facts</c> file when there is one,
    /// else from the inventory source (Mackerel metadata): the local file wins.
    /// </summary>
    public static TriageReport Run(
        IReadOnlyList<Advisory> advisories,
        string inventoryName,
        InventoryReading reading,
        FactsDirectory? facts,
        List<Diagnostic> diagnostics,
        TimeProvider clock,
        CancellationToken cancellationToken) =>
        Run(Task.FromResult(advisories), inventoryName, reading, facts, diagnostics, clock, cancellationToken);

    /// <summary>
    /// As above, with the advisories still loading: the inventory's first hosts are read meanwhile, and the advisories
    /// are awaited before the first host is evaluated. A failure to load them wins over a failure to read the inventory.
    /// Its loop runs once over the whole fleet: compiled fully optimised at first call, not left in ReadyToRun code.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static TriageReport Run(
        Task<IReadOnlyList<Advisory>> loading,
        string inventoryName,
        InventoryReading reading,
        FactsDirectory? facts,
        List<Diagnostic> diagnostics,
        TimeProvider clock,
        CancellationToken cancellationToken,
        Action? loaded = null)
    {
        ArgumentNullException.ThrowIfNull(loading);
        ArgumentNullException.ThrowIfNull(reading);
        var cache = new IdentificationCache();
        var memo = new EvaluationMemo();
        // Per host (in the order read), one finding per advisory: the host's own, or its hardware's to be copied.
        var hosts = new List<HostFindings>();
        int read = 0, retired = 0, factsUsed = 0, duplicates = 0;
        var seenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        using var entries = reading.Entries.GetEnumerator();
        bool any;
        try
        {
            any = entries.MoveNext();
        }
        catch (Exception)
        {
            ThrowIfAdvisoriesFailed(loading);
            throw;
        }

        var advisories = loading.GetAwaiter().GetResult();
        loaded?.Invoke();
        for (; any; any = entries.MoveNext())
        {
            var (host, sourceFacts) = entries.Current;
            cancellationToken.ThrowIfCancellationRequested();
            read++;
            if (host.IsRetired)
            {
                // Retired hosts no longer run; Mackerel keeps them only as history.
                retired++;
                continue;
            }

            // Host ids are unique in Mackerel; a repeated id (two inventories concatenated) would be counted once in
            // one total and several times in another. The first one is evaluated; the rest are reported and left out.
            if (seenIds.TryGetValue(host.Id, out var times))
            {
                seenIds[host.Id] = times + 1;
                duplicates++;
                continue;
            }

            seenIds[host.Id] = 1;

            var hostFacts = facts?.Find(host) ?? sourceFacts;
            if (hostFacts is not null)
            {
                factsUsed++;
            }

            if (hostFacts is null)
            {
                // Hosts with the same hardware and no facts of their own get the same findings: the hardware is
                // looked up once per host, and each advisory evaluated once per hardware. The copies naming this
                // host are made once the findings are sorted (see Sort).
                var slots = memo.For(host, advisories.Count);
                for (var a = 0; a < advisories.Count; a++)
                {
                    slots[a] ??= AdvisoryEvaluator.Evaluate(advisories[a], host, HostFacts.None, cache);
                }

                hosts.Add(new HostFindings(host, slots!, Copy: true));
            }
            else
            {
                var own = new Finding[advisories.Count];
                for (var a = 0; a < advisories.Count; a++)
                {
                    own[a] = AdvisoryEvaluator.Evaluate(advisories[a], host, hostFacts, cache);
                }

                hosts.Add(new HostFindings(host, own, Copy: false));
            }
        }

        foreach (var (id, count) in seenIds.Where(p => p.Value > 1).OrderBy(p => p.Key, StringComparer.Ordinal).Take(20))
        {
            diagnostics.Add(new Diagnostic(DiagnosticCodes.InventoryDuplicateHostId, DiagnosticSeverity.Warning, new SourceLocation(inventoryName),
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"host id {id} appears {count} times; the first was evaluated, the others left out")));
        }

        if (facts is not null && UnmatchedFacts(facts, hosts.Select(h => h.Host)) is { } unmatched)
        {
            diagnostics.Add(unmatched);
        }

        var sorted = Sort(hosts, advisories);
        var summary = new InventorySummary(inventoryName, read, read - retired - duplicates, retired, cache.Count, factsUsed);
        return new TriageReport([.. advisories], sorted, [.. diagnostics], summary, clock.GetUtcNow(), ToolInfo.Version, MackerelInventory.Teams(reading.Services));
    }

    /// <summary>
    /// The findings in <see cref="FindingOrder"/> (verdict rank, advisory id, host name, host id), which the report
    /// writers rely on. <paramref name="hosts"/> holds per host one finding per advisory in <paramref name="advisories"/>'
    /// order: the host's own, or its hardware's, copied and re-addressed to the host. Hosts and advisories are ranked
    /// once, and a counting sort places 280,000 findings (20,000 hosts × 14 advisories) without comparing any two. The
    /// copies are made in report order, so they lie in memory in the order every later pass (summary, writers) reads them.
    /// </summary>
    internal static System.Collections.Immutable.ImmutableArray<Finding> Sort(List<HostFindings> hosts, IReadOnlyList<Advisory> advisories)
    {
        var perHost = advisories.Count;
        var total = hosts.Count * perHost;
        var hostOrder = new int[hosts.Count];
        for (var i = 0; i < hostOrder.Length; i++)
        {
            hostOrder[i] = i;
        }

        Array.Sort(hostOrder, (x, y) => HostOrder.Instance.Compare(hosts[x].Host, hosts[y].Host));
        var advisoryOrder = Enumerable.Range(0, perHost).OrderBy(i => advisories[i].Id, StringComparer.Ordinal).ToArray();
        var advisoryRank = new int[perHost];
        for (var r = 0; r < advisoryOrder.Length; r++)
        {
            advisoryRank[advisoryOrder[r]] = r;
        }

        // A counting sort: one bucket per (verdict rank, advisory rank), filled host by host in name order, so each
        // bucket is already in host order and no two findings are compared.
        const int Ranks = 7;
        var ranks = new byte[total];
        var counts = new int[(Ranks * perHost) + 1];
        for (var i = 0; i < total; i++)
        {
            ranks[i] = (byte)hosts[i / perHost].Findings[i % perHost].Verdict.ReportRank();
            counts[(ranks[i] * perHost) + advisoryRank[i % perHost] + 1]++;
        }

        for (var b = 1; b < counts.Length; b++)
        {
            counts[b] += counts[b - 1];
        }

        var order = new int[total];
        foreach (var h in hostOrder)
        {
            var start = h * perHost;
            for (var a = 0; a < perHost; a++)
            {
                order[counts[(ranks[start + a] * perHost) + advisoryRank[a]]++] = start + a;
            }
        }

        var items = new Finding[total];
        for (var d = 0; d < items.Length; d++)
        {
            var (host, findings, copy) = hosts[order[d] / perHost];
            var f = findings[order[d] % perHost];
            items[d] = copy ? f with { Host = host } : f;
        }

        return System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(items);
    }

    /// <summary>
    /// Waits for the advisories and, when they failed to load, throws that failure: an unknown advisory (a usage error)
    /// is reported before any problem with the inventory, as when the advisories were loaded first.
    /// </summary>
    internal static void ThrowIfAdvisoriesFailed(Task<IReadOnlyList<Advisory>> loading)
    {
        ArgumentNullException.ThrowIfNull(loading);
        try
        {
            loading.Wait();
        }
        catch (AggregateException)
        {
            loading.GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// ONE warning for every facts file that names no host (100,000 stray files must not make 100,000 lines): how many,
    /// the first few names, and how files are matched — the usual mistake is a short host name.
    /// </summary>
    internal static Diagnostic? UnmatchedFacts(FactsDirectory facts, IEnumerable<Host> hosts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var hostList = hosts.ToList();
        var files = facts.UnmatchedFiles(hostList).ToList();
        if (files.Count == 0)
        {
            return null;
        }

        const int Shown = 5;
        var names = string.Join(", ", files.Take(Shown)) + (files.Count > Shown ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" and {files.Count - Shown} more") : "");
        var hint = "";
        var shortName = files.Select(f => f[..^".json".Length]).FirstOrDefault(stem => hostList.Any(h => h.Name.StartsWith(stem + ".", StringComparison.Ordinal)));
        if (shortName is not null && hostList.First(h => h.Name.StartsWith(shortName + ".", StringComparison.Ordinal)) is { } match)
        {
            hint = $"; {shortName}.json looks like a short host name: name it {match.Name}.json";
        }

        var count = files.Count == 1 ? "1 facts file names" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{files.Count} facts files name");
        return new Diagnostic(DiagnosticCodes.FactsUnmatched, DiagnosticSeverity.Warning, new SourceLocation(facts.Location),
            $"{count} no host in the inventory and {(files.Count == 1 ? "was" : "were")} not used: {names} (a file is matched by the full host name or the host id, e.g. <name>.json){hint}");
    }
}

/// <summary>One host's findings, one per advisory: its own, or (<paramref name="Copy"/>) its hardware's, to be re-addressed to it.</summary>
/// <param name="Host">The host.</param>
/// <param name="Findings">One per advisory, in the run's advisory order.</param>
/// <param name="Copy">Whether the findings are shared by the hosts with the same hardware.</param>
internal readonly record struct HostFindings(Host Host, Finding[] Findings, bool Copy);

/// <summary>
/// Fleets repeat the same hardware: hosts without facts that share processors and cloud facts get the same verdict
/// and evidence, so each distinct combination is evaluated once per advisory and the finding is re-addressed to each
/// host. Evidence never contains the host's own name or id, which is what makes this sound; it does name the inventory
/// record a fact came from (a processor's sources are part of it), so that is part of the key. The inventory readers
/// share one processors array between hosts with the same processors, so the usual lookup compares references; arrays
/// with equal contents match too. Keys are values, never strings built from attacker-controlled text.
/// </summary>
internal sealed class EvaluationMemo
{
    private readonly Dictionary<Key, Finding?[]> _findings = [];
    private Key _lastKey;
    private Finding?[]? _last;

    /// <summary>Distinct hardware combinations seen.</summary>
    public int Count => _findings.Count;

    /// <summary>
    /// The slots of <paramref name="host"/>'s hardware, one per advisory of the run (in its order): a slot holds the
    /// finding of the first host with that hardware once evaluated (the caller fills it), to be copied for the next.
    /// </summary>
    public Finding?[] For(Host host, int advisories)
    {
        var key = new Key(host.Processors, host.Cloud, host.CpuFactsNote);

        // Neighbouring hosts often share one processors array (the readers share equal arrays): no hashing then.
        if (_last is not null && _lastKey.Equals(key))
        {
            return _last;
        }

        if (!_findings.TryGetValue(key, out var slots))
        {
            slots = new Finding?[advisories];
            _findings[key] = slots;
        }

        _lastKey = key;
        _last = slots;
        return slots;
    }

    private readonly struct Key(System.Collections.Immutable.ImmutableArray<ProcessorFact> processors, CloudInfo? cloud, string? note) : IEquatable<Key>
    {
        private readonly System.Collections.Immutable.ImmutableArray<ProcessorFact> _processors = processors.IsDefault ? [] : processors;
        private readonly CloudInfo? _cloud = cloud;
        private readonly string? _note = note;

        public bool Equals(Key other) =>
            (_processors == other._processors || _processors.AsSpan().SequenceEqual(other._processors.AsSpan()))
            && Equals(_cloud, other._cloud)
            && string.Equals(_note, other._note, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is Key other && Equals(other);

        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (var p in _processors)
            {
                h.Add(p);
            }

            h.Add(_cloud);
            h.Add(_note, StringComparer.Ordinal);
            return h.ToHashCode();
        }
    }
}

/// <summary>The tool's name and version.</summary>
internal static class ToolInfo
{
    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";
}
