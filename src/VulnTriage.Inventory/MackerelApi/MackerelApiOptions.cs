using System.Collections.Immutable;

namespace VulnTriage.Inventory.MackerelApi;

/// <summary>What to read from the Mackerel API and how patiently.</summary>
public sealed record MackerelApiOptions
{
    /// <summary>The public Mackerel API.</summary>
    public const string DefaultBaseAddress = "https://api.mackerelio.com";

    /// <summary>The metadata namespace the VulnTriage probe's plugin writes.</summary>
    public const string DefaultMetadataNamespace = "vulntriage";

    /// <summary>Every host status Mackerel has. The API's own default is only working and standby.</summary>
    public static ImmutableArray<string> AllStatuses { get; } = ["working", "standby", "maintenance", "poweroff"];

    /// <summary>API base address, e.g. <c>https://api.mackerelio.com</c>.</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary><c>service=</c> filter, or <c>null</c>.</summary>
    public string? Service { get; init; }

    /// <summary><c>role=</c> filters (union); only with <see cref="Service"/>.</summary>
    public ImmutableArray<string> Roles { get; init; } = [];

    /// <summary><c>status=</c> filters; all four statuses by default.</summary>
    public ImmutableArray<string> Statuses { get; init; } = AllStatuses;

    /// <summary>Read metadata for retired hosts too (404 or 400 for those then means "none").</summary>
    public bool IncludeRetired { get; init; }

    /// <summary>Read each host's metadata namespace as its facts.</summary>
    public bool ReadMetadata { get; init; } = true;

    /// <summary>Read <c>GET /api/v0/services</c> (service memos name the owning teams).</summary>
    public bool ReadServices { get; init; } = true;

    /// <summary>The metadata namespace read as facts.</summary>
    public string MetadataNamespace { get; init; } = DefaultMetadataNamespace;

    /// <summary>Metadata requests in flight at once.</summary>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>Per request: time to the response headers, and the longest wait for each piece of a body.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Total time one request may spend in attempts and back-off before its failure is final.</summary>
    public TimeSpan RetryBudget { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The whole API read (services, host list, every metadata request) must finish within this; a server trickling a
    /// byte a second passes every per-request timeout but not this.
    /// </summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>First back-off delay (doubled each retry, with jitter).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest back-off delay between two attempts (a longer <c>Retry-After</c> is still honoured within the budget).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Told about each retry before its back-off (endpoint path, failure, delay; never the key), e.g. for a terminal notice.</summary>
    public Action<string>? RetryNotice { get; init; }

    /// <summary>The <c>GET /api/v0/hosts</c> path and query: repeated <c>status=</c> and <c>role=</c> keys, as mackerel-client-go builds it.</summary>
    public string HostsPathAndQuery()
    {
        var query = new List<string>();
        if (Service is not null)
        {
            query.Add("service=" + Uri.EscapeDataString(Service));
            query.AddRange(Roles.Select(r => "role=" + Uri.EscapeDataString(r)));
        }

        query.AddRange(Statuses.Select(s => "status=" + Uri.EscapeDataString(s)));
        return query.Count == 0 ? MackerelApiClient.HostsPath : MackerelApiClient.HostsPath + "?" + string.Join('&', query);
    }
}
