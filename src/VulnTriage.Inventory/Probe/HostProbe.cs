using System.Collections.Immutable;
using System.Globalization;
using VulnTriage.Core.Versions;
using VulnTriage.Inventory.Platform;

namespace VulnTriage.Inventory.Probe;

/// <summary>
/// Reads the facts a Linux host shows about its processor, platform, management-engine firmware and virtualization,
/// from files under a root directory (<c>/</c>, or a captured tree laid out like <c>/</c>). Reads files only: it never
/// runs a program, never writes, and never reads serial numbers or UUIDs.
/// </summary>
public static class HostProbe
{
    /// <summary>The note for an Intel host whose kernel shows no MEI device (SPS servers: the kernel does not bind mei_me).</summary>
    public const string NoMeiDeviceNote = "no MEI device: SPS servers hide the engine from Linux; read the SPS version from the BMC";

    /// <summary>The note for a virtual machine without an MEI device.</summary>
    public const string NoMeiVirtualNote = "no MEI device: a virtual machine has no management engine of its own; check the physical host that runs it";

    /// <summary>Azure marks every VM with this chassis asset tag (an on-premises Hyper-V guest does not have it).</summary>
    public const string AzureChassisAssetTag = DmiClassifier.AzureChassisAssetTag;

    internal const int MaxCpuinfoBytes = 16 << 20;
    internal const int MaxSmallFileBytes = 64 << 10;
    internal const int MaxValueChars = 256;
    internal const int MaxVulnerabilities = 64;
    internal const int MaxMeiDevices = 8;

    private const string CpuinfoPath = "/proc/cpuinfo";
    private const string DmiDirectory = "/sys/class/dmi/id";
    private const string MeiDirectory = "/sys/class/mei";
    private const string VulnerabilitiesDirectory = "/sys/devices/system/cpu/vulnerabilities";

    /// <summary>PCI device ids of TXE (Atom-class) engines: Bay Trail, Braswell/Cherry Trail, Broxton, Apollo Lake, Gemini Lake.</summary>
    private static readonly Dictionary<string, string> TxeDevices = new(StringComparer.OrdinalIgnoreCase)
    {
        ["0x0f18"] = "Bay Trail",
        ["0x2298"] = "Braswell/Cherry Trail",
        ["0x1a9a"] = "Broxton",
        ["0x5a9a"] = "Apollo Lake",
        ["0x319a"] = "Gemini Lake",
    };

    /// <summary>Probes the host whose filesystem is at <paramref name="root"/>.</summary>
    /// <param name="root">The root directory; <c>/</c> for this machine.</param>
    /// <returns>Everything read, with missing files and problems listed.</returns>
    public static ProbeResult Run(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var files = new ProbeFiles(root);
        var state = new State(files);

        var hostname = state.ReadLine("/proc/sys/kernel/hostname", recordMissing: false) ?? state.ReadLine("/etc/hostname", recordMissing: false);
        if (hostname is null && !files.Exists("/proc/sys/kernel/hostname") && !files.Exists("/etc/hostname"))
        {
            state.Missing.Add("/proc/sys/kernel/hostname");
            state.Missing.Add("/etc/hostname");
        }

        var kernel = state.ReadLine("/proc/sys/kernel/osrelease", recordMissing: true);
        var cpu = ReadCpu(state);
        var platform = ReadPlatform(state);
        var virtualization = DetectVirtualization(state, cpu, platform, out var cloud);
        var (firmware, mei) = ReadMei(state, cpu, virtualization, cloud);
        var vulnerabilities = ReadVulnerabilities(state);

        return new ProbeResult(
            hostname,
            kernel,
            cpu,
            platform,
            firmware,
            mei,
            vulnerabilities,
            virtualization,
            cloud,
            [.. state.Notes],
            [.. state.Missing],
            [.. state.Problems]);
    }

    private static ProbeCpu? ReadCpu(State state)
    {
        var outcome = state.Files.ReadText(CpuinfoPath, MaxCpuinfoBytes, out var text, out var problem);
        if (outcome == ReadOutcome.Missing)
        {
            state.Missing.Add(CpuinfoPath);
            return null;
        }

        if (outcome == ReadOutcome.Problem)
        {
            state.Problem(CpuinfoPath, problem!);
            return null;
        }

        var parsed = CpuinfoParser.Parse(text);
        foreach (var message in parsed.Problems)
        {
            state.Problem(CpuinfoPath, message);
        }

        return parsed.Cpu;
    }

    private static ProbePlatform? ReadPlatform(State state)
    {
        if (!state.Files.DirectoryExists(DmiDirectory))
        {
            state.Missing.Add(DmiDirectory);
            return null;
        }

        string? Field(string name) => state.ReadLine($"{DmiDirectory}/{name}", recordMissing: true);
        var platform = new ProbePlatform(
            Field("sys_vendor"),
            Field("product_name"),
            Field("bios_vendor"),
            Field("bios_version"),
            Field("bios_date"),
            Field("board_vendor"),
            Field("board_name"),
            state.ReadLine($"{DmiDirectory}/chassis_asset_tag", recordMissing: false));
        return platform is { SysVendor: null, ProductName: null, BiosVendor: null, BiosVersion: null, BiosDate: null, BoardVendor: null, BoardName: null, ChassisAssetTag: null }
            ? null
            : platform;
    }

    private static ProbeVirtualization DetectVirtualization(State state, ProbeCpu? cpu, ProbePlatform? platform, out string? cloud)
    {
        cloud = null;
        string? hypervisor = null;
        var evidence = new List<string>();
        if (cpu?.HypervisorFlag == true)
        {
            evidence.Add("/proc/cpuinfo flags: hypervisor");
        }

        if (state.Files.Exists("/sys/hypervisor/type") && state.ReadLine("/sys/hypervisor/type", recordMissing: false) is { Length: > 0 } type)
        {
            hypervisor = type.ToLowerInvariant();
            evidence.Add($"/sys/hypervisor/type: {type}");
        }

        var dmi = DmiClassifier.Classify(
            platform?.SysVendor,
            platform?.ProductName,
            platform?.BiosVendor,
            platform?.BiosVersion,
            platform?.ChassisAssetTag,
            $"{DmiDirectory}/sys_vendor",
            $"{DmiDirectory}/product_name",
            $"{DmiDirectory}/bios_vendor",
            $"{DmiDirectory}/bios_version",
            $"{DmiDirectory}/chassis_asset_tag");
        cloud = dmi.Cloud;
        var dmiHypervisor = dmi.Hypervisor;
        evidence.AddRange(dmi.Evidence);

        // EC2 bare-metal instances carry the Amazon EC2 DMI vendor too, without a hypervisor: that alone is not a VM.
        var flag = cpu?.HypervisorFlag == true;
        var isVirtual = flag || hypervisor is not null || (dmiHypervisor is not null && dmiHypervisor != "amazon-ec2");
        hypervisor ??= isVirtual ? dmiHypervisor : null;
        return evidence.Count == 0 ? ProbeVirtualization.None : new ProbeVirtualization(isVirtual, hypervisor, [.. evidence]);
    }

    private static (ImmutableArray<ProbeFirmware> Firmware, ImmutableArray<ProbeMeiDevice> Mei) ReadMei(State state, ProbeCpu? cpu, ProbeVirtualization virtualization, string? cloud)
    {
        var firmware = ImmutableArray.CreateBuilder<ProbeFirmware>();
        var devices = ImmutableArray.CreateBuilder<ProbeMeiDevice>();
        string[] names = [];
        if (!state.Files.DirectoryExists(MeiDirectory))
        {
            state.Missing.Add(MeiDirectory);
        }
        else
        {
            names = [.. state.Files.ListNames(MeiDirectory, out var error).Where(n => n.StartsWith("mei", StringComparison.Ordinal))];
            if (error is not null)
            {
                state.Problem(MeiDirectory, error);
            }
            else if (names.Length == 0)
            {
                state.Missing.Add(MeiDirectory + "/mei*");
            }
        }

        foreach (var name in names.Take(MaxMeiDevices))
        {
            var fwVerPath = $"{MeiDirectory}/{name}/fw_ver";
            var pci = state.ReadLine($"{MeiDirectory}/{name}/device/device", recordMissing: true)?.ToLowerInvariant();
            var outcome = state.Files.ReadText(fwVerPath, MaxSmallFileBytes, out var text, out var problem);
            if (outcome == ReadOutcome.Missing)
            {
                state.Missing.Add(fwVerPath);
                state.Notes.Add($"MEI device {name} has no fw_ver (kernel before 4.18, or the firmware did not answer): read the firmware version with Intel's detection tool or the vendor's inventory");
                devices.Add(new ProbeMeiDevice(name, pci, []));
                continue;
            }

            if (outcome == ReadOutcome.Problem)
            {
                state.Problem(fwVerPath, problem!);
                devices.Add(new ProbeMeiDevice(name, pci, []));
                continue;
            }

            var raw = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Take(MeiFirmwareVersionFile.MaxLines).Select(Cap).ToImmutableArray();
            devices.Add(new ProbeMeiDevice(name, pci, raw));
            var parsed = MeiFirmwareVersionFile.Parse(text);
            foreach (var error in parsed.Errors)
            {
                state.Problem(fwVerPath, error);
            }

            if (parsed.Running is not { } running)
            {
                state.Problem(fwVerPath, "the first line (the running firmware) is not platform:major.minor.hotfix.build; no firmware version recorded");
                continue;
            }

            var (kind, reason) = InferKind(running, pci);
            if (kind is null)
            {
                state.Problem(fwVerPath, $"firmware {running}: {reason}; no firmware fact recorded");
                state.Notes.Add($"MEI device {name} reports firmware {running.Version} but whether it is ME, SPS or TXE cannot be told: {reason}");
                continue;
            }

            var version = running.Version.ToString();
            if (!firmware.Any(f => f.Kind == kind && f.Version == version))
            {
                firmware.Add(new ProbeFirmware(kind, version, fwVerPath, reason));
            }
        }

        if (devices.Count == 0 && cloud is null)
        {
            if (virtualization.IsVirtual)
            {
                state.Notes.Add(NoMeiVirtualNote);
            }
            else if (cpu?.VendorId is null or "GenuineIntel")
            {
                state.Notes.Add(NoMeiDeviceNote);
            }
        }

        return (firmware.ToImmutable(), devices.ToImmutable());
    }

    /// <summary>
    /// Tells ME, SPS and TXE apart, or says why it cannot: a TXE PCI device id decides first; then the MKHI platform
    /// byte (non-zero is SPS, as Intel's detection tool reads it, for SPS majors up to 6); then the major (3 is TXE,
    /// 6 and later with platform 0 is ME/CSME). Anything else is left open rather than guessed.
    /// </summary>
    internal static (string? Kind, string Reason) InferKind(MeiFirmwareLine line, string? pciDevice)
    {
        if (pciDevice is not null && TxeDevices.TryGetValue(pciDevice, out var soc))
        {
            return ("txe", $"PCI device {pciDevice} is the {soc} TXE interface");
        }

        var major = line.Version.Major;
        if (line.Platform != 0)
        {
            return major <= 6
                ? ("sps", string.Create(CultureInfo.InvariantCulture, $"platform byte {line.Platform} is non-zero: SPS firmware (Intel's detection tool's rule)"))
                : (null, string.Create(CultureInfo.InvariantCulture, $"platform byte {line.Platform} says SPS but major {major} is an ME/CSME major"));
        }

        return major switch
        {
            3 => ("txe", "major 3 is TXE 3.x (Intel's detection tool's rule)"),
            >= 6 => ("me", string.Create(CultureInfo.InvariantCulture, $"major {major} with platform byte 0 is ME/CSME")),
            _ => (null, string.Create(CultureInfo.InvariantCulture, $"major {major} with platform byte 0 on PCI device {pciDevice ?? "(unknown)"} is not a known ME, SPS or TXE combination")),
        };
    }

    private static ImmutableArray<KeyValuePair<string, string>> ReadVulnerabilities(State state)
    {
        if (!state.Files.DirectoryExists(VulnerabilitiesDirectory))
        {
            state.Missing.Add(VulnerabilitiesDirectory);
            return [];
        }

        var names = state.Files.ListNames(VulnerabilitiesDirectory, out var error);
        if (error is not null)
        {
            state.Problem(VulnerabilitiesDirectory, error);
        }

        var result = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
        foreach (var name in names)
        {
            if (result.Count == MaxVulnerabilities)
            {
                state.Problem(VulnerabilitiesDirectory, $"more than {MaxVulnerabilities} entries; the rest are not listed");
                break;
            }

            if (state.ReadLine($"{VulnerabilitiesDirectory}/{name}", recordMissing: false) is { } value)
            {
                result.Add(new(Cap(name), value));
            }
        }

        return result.ToImmutable();
    }

    internal static string Cap(string value) => value.Length <= MaxValueChars ? value : value[..MaxValueChars] + "…";

    private sealed class State(ProbeFiles files)
    {
        public ProbeFiles Files { get; } = files;

        public List<string> Notes { get; } = [];

        public List<string> Missing { get; } = [];

        public List<ProbeProblem> Problems { get; } = [];

        public void Problem(string path, string message) => Problems.Add(new ProbeProblem(path, Cap(message)));

        /// <summary>The first line of a small text file, trimmed; <c>null</c> (recorded) when missing, unreadable or empty.</summary>
        public string? ReadLine(string path, bool recordMissing)
        {
            switch (Files.ReadText(path, MaxSmallFileBytes, out var text, out var problem))
            {
                case ReadOutcome.Missing:
                    if (recordMissing)
                    {
                        Missing.Add(path);
                    }

                    return null;
                case ReadOutcome.Problem:
                    Problem(path, problem!);
                    return null;
            }

            var end = text.IndexOf('\n', StringComparison.Ordinal);
            var line = (end < 0 ? text : text[..end]).Trim();
            if (line.Length > MaxValueChars)
            {
                Problem(path, $"the value is longer than {MaxValueChars} characters; it was cut");
                line = Cap(line);
            }

            return line.Length == 0 ? null : line;
        }
    }
}
