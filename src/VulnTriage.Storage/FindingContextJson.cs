using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;

namespace VulnTriage.Storage;

/// <summary>
/// The JSON form of a saved finding's <see cref="FindingContext"/> (<c>run_contexts.context</c>, migration 5): the
/// host's status, roles, cloud, processors and labels, the environment, the identified processors, the CVEs, the next
/// action and the platform. Enum values are the report JSON's words where it has them (<c>working</c>, <c>aws</c>,
/// <c>update_firmware</c>); host id and name are columns of <c>run_findings</c>, so hosts alike share one row.
/// </summary>
public static class FindingContextJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 16,
    };

    /// <summary>Serialises a context (compact JSON).</summary>
    public static string Write(FindingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return JsonSerializer.Serialize(ToDto(context), Options);
    }

    /// <summary>Reads a context; throws <see cref="FormatException"/> when it cannot be read back.</summary>
    public static FindingContext Read(string json)
    {
        ContextDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<ContextDto>(json, Options);
        }
        catch (JsonException e)
        {
            throw new FormatException("saved finding context is not valid JSON: " + e.Message, e);
        }

        return dto is null ? throw new FormatException("saved finding context is null") : FromDto(dto);
    }

    /// <summary>Serialises a run's service → team map (<c>runs.teams</c>), or <c>null</c> when it is empty.</summary>
    public static string? WriteTeams(ImmutableDictionary<string, string>? teams) =>
        teams is null || teams.IsEmpty ? null : JsonSerializer.Serialize(new SortedDictionary<string, string>(teams, StringComparer.Ordinal));

    /// <summary>Reads a run's service → team map.</summary>
    public static ImmutableDictionary<string, string> ReadTeams(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return ImmutableDictionary<string, string>.Empty;
        }

        try
        {
            return (JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []).ToImmutableDictionary(StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new FormatException("saved service teams are not valid JSON: " + e.Message, e);
        }
    }

    private static ContextDto ToDto(FindingContext c) => new(
        Enum(c.Status),
        c.DisplayName,
        c.Roles.IsDefaultOrEmpty ? null : [.. c.Roles.Select(r => new RoleDto(r.Service, r.Role))],
        c.Cloud is { } cloud ? new CloudDto(Enum(cloud.Provider), cloud.RawProvider, cloud.InstanceType, cloud.Evidence) : null,
        c.HostProcessors.IsDefaultOrEmpty ? null : [.. c.HostProcessors.Select(p => new ProcessorFactDto(p.VendorId, p.BrandString, Signature(p.Signature), p.LogicalCpus, p.Sockets, p.Source, p.SignatureSource))],
        c.OsName,
        c.CpuFactsNote,
        c.Labels.IsDefaultOrEmpty ? null : [.. c.Labels.Select(l => new LabelDto(l.Key, l.Value, l.Source))],
        c.Sources.IsDefaultOrEmpty ? null : [.. c.Sources],
        Enum(c.Environment),
        c.Processors.IsDefaultOrEmpty ? null : [.. c.Processors.Select(p => new IdentityDto(
            Enum(p.Vendor), p.ProductLine, p.ModelNumber, p.Generation, p.Microarchitecture, p.Codename, Enum(p.Segment), p.IsVirtual,
            p.HypervisorModel, Enum(p.Confidence), p.Reason, p.NormalizedBrand, Signature(p.Signature)))],
        c.Cves.IsDefaultOrEmpty ? null : [.. c.Cves],
        new ActionDto(Enum(c.Action.Kind), c.Action.Detail is { } d ? new TextDto(d.En, d.Ja) : null, c.Action.Reference),
        c.Platform is { } pl ? new PlatformDto(pl.SystemVendor, pl.ProductName, pl.BiosVendor, pl.BiosVersion, pl.BiosDate, pl.BoardVendor, pl.BoardName) : null);

    private static FindingContext FromDto(ContextDto d) => new(
        Parse<HostStatus>(d.Status, "status"),
        d.DisplayName,
        [.. (d.Roles ?? []).Select(r => new RoleRef(r.Service ?? "", r.Role ?? ""))],
        d.Cloud is { } c ? new CloudInfo(Parse<CloudProvider>(c.Provider, "cloud provider"), c.RawProvider ?? "", c.InstanceType, c.Evidence ?? "") : null,
        [.. (d.HostProcessors ?? []).Select(p => new ProcessorFact(p.VendorId, p.BrandString, Signature(p.Signature), p.LogicalCpus, p.Sockets, p.Source ?? "", p.SignatureSource ?? ""))],
        d.OsName,
        d.CpuFactsNote,
        [.. (d.Labels ?? []).Select(l => new HostLabel(l.Key ?? "", l.Value ?? "", l.Source ?? ""))],
        [.. d.Sources ?? []],
        Parse<HostEnvironment>(d.Environment, "environment"),
        [.. (d.Processors ?? []).Select(p => new ProcessorIdentity(
            Parse<CpuVendor>(p.Vendor, "vendor"), p.ProductLine, p.ModelNumber, p.Generation, p.Microarchitecture, p.Codename,
            Parse<MarketSegment>(p.Segment, "segment"), p.IsVirtual, p.HypervisorModel, Parse<IdentificationConfidence>(p.Confidence, "confidence"),
            p.Reason ?? "", p.NormalizedBrand ?? "", Signature(p.Signature)))],
        [.. d.Cves ?? []],
        d.Action is { } a
            ? new FindingAction(Parse<ActionKind>(a.Kind, "action"), a.Detail is { } t ? new LocalizedText(t.En ?? "", t.Ja) : null, a.Reference)
            : FindingAction.None,
        d.Platform is { } pl ? new PlatformInfo(pl.SystemVendor, pl.ProductName, pl.BiosVendor, pl.BiosVersion, pl.BiosDate, pl.BoardVendor, pl.BoardName) : null);

    // Enum words are snake_case of the member name (PowerOff → power_off), independent of the report's wire words so a
    // renamed report word never makes an old run unreadable.
    private static string Enum<T>(T value)
        where T : struct, System.Enum => EvidenceJson.Snake(value.ToString());

    private static T Parse<T>(string? text, string what)
        where T : struct, System.Enum
    {
        foreach (var v in System.Enum.GetValues<T>())
        {
            if (string.Equals(Enum(v), text, StringComparison.Ordinal))
            {
                return v;
            }
        }

        throw new FormatException($"saved finding context has an unknown {what} '{text}'");
    }

    private static int[]? Signature(CpuSignature? s) =>
        s is { } sig ? sig.Stepping is { } st ? [sig.Family, sig.Model, st] : [sig.Family, sig.Model] : null;

    private static CpuSignature? Signature(int[]? s) =>
        s is { Length: >= 2 } ? new CpuSignature(s[0], s[1], s.Length >= 3 ? s[2] : null) : null;

    private sealed record ContextDto(
        string? Status,
        string? DisplayName,
        RoleDto[]? Roles,
        CloudDto? Cloud,
        ProcessorFactDto[]? HostProcessors,
        string? OsName,
        string? CpuFactsNote,
        LabelDto[]? Labels,
        string[]? Sources,
        string? Environment,
        IdentityDto[]? Processors,
        string[]? Cves,
        ActionDto? Action,
        PlatformDto? Platform);

    private sealed record RoleDto(string? Service, string? Role);

    private sealed record CloudDto(string? Provider, string? RawProvider, string? InstanceType, string? Evidence);

    private sealed record ProcessorFactDto(string? VendorId, string? BrandString, int[]? Signature, int LogicalCpus, int Sockets, string? Source, string? SignatureSource);

    private sealed record LabelDto(string? Key, string? Value, string? Source);

    private sealed record IdentityDto(
        string? Vendor,
        string? ProductLine,
        string? ModelNumber,
        int? Generation,
        string? Microarchitecture,
        string? Codename,
        string? Segment,
        bool IsVirtual,
        string? HypervisorModel,
        string? Confidence,
        string? Reason,
        string? NormalizedBrand,
        int[]? Signature);

    private sealed record ActionDto(string? Kind, TextDto? Detail, string? Reference);

    private sealed record TextDto(string? En, string? Ja);

    private sealed record PlatformDto(string? SystemVendor, string? ProductName, string? BiosVendor, string? BiosVersion, string? BiosDate, string? BoardVendor, string? BoardName);
}
