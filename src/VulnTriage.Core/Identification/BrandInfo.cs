namespace VulnTriage.Core.Identification;

/// <summary>What the brand string alone says (internal intermediate result).</summary>
internal sealed record BrandInfo(
    CpuVendor Vendor,
    string? Line,
    string? Model,
    int? Generation,
    string? March,
    string? Codename,
    MarketSegment Segment)
{
    /// <summary>Other microarchitectures the same brand string is sold with (e.g. Ryzen 5 1600 "AF" = zen+).</summary>
    public IReadOnlyList<string> MarchAlternatives { get; init; } = [];

    /// <summary>Synthetic hypervisor model (QEMU/KVM named or generic model, emulators).</summary>
    public bool IsVirtual { get; init; }

    /// <summary>Name of the hypervisor CPU model.</summary>
    public string? HypervisorModel { get; init; }

    /// <summary>Brand string with the model number removed by the hypervisor (GCE).</summary>
    public bool Hidden { get; init; }

    /// <summary>Engineering sample / generic string: only the signature can tell.</summary>
    public bool Generic { get; init; }

    /// <summary>A note for the reason text.</summary>
    public string? Note { get; init; }

    /// <summary>Nothing recognised.</summary>
    public static BrandInfo None(CpuVendor vendor) => new(vendor, null, null, null, null, null, MarketSegment.Unknown);
}

/// <summary>What the CPUID signature alone says.</summary>
internal sealed record SignatureInfo(string? March, IReadOnlyList<string> MarchCandidates, string? Codename, IReadOnlyList<string> CodenameCandidates, string Description)
{
    /// <summary>Product line a hidden brand string implies for this signature (server parts only).</summary>
    public string? HiddenXeonLine { get; init; }

    /// <summary>Generation that goes with <see cref="HiddenXeonLine"/>.</summary>
    public int? HiddenXeonGeneration { get; init; }

    /// <summary>The catalog rows the signature matched (several when the stepping is unknown or the part is sold as two microarchitectures).</summary>
    public System.Collections.Immutable.ImmutableArray<Catalog.CpuCatalogEntry> Rows { get; init; } = [];

    /// <summary>Whether the signature was understood.</summary>
    public bool Known => March is not null;

    public static SignatureInfo Of(string march, string? codename, string description, params string[] alternatives)
    {
        var candidates = new List<string>(alternatives.Length + 1) { march };
        candidates.AddRange(alternatives);
        return new SignatureInfo(march, candidates, codename, codename is null ? [] : [codename], description);
    }

    public static SignatureInfo Unknown(string description) => new(null, [], null, [], description);
}
