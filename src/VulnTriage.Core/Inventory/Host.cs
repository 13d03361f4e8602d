using System.Collections.Immutable;

namespace VulnTriage.Core.Inventory;

/// <summary>Mackerel host status. <see cref="Unknown"/> keeps hosts whose status string we do not know.</summary>
public enum HostStatus
{
    /// <summary>Status not given or not recognised.</summary>
    Unknown,

    /// <summary><c>working</c>.</summary>
    Working,

    /// <summary><c>standby</c>.</summary>
    Standby,

    /// <summary><c>maintenance</c>.</summary>
    Maintenance,

    /// <summary><c>poweroff</c>.</summary>
    PowerOff,
}

/// <summary>A cloud provider that owns the platform firmware of the machines it rents out.</summary>
public enum CloudProvider
{
    /// <summary>Not a cloud instance as far as the inventory says (on-premises or unknown).</summary>
    None,

    /// <summary>Amazon Web Services (EC2, ECS, Fargate).</summary>
    Aws,

    /// <summary>Google Cloud (Compute Engine).</summary>
    Gcp,

    /// <summary>Microsoft Azure (virtual machines).</summary>
    Azure,
}

/// <summary>What the inventory says about the cloud a host runs in.</summary>
/// <param name="Provider">Normalised provider.</param>
/// <param name="RawProvider">The provider string exactly as the source gave it (e.g. <c>ec2</c>, <c>AzureVM</c>).</param>
/// <param name="InstanceType">Instance type / machine type / VM size, when given.</param>
/// <param name="Evidence">Which field said so, e.g. <c>meta.cloud.provider</c>.</param>
public sealed record CloudInfo(CloudProvider Provider, string RawProvider, string? InstanceType, string Evidence);

/// <summary>A service and one of its roles (Mackerel's <c>roles</c> map, flattened).</summary>
public sealed record RoleRef(string Service, string Role)
{
    /// <summary><c>service:role</c>, Mackerel's "role full name".</summary>
    public override string ToString() => $"{Service}:{Role}";
}

/// <summary>
/// One distinct processor seen on a host: the same (vendor, brand string, signature) counted once,
/// with the number of logical CPUs that reported it.
/// </summary>
/// <param name="VendorId">CPUID vendor string, e.g. <c>GenuineIntel</c>, when known.</param>
/// <param name="BrandString">The brand string as reported (trimmed), when known.</param>
/// <param name="Signature">CPUID family/model/stepping, when the source carries it (Linux, macOS).</param>
/// <param name="LogicalCpus">How many logical CPUs reported this processor.</param>
/// <param name="Sockets">How many distinct sockets (<c>physical_id</c>) reported it; 0 if unknown.</param>
/// <param name="Source">Where the brand string and vendor id came from, as evidence shows it (Mackerel: <c>meta.cpu</c>;
/// other inventories name the field and the file, e.g. <c>system_info.cpu_brand (osquery:fleet.log:12)</c>).</param>
/// <param name="SignatureSource">Where the CPUID signature came from (meaningful only when <paramref name="Signature"/> is set).</param>
public sealed record ProcessorFact(
    string? VendorId,
    string? BrandString,
    CpuSignature? Signature,
    int LogicalCpus,
    int Sockets,
    string Source = ProcessorFact.MackerelSource,
    string SignatureSource = ProcessorFact.MackerelSignatureSource)
{
    /// <summary>The source of CPU facts read from a Mackerel host's <c>meta.cpu</c>.</summary>
    public const string MackerelSource = "meta.cpu";

    /// <summary>The source of a signature read from a Mackerel host's <c>meta.cpu</c>.</summary>
    public const string MackerelSignatureSource = "meta.cpu family/model/stepping";
}

/// <summary>Kinds of Intel management-engine firmware.</summary>
public enum FirmwareKind
{
    /// <summary>Management Engine / Converged Security and Management Engine (client, workstation).</summary>
    Me,

    /// <summary>Server Platform Services (servers).</summary>
    Sps,

    /// <summary>Trusted Execution Engine (Atom, Apollo Lake Pentium/Celeron).</summary>
    Txe,
}

/// <summary>A firmware version read on a host (from <c>--facts</c>, the probe, or Mackerel metadata).</summary>
/// <param name="Kind">Which engine.</param>
/// <param name="Version">The parsed version.</param>
/// <param name="Amt">Whether the firmware is a corporate/AMT image: <c>true</c>, <c>false</c>, or unknown.</param>
/// <param name="Source">Where the fact came from, e.g. <c>facts/db01.json</c>.</param>
/// <param name="Text">The version exactly as the source wrote it (e.g. SPS <c>04.00.03.237</c>), for evidence; <c>null</c> when not kept.</param>
public sealed record FirmwareFact(FirmwareKind Kind, Versions.FirmwareVersion Version, bool? Amt, string Source, string? Text = null)
{
    /// <summary>The version as the source wrote it, or the canonical form.</summary>
    public string Display => string.IsNullOrWhiteSpace(Text) ? Version.ToString() : Text.Trim();
}

/// <summary>The machine's platform as DMI/SMBIOS names it (<c>/sys/class/dmi/id</c>); any field may be missing.</summary>
/// <param name="SystemVendor">e.g. <c>Dell Inc.</c>, <c>HP</c>, <c>Supermicro</c>.</param>
/// <param name="ProductName">e.g. <c>PowerEdge R740</c>.</param>
/// <param name="BiosVendor">BIOS vendor.</param>
/// <param name="BiosVersion">BIOS version.</param>
/// <param name="BiosDate">BIOS release date as DMI gives it (<c>MM/DD/YYYY</c>).</param>
/// <param name="BoardVendor">Baseboard vendor.</param>
/// <param name="BoardName">Baseboard name.</param>
public sealed record PlatformInfo(
    string? SystemVendor,
    string? ProductName,
    string? BiosVendor,
    string? BiosVersion,
    string? BiosDate,
    string? BoardVendor,
    string? BoardName);

/// <summary>Facts about a host gathered outside the inventory (probe output, <c>--facts</c> files).</summary>
/// <param name="Firmware">Firmware versions; empty when none are known.</param>
/// <param name="Source">Where the facts came from.</param>
/// <param name="Notes">Statements the fact source made, e.g. "no MEI device".</param>
/// <param name="Platform">The platform (DMI), when the facts carry it.</param>
public sealed record HostFacts(ImmutableArray<FirmwareFact> Firmware, string Source, ImmutableArray<string> Notes, PlatformInfo? Platform = null)
{
    /// <summary>No facts.</summary>
    public static HostFacts None { get; } = new([], "", []);

    /// <summary>The running microcode revision (<c>cpu.microcode</c> of the probe), when known.</summary>
    public MicrocodeFact? Microcode { get; init; }

    /// <summary>The kernel's own verdicts (<c>vulnerabilities</c> of the probe), sorted by name; empty when none were read.</summary>
    public ImmutableArray<KernelVulnerabilityFact> Kernel { get; init; } = [];

    /// <summary>Whether the host runs under a hypervisor, as the probe saw it (<c>virtualization.virtual</c>); <c>null</c> when not known.</summary>
    public bool? Virtual { get; init; }

    /// <summary>The kernel's line for one vulnerability file, or <c>null</c>.</summary>
    public KernelVulnerabilityFact? KernelFact(string name)
    {
        foreach (var k in Kernel.IsDefault ? [] : Kernel)
        {
            if (string.Equals(k.Name, name, StringComparison.Ordinal))
            {
                return k;
            }
        }

        return null;
    }

    /// <summary>Whether any fact beyond the inventory is present.</summary>
    public bool IsEmpty => Firmware.IsDefaultOrEmpty && Microcode is null && (Kernel.IsDefaultOrEmpty) && Notes.IsDefaultOrEmpty && Platform is null;
}

/// <summary>A host from an inventory, normalised. Immutable.</summary>
/// <param name="Id">Inventory id (Mackerel host id).</param>
/// <param name="Name">Host name.</param>
/// <param name="DisplayName">Display name, if any.</param>
/// <param name="Status">Status.</param>
/// <param name="IsRetired">Whether the host is retired.</param>
/// <param name="Roles">Service/role memberships, sorted.</param>
/// <param name="Cloud">Cloud facts, or <c>null</c> when the inventory names no cloud.</param>
/// <param name="Processors">Distinct processors; empty when the inventory has no CPU facts.</param>
/// <param name="OsName">Operating system as the source names it (e.g. <c>Linux</c>, <c>Microsoft Windows</c>).</param>
/// <param name="CpuFactsNote">Why CPU facts are missing or partial, when they are.</param>
/// <param name="Labels">Labels for team routing (osquery decorations, Ansible groups, CSV columns), sorted by key then value; default = none.</param>
/// <param name="Provenance">Which inventories said what about the host (sources, identity keys); <c>null</c> when not recorded.</param>
public sealed record Host(
    string Id,
    string Name,
    string? DisplayName,
    HostStatus Status,
    bool IsRetired,
    ImmutableArray<RoleRef> Roles,
    CloudInfo? Cloud,
    ImmutableArray<ProcessorFact> Processors,
    string? OsName,
    string? CpuFactsNote,
    ImmutableArray<HostLabel> Labels = default,
    HostProvenance? Provenance = null)
{
    /// <summary>The services this host belongs to, distinct and sorted.</summary>
    public IEnumerable<string> Services => Roles.Select(r => r.Service).Distinct(StringComparer.Ordinal);
}
