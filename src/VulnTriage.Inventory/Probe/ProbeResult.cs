using System.Collections.Immutable;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Inventory.Probe;

/// <summary>
/// What <see cref="HostProbe"/> read on one host (schema <c>vulntriage-probe/1</c>, docs/probe-format.md). Every value
/// is what a file said, never a guess: a file that is absent is listed in <see cref="Missing"/>, a file that could not
/// be read or parsed in <see cref="Problems"/>.
/// </summary>
/// <param name="Hostname">From <c>/proc/sys/kernel/hostname</c>, else <c>/etc/hostname</c>.</param>
/// <param name="KernelRelease">From <c>/proc/sys/kernel/osrelease</c>.</param>
/// <param name="Cpu">From <c>/proc/cpuinfo</c>, or <c>null</c> when it gave nothing usable.</param>
/// <param name="Platform">From <c>/sys/class/dmi/id</c> (never the serial numbers), or <c>null</c> when no field was read.</param>
/// <param name="Firmware">The running firmware of each MEI device whose kind could be told.</param>
/// <param name="Mei">Every MEI device seen, with its PCI device id and raw <c>fw_ver</c> lines.</param>
/// <param name="Vulnerabilities">The kernel's own verdicts, file name → first line, sorted by name.</param>
/// <param name="Virtualization">Whether the host is a virtual machine and why.</param>
/// <param name="Cloud"><c>aws</c>, <c>gcp</c> or <c>azure</c> when DMI says so; otherwise <c>null</c>.</param>
/// <param name="Notes">Statements for the reader and the evaluator (e.g. no MEI device on a server).</param>
/// <param name="Missing">Absolute paths (as on the host) of expected files that do not exist.</param>
/// <param name="Problems">Files that exist but could not be read or parsed, with the reason.</param>
/// <param name="Truncated">Whether lists were shortened to keep the document within <see cref="ProbeJson.MaxBytes"/>.</param>
public sealed record ProbeResult(
    string? Hostname,
    string? KernelRelease,
    ProbeCpu? Cpu,
    ProbePlatform? Platform,
    ImmutableArray<ProbeFirmware> Firmware,
    ImmutableArray<ProbeMeiDevice> Mei,
    ImmutableArray<KeyValuePair<string, string>> Vulnerabilities,
    ProbeVirtualization Virtualization,
    string? Cloud,
    ImmutableArray<string> Notes,
    ImmutableArray<string> Missing,
    ImmutableArray<ProbeProblem> Problems,
    bool Truncated = false)
{
    /// <summary>Whether any fact at all was read (false only when the root is empty or wholly unreadable).</summary>
    public bool ReadAnything =>
        Hostname is not null || KernelRelease is not null || Cpu is not null || Platform is not null
        || !Mei.IsDefaultOrEmpty || !Vulnerabilities.IsDefaultOrEmpty;
}

/// <summary>The processor as <c>/proc/cpuinfo</c> shows it (first logical CPU; counts over all of them).</summary>
/// <param name="VendorId"><c>vendor_id</c>, e.g. <c>GenuineIntel</c>.</param>
/// <param name="ModelName"><c>model name</c> (the brand string), trimmed.</param>
/// <param name="Family"><c>cpu family</c> (decimal).</param>
/// <param name="Model"><c>model</c> (decimal).</param>
/// <param name="Stepping"><c>stepping</c>.</param>
/// <param name="Microcode"><c>microcode</c> revision as printed, e.g. <c>0xde</c>.</param>
/// <param name="LogicalCpus">Number of <c>processor</c> entries.</param>
/// <param name="Sockets">Distinct <c>physical id</c> values; 0 when the file has none (e.g. many VMs).</param>
/// <param name="HypervisorFlag">Whether the <c>flags</c> line has <c>hypervisor</c> (CPUID.1:ECX[31]).</param>
public sealed record ProbeCpu(
    string? VendorId,
    string? ModelName,
    int? Family,
    int? Model,
    int? Stepping,
    string? Microcode,
    int LogicalCpus,
    int Sockets,
    bool HypervisorFlag)
{
    /// <summary>The CPUID signature, when family and model were read.</summary>
    public CpuSignature? Signature => Family is { } f && Model is { } m ? new CpuSignature(f, m, Stepping) : null;
}

/// <summary>DMI fields read from <c>/sys/class/dmi/id</c> (world-readable ones only; serials and UUIDs are never read).</summary>
/// <param name="SysVendor"><c>sys_vendor</c>.</param>
/// <param name="ProductName"><c>product_name</c>.</param>
/// <param name="BiosVendor"><c>bios_vendor</c>.</param>
/// <param name="BiosVersion"><c>bios_version</c>.</param>
/// <param name="BiosDate"><c>bios_date</c>.</param>
/// <param name="BoardVendor"><c>board_vendor</c>.</param>
/// <param name="BoardName"><c>board_name</c>.</param>
/// <param name="ChassisAssetTag"><c>chassis_asset_tag</c> (Azure marks its VMs with a fixed tag).</param>
public sealed record ProbePlatform(
    string? SysVendor,
    string? ProductName,
    string? BiosVendor,
    string? BiosVersion,
    string? BiosDate,
    string? BoardVendor,
    string? BoardName,
    string? ChassisAssetTag)
{
    /// <summary>The Core platform record.</summary>
    public PlatformInfo ToPlatformInfo() => new(SysVendor, ProductName, BiosVendor, BiosVersion, BiosDate, BoardVendor, BoardName);
}

/// <summary>One firmware fact: the running firmware of one MEI device.</summary>
/// <param name="Kind"><c>me</c>, <c>sps</c> or <c>txe</c>.</param>
/// <param name="Version"><c>major.minor.hotfix.build</c>.</param>
/// <param name="Source">The file it was read from, e.g. <c>/sys/class/mei/mei0/fw_ver</c>.</param>
/// <param name="KindReason">How the kind was told (device id or version major).</param>
public sealed record ProbeFirmware(string Kind, string Version, string Source, string KindReason);

/// <summary>One MEI device under <c>/sys/class/mei</c>.</summary>
/// <param name="Name">e.g. <c>mei0</c>.</param>
/// <param name="PciDevice">PCI device id from <c>device/device</c>, e.g. <c>0x5a9a</c>, when read.</param>
/// <param name="FwVer">The <c>fw_ver</c> lines as read (at most three), empty when the file is missing.</param>
public sealed record ProbeMeiDevice(string Name, string? PciDevice, ImmutableArray<string> FwVer);

/// <summary>Whether the host is virtual, which hypervisor, and the evidence.</summary>
/// <param name="IsVirtual">Any evidence of a hypervisor.</param>
/// <param name="Hypervisor">e.g. <c>kvm</c>, <c>xen</c>, <c>vmware</c>, <c>hyperv</c>, <c>amazon-ec2</c>, when told.</param>
/// <param name="Evidence">What said so, e.g. <c>/proc/cpuinfo flags: hypervisor</c>.</param>
public sealed record ProbeVirtualization(bool IsVirtual, string? Hypervisor, ImmutableArray<string> Evidence)
{
    /// <summary>No evidence of virtualization.</summary>
    public static ProbeVirtualization None { get; } = new(false, null, []);
}

/// <summary>A file that exists but could not be read or understood.</summary>
/// <param name="Path">The path as on the host, e.g. <c>/proc/cpuinfo</c>.</param>
/// <param name="Message">What is wrong, in one line.</param>
public sealed record ProbeProblem(string Path, string Message);
