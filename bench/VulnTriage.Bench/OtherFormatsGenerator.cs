using System.Globalization;
using System.Text;
using System.Text.Json;

namespace VulnTriage.Bench;

/// <summary>
/// The benchmark fleet in the other inventory formats (issue 14): the same processor, cloud and service mix as
/// <see cref="InventoryGenerator"/> (70 % Linux, 5 % Windows, 5 % KVM guests, 15 % cloud…), written the way each tool
/// writes it — an osqueryd results log (one snapshot line per host and per cloud-metadata query), a Fleet
/// <c>{"hosts":[...]}</c> export, an ansible-core 2.19 fact cache (one <c>s1_&lt;host&gt;</c> file per host), a CMDB CSV, and a
/// folder of <c>vulntriage probe</c> documents, for the hosts of a generated <c>mkr hosts -v</c> file. Deterministic.
/// </summary>
internal static class OtherFormatsGenerator
{
    private const string AzureTag = "7783-7084-3265-9085-8269-3286-77";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Formats this generator writes.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["osquery", "fleet", "ansible", "csv", "probe"];

    private sealed record Spec(int Index, string Name, string Os, CpuModel Cpu, int Logical, string? Cloud, string? Type, string Service, string Role, string Status, bool Retired);

    /// <summary>Writes <paramref name="format"/> to <paramref name="path"/> (a file, or a directory for ansible and probe) for the hosts of <paramref name="mackerelFile"/>.</summary>
    /// <returns>Bytes written.</returns>
    public static long Write(string format, string path, string mackerelFile)
    {
        ArgumentNullException.ThrowIfNull(mackerelFile);
        var specs = Specs(mackerelFile);
        switch (format)
        {
            case "osquery":
                return WriteFile(path, w => { foreach (var s in specs) { Osquery(w, s); } });
            case "fleet":
                return WriteFile(path, w =>
                {
                    w.Write("{\"hosts\":[");
                    var first = true;
                    foreach (var s in specs)
                    {
                        if (!first)
                        {
                            w.Write(',');
                        }

                        first = false;
                        w.Write('\n');
                        Fleet(w, s);
                    }

                    w.Write("\n]}\n");
                });
            case "csv":
                return WriteFile(path, w =>
                {
                    w.Write("hostname,status,cpu_model,vendor_id,cpu_family,cpu_model_number,cpu_stepping,cloud,instance_type,service,role,label.team\n");
                    foreach (var s in specs)
                    {
                        var fms = s.Os == "windows" ? ",," : Invariant($"{s.Cpu.Family},{s.Cpu.Model},{s.Cpu.Stepping}");
                        var cloud = s.Cloud switch { "ec2" => "aws", "gce" => "gcp", "AzureVM" => "azure", _ => "on-prem" };
                        w.Write(Invariant($"{s.Name},{(s.Retired ? "retired" : s.Status)},\"{s.Cpu.Brand}\",{s.Cpu.Vendor},{fms},{cloud},{s.Type},{s.Service},{s.Role},{s.Service.ToLowerInvariant()}-team\n"));
                    }
                });
            case "ansible":
                return WriteDirectory(path, specs.Where(s => !s.Retired), s => "s1_" + s.Name, Ansible);
            case "probe":
                return WriteDirectory(path, specs.Where(s => !s.Retired && s.Os == "linux"), s => s.Name + ".json", Probe);
            default:
                throw new ArgumentException($"unknown format '{format}' (known: mackerel, {string.Join(", ", Formats)})");
        }
    }

    /// <summary>
    /// The hosts of a generated <c>mkr hosts -v</c> file, read back with the Mackerel reader, so every format describes
    /// the very same fleet (and a merged run joins them host by host).
    /// </summary>
    private static List<Spec> Specs(string mackerelFile)
    {
        var byBrand = InventoryGenerator.OnPrem.Append(InventoryGenerator.QemuSkylake).Concat(InventoryGenerator.Clouds.Select(c => c.Cpu))
            .GroupBy(c => c.Brand, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var specs = new List<Spec>();
        using var stream = File.OpenRead(mackerelFile);
        foreach (var host in VulnTriage.Inventory.Mackerel.MackerelInventoryReader.Read(stream, mackerelFile, _ => { }))
        {
            var p = host.Processors[0];
            var role = host.Roles.IsDefaultOrEmpty ? new VulnTriage.Core.Inventory.RoleRef("Infra", "ntp") : host.Roles[0];
            specs.Add(new Spec(
                specs.Count,
                host.Name,
                host.OsName == "Microsoft Windows" ? "windows" : "linux",
                byBrand[p.BrandString!],
                p.LogicalCpus,
                host.Cloud?.RawProvider,
                host.Cloud?.InstanceType,
                role.Service,
                role.Role,
                host.Status.ToString().ToLowerInvariant(),
                host.IsRetired));
        }

        return specs;
    }

    private static (string Vendor, string Model) Dmi(Spec s) => s.Cloud switch
    {
        "ec2" => ("Amazon EC2", s.Type!),
        "gce" => ("Google", "Google Compute Engine"),
        "AzureVM" => ("Microsoft Corporation", "Virtual Machine"),
        _ when s.Cpu.Brand.StartsWith("Intel Xeon Processor (", StringComparison.Ordinal) => ("QEMU", "Standard PC (Q35 + ICH9, 2009)"),
        _ => ("Supermicro", "Super Server"),
    };

    private static void Osquery(TextWriter w, Spec s)
    {
        var (vendor, model) = Dmi(s);
        var row = new Dictionary<string, object>
        {
            ["hostname"] = s.Name,
            ["uuid"] = Uuid(s.Index),
            ["cpu_type"] = "x86_64",
            ["cpu_subtype"] = s.Os == "windows" ? "-1" : s.Cpu.Model.ToString(CultureInfo.InvariantCulture),
            ["cpu_brand"] = s.Cpu.Brand,
            ["cpu_physical_cores"] = (s.Logical / 2).ToString(CultureInfo.InvariantCulture),
            ["cpu_logical_cores"] = s.Logical.ToString(CultureInfo.InvariantCulture),
            ["cpu_sockets"] = "1",
            ["cpu_microcode"] = "",
            ["physical_memory"] = "34359738368",
            ["hardware_vendor"] = vendor,
            ["hardware_model"] = model,
            ["hardware_version"] = "",
            ["hardware_serial"] = "",
            ["board_vendor"] = vendor,
            ["board_model"] = "",
            ["board_version"] = "",
            ["board_serial"] = "",
            ["computer_name"] = s.Name.Split('.')[0],
            ["local_hostname"] = s.Name,
        };
        Line(w, s, "pack_vulntriage_system_info", row);
        if (s.Cloud == "ec2")
        {
            Line(w, s, "pack_vulntriage_ec2", new Dictionary<string, object> { ["instance_id"] = Invariant($"i-{s.Index:x17}"), ["instance_type"] = s.Type!, ["ami_id"] = "ami-0123456789abcdef0" });
        }
        else if (s.Cloud == "AzureVM")
        {
            Line(w, s, "pack_vulntriage_azure", new Dictionary<string, object> { ["vm_id"] = InventoryGenerator.AzureVmId(s.Index), ["vm_size"] = s.Type! });
        }
    }

    private static void Line(TextWriter w, Spec s, string query, Dictionary<string, object> row)
    {
        var line = new Dictionary<string, object>
        {
            ["snapshot"] = new[] { row },
            ["action"] = "snapshot",
            ["name"] = query,
            ["hostIdentifier"] = s.Name,
            ["calendarTime"] = "Wed Jan  1 00:00:00 2025 UTC",
            ["unixTime"] = 1735689600,
            ["epoch"] = 0,
            ["counter"] = 0,
            ["numerics"] = false,
            ["decorations"] = new Dictionary<string, string> { ["host_uuid"] = Uuid(s.Index), ["team"] = s.Service.ToLowerInvariant() + "-team" },
        };
        w.Write(JsonSerializer.Serialize(line));
        w.Write('\n');
    }

    private static void Fleet(TextWriter w, Spec s)
    {
        var (vendor, model) = Dmi(s);
        var host = new Dictionary<string, object>
        {
            ["created_at"] = "2025-01-01T00:00:00Z",
            ["updated_at"] = "2025-01-01T01:00:00Z",
            ["id"] = s.Index + 1,
            ["detail_updated_at"] = "2025-01-01T01:00:00Z",
            ["seen_time"] = "2025-01-01T01:05:00Z",
            ["hostname"] = s.Name,
            ["uuid"] = Uuid(s.Index),
            ["platform"] = s.Os == "windows" ? "windows" : "ubuntu",
            ["osquery_version"] = "5.13.1",
            ["os_version"] = s.Os == "windows" ? "Microsoft Windows Server 2019 Standard" : "Ubuntu 22.04.3 LTS",
            ["platform_like"] = "debian",
            ["uptime"] = 8305000000000,
            ["memory"] = 34359738368,
            ["cpu_type"] = "x86_64",
            ["cpu_subtype"] = s.Cpu.Model.ToString(CultureInfo.InvariantCulture),
            ["cpu_brand"] = s.Cpu.Brand,
            ["cpu_physical_cores"] = s.Logical / 2,
            ["cpu_logical_cores"] = s.Logical,
            ["hardware_vendor"] = vendor,
            ["hardware_model"] = model,
            ["hardware_version"] = "",
            ["hardware_serial"] = "",
            ["computer_name"] = s.Name.Split('.')[0],
            ["display_name"] = s.Name.Split('.')[0],
            ["primary_ip"] = "10.0.0.1",
            ["team_id"] = 1,
            ["team_name"] = s.Service.ToLowerInvariant() + "-team",
            ["status"] = "online",
        };
        w.Write(JsonSerializer.Serialize(host));
    }

    private static void Ansible(TextWriter w, Spec s)
    {
        var (vendor, model) = Dmi(s);
        var processor = new List<string>(s.Logical * 3);
        for (var i = 0; i < s.Logical; i++)
        {
            processor.Add(i.ToString(CultureInfo.InvariantCulture));
            processor.Add(s.Cpu.Vendor);
            processor.Add(s.Cpu.Brand);
        }

        var facts = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["ansible_processor"] = processor,
            ["ansible_processor_count"] = 1,
            ["ansible_processor_vcpus"] = s.Logical,
            ["ansible_system_vendor"] = vendor,
            ["ansible_product_name"] = model,
            ["ansible_bios_vendor"] = vendor,
            ["ansible_bios_version"] = "1.0",
            ["ansible_product_uuid"] = Uuid(s.Index).ToLowerInvariant(),
            ["ansible_chassis_asset_tag"] = s.Cloud == "AzureVM" ? AzureTag : "NA",
            ["ansible_fqdn"] = s.Name,
            ["ansible_hostname"] = s.Name.Split('.')[0],
            ["ansible_system"] = s.Os == "windows" ? "Win32NT" : "Linux",
            ["gather_subset"] = new[] { "all" },
            ["module_setup"] = true,
        };
        w.Write(JsonSerializer.Serialize(new Dictionary<string, string> { ["__payload__"] = JsonSerializer.Serialize(facts) }));
    }

    private static void Probe(TextWriter w, Spec s)
    {
        var (vendor, model) = Dmi(s);
        var cloud = s.Cloud switch { "ec2" => "aws", "gce" => "gcp", "AzureVM" => "azure", _ => null };
        var doc = new Dictionary<string, object?>
        {
            ["schema"] = "vulntriage-probe/1",
            ["hostname"] = s.Name,
            ["kernel"] = new Dictionary<string, string> { ["release"] = "5.15.0-91-generic" },
            ["cpu"] = new Dictionary<string, object?>
            {
                ["vendor_id"] = s.Cpu.Vendor,
                ["model_name"] = s.Cpu.Brand,
                ["family"] = s.Cpu.Family,
                ["model"] = s.Cpu.Model,
                ["stepping"] = s.Cpu.Stepping,
                ["microcode"] = null,
                ["logical_cpus"] = s.Logical,
                ["sockets"] = 1,
                ["hypervisor_flag"] = cloud is not null,
            },
            ["platform"] = new Dictionary<string, string?> { ["sys_vendor"] = vendor, ["product_name"] = model, ["chassis_asset_tag"] = cloud == "azure" ? AzureTag : null },
            ["firmware"] = Array.Empty<object>(),
            ["mei"] = Array.Empty<object>(),
            ["virtualization"] = new Dictionary<string, object?> { ["virtual"] = cloud is not null, ["hypervisor"] = null, ["evidence"] = Array.Empty<string>() },
            ["cloud"] = cloud,
            ["vulnerabilities"] = new Dictionary<string, string>(),
            ["notes"] = Array.Empty<string>(),
            ["missing"] = Array.Empty<string>(),
            ["problems"] = Array.Empty<object>(),
            ["truncated"] = false,
        };
        w.Write(JsonSerializer.Serialize(doc, Indented));
        w.Write('\n');
    }

    private static long WriteFile(string path, Action<TextWriter> body)
    {
        using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16))
        {
            body(writer);
        }

        return new FileInfo(path).Length;
    }

    private static long WriteDirectory(string path, IEnumerable<Spec> specs, Func<Spec, string> fileName, Action<TextWriter, Spec> body)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
        long bytes = 0;
        foreach (var s in specs)
        {
            bytes += WriteFile(Path.Combine(path, fileName(s)), w => body(w, s));
        }

        return bytes;
    }

    private static string Uuid(int index) => Invariant($"4C4C4544-0000-4000-8000-{index:X12}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
