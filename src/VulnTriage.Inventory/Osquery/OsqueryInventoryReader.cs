using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Json;
using VulnTriage.Inventory.Platform;

namespace VulnTriage.Inventory.Osquery;

/// <summary>
/// Reads hosts from osquery: an <c>osqueryd</c> results log (JSON Lines, one result per line, in the event, snapshot or
/// batch format, from any number of hosts) or <c>osqueryi --json</c> output (one array of rows, one host). Rows are
/// recognised by their columns, whatever the query was called: <c>system_info</c> (brand string, host name, UUID, DMI
/// vendor and model), <c>ec2_instance_metadata</c> and <c>azure_instance_metadata</c> (cloud and instance id),
/// <c>cpu_info</c> (brand and manufacturer, when there is no <c>system_info</c>) and <c>os_version</c>.
/// </summary>
/// <remarks>
/// <para>
/// Per host and query, the last snapshot wins and differential results are replayed (<c>removed</c>, then <c>added</c>),
/// in file order. Decorations — the <c>decorations</c> object, or top-level keys with <c>decorations_top_level</c> — become
/// the host's labels. The file is read forward once; only each host's current rows are kept, and the hosts come out at
/// the end in the order they were first seen.
/// </para>
/// <para>
/// osquery gives no CPUID family (Linux <c>cpu_subtype</c> is the model number alone; Windows writes <c>-1</c>, macOS a
/// name), so processors are identified from the brand string, as for Mackerel's Windows hosts. <c>intel_me_info</c> is not
/// read: it cannot tell ME from SPS or TXE and reports <c>0.0.0.0</c> on ME 11+ (osquery/osquery#4765); a wrong firmware
/// fact is worse than none.
/// </para>
/// </remarks>
public static class OsqueryInventoryReader
{
    private const string ResultsShape = "an osquery results log (one JSON object per line)";

    // Top-level keys of a result line that are not decorations (osquery/core/query.cpp, docs/wiki/deployment/logging.md).
    private static readonly HashSet<string> LogKeys = new(StringComparer.Ordinal)
    {
        "name", "hostIdentifier", "hostname", "calendarTime", "unixTime", "epoch", "counter", "numerics", "action", "columns", "snapshot",
        "diffResults", "decorations", "log_type",
    };

    // Decorations that identify the host (osquery's configuration docs decorate with `SELECT uuid AS host_uuid`): keys for
    // the merge, not labels for routing.
    private static readonly HashSet<string> IdentityDecorations = new(StringComparer.OrdinalIgnoreCase) { "host_uuid", "uuid", "hostname", "host_identifier" };

    /// <summary>Streams the hosts of an osqueryd results log.</summary>
    /// <param name="stream">The log, read forward once (not disposed).</param>
    /// <param name="source">Name for diagnostics and evidence, e.g. <c>osquery:results.log</c>.</param>
    /// <param name="report">Receives warnings (skipped lines).</param>
    /// <returns>The hosts in first-seen order, after the whole log was read.</returns>
    /// <exception cref="InputException">Invalid JSON or a result line without a host identifier, with its location.</exception>
    public static IEnumerable<InventoryEntry> ReadResultsLog(Stream stream, string source, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(report);
        return ReadResultsLogIterator(stream, source, report);
    }

    /// <summary>Reads <c>osqueryi --json</c> output: the rows of one host (its name from the <c>system_info</c> row).</summary>
    /// <param name="stream">The output (not disposed).</param>
    /// <param name="source">Name for diagnostics and evidence.</param>
    /// <param name="report">Receives warnings.</param>
    /// <returns>One host.</returns>
    /// <exception cref="InputException">Invalid JSON, or no row gives the host name.</exception>
    public static IEnumerable<InventoryEntry> ReadShellJson(Stream stream, string source, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(report);
        return ReadShellJsonIterator(stream, source);
    }

    private static IEnumerable<InventoryEntry> ReadResultsLogIterator(Stream stream, string source, Action<Diagnostic> report)
    {
        var hosts = new Dictionary<string, HostState>(StringComparer.Ordinal);
        var order = new List<HostState>();
        foreach (var record in JsonRecordStream.Read(stream, source, ResultsShape, new JsonRecordOptions(MultipleTopLevelValues: true)))
        {
            var line = record.Value;
            var hasRows = line.TryGetProperty("snapshot", out var snapshot) | line.TryGetProperty("diffResults", out var diff) | line.TryGetProperty("columns", out var columns);
            if (!hasRows)
            {
                report(new Diagnostic(InventoryDiagnosticCodes.RecordSkipped, DiagnosticSeverity.Warning, record.Location,
                    "line has no snapshot, diffResults or columns (not a query result); skipped"));
                continue;
            }

            var id = JsonFields.Text(line, "hostIdentifier") ?? JsonFields.Text(line, "hostname")
                ?? throw new InputException(new Diagnostic(DiagnosticCodes.InventoryHostMissingIdentity, DiagnosticSeverity.Error, record.Location,
                    "an osquery result line has no hostIdentifier"));
            if (!hosts.TryGetValue(id, out var host))
            {
                host = new HostState(id, record.Location);
                hosts.Add(id, host);
                order.Add(host);
            }

            ReadDecorations(line, host);
            var query = host.Query(JsonFields.Text(line, "name") ?? "");
            var at = record.Location;
            if (snapshot.ValueKind == JsonValueKind.Array)
            {
                query.Clear();
                foreach (var row in snapshot.EnumerateArray())
                {
                    query.Apply(row, add: true, at);
                }
            }
            else if (diff.ValueKind == JsonValueKind.Object)
            {
                if (diff.TryGetProperty("removed", out var removed) && removed.ValueKind == JsonValueKind.Array)
                {
                    foreach (var row in removed.EnumerateArray())
                    {
                        query.Apply(row, add: false, at);
                    }
                }

                if (diff.TryGetProperty("added", out var added) && added.ValueKind == JsonValueKind.Array)
                {
                    foreach (var row in added.EnumerateArray())
                    {
                        query.Apply(row, add: true, at);
                    }
                }
            }
            else if (columns.ValueKind == JsonValueKind.Object)
            {
                var action = JsonFields.Text(line, "action");
                if (action == "snapshot")
                {
                    query.Clear();
                }

                query.Apply(columns, add: action != "removed", at);
            }
        }

        foreach (var host in order)
        {
            yield return host.Build(source);
        }
    }

    private static IEnumerable<InventoryEntry> ReadShellJsonIterator(Stream stream, string source)
    {
        HostState? host = null;
        QueryState? query = null;
        SourceLocation? first = null;
        foreach (var record in JsonRecordStream.Read(stream, source, "osqueryi --json output (an array of rows)", new JsonRecordOptions(MultipleTopLevelValues: false)))
        {
            first ??= record.Location;
            host ??= new HostState("", record.Location);
            query ??= host.Query("");
            query.Apply(record.Value, add: true, record.Location);
        }

        if (host is null || host.HostName() is not { } name)
        {
            throw new InputException(new Diagnostic(DiagnosticCodes.InventoryHostMissingIdentity, DiagnosticSeverity.Error, first ?? new SourceLocation(source, 1, 1, 0),
                "osqueryi output has no system_info row with a hostname (run: osqueryi --json \"SELECT * FROM system_info\")"));
        }

        host.Identifier = name;
        yield return host.Build(source);
    }

    private static void ReadDecorations(JsonElement line, HostState host)
    {
        if (line.TryGetProperty("decorations", out var decorations) && decorations.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in decorations.EnumerateObject())
            {
                if (JsonFields.Text(p.Value) is { } value)
                {
                    host.Decorations[p.Name] = value;
                }
            }
        }

        // decorations_top_level=true puts them beside the log keys.
        foreach (var p in line.EnumerateObject())
        {
            if (!LogKeys.Contains(p.Name) && p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number && JsonFields.Text(p.Value) is { } value)
            {
                host.Decorations[p.Name] = value;
            }
        }
    }

    /// <summary>The tables the reader understands, told apart by their columns.</summary>
    private enum Table
    {
        SystemInfo,
        Ec2,
        Azure,
        CpuInfo,
        OsVersion,
    }

    /// <summary>
    /// The columns kept of one row of one table, in the order of the table's column list, and where it was read. A plain
    /// array: a results log keeps a row per host and table until the end, so rows must be small.
    /// </summary>
    private sealed record Row(string[] Columns, string?[] Values, SourceLocation At)
    {
        public string? this[string column]
        {
            get
            {
                var i = Array.IndexOf(Columns, column);
                return i >= 0 && Values[i] is { } v && v != "-1" ? v : null;
            }
        }

        public bool SameValues(Row other) => Values.AsSpan().SequenceEqual(other.Values);
    }

    /// <summary>The current rows of one scheduled query (or of one osqueryi run) for one host.</summary>
    private sealed class QueryState
    {
        private static readonly (Table Table, string[] Columns)[] Tables =
        [
            (Table.SystemInfo, ["hostname", "uuid", "cpu_brand", "cpu_logical_cores", "cpu_sockets", "hardware_vendor", "hardware_model", "computer_name", "local_hostname"]),
            (Table.Ec2, ["instance_id", "instance_type"]),
            (Table.Azure, ["vm_id", "vm_size"]),
            (Table.CpuInfo, ["model", "manufacturer", "logical_processors"]),
            (Table.OsVersion, ["name", "platform"]),
        ];

        public Dictionary<Table, Row> Rows { get; } = [];

        public void Clear() => Rows.Clear();

        public void Apply(JsonElement row, bool add, SourceLocation at)
        {
            if (row.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var (table, columns) in Tables)
            {
                if (!Is(table, row))
                {
                    continue;
                }

                var values = new string?[columns.Length];
                for (var i = 0; i < columns.Length; i++)
                {
                    values[i] = JsonFields.Text(row, columns[i]);
                }

                var read = new Row(columns, values, at);
                if (add)
                {
                    Rows[table] = read;
                }
                else if (Rows.TryGetValue(table, out var current) && current.SameValues(read))
                {
                    Rows.Remove(table);
                }
            }
        }

        private static bool Is(Table table, JsonElement row) => table switch
        {
            Table.SystemInfo => row.TryGetProperty("cpu_brand", out _),
            Table.Ec2 => row.TryGetProperty("instance_id", out _) && (row.TryGetProperty("instance_type", out _) || row.TryGetProperty("ami_id", out _)),
            Table.Azure => row.TryGetProperty("vm_id", out _),
            Table.CpuInfo => row.TryGetProperty("processor_type", out _) || row.TryGetProperty("socket_designation", out _),
            Table.OsVersion => row.TryGetProperty("platform_like", out _) || (row.TryGetProperty("major", out _) && row.TryGetProperty("minor", out _) && row.TryGetProperty("platform", out _)),
            _ => false,
        };
    }

    /// <summary>Everything read about one host identifier.</summary>
    private sealed class HostState(string identifier, SourceLocation first)
    {
        private readonly Dictionary<string, QueryState> _queries = new(StringComparer.Ordinal);

        public string Identifier { get; set; } = identifier;

        public SourceLocation First { get; } = first;

        public Dictionary<string, string> Decorations { get; } = new(StringComparer.Ordinal);

        public QueryState Query(string name)
        {
            if (!_queries.TryGetValue(name, out var query))
            {
                query = new QueryState();
                _queries.Add(name, query);
            }

            return query;
        }

        public string? HostName() => Find(Table.SystemInfo)?["hostname"];

        public InventoryEntry Build(string source)
        {
            var system = Find(Table.SystemInfo);
            var cpuInfo = Find(Table.CpuInfo);
            var ec2 = Find(Table.Ec2);
            var azure = Find(Table.Azure);
            var os = Find(Table.OsVersion);
            var name = system?["hostname"] ?? Identifier;
            var brand = system?["cpu_brand"] ?? cpuInfo?["model"];
            var brandAt = system?["cpu_brand"] is not null ? system : cpuInfo;

            ProcessorFact[] processors = brand is null
                ? []
                : [new ProcessorFact(
                    VendorFromManufacturer(cpuInfo?["manufacturer"]),
                    brand,
                    null,
                    Number(system?["cpu_logical_cores"]) ?? Number(cpuInfo?["logical_processors"]) ?? 0,
                    Number(system?["cpu_sockets"]) ?? 0,
                    $"{(brandAt == system ? "system_info.cpu_brand" : "cpu_info.model")} ({source})",
                    "")];
            var note = processors.Length > 0
                ? null
                : system is null && cpuInfo is null
                    ? "the osquery data has no system_info (or cpu_info) row for this host"
                    : "system_info.cpu_brand is empty (osquery reads the brand string from CPUID on x86 only)";

            var keys = new List<HostKey?>
            {
                Guid.TryParse(Identifier, CultureInfo.InvariantCulture, out _) ? HostKey.TryCreate(HostKeyKind.MachineUuid, Identifier) : HostKey.TryCreate(HostKeyKind.Name, Identifier),
                HostKey.TryCreate(HostKeyKind.Name, system?["computer_name"]),
                HostKey.TryCreate(HostKeyKind.Name, system?["local_hostname"]),
                HostKey.TryCreate(HostKeyKind.MachineUuid, system?["uuid"]),
                HostKey.TryCreate(HostKeyKind.MachineUuid, Decorations.GetValueOrDefault("host_uuid")),
                HostKey.TryCreate(HostKeyKind.InstanceId, ec2?["instance_id"]),
                HostKey.TryCreate(HostKeyKind.InstanceId, azure?["vm_id"]),
            };

            var labels = HostLabel.Sort(Decorations
                .Where(d => !IdentityDecorations.Contains(d.Key))
                .Select(d => new HostLabel(d.Key, d.Value, $"osquery decorations ({source})")));
            var host = new Host(
                Identifier,
                name,
                null,
                HostStatus.Unknown,
                false,
                [],
                Cloud(system, ec2, azure, source),
                [.. processors],
                os?["name"],
                note,
                labels,
                HostProvenance.Of(Where(source, First), keys));
            return new InventoryEntry(host, null);
        }

        private Row? Find(Table table)
        {
            foreach (var query in _queries.Values)
            {
                if (query.Rows.TryGetValue(table, out var row))
                {
                    return row;
                }
            }

            return null;
        }

        private static CloudInfo? Cloud(Row? system, Row? ec2, Row? azure, string source)
        {
            // The instance metadata tables answer only where the provider's metadata service does: the strongest sign.
            if (ec2 is not null)
            {
                return new CloudInfo(CloudProvider.Aws, "aws", ec2["instance_type"], $"ec2_instance_metadata ({source})");
            }

            if (azure is not null)
            {
                return new CloudInfo(CloudProvider.Azure, "azure", azure["vm_size"], $"azure_instance_metadata ({source})");
            }

            if (system is null)
            {
                return null;
            }

            var vendor = system["hardware_vendor"];
            var model = system["hardware_model"];
            var dmi = DmiClassifier.Classify(vendor, model, null, null, null, "system_info.hardware_vendor", "system_info.hardware_model", "", "", "");
            return DmiClassifier.ToCloud(dmi, DmiClassifier.Ec2InstanceType(dmi, vendor, model), source);
        }

        private static int? Number(string? text) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

        /// <summary>The CPUID vendor id for a manufacturer name (SMBIOS/WMI spell it out), or <c>null</c>.</summary>
        private static string? VendorFromManufacturer(string? manufacturer) => manufacturer switch
        {
            null => null,
            "GenuineIntel" or "AuthenticAMD" or "HygonGenuine" or "CentaurHauls" => manufacturer,
            _ when manufacturer.StartsWith("Intel", StringComparison.OrdinalIgnoreCase) => "GenuineIntel",
            _ when manufacturer.StartsWith("AMD", StringComparison.OrdinalIgnoreCase) || manufacturer.StartsWith("Advanced Micro Devices", StringComparison.OrdinalIgnoreCase) => "AuthenticAMD",
            _ => null,
        };
    }

    /// <summary><c>source:line</c>, the way evidence names where a fact was read.</summary>
    internal static string Where(string source, SourceLocation at) =>
        at.Line > 0 ? string.Create(CultureInfo.InvariantCulture, $"{source}:{at.Line}") : source;
}
