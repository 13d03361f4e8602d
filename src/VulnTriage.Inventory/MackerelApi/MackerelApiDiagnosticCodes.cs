namespace VulnTriage.Inventory.MackerelApi;

/// <summary>Diagnostic codes for reading the fleet from the Mackerel API. Codes are stable; messages may change.</summary>
public static class MackerelApiDiagnosticCodes
{
    /// <summary>401/403: the key was rejected, lacks Read permission, or the IP address is not allowed.</summary>
    public const string Unauthorized = "VT1201";

    /// <summary>Any other non-success status (after retries, for 429 and 5xx).</summary>
    public const string HttpError = "VT1202";

    /// <summary>No response (or no body data) within the per-request timeout, after retries.</summary>
    public const string Timeout = "VT1203";

    /// <summary>A response body that is cut off, not JSON, or not the documented shape.</summary>
    public const string InvalidBody = "VT1204";

    /// <summary>The API could not be reached (DNS, connection refused, TLS), after retries.</summary>
    public const string Unreachable = "VT1205";

    /// <summary>A host's metadata could not be used as facts; the host is triaged without them (warning).</summary>
    public const string MetadataUnusable = "VT1206";

    /// <summary>The mackerel-agent config file could not be read or its <c>apikey</c>/<c>apibase</c> line is malformed.</summary>
    public const string AgentConfigInvalid = "VT1207";
}
