using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Inventory.Mackerel;

/// <summary>
/// Where one CPU value's bytes lie in the parser's buffer (no string made yet), or its unescaped text when the JSON
/// string had escapes. <c>default</c> means absent (missing or <c>null</c>).
/// </summary>
internal readonly record struct RawValue(int TokenIndex, int Start, int Length, string? Text, bool Present = true);

/// <summary>The values of one <c>meta.cpu</c> element that identification uses.</summary>
internal struct CpuEntry
{
    public RawValue Vendor;
    public RawValue ModelName;
    public RawValue Family;
    public RawValue Model;
    public RawValue Stepping;
    public RawValue PhysicalId;
}

/// <summary>
/// Groups a host's logical CPUs by (vendor_id, trimmed model_name, family, model, stepping) comparing raw bytes,
/// so the 16–128 identical elements of a host make one string each, not one per element.
/// </summary>
/// <remarks>
/// Linear in the number of elements however many are distinct: groups, physical ids and the final merge are found by
/// hash, never by scanning what came before (a hostile 59 MB host with 280,000 distinct CPU entries used to take hours).
/// </remarks>
internal sealed class CpuAggregator
{
    private readonly List<Group> _groups = [];
    private readonly Dictionary<int, int> _groupByHash = [];
    private int _used;
    private int _last;

    public int EntryCount { get; private set; }

    /// <summary>Group comparisons made since creation (a test hook: linear input must cost linear comparisons).</summary>
    internal long Comparisons { get; private set; }

    public void Reset()
    {
        _used = 0;
        _last = 0;
        EntryCount = 0;
        _groupByHash.Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ref CpuEntry entry, byte[] buffer)
    {
        EntryCount++;
        if (!entry.Family.Present)
        {
            // Windows: `model` is the processor ARCHITECTURE code (9 = x64), never a CPU model; without a family
            // there is no CPUID signature, so model/stepping take no part in identity.
            entry.Model = default;
            entry.Stepping = default;
        }

        Group? match = null;
        if (_used > 0 && ++Comparisons > 0 && _groups[_last].Matches(ref entry, buffer))
        {
            match = _groups[_last];
        }
        else
        {
            var hash = Hash(ref entry, buffer);
            for (var i = _groupByHash.TryGetValue(hash, out var head) ? head : -1; i >= 0; i = _groups[i].NextWithSameHash)
            {
                Comparisons++;
                if (_groups[i].Matches(ref entry, buffer))
                {
                    match = _groups[i];
                    _last = i;
                    break;
                }
            }

            if (match is null)
            {
                if (_used == _groups.Count)
                {
                    _groups.Add(new Group());
                }

                match = _groups[_used];
                match.Init(ref entry);
                match.NextWithSameHash = _groupByHash.TryGetValue(hash, out var previous) ? previous : -1;
                _groupByHash[hash] = _used;
                _last = _used;
                _used++;
            }
        }

        match.Count++;
        if (entry.PhysicalId.Present)
        {
            match.PhysicalIds.Add(entry.PhysicalId, buffer);
        }
    }

    /// <summary>Physical-id comparisons over the current host's groups (a test hook).</summary>
    internal long PhysicalIdComparisons => _groups.Take(_used).Sum(g => g.PhysicalIdComparisons);

    /// <summary>A hash consistent with <see cref="Same"/>: equal values (raw bytes, or decoded text) hash alike.</summary>
    internal static int Hash(RawValue v, byte[] buffer)
    {
        if (!v.Present)
        {
            return 0x5bd1e995;
        }

        var h = new HashCode();
        if (v.Text is null)
        {
            h.AddBytes(buffer.AsSpan(v.Start, v.Length));
        }
        else
        {
            h.AddBytes(System.Text.Encoding.UTF8.GetBytes(v.Text));
        }

        return h.ToHashCode();
    }

    private static int Hash(ref CpuEntry e, byte[] buffer) =>
        HashCode.Combine(Hash(e.ModelName, buffer), Hash(e.Vendor, buffer), Hash(e.Family, buffer), Hash(e.Model, buffer), Hash(e.Stepping, buffer));

    /// <summary>Distinct processors in first-seen order; <paramref name="problems"/> lists unparseable signatures.</summary>
    public ImmutableArray<ProcessorFact> Build(byte[] buffer, StringCache strings, out List<(int TokenIndex, string Text)> problems)
    {
        problems = [];
        var facts = new List<(ProcessorFact Fact, HashSet<string> Sockets)>(_used);
        var byKey = new Dictionary<(string?, string?, CpuSignature?), int>();
        for (var i = 0; i < _used; i++)
        {
            var g = _groups[i];
            var vendor = Text(g.Vendor, buffer, strings);
            var brand = Text(g.ModelName, buffer, strings);
            var signature = Signature(g, buffer, strings, problems);
            var sockets = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in g.PhysicalIds.Items)
            {
                sockets.Add(Text(id, buffer, strings) ?? "");
            }

            // Raw forms that differ ("85" and "085", escaped and plain) can decode to one processor: merge them.
            if (byKey.TryGetValue((vendor, brand, signature), out var j))
            {
                var (other, otherSockets) = facts[j];
                otherSockets.UnionWith(sockets);
                facts[j] = (other with { LogicalCpus = other.LogicalCpus + g.Count, Sockets = otherSockets.Count }, otherSockets);
            }
            else
            {
                byKey[(vendor, brand, signature)] = facts.Count;
                facts.Add((new ProcessorFact(vendor, brand, signature, g.Count, sockets.Count), sockets));
            }
        }

        var builder = ImmutableArray.CreateBuilder<ProcessorFact>(facts.Count);
        foreach (var (fact, _) in facts)
        {
            builder.Add(fact);
        }

        return builder.MoveToImmutable();
    }

    private static CpuSignature? Signature(Group g, byte[] buffer, StringCache strings, List<(int, string)> problems)
    {
        if (!g.Family.Present)
        {
            return null;
        }

        var family = Text(g.Family, buffer, strings);
        if (family is null)
        {
            // gopsutil sends "" when /proc/cpuinfo has no "cpu family" line (e.g. ARM): no signature, nothing wrong.
            return null;
        }

        var model = Text(g.Model, buffer, strings);
        if (model is not null && model.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            // ARM "CPU part" (e.g. 0xd0c): not an x86 CPUID model.
            return null;
        }

        var stepping = Text(g.Stepping, buffer, strings);
        if (TryDecimal(family, out var f) && model is not null && TryDecimal(model, out var m))
        {
            if (stepping is null)
            {
                return new CpuSignature(f, m, null);
            }

            if (TryDecimal(stepping, out var s))
            {
                return new CpuSignature(f, m, s);
            }
        }

        problems.Add((g.Family.TokenIndex, string.Create(
            CultureInfo.InvariantCulture, $"(family '{family}', model '{model ?? "(missing)"}', stepping '{stepping ?? "(missing)"}')")));
        return null;
    }

    private static bool TryDecimal(string text, out int value)
    {
        value = 0;
        return text.Length is > 0 and <= 9 && text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The value as a string; <c>null</c> when absent or empty.</summary>
    private static string? Text(RawValue v, byte[] buffer, StringCache strings)
    {
        if (v.Text is not null)
        {
            return v.Text.Length == 0 ? null : v.Text;
        }

        return v.Length == 0 ? null : strings.Get(buffer.AsSpan(v.Start, v.Length));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool Same(RawValue a, RawValue b, byte[] buffer)
    {
        if (a.Present != b.Present)
        {
            return false;
        }

        if (!a.Present)
        {
            return true;
        }

        if (a.Text is null && b.Text is null)
        {
            return buffer.AsSpan(a.Start, a.Length).SequenceEqual(buffer.AsSpan(b.Start, b.Length));
        }

        // Rare: at least one side had JSON escapes; compare decoded text.
        var left = a.Text ?? System.Text.Encoding.UTF8.GetString(buffer, a.Start, a.Length);
        var right = b.Text ?? System.Text.Encoding.UTF8.GetString(buffer, b.Start, b.Length);
        return string.Equals(left, right, StringComparison.Ordinal);
    }

    private sealed class Group
    {
        public RawValue Vendor;
        public RawValue ModelName;
        public RawValue Family;
        public RawValue Model;
        public RawValue Stepping;
        public int Count;
        public int NextWithSameHash = -1;
        public readonly RawSet PhysicalIds = new();

        public long PhysicalIdComparisons => PhysicalIds.Comparisons;

        public void Init(ref CpuEntry e)
        {
            Vendor = e.Vendor;
            ModelName = e.ModelName;
            Family = e.Family;
            Model = e.Model;
            Stepping = e.Stepping;
            Count = 0;
            NextWithSameHash = -1;
            PhysicalIds.Clear();
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool Matches(ref CpuEntry e, byte[] buffer) =>
            Same(ModelName, e.ModelName, buffer)
            && Same(Vendor, e.Vendor, buffer)
            && Same(Family, e.Family, buffer)
            && Same(Model, e.Model, buffer)
            && Same(Stepping, e.Stepping, buffer);
    }
}

/// <summary>A set of raw values (physical ids) with hashed lookup; first-seen order kept.</summary>
internal sealed class RawSet
{
    private readonly Dictionary<int, int> _head = [];
    private readonly List<int> _next = [];

    public List<RawValue> Items { get; } = [];

    /// <summary>Value comparisons made (a test hook).</summary>
    internal long Comparisons { get; private set; }

    public void Clear()
    {
        Items.Clear();
        _next.Clear();
        _head.Clear();
    }

    public void Add(RawValue value, byte[] buffer)
    {
        var hash = CpuAggregator.Hash(value, buffer);
        for (var i = _head.TryGetValue(hash, out var h) ? h : -1; i >= 0; i = _next[i])
        {
            Comparisons++;
            if (CpuAggregator.Same(Items[i], value, buffer))
            {
                return;
            }
        }

        _next.Add(_head.TryGetValue(hash, out var previous) ? previous : -1);
        _head[hash] = Items.Count;
        Items.Add(value);
    }
}
