namespace VulnTriage.Inventory.Sources;

/// <summary>The kinds of inventory <c>--inventory KIND:PATH</c> names.</summary>
public enum InventoryKind
{
    /// <summary><c>mkr hosts -v</c> output or a Mackerel API response (<c>mackerel:FILE</c>).</summary>
    Mackerel,

    /// <summary>The live Mackerel API (<c>mackerel</c> alone).</summary>
    MackerelApi,

    /// <summary>osquery results logs, <c>osqueryi --json</c> output, or a Fleet hosts export (<c>osquery:FILE</c>, <c>fleet:FILE</c>).</summary>
    Osquery,

    /// <summary>Ansible facts: a fact-cache or <c>--tree</c> directory, <c>ansible -m setup</c> output, <c>ansible-inventory --list</c> (<c>ansible:PATH</c>).</summary>
    Ansible,

    /// <summary>A CSV export with a header row (<c>csv:FILE</c>).</summary>
    Csv,

    /// <summary>A folder of <c>vulntriage probe</c> outputs, one file per host (<c>probe:DIR</c>).</summary>
    Probe,
}

/// <summary>The concrete format of an inventory, as named or as detected from its content.</summary>
public enum InventoryFormat
{
    /// <summary><c>mkr hosts -v</c> array, <c>{"hosts":[...]}</c> or <c>{"host":{...}}</c> from the Mackerel API.</summary>
    MackerelHosts,

    /// <summary>osqueryd results log (JSON Lines): event, snapshot or batch format.</summary>
    OsqueryResultsLog,

    /// <summary><c>osqueryi --json</c> output: one array of row objects, one host.</summary>
    OsqueryShellJson,

    /// <summary>Fleet's <c>GET /api/v1/fleet/hosts</c> (<c>{"hosts":[...]}</c>) or <c>GET /api/v1/fleet/hosts/{id}</c> (<c>{"host":{...}}</c>).</summary>
    FleetHosts,

    /// <summary>One host's Ansible facts: a jsonfile fact-cache file (old or <c>__payload__</c> format) or a <c>--tree</c> file.</summary>
    AnsibleFactsFile,

    /// <summary>A directory of per-host Ansible facts files (fact cache or <c>ansible -m setup --tree</c>).</summary>
    AnsibleFactsDirectory,

    /// <summary>What <c>ansible HOSTS -m setup</c> prints: <c>host | SUCCESS => {...}</c> per host.</summary>
    AnsibleSetupOutput,

    /// <summary><c>ansible-inventory --list</c>: groups, and <c>_meta.hostvars</c> (with cached facts when a cache is configured).</summary>
    AnsibleInventoryList,

    /// <summary>CSV with a header row.</summary>
    Csv,

    /// <summary>A directory of <c>vulntriage probe</c> documents.</summary>
    ProbeDirectory,

    /// <summary>One <c>vulntriage probe</c> document.</summary>
    ProbeFile,
}

/// <summary>One <c>--inventory</c> argument: an optional kind and a path (<c>-</c> for standard input).</summary>
/// <param name="Kind">The kind named before the colon, or <c>null</c> to detect it from the content.</param>
/// <param name="Path">File or directory path, or <c>-</c>; empty for the live Mackerel API.</param>
/// <param name="Argument">The argument as the user wrote it (e.g. <c>fleet:hosts.json</c>), when parsed from one.</param>
public sealed record InventorySpec(InventoryKind? Kind, string Path, string? Argument = null)
{
    /// <summary>The argument as the user wrote it, for diagnostics and the report.</summary>
    public string Display => Argument ?? Kind switch
    {
        InventoryKind.MackerelApi => "mackerel",
        null => Path,
        var k => KindName(k.Value) + ":" + Path,
    };

    /// <summary>
    /// Parses <c>KIND:PATH</c>, a bare path (kind detected), <c>-</c>, or <c>mackerel</c> (the live API). Only the known kind
    /// names count as a prefix, so a path that happens to contain a colon (<c>./a:b.json</c>) is a path.
    /// </summary>
    /// <returns>The spec, or <c>null</c> when a known kind has an empty path (<c>csv:</c>).</returns>
    public static InventorySpec? Parse(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (argument == "mackerel")
        {
            return new InventorySpec(InventoryKind.MackerelApi, "", argument);
        }

        var colon = argument.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && TryParseKind(argument[..colon], out var kind))
        {
            var path = argument[(colon + 1)..];
            return path.Length == 0 ? null : new InventorySpec(kind, path, argument);
        }

        return new InventorySpec(null, argument, argument);
    }

    /// <summary>The kind names accepted before the colon.</summary>
    public static IReadOnlyList<string> KindNames { get; } = ["mackerel", "osquery", "fleet", "ansible", "csv", "probe"];

    private static bool TryParseKind(string text, out InventoryKind kind)
    {
        (var ok, kind) = text switch
        {
            "mackerel" => (true, InventoryKind.Mackerel),
            "osquery" or "fleet" => (true, InventoryKind.Osquery),
            "ansible" => (true, InventoryKind.Ansible),
            "csv" => (true, InventoryKind.Csv),
            "probe" => (true, InventoryKind.Probe),
            _ => (false, default),
        };
        return ok;
    }

    /// <summary>The name of a kind as written before the colon.</summary>
    public static string KindName(InventoryKind kind) => kind switch
    {
        InventoryKind.Mackerel or InventoryKind.MackerelApi => "mackerel",
        InventoryKind.Osquery => "osquery",
        InventoryKind.Ansible => "ansible",
        InventoryKind.Csv => "csv",
        InventoryKind.Probe => "probe",
        _ => throw new System.Diagnostics.UnreachableException(),
    };
}
