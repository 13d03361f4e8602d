using System.Collections.Immutable;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Json;
using VulnTriage.Inventory.Platform;

namespace VulnTriage.Inventory.Osquery;

/// <summary>
/// Reads Fleet's host export: <c>GET /api/v1/fleet/hosts</c> (<c>{"hosts":[...]}</c>, streamed host by host) or
/// <c>GET /api/v1/fleet/hosts/{id}</c> (<c>{"host":{...}}</c>). Fleet copies osquery's <c>system_info</c> columns under the
/// same names (<c>hostname</c>, <c>uuid</c>, <c>cpu_brand</c>, <c>hardware_vendor</c>, <c>hardware_model</c>); unknown keys
/// are ignored. <c>team_name</c> becomes the label <c>team</c>.
/// </summary>
/// <remarks>
/// Fleet's host record carries no cloud instance metadata, so an Azure VM (DMI "Microsoft Corporation"/"Virtual Machine")
/// cannot be told from an on-premises Hyper-V guest and is judged on its processor; EC2 and GCE are told by their DMI strings.
/// </remarks>
public static class FleetHostsReader
{
    /// <summary>Streams the hosts of a Fleet export.</summary>
    /// <param name="stream">The JSON (not disposed).</param>
    /// <param name="source">Name for diagnostics and evidence.</param>
    /// <param name="report">Receives warnings.</param>
    /// <returns>The hosts in document order.</returns>
    /// <exception cref="InputException">Invalid JSON or a host without a hostname, with its location.</exception>
    public static IEnumerable<InventoryEntry> Read(Stream stream, string source, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(report);
        return Iterate(stream, source);
    }

    private static IEnumerable<InventoryEntry> Iterate(Stream stream, string source)
    {
        var options = new JsonRecordOptions(false, ArrayProperties: ["hosts"], ObjectProperties: ["host"]);
        foreach (var record in JsonRecordStream.Read(stream, source, "a Fleet hosts export ({\"hosts\":[...]} or {\"host\":{...}})", options))
        {
            var h = record.Value;
            if (h.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                throw new InputException(new Diagnostic(DiagnosticCodes.InventoryWrongType, DiagnosticSeverity.Error, record.Location, "a Fleet host must be a JSON object"));
            }

            var where = OsqueryInventoryReader.Where(source, record.Location);
            var hostname = JsonFields.Text(h, "hostname")
                ?? throw new InputException(new Diagnostic(DiagnosticCodes.InventoryHostMissingIdentity, DiagnosticSeverity.Error, record.Location, "a Fleet host has no hostname"));
            var brand = JsonFields.Text(h, "cpu_brand");
            var logical = JsonFields.Int(h, "cpu_logical_cores") ?? 0;
            ProcessorFact[] processors = brand is null ? [] : [new ProcessorFact(null, brand, null, logical, 0, $"cpu_brand ({source})", "")];
            var vendor = Clean(JsonFields.Text(h, "hardware_vendor"));
            var model = Clean(JsonFields.Text(h, "hardware_model"));
            var dmi = DmiClassifier.Classify(vendor, model, null, null, null, "hardware_vendor", "hardware_model", "", "", "");
            var labels = JsonFields.Text(h, "team_name") is { } team
                ? ImmutableArray.Create(new HostLabel("team", team, $"Fleet team_name ({source})"))
                : [];
            var id = JsonFields.Text(h, "id");
            var keys = new[]
            {
                HostKey.TryCreate(HostKeyKind.Name, JsonFields.Text(h, "computer_name")),
                HostKey.TryCreate(HostKeyKind.MachineUuid, JsonFields.Text(h, "uuid")),
            };
            var host = new Host(
                id is null ? hostname : "fleet-" + id,
                hostname,
                JsonFields.Text(h, "display_name") is { } display && display != hostname ? display : null,
                HostStatus.Unknown,
                false,
                [],
                DmiClassifier.ToCloud(dmi, DmiClassifier.Ec2InstanceType(dmi, vendor, model), source),
                [.. processors],
                JsonFields.Text(h, "os_version") ?? JsonFields.Text(h, "platform"),
                processors.Length == 0 ? "Fleet has no cpu_brand for this host" : null,
                labels,
                HostProvenance.Of(where, keys));
            yield return new InventoryEntry(host, null);
        }
    }

    // Fleet writes "" for unknown values, osquery on Windows "-1".
    private static string? Clean(string? value) => value is null or "-1" ? null : value;
}
