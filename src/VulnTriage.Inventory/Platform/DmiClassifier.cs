using VulnTriage.Core.Inventory;

namespace VulnTriage.Inventory.Platform;

/// <summary>What the DMI/SMBIOS strings of a machine say about its hypervisor and cloud.</summary>
/// <param name="Cloud"><c>aws</c>, <c>gcp</c> or <c>azure</c>, or <c>null</c> when DMI names no cloud that owns the hardware.</param>
/// <param name="Hypervisor">e.g. <c>amazon-ec2</c>, <c>xen</c>, <c>kvm</c>, <c>hyperv</c>, <c>vmware</c>, <c>virtualbox</c>; <c>null</c> when DMI names none.</param>
/// <param name="Evidence">Which fields said so, as <c>field: value</c> with the caller's field names; empty when nothing was recognised.</param>
internal sealed record DmiVerdict(string? Cloud, string? Hypervisor, IReadOnlyList<string> Evidence);

/// <summary>
/// The DMI rules (docs/probe-format.md, "DMI rules") shared by the probe and by every inventory that carries DMI strings
/// (Ansible's <c>ansible_system_vendor</c>…, osquery's <c>hardware_vendor</c>…): exact comparisons, and an Azure VM only with
/// Azure's chassis asset tag, since an on-premises Hyper-V guest shows the same vendor and product.
/// </summary>
internal static class DmiClassifier
{
    /// <summary>The chassis asset tag Azure sets on its VMs (SMBIOS type 3).</summary>
    public const string AzureChassisAssetTag = "7783-7084-3265-9085-8269-3286-77";

    /// <summary>Classifies the DMI strings. Each <c>…Field</c> names the field as the source calls it, for the evidence.</summary>
    public static DmiVerdict Classify(
        string? sysVendor,
        string? productName,
        string? biosVendor,
        string? biosVersion,
        string? chassisAssetTag,
        string sysVendorField,
        string productNameField,
        string biosVendorField,
        string biosVersionField,
        string chassisAssetTagField)
    {
        var vendor = sysVendor ?? "";
        var product = productName ?? "";
        var bios = biosVendor ?? "";
        var version = biosVersion ?? "";
        if (vendor == "Amazon EC2" || bios == "Amazon EC2")
        {
            return new DmiVerdict("aws", "amazon-ec2", [vendor == "Amazon EC2" ? $"{sysVendorField}: Amazon EC2" : $"{biosVendorField}: Amazon EC2"]);
        }

        if (version.Contains(".amazon", StringComparison.OrdinalIgnoreCase))
        {
            // Xen-based EC2 instances: sys_vendor "Xen", bios_version like "4.2.amazon".
            return new DmiVerdict("aws", "xen", [$"{biosVersionField}: {version}"]);
        }

        if (vendor == "Google" && product == "Google Compute Engine")
        {
            return new DmiVerdict("gcp", "kvm", [$"{productNameField}: Google Compute Engine"]);
        }

        if (vendor == "Microsoft Corporation" && product == "Virtual Machine")
        {
            var evidence = new List<string> { $"{sysVendorField}, {productNameField}: Microsoft Corporation, Virtual Machine" };
            if (chassisAssetTag == AzureChassisAssetTag)
            {
                evidence.Add($"{chassisAssetTagField}: {AzureChassisAssetTag} (Azure)");
                return new DmiVerdict("azure", "hyperv", evidence);
            }

            return new DmiVerdict(null, "hyperv", evidence);
        }

        if (vendor.StartsWith("VMware", StringComparison.Ordinal) || product.StartsWith("VMware", StringComparison.Ordinal))
        {
            return new DmiVerdict(null, "vmware", [$"{sysVendorField}: {vendor}"]);
        }

        if (vendor is "QEMU" or "OpenStack Foundation" or "Red Hat" || product.Contains("KVM", StringComparison.Ordinal) || bios == "SeaBIOS")
        {
            return new DmiVerdict(null, "kvm", [$"{sysVendorField}, {productNameField}, {biosVendorField}: {string.Join(", ", new[] { vendor, product, bios }.Where(s => s.Length > 0))}"]);
        }

        if (vendor == "Xen")
        {
            return new DmiVerdict(null, "xen", [$"{sysVendorField}: Xen"]);
        }

        return vendor == "innotek GmbH"
            ? new DmiVerdict(null, "virtualbox", [$"{sysVendorField}: innotek GmbH"])
            : new DmiVerdict(null, null, []);
    }

    /// <summary>The Core cloud record for a DMI verdict, or <c>null</c> when DMI names no cloud.</summary>
    /// <param name="verdict">The classification.</param>
    /// <param name="instanceType">The instance type when the source knows it (on EC2 Nitro, DMI's product name is the instance type).</param>
    /// <param name="source">Where the DMI strings came from, e.g. <c>ansible:facts/db01</c>.</param>
    public static CloudInfo? ToCloud(DmiVerdict verdict, string? instanceType, string source)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var provider = verdict.Cloud switch
        {
            "aws" => CloudProvider.Aws,
            "gcp" => CloudProvider.Gcp,
            "azure" => CloudProvider.Azure,
            _ => CloudProvider.None,
        };
        return provider == CloudProvider.None
            ? null
            : new CloudInfo(provider, verdict.Cloud!, string.IsNullOrWhiteSpace(instanceType) ? null : instanceType.Trim(), $"{string.Join("; ", verdict.Evidence)} ({source})");
    }

    /// <summary>
    /// On EC2 the DMI product name is the instance type (<c>m5.large</c>) on Nitro instances; elsewhere it is a generic name.
    /// </summary>
    public static string? Ec2InstanceType(DmiVerdict verdict, string? sysVendor, string? productName) =>
        verdict.Cloud == "aws" && sysVendor == "Amazon EC2" && !string.IsNullOrWhiteSpace(productName) ? productName.Trim() : null;
}
