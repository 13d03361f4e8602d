using System.Text.Json;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Facts;
using VulnTriage.Inventory.Json;
using VulnTriage.Inventory.Sources;

namespace VulnTriage.Inventory.Probe;

/// <summary>
/// A folder of <c>vulntriage probe</c> outputs (<c>vulntriage-probe/1</c>, one file per host, <c>*.json</c>) as an
/// inventory: each file gives a host — its <c>hostname</c>, <c>cpu</c> and <c>cloud</c>, turned into a <see cref="Host"/> by the
/// very code <c>check</c> uses — and its facts (firmware, notes, platform, and whatever else the <c>--facts</c> parser
/// reads), parsed by <see cref="FactsFileParser"/>, so a probe file says the same in <c>triage --facts</c>, in <c>check</c>
/// and here. A file that is not a probe document, or whose facts do not parse, stops the run (exit 3).
/// </summary>
public static class ProbeDirectoryReader
{
    /// <summary>Reads every <c>*.json</c> file directly in <paramref name="directory"/>, in name order.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="report">Receives infos (e.g. an unknown schema version).</param>
    /// <returns>One host per file.</returns>
    public static IEnumerable<InventoryEntry> ReadDirectory(string directory, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(report);
        return Iterate(directory, report);
    }

    /// <summary>Reads one probe document.</summary>
    /// <param name="bytes">The document.</param>
    /// <param name="path">Its path, for diagnostics and evidence.</param>
    /// <param name="report">Receives infos.</param>
    /// <param name="inventory">The folder (or file) given as the inventory, named in the evidence; default: <paramref name="path"/>.</param>
    /// <returns>The host and its facts.</returns>
    public static InventoryEntry ReadFile(byte[] bytes, string path, Action<Diagnostic> report, string? inventory = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(report);

        // The facts parser reports bad JSON and bad firmware with their locations; it runs first.
        var facts = FactsFileParser.Parse(bytes, path, report);
        var bom = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        using var document = JsonDocument.Parse(bytes.AsMemory(bom), new JsonDocumentOptions { MaxDepth = 64 });
        var root = document.RootElement;
        if (JsonFields.Text(root, "schema") is not { } schema || !schema.StartsWith("vulntriage-probe/", StringComparison.Ordinal))
        {
            throw new InputException(new Diagnostic(InventoryDiagnosticCodes.UnknownFormat, DiagnosticSeverity.Error, new SourceLocation(path, 1, 1),
                "not a vulntriage probe document (no \"schema\": \"vulntriage-probe/1\"); a probe folder holds `vulntriage probe` outputs"));
        }

        var probe = ToProbe(root);
        var host = ProbeToHost.ToHost(probe);
        var stem = Path.GetFileNameWithoutExtension(path);
        var name = probe.Hostname ?? stem;
        var where = inventory ?? path;
        host = host with
        {
            Id = name,
            Name = name,

            // A probe says what a host looked like when it ran, not whether it is in service now.
            Status = HostStatus.Unknown,
            Processors = [.. host.Processors.Select(p => p with { Source = $"cpu ({where})", SignatureSource = $"cpu family/model/stepping ({where})" })],
            Cloud = host.Cloud is { } cloud ? cloud with { Evidence = $"{cloud.Evidence} ({where})" } : null,
            Provenance = HostProvenance.Of(path, [HostKey.TryCreate(HostKeyKind.Name, stem == name ? null : stem)]),
        };
        return new InventoryEntry(host, facts);
    }

    private static IEnumerable<InventoryEntry> Iterate(string directory, Action<Diagnostic> report)
    {
        foreach (var path in InventoryFiles.ListFiles(directory))
        {
            if (!path.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }

            yield return ReadFile(InventoryFiles.ReadAll(path), path, report, directory);
        }
    }

    /// <summary>The parts of the document that make the host (the facts parser reads the rest).</summary>
    private static ProbeResult ToProbe(JsonElement root)
    {
        ProbeCpu? cpu = null;
        if (root.TryGetProperty("cpu", out var c) && c.ValueKind == JsonValueKind.Object)
        {
            cpu = new ProbeCpu(
                JsonFields.Text(c, "vendor_id"),
                JsonFields.Text(c, "model_name"),
                JsonFields.Int(c, "family"),
                JsonFields.Int(c, "model"),
                JsonFields.Int(c, "stepping"),
                JsonFields.Text(c, "microcode"),
                JsonFields.Int(c, "logical_cpus") ?? 0,
                JsonFields.Int(c, "sockets") ?? 0,
                c.TryGetProperty("hypervisor_flag", out var flag) && flag.ValueKind == JsonValueKind.True);
        }

        ProbePlatform? platform = null;
        if (root.TryGetProperty("platform", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            platform = new ProbePlatform(
                JsonFields.Text(p, "sys_vendor"),
                JsonFields.Text(p, "product_name"),
                JsonFields.Text(p, "bios_vendor"),
                JsonFields.Text(p, "bios_version"),
                JsonFields.Text(p, "bios_date"),
                JsonFields.Text(p, "board_vendor"),
                JsonFields.Text(p, "board_name"),
                JsonFields.Text(p, "chassis_asset_tag"));
        }

        var evidence = new List<string>();
        var isVirtual = false;
        string? hypervisor = null;
        if (root.TryGetProperty("virtualization", out var v) && v.ValueKind == JsonValueKind.Object)
        {
            isVirtual = v.TryGetProperty("virtual", out var virt) && virt.ValueKind == JsonValueKind.True;
            hypervisor = JsonFields.Text(v, "hypervisor");
            if (v.TryGetProperty("evidence", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                evidence.AddRange(list.EnumerateArray().Select(JsonFields.Text).OfType<string>());
            }
        }

        return new ProbeResult(
            JsonFields.Text(root, "hostname"),
            null,
            cpu,
            platform,
            [],
            [],
            [],
            new ProbeVirtualization(isVirtual, hypervisor, [.. evidence]),
            JsonFields.Text(root, "cloud"),
            [],
            [],
            []);
    }
}
