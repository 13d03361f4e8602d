using System.Collections.Frozen;
using System.Collections.Immutable;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Identification.Catalog;

/// <summary>
/// The CPU catalog: for each CPUID signature (vendor, display family, display model, stepping) the microarchitectures,
/// platform codenames, market segments and product lines (with generations) it can be. One file,
/// <c>Identification/Catalog/cpus.tsv</c> (embedded in this assembly; format and sources in Catalog/README.md), feeds
/// both identification and the validation of advisory vocabularies.
/// </summary>
/// <remarks>
/// <para>The file is parsed once, lazily and thread-safely, on first use, into frozen lookups. A malformed or
/// self-contradictory file is a bug in the shipped data and throws <see cref="InvalidDataException"/> from every
/// member (a test loads the catalog).</para>
/// <para>Lookups never guess: a signature no row covers returns an empty array (unknown), never the nearest row.
/// Several rows for one signature mean the signature alone cannot decide between them.</para>
/// <para>All name comparisons are ordinal (names are lower-case kebab-case).</para>
/// </remarks>
public static class CpuCatalog
{
    private const string ResourceName = "VulnTriage.Core.Identification.Catalog.cpus.tsv";

    private static readonly Lazy<CpuCatalogIndex> Index = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Every row, in file order.</summary>
    public static ImmutableArray<CpuCatalogEntry> Entries => Index.Value.Entries;

    /// <summary>Every microarchitecture some row names.</summary>
    public static FrozenSet<string> Microarchitectures => Index.Value.Microarchitectures;

    /// <summary>Every platform or die codename some row names.</summary>
    public static FrozenSet<string> Codenames => Index.Value.Codenames;

    /// <summary>Every product line some row names (a subset of <see cref="ProductLines.All"/>).</summary>
    public static FrozenSet<string> ProductLineNames => Index.Value.ProductLineNames;

    /// <summary>
    /// The rows covering a signature, in file order. With <paramref name="stepping"/> <c>null</c> (unknown), every row of
    /// that family and model. Empty when the catalog does not know the signature.
    /// </summary>
    /// <param name="vendor">Vendor; <see cref="CpuVendor.Unknown"/> and <see cref="CpuVendor.Arm"/> have no rows.</param>
    /// <param name="family">CPUID display family.</param>
    /// <param name="model">CPUID display model.</param>
    /// <param name="stepping">Stepping, or <c>null</c> when unknown.</param>
    public static ImmutableArray<CpuCatalogEntry> Find(CpuVendor vendor, int family, int model, int? stepping)
    {
        if (!Index.Value.ByModel.TryGetValue((vendor, family, model), out var rows))
        {
            return [];
        }

        if (stepping is not { } s)
        {
            return rows;
        }

        // Most models have one row or rows that all cover the stepping: return the stored array without allocating.
        var matching = 0;
        foreach (var row in rows)
        {
            if (row.Steppings.Contains(s))
            {
                matching++;
            }
        }

        if (matching == rows.Length)
        {
            return rows;
        }

        var builder = ImmutableArray.CreateBuilder<CpuCatalogEntry>(matching);
        foreach (var row in rows)
        {
            if (row.Steppings.Contains(s))
            {
                builder.Add(row);
            }
        }

        return builder.MoveToImmutable();
    }

    /// <summary>The rows covering <paramref name="signature"/> (see <see cref="Find(CpuVendor, int, int, int?)"/>).</summary>
    public static ImmutableArray<CpuCatalogEntry> Find(CpuVendor vendor, CpuSignature signature) =>
        Find(vendor, signature.Family, signature.Model, signature.Stepping);

    /// <summary>The codenames the catalog pairs with <paramref name="microarchitecture"/>; empty if it names none or the microarchitecture is unknown.</summary>
    public static FrozenSet<string> CodenamesOf(string microarchitecture)
    {
        ArgumentNullException.ThrowIfNull(microarchitecture);
        return Index.Value.CodenamesByMarch.TryGetValue(microarchitecture, out var set) ? set : FrozenSet<string>.Empty;
    }

    /// <summary>The microarchitectures the catalog pairs with <paramref name="codename"/>; empty if the codename is unknown.</summary>
    public static FrozenSet<string> MicroarchitecturesOf(string codename)
    {
        ArgumentNullException.ThrowIfNull(codename);
        return Index.Value.MarchesByCodename.TryGetValue(codename, out var set) ? set : FrozenSet<string>.Empty;
    }

    /// <summary>The generations the catalog records for <paramref name="productLine"/>; empty if it has none or is unknown.</summary>
    public static FrozenSet<int> GenerationsOf(string productLine)
    {
        ArgumentNullException.ThrowIfNull(productLine);
        return Index.Value.GenerationsByLine.TryGetValue(productLine, out var set) ? set : FrozenSet<int>.Empty;
    }

    private static CpuCatalogIndex Load()
    {
        using var stream = typeof(CpuCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidDataException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        return CpuCatalogIndex.Build(CpuCatalogParser.Parse(reader.ReadToEnd(), "cpus.tsv"));
    }
}

/// <summary>Frozen lookups over the parsed rows.</summary>
internal sealed class CpuCatalogIndex
{
    private CpuCatalogIndex(ImmutableArray<CpuCatalogEntry> entries)
    {
        Entries = entries;
        var byModel = new Dictionary<(CpuVendor, int, int), ImmutableArray<CpuCatalogEntry>.Builder>();
        foreach (var entry in entries)
        {
            for (var model = entry.FirstModel; model <= entry.LastModel; model++)
            {
                var key = (entry.Vendor, entry.Family, model);
                if (!byModel.TryGetValue(key, out var list))
                {
                    list = ImmutableArray.CreateBuilder<CpuCatalogEntry>();
                    byModel[key] = list;
                }

                list.Add(entry);
            }
        }

        ByModel = byModel.ToFrozenDictionary(p => p.Key, p => p.Value.ToImmutable());
        Microarchitectures = entries.Select(e => e.Microarchitecture).ToFrozenSet(StringComparer.Ordinal);
        Codenames = entries.SelectMany(e => e.Codenames).ToFrozenSet(StringComparer.Ordinal);
        ProductLineNames = entries.SelectMany(e => e.ProductLines).Select(p => p.Line).ToFrozenSet(StringComparer.Ordinal);
        CodenamesByMarch = entries.GroupBy(e => e.Microarchitecture, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.SelectMany(e => e.Codenames).ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);
        MarchesByCodename = entries.SelectMany(e => e.Codenames.Select(c => (Codename: c, e.Microarchitecture)))
            .GroupBy(p => p.Codename, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(p => p.Microarchitecture).ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);
        GenerationsByLine = entries.SelectMany(e => e.ProductLines)
            .GroupBy(p => p.Line, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.SelectMany(p => p.Generations).ToFrozenSet(), StringComparer.Ordinal);
    }

    public ImmutableArray<CpuCatalogEntry> Entries { get; }

    public FrozenDictionary<(CpuVendor Vendor, int Family, int Model), ImmutableArray<CpuCatalogEntry>> ByModel { get; }

    public FrozenSet<string> Microarchitectures { get; }

    public FrozenSet<string> Codenames { get; }

    public FrozenSet<string> ProductLineNames { get; }

    public FrozenDictionary<string, FrozenSet<string>> CodenamesByMarch { get; }

    public FrozenDictionary<string, FrozenSet<string>> MarchesByCodename { get; }

    public FrozenDictionary<string, FrozenSet<int>> GenerationsByLine { get; }

    public static CpuCatalogIndex Build(ImmutableArray<CpuCatalogEntry> entries) => new(entries);
}
