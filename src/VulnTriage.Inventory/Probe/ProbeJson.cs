using System.Collections.Immutable;
using System.Text.Json;

namespace VulnTriage.Inventory.Probe;

/// <summary>
/// Writes a <see cref="ProbeResult"/> as the <c>vulntriage-probe/1</c> JSON document (docs/probe-format.md), the same
/// document <c>triage --facts DIR</c> reads, within Mackerel's host-metadata limit.
/// </summary>
public static class ProbeJson
{
    /// <summary>The schema id written in every document.</summary>
    public const string Schema = "vulntriage-probe/1";

    /// <summary>
    /// Largest document written, in bytes. Mackerel rejects host metadata over 100 KB per namespace; 100 000 stays
    /// under that whether a KB is 1000 or 1024 bytes.
    /// </summary>
    public const int MaxBytes = 100_000;

    /// <summary>Serializes <paramref name="probe"/>, halving the open-ended lists (and setting <c>truncated</c>) until it fits.</summary>
    /// <returns>UTF-8 JSON, at most <see cref="MaxBytes"/> bytes, ending with a newline.</returns>
    public static byte[] Write(ProbeResult probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var current = probe;
        while (true)
        {
            var bytes = Serialize(current);
            if (bytes.Length <= MaxBytes)
            {
                return bytes;
            }

            if (current.Vulnerabilities.IsEmpty && current.Problems.IsEmpty && current.Missing.IsEmpty && current.Notes.IsEmpty && current.Mei.IsEmpty)
            {
                // Cannot happen with the per-value caps of the probe; a bug if it does.
                throw new InvalidOperationException($"the probe document is {bytes.Length} bytes even without its lists");
            }

            current = current with
            {
                Vulnerabilities = Half(current.Vulnerabilities),
                Problems = Half(current.Problems),
                Missing = Half(current.Missing),
                Notes = Half(current.Notes),
                Mei = Half(current.Mei),
                Truncated = true,
            };
        }
    }

    private static ImmutableArray<T> Half<T>(ImmutableArray<T> items) => items.Length <= 1 ? [] : items[..(items.Length / 2)];

    private static byte[] Serialize(ProbeResult p)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteString("hostname", p.Hostname);
            w.WriteStartObject("kernel");
            w.WriteString("release", p.KernelRelease);
            w.WriteEndObject();

            if (p.Cpu is { } cpu)
            {
                w.WriteStartObject("cpu");
                w.WriteString("vendor_id", cpu.VendorId);
                w.WriteString("model_name", cpu.ModelName);
                WriteNumber(w, "family", cpu.Family);
                WriteNumber(w, "model", cpu.Model);
                WriteNumber(w, "stepping", cpu.Stepping);
                w.WriteString("microcode", cpu.Microcode);
                w.WriteNumber("logical_cpus", cpu.LogicalCpus);
                w.WriteNumber("sockets", cpu.Sockets);
                w.WriteBoolean("hypervisor_flag", cpu.HypervisorFlag);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("cpu");
            }

            if (p.Platform is { } dmi)
            {
                w.WriteStartObject("platform");
                w.WriteString("sys_vendor", dmi.SysVendor);
                w.WriteString("product_name", dmi.ProductName);
                w.WriteString("bios_vendor", dmi.BiosVendor);
                w.WriteString("bios_version", dmi.BiosVersion);
                w.WriteString("bios_date", dmi.BiosDate);
                w.WriteString("board_vendor", dmi.BoardVendor);
                w.WriteString("board_name", dmi.BoardName);
                w.WriteString("chassis_asset_tag", dmi.ChassisAssetTag);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("platform");
            }

            w.WriteStartArray("firmware");
            foreach (var f in p.Firmware)
            {
                w.WriteStartObject();
                w.WriteString("kind", f.Kind);
                w.WriteString("version", f.Version);
                w.WriteString("source", f.Source);
                w.WriteString("kind_reason", f.KindReason);
                w.WriteEndObject();
            }

            w.WriteEndArray();

            w.WriteStartArray("mei");
            foreach (var m in p.Mei)
            {
                w.WriteStartObject();
                w.WriteString("device", m.Name);
                w.WriteString("pci_device", m.PciDevice);
                w.WriteStartArray("fw_ver");
                foreach (var line in m.FwVer)
                {
                    w.WriteStringValue(line);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();

            w.WriteStartObject("virtualization");
            w.WriteBoolean("virtual", p.Virtualization.IsVirtual);
            w.WriteString("hypervisor", p.Virtualization.Hypervisor);
            WriteStrings(w, "evidence", p.Virtualization.Evidence);
            w.WriteEndObject();
            w.WriteString("cloud", p.Cloud);

            w.WriteStartObject("vulnerabilities");
            foreach (var (name, value) in p.Vulnerabilities)
            {
                w.WriteString(name, value);
            }

            w.WriteEndObject();

            WriteStrings(w, "notes", p.Notes);
            WriteStrings(w, "missing", p.Missing);
            w.WriteStartArray("problems");
            foreach (var problem in p.Problems)
            {
                w.WriteStartObject();
                w.WriteString("path", problem.Path);
                w.WriteString("message", problem.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteBoolean("truncated", p.Truncated);
            w.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, ImmutableArray<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }
}
