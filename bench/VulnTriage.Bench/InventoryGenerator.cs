using System.Globalization;
using System.Text.Json;

namespace VulnTriage.Bench;

/// <summary>Size and shape of a generated inventory.</summary>
/// <param name="Hosts">Number of hosts.</param>
/// <param name="LogicalCpus">Logical CPUs per host (one <c>meta.cpu</c> element each).</param>
/// <param name="Seed">Seed of the pseudo-random mix; the same settings give byte-identical files.</param>
/// <param name="Indent">Indent width; 0 (the default) writes compact JSON, 4 is what <c>mkr hosts -v</c> prints.</param>
internal sealed record GeneratorSettings(int Hosts, int LogicalCpus, int Seed, int Indent);

/// <summary>A processor as mackerel-agent reports it (values from samples/tools/make_samples.py).</summary>
internal sealed record CpuModel(
    string Vendor, string Brand, int Family, int Model, int Stepping, bool Smt, string CacheSize, string Mhz, int Weight);

/// <summary>
/// Streams a <c>mkr hosts -v</c>-style JSON array to a stream: mackerel-client-go struct field order,
/// map keys sorted (Go encoding/json), one <c>meta.cpu</c> element per logical CPU. Flushes after every
/// host, so memory stays flat whatever the host count. Every host has <c>meta.cpu</c>, because the jq
/// baseline (<c>.meta.cpu[].model_name</c>) aborts on the first host without it.
/// </summary>
internal static class InventoryGenerator
{
    // On-premises processors: the in-scope and out-of-scope parts of samples/README.md, weighted towards servers.
    internal static readonly CpuModel[] OnPrem =
    [
        new("GenuineIntel", "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", 6, 85, 4, true, "22528 KB", "3700", 10),
        new("GenuineIntel", "Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz", 6, 85, 4, true, "11264 KB", "3000", 8),
        new("GenuineIntel", "Intel(R) Xeon(R) CPU E3-1230 v5 @ 3.40GHz", 6, 94, 3, true, "8192 KB", "3800", 8),
        new("GenuineIntel", "Intel(R) Xeon(R) CPU E3-1240 v6 @ 3.70GHz", 6, 158, 9, true, "8192 KB", "4100", 5),
        new("GenuineIntel", "Intel(R) Xeon(R) W-2123 CPU @ 3.60GHz", 6, 85, 4, true, "8448 KB", "3900", 2),
        new("GenuineIntel", "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz", 6, 94, 3, true, "8192 KB", "4000", 4),
        new("GenuineIntel", "Intel(R) Core(TM) i5-7500 CPU @ 3.40GHz", 6, 158, 9, false, "6144 KB", "3800", 3),
        new("GenuineIntel", "Intel(R) Core(TM) i7-8550U CPU @ 1.80GHz", 6, 142, 10, true, "8192 KB", "4000", 2),
        new("GenuineIntel", "Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz", 6, 158, 10, true, "12288 KB", "4700", 2),
        new("GenuineIntel", "Intel(R) Atom(TM) CPU C3558 @ 2.20GHz", 6, 95, 1, false, "2048 KB", "2200", 2),
        new("GenuineIntel", "Intel(R) Celeron(R) CPU J3455 @ 1.50GHz", 6, 92, 9, false, "1024 KB", "2300", 2),
        new("GenuineIntel", "Intel(R) Pentium(R) CPU N4200 @ 1.10GHz", 6, 92, 9, false, "1024 KB", "2500", 1),
        new("GenuineIntel", "Intel(R) Atom(TM) Processor E3940 @ 1.60GHz", 6, 92, 10, false, "1024 KB", "1800", 1),
        new("GenuineIntel", "Intel(R) Xeon(R) CPU E3-1230 v3 @ 3.30GHz", 6, 60, 3, true, "8192 KB", "3700", 4),
        new("GenuineIntel", "Intel(R) Xeon(R) CPU E3-1220 V2 @ 3.10GHz", 6, 58, 9, false, "8192 KB", "3500", 2),
        new("GenuineIntel", "Intel(R) Xeon(R) CPU           W3670  @ 3.20GHz", 6, 44, 2, true, "12288 KB", "3201", 1),
        new("GenuineIntel", "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", 6, 79, 1, true, "35840 KB", "3300", 10),
        new("GenuineIntel", "Intel(R) Xeon(R) E-2124 CPU @ 3.30GHz", 6, 158, 10, false, "8192 KB", "4300", 3),
        new("GenuineIntel", "Intel(R) Core(TM) i7-8565U CPU @ 1.80GHz", 6, 142, 11, true, "8192 KB", "4600", 2),
        new("GenuineIntel", "Intel(R) Core(TM) i9-9900K CPU @ 3.60GHz", 6, 158, 12, true, "16384 KB", "5000", 2),
        new("GenuineIntel", "Intel(R) Celeron(R) CPU  J1900  @ 1.99GHz", 6, 55, 8, false, "1024 KB", "2415.7", 1),
        new("GenuineIntel", "Intel(R) Celeron(R) J4105 CPU @ 1.50GHz", 6, 122, 1, false, "4096 KB", "2500", 1),
        new("GenuineIntel", "Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz", 6, 60, 3, true, "8192 KB", "3900", 2),
        new("GenuineIntel", "Intel(R) Pentium(R) CPU G4560 @ 3.50GHz", 6, 158, 9, true, "3072 KB", "3500", 1),
        new("AuthenticAMD", "AMD EPYC 7502P 32-Core Processor", 23, 49, 0, true, "512 KB", "2500", 6),
        new("AuthenticAMD", "AMD Ryzen 7 3700X 8-Core Processor", 23, 113, 0, true, "512 KB", "3600", 1),
    ];

    internal static readonly CpuModel QemuSkylake =
        new("GenuineIntel", "Intel Xeon Processor (Skylake, IBRS)", 6, 85, 4, false, "16384 KB", "2095.078", 1);

    internal static readonly (string Provider, string Type, CpuModel Cpu)[] Clouds =
    [
        ("ec2", "m5.4xlarge", new("GenuineIntel", "Intel(R) Xeon(R) Platinum 8175M CPU @ 2.50GHz", 6, 85, 4, true, "33792 KB", "2499.998", 1)),
        ("ec2", "c6a.4xlarge", new("AuthenticAMD", "AMD EPYC 7R13 Processor", 25, 1, 1, true, "512 KB", "2649.998", 1)),
        ("gce", "n1-standard-16", new("GenuineIntel", "Intel(R) Xeon(R) CPU @ 2.20GHz", 6, 79, 0, true, "56320 KB", "2200.000", 1)),
        ("AzureVM", "Standard_D16s_v3", new("GenuineIntel", "Intel(R) Xeon(R) Platinum 8171M CPU @ 2.60GHz", 6, 85, 4, true, "36608 KB", "2095.191", 1)),
        ("AzureVM", "Standard_D16as_v5", new("AuthenticAMD", "AMD EPYC 7763 64-Core Processor", 25, 1, 1, true, "512 KB", "2445.405", 1)),
    ];

    internal static readonly (string Service, string[] Roles)[] Services =
    [
        ("Payments", ["db", "api", "batch"]),
        ("Shop", ["web", "batch", "cache"]),
        ("Corp-IT", ["fileserver", "ad", "workstation"]),
        ("Infra", ["bastion", "monitoring", "nas", "ntp"]),
        ("Factory", ["edge-gateway", "hmi"]),
        ("Analytics", ["etl", "worker"]),
    ];

    internal static readonly string[] Datacenters = ["dc1", "dc2", "dc3", "factory1", "factory2"];

    private static readonly string[] MemoryKeys =
    [
        "active", "anon_pages", "bounce", "buffers", "cached", "commit_limit", "committed_as", "dirty", "free",
        "inactive", "mapped", "nfs_unstable", "page_tables", "slab", "slab_reclaimable", "slab_unreclaim",
        "swap_cached", "swap_free", "swap_total", "total", "vmalloc_chunk", "vmalloc_total", "vmalloc_used", "writeback",
    ];

    private static readonly int TotalOnPremWeight = OnPrem.Sum(c => c.Weight);

    private enum Kind
    {
        Linux,
        LinuxOldAgent,
        Windows,
        KvmGuest,
        Cloud,
    }

    /// <summary>Writes the whole inventory to <paramref name="stream"/> (the stream is left open).</summary>
    public static void Write(Stream stream, GeneratorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(settings);
        var options = new JsonWriterOptions { Indented = settings.Indent > 0, SkipValidation = false };
        if (settings.Indent > 0)
        {
            options.IndentSize = settings.Indent;
        }

        // Seeded System.Random is deterministic for a given runtime: the benchmark file is reproducible.
#pragma warning disable CA5394 // Not security-relevant: a reproducible pseudo-random mix of test data.
        var random = new Random(settings.Seed);
        using var writer = new Utf8JsonWriter(stream, options);
        writer.WriteStartArray();
        for (var i = 0; i < settings.Hosts; i++)
        {
            WriteHost(writer, random, i, settings.LogicalCpus);
            writer.Flush();
        }

        writer.WriteEndArray();
        writer.Flush();
        stream.WriteByte((byte)'\n');
    }

    private static void WriteHost(Utf8JsonWriter w, Random random, int index, int logicalCpus)
    {
        var roll = random.Next(100);
        var kind = roll switch
        {
            < 70 => Kind.Linux,
            < 75 => Kind.LinuxOldAgent,
            < 80 => Kind.Windows,
            < 85 => Kind.KvmGuest,
            _ => Kind.Cloud,
        };
        var cloud = kind == Kind.Cloud ? Clouds[random.Next(Clouds.Length)] : default;
        var cpu = kind switch
        {
            Kind.Cloud => cloud.Cpu,
            Kind.KvmGuest => QemuSkylake,
            _ => PickOnPrem(random),
        };
        var (service, roles) = Services[random.Next(Services.Length)];
        var role = roles[random.Next(roles.Length)];
        var dc = Datacenters[random.Next(Datacenters.Length)];
        var name = kind switch
        {
            Kind.Cloud when cloud.Provider == "ec2" => Invariant($"ip-10-{index / 65536 % 256}-{index / 256 % 256}-{index % 256}.ap-northeast-1.compute.internal"),
            Kind.Windows => Invariant($"WIN-{role.ToUpperInvariant()}{index:D5}"),
            _ => Invariant($"{role}{index:D5}.{dc}.example.com"),
        };
        var statusRoll = random.Next(100);
        var status = statusRoll switch { < 90 => "working", < 95 => "standby", < 98 => "maintenance", _ => "poweroff" };
        var retired = random.Next(100) == 0;
        var createdAt = 1_420_070_400 + random.Next(300_000_000);
        var ip = Invariant($"10.{index / 65536 % 256}.{index / 256 % 256}.{index % 256}");
        var mac = Invariant($"3c:ec:ef:{index / 65536 % 256:x2}:{index / 256 % 256:x2}:{index % 256:x2}");

        w.WriteStartObject();
        w.WriteString("id", HostId(random));
        w.WriteString("name", name);
        if (kind == Kind.Cloud)
        {
            w.WriteString("customIdentifier", cloud.Provider switch
            {
                "ec2" => Invariant($"i-{index:x17}.ec2.amazonaws.com"),
                "gce" => Invariant($"{GceInstanceId(index)}.gce.cloud.google.com"),
                _ => Invariant($"{AzureVmId(index)}.virtual_machine.azure.microsoft.com"),
            });
        }

        w.WriteString("size", "standard");
        w.WriteString("status", status);
        w.WriteString("memo", "");
        w.WriteStartObject("roles");
        w.WriteStartArray(service);
        w.WriteStringValue(role);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteBoolean("isRetired", retired);
        w.WriteNumber("createdAt", createdAt);

        w.WriteStartObject("meta");
        var agent = kind == Kind.LinuxOldAgent ? ("0.44.2", "ab3a6e5") : ("0.85.0", "2ce60fc");
        w.WriteString("agent-revision", agent.Item2);
        w.WriteString("agent-version", agent.Item1);
        w.WriteString("agent-name", Invariant($"mackerel-agent/{agent.Item1} (Revision {agent.Item2})"));
        WriteBlockDevice(w, kind);
        WriteCpus(w, kind, cpu, logicalCpus, random);
        WriteFilesystem(w, kind);
        WriteKernel(w, kind);
        WriteMemory(w, kind, 16L << (random.Next(5) + 20));
        if (kind == Kind.Cloud)
        {
            WriteCloud(w, cloud.Provider, cloud.Type, index, ip, name);
        }

        w.WriteEndObject();

        w.WriteStartArray("interfaces");
        w.WriteStartObject();
        w.WriteString("name", kind == Kind.Windows ? "Intel(R) Ethernet Connection I219-LM" : "eno1");
        w.WriteString("ipAddress", ip);
        w.WriteStartArray("ipv4Addresses");
        w.WriteStringValue(ip);
        w.WriteEndArray();
        w.WriteString("macAddress", mac);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    internal static CpuModel PickOnPrem(Random random)
    {
        var ticket = random.Next(TotalOnPremWeight);
        foreach (var cpu in OnPrem)
        {
            if (ticket < cpu.Weight)
            {
                return cpu;
            }

            ticket -= cpu.Weight;
        }

        return OnPrem[^1];
    }

    private static void WriteCpus(Utf8JsonWriter w, Kind kind, CpuModel cpu, int logicalCpus, Random random)
    {
        w.WriteStartArray("cpu");
        if (kind == Kind.Windows)
        {
            // Windows reports the registry ~MHz DWORD as a JSON number.
            var mhz = (int)double.Parse(cpu.Mhz, CultureInfo.InvariantCulture);
            for (var i = 0; i < logicalCpus; i++)
            {
                w.WriteStartObject();
                w.WriteNumber("mhz", mhz);
                w.WriteNumber("model", 9);
                w.WriteString("model_name", cpu.Brand);
                w.WriteString("vendor_id", cpu.Vendor);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            return;
        }

        var threads = cpu.Smt ? 2 : 1;
        var sockets = kind is Kind.Linux or Kind.LinuxOldAgent && cpu.Family == 6 && cpu.Model is 85 or 79 && logicalCpus % (2 * threads) == 0 ? 2 : 1;
        var coresPerSocket = Math.Max(1, logicalCpus / (threads * sockets));
        var family = cpu.Family.ToString(CultureInfo.InvariantCulture);
        var model = cpu.Model.ToString(CultureInfo.InvariantCulture);
        var stepping = cpu.Stepping.ToString(CultureInfo.InvariantCulture);
        var cores = kind == Kind.LinuxOldAgent ? coresPerSocket.ToString(CultureInfo.InvariantCulture) : "1";
        for (var i = 0; i < logicalCpus; i++)
        {
            var socket = i / coresPerSocket % sockets;
            var core = i % coresPerSocket;
            var mhz = kind switch
            {
                Kind.LinuxOldAgent => random.Next(4) == 0 ? "3201.000" : "1596.000",
                _ => cpu.Mhz,
            };
            w.WriteStartObject();
            w.WriteString("cache_size", cpu.CacheSize);
            w.WriteString("core_id", core.ToString(CultureInfo.InvariantCulture));
            w.WriteString("cores", cores);
            w.WriteString("family", family);
            w.WriteString("mhz", mhz);
            w.WriteString("model", model);
            w.WriteString("model_name", cpu.Brand);
            w.WriteString("physical_id", socket.ToString(CultureInfo.InvariantCulture));
            w.WriteString("stepping", stepping);
            w.WriteString("vendor_id", cpu.Vendor);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteBlockDevice(Utf8JsonWriter w, Kind kind)
    {
        w.WriteStartObject("block_device");
        if (kind == Kind.Windows)
        {
            w.WriteStartObject("C");
            w.WriteBoolean("removable", false);
            w.WriteNumber("size", 62_914_560_000L);
            w.WriteEndObject();
        }
        else
        {
            w.WriteStartObject(kind == Kind.KvmGuest ? "vda" : "sda");
            if (kind != Kind.KvmGuest)
            {
                w.WriteString("model", kind == Kind.Cloud ? "Amazon Elastic Block Store" : "PERC H330 Mini");
            }

            w.WriteString("removable", "0");
            w.WriteString("size", "936640512");
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteFilesystem(Utf8JsonWriter w, Kind kind)
    {
        w.WriteStartObject("filesystem");
        w.WriteStartObject(kind == Kind.Windows ? "C:" : "/dev/sda2");
        if (kind == Kind.Windows)
        {
            w.WriteString("fs_type", "ntfs");
        }

        w.WriteNumber("kb_available", 41_234_568);
        w.WriteNumber("kb_size", 52_403_200);
        w.WriteNumber("kb_used", 11_168_632);
        if (kind == Kind.Windows)
        {
            w.WriteString("label", "\\Device\\HarddiskVolume2");
        }

        w.WriteString("mount", kind == Kind.Windows ? "C:" : "/");
        w.WriteString("percent_used", "22%");
        if (kind == Kind.Windows)
        {
            w.WriteString("volume_name", "");
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteKernel(Utf8JsonWriter w, Kind kind)
    {
        w.WriteStartObject("kernel");
        if (kind == Kind.Windows)
        {
            w.WriteString("machine", "amd64");
            w.WriteString("name", "Microsoft Windows");
            w.WriteString("os", "Microsoft Windows Server 2019 Standard");
            w.WriteString("release", "");
            w.WriteString("version", "10.0.17763");
        }
        else
        {
            w.WriteString("machine", "x86_64");
            w.WriteString("name", "Linux");
            w.WriteString("os", "GNU/Linux");
            w.WriteString("platform_name", "Red Hat Enterprise Linux");
            w.WriteString("platform_version", "8.9");
            w.WriteString("release", "4.18.0-513.5.1.el8_9.x86_64");
            w.WriteString("version", "#1 SMP Fri Sep 29 05:21:10 EDT 2023");
        }

        w.WriteEndObject();
    }

    private static void WriteMemory(Utf8JsonWriter w, Kind kind, long totalKb)
    {
        w.WriteStartObject("memory");
        if (kind == Kind.Windows)
        {
            w.WriteString("free", Invariant($"{totalKb / 3}kb"));
            w.WriteString("total", Invariant($"{totalKb}kb"));
        }
        else
        {
            for (var i = 0; i < MemoryKeys.Length; i++)
            {
                var value = MemoryKeys[i] switch
                {
                    "total" => totalKb,
                    "vmalloc_total" => 34_359_738_367L,
                    "bounce" or "nfs_unstable" or "writeback" or "vmalloc_used" or "vmalloc_chunk" or "swap_cached" => 0L,
                    _ => totalKb / (i + 3),
                };
                w.WriteString(MemoryKeys[i], Invariant($"{value}kB"));
            }
        }

        w.WriteEndObject();
    }

    private static void WriteCloud(Utf8JsonWriter w, string provider, string type, int index, string ip, string name)
    {
        w.WriteStartObject("cloud");
        w.WriteString("provider", provider);
        w.WriteStartObject("metadata");
        switch (provider)
        {
            case "ec2":
                w.WriteString("ami-id", "ami-0123456789abcdef0");
                w.WriteString("hostname", name);
                w.WriteString("instance-id", Invariant($"i-{index:x17}"));
                w.WriteString("instance-type", type);
                w.WriteString("local-hostname", name);
                w.WriteString("local-ipv4", ip);
                w.WriteString("placement/availability-zone", "ap-northeast-1a");
                w.WriteString("public-hostname", "");
                w.WriteString("public-ipv4", "");
                w.WriteString("reservation-id", Invariant($"r-{index:x17}"));
                w.WriteString("security-groups", "default\nweb-sg");
                break;
            case "gce":
                w.WriteString("hostname", name);
                w.WriteString("instance-id", GceInstanceId(index));
                w.WriteString("instance-type", type);
                w.WriteString("projectId", "example-shop");
                w.WriteString("zone", "asia-northeast1-b");
                break;
            default:
                w.WriteString("imageReferenceOffer", "0001-com-ubuntu-server-jammy");
                w.WriteString("imageReferencePublisher", "canonical");
                w.WriteString("imageReferenceSku", "22_04-lts-gen2");
                w.WriteString("location", "japaneast");
                w.WriteString("osSystemType", "Linux");
                w.WriteString("privateIpAddress", ip);
                w.WriteString("virtualMachineSizeType", type);
                w.WriteString("vmID", AzureVmId(index));
                break;
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string HostId(Random random)
    {
        const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return string.Create(11, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[r.Next(Alphabet.Length)];
            }
        });
    }
#pragma warning restore CA5394

    internal static string GceInstanceId(int index) => Invariant($"{4_815_162_342_000_000_000L + index}");

    internal static string AzureVmId(int index) => Invariant($"8b0e4f8e-3c1a-4c6e-9f0e-{index:x12}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
