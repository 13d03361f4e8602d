using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VulnTriage.Inventory.Sources;

/// <summary>
/// Tells an inventory's format from the first bytes of its content: the JSON shape and the property names of the first
/// record (each format has names no other one uses), or, for text, the <c>ansible -m setup</c> header or a CSV header row.
/// Reads at most <see cref="PrefixBytes"/> bytes, which the caller replays to the reader.
/// </summary>
public static partial class InventoryDetector
{
    /// <summary>How many bytes detection looks at.</summary>
    public const int PrefixBytes = 64 << 10;

    // Keys of a Mackerel host object (mackerel-client-go Host, API docs), none of which osquery or Fleet use.
    private static readonly string[] MackerelHostKeys = ["meta", "roles", "roleFullnames", "isRetired", "createdAt", "customIdentifier", "displayName", "interfaces"];

    // Keys only Fleet's host object has.
    private static readonly string[] FleetHostKeys = ["osquery_version", "detail_updated_at", "seen_time", "platform_like", "team_id", "team_name", "label_updated_at", "primary_ip"];

    // Columns of the osquery tables the osquery reader uses.
    private static readonly string[] OsqueryColumns = ["cpu_brand", "cpu_type", "cpu_subtype", "hardware_vendor", "hardware_model", "computer_name", "local_hostname", "instance_id", "vm_id", "vm_size", "processor_type", "socket_designation"];

    // Keys of an osquery results-log line.
    private static readonly string[] ResultsLogKeys = ["hostIdentifier", "calendarTime", "unixTime", "snapshot", "diffResults", "decorations"];

    /// <summary>The format of a file's content, or <c>null</c> when it is none VulnTriage reads.</summary>
    /// <param name="prefix">The first bytes (up to <see cref="PrefixBytes"/>).</param>
    /// <param name="complete">Whether <paramref name="prefix"/> is the whole content.</param>
    public static InventoryFormat? Detect(ReadOnlySpan<byte> prefix, bool complete)
    {
        if (prefix.StartsWith("\uFEFF"u8))
        {
            prefix = prefix[3..];
        }

        var trimmed = prefix.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            return null;
        }

        // Before JSON: ansible's output may open with "[WARNING]: …" lines. A JSON document never has a line that starts
        // with "host | SUCCESS => {" (its strings cannot hold a raw newline).
        var text = Encoding.UTF8.GetString(trimmed);
        if (SetupHeaderRegex().IsMatch(text))
        {
            return InventoryFormat.AnsibleSetupOutput;
        }

        if (trimmed[0] is (byte)'[' or (byte)'{')
        {
            return DetectJson(trimmed, complete);
        }

        var firstLine = text.Split('\n', 2)[0].TrimEnd('\r');
        return firstLine.Contains(',', StringComparison.Ordinal) ? InventoryFormat.Csv : null;
    }

    /// <summary>The format a kind implies when its content matches it, else <c>null</c>.</summary>
    public static InventoryFormat? DetectFor(InventoryKind kind, ReadOnlySpan<byte> prefix, bool complete)
    {
        var detected = Detect(prefix, complete);
        return (kind, detected) switch
        {
            (InventoryKind.Mackerel, InventoryFormat.MackerelHosts) => detected,
            (InventoryKind.Osquery, InventoryFormat.OsqueryResultsLog or InventoryFormat.OsqueryShellJson or InventoryFormat.FleetHosts) => detected,

            // An empty {"hosts":[]} looks like Mackerel's; under osquery: it is an empty Fleet list.
            (InventoryKind.Osquery, InventoryFormat.MackerelHosts) => InventoryFormat.FleetHosts,
            (InventoryKind.Ansible, InventoryFormat.AnsibleFactsFile or InventoryFormat.AnsibleSetupOutput or InventoryFormat.AnsibleInventoryList) => detected,
            (InventoryKind.Probe, InventoryFormat.ProbeFile) => detected,

            // A CSV is whatever the user says is CSV; its header is checked by the reader.
            (InventoryKind.Csv, _) => InventoryFormat.Csv,
            _ => null,
        };
    }

    private static InventoryFormat? DetectJson(ReadOnlySpan<byte> json, bool complete)
    {
        var names = PropertyNames(json, complete, out var topLevelArray, out var firstString);
        bool Has(int depth, string name) => names.Contains((depth, name));
        bool Any(int depth, string[] keys) => keys.Any(k => Has(depth, k));

        if (topLevelArray)
        {
            // [ {host} ]: depth 2 holds the first element's keys.
            if (Any(2, MackerelHostKeys))
            {
                return InventoryFormat.MackerelHosts;
            }

            if (Any(2, OsqueryColumns))
            {
                return InventoryFormat.OsqueryShellJson;
            }

            // `mkr hosts` prints [] for an empty fleet.
            return names.Count == 0 && complete ? InventoryFormat.MackerelHosts : null;
        }

        if (Any(1, ResultsLogKeys) || (Has(1, "columns") && Has(1, "action")))
        {
            return InventoryFormat.OsqueryResultsLog;
        }

        if (Has(1, "_meta"))
        {
            return InventoryFormat.AnsibleInventoryList;
        }

        if (Has(1, "__payload__") || Has(1, "ansible_facts") || names.Any(n => n.Depth == 1 && n.Name.StartsWith("ansible_", StringComparison.Ordinal)))
        {
            return InventoryFormat.AnsibleFactsFile;
        }

        if (Has(1, "schema") && firstString?.StartsWith("vulntriage-probe/", StringComparison.Ordinal) == true)
        {
            return InventoryFormat.ProbeFile;
        }

        // A bare host object (one host of the API, unwrapped): the Mackerel reader says what it makes of it.
        if (Any(1, MackerelHostKeys))
        {
            return InventoryFormat.MackerelHosts;
        }

        if (Has(1, "hosts") || Has(1, "host"))
        {
            // {"hosts":[{host}]} puts the host's keys at depth 3, {"host":{...}} at depth 2.
            if (Any(3, MackerelHostKeys) || Any(2, MackerelHostKeys))
            {
                return InventoryFormat.MackerelHosts;
            }

            if (Any(3, FleetHostKeys) || Any(2, FleetHostKeys) || Any(3, OsqueryColumns) || Any(2, OsqueryColumns))
            {
                return InventoryFormat.FleetHosts;
            }

            // An empty list: Mackerel's, as before (osquery:/fleet: reads it as Fleet's).
            return names.All(n => n.Depth == 1) ? InventoryFormat.MackerelHosts : null;
        }

        return null;
    }

    /// <summary>(depth, name) of the property names in the prefix; stops at the end of the prefix or the first JSON error.</summary>
    private static HashSet<(int Depth, string Name)> PropertyNames(ReadOnlySpan<byte> json, bool complete, out bool topLevelArray, out string? firstString)
    {
        var names = new HashSet<(int, string)>();
        topLevelArray = json[0] == (byte)'[';
        firstString = null;
        var reader = new Utf8JsonReader(json, complete, new JsonReaderState(new JsonReaderOptions { MaxDepth = 64, AllowMultipleValues = true }));
        var lastProperty = "";
        try
        {
            while (reader.Read() && names.Count < 4096)
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    lastProperty = reader.GetString() ?? "";
                    names.Add((reader.CurrentDepth, lastProperty));
                }
                else if (reader.TokenType == JsonTokenType.String && reader.CurrentDepth == 1 && lastProperty == "schema" && firstString is null)
                {
                    firstString = reader.GetString();
                }
                else if (reader.CurrentDepth == 0 && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    // One top-level value is enough (a results log has one per line).
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // Detection works on what parsed; the reader reports the error with its location.
        }
        catch (InvalidOperationException)
        {
            // Not valid UTF-8 in a name: the reader reports it.
        }

        return names;
    }

    // The minimal and oneline callbacks: "<host> | SUCCESS => {" (also CHANGED, FAILED!, UNREACHABLE!).
    [GeneratedRegex(@"^\S[^\r\n|]* \| (SUCCESS|CHANGED|FAILED!|UNREACHABLE!) => \{", RegexOptions.Multiline | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex SetupHeaderRegex();
}
