using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Facts;

namespace VulnTriage.Inventory.Probe;

/// <summary>
/// Turns a probe into the Core model the evaluator reads: a <see cref="Host"/> (name, CPU, cloud) and its
/// <see cref="HostFacts"/> (firmware, notes, platform). The facts go through the very parser <c>triage --facts</c> uses,
/// on the very document <c>vulntriage probe</c> prints, so <c>check</c> and <c>triage</c> cannot read a probe differently.
/// </summary>
public static class ProbeToHost
{
    /// <summary>The host name used when neither <c>/proc/sys/kernel/hostname</c> nor <c>/etc/hostname</c> was read.</summary>
    public const string UnknownHostName = "localhost";

    /// <summary>The host as the probe saw it.</summary>
    public static Host ToHost(ProbeResult probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var name = probe.Hostname ?? UnknownHostName;
        ProcessorFact[] processors = probe.Cpu is { } cpu && (cpu.VendorId is not null || cpu.ModelName is not null)
            ? [new ProcessorFact(cpu.VendorId, cpu.ModelName, cpu.Signature, cpu.LogicalCpus, cpu.Sockets)]
            : [];
        var note = processors.Length == 0 ? "no usable /proc/cpuinfo on the host (see the probe's missing and problems lists)" : null;
        return new Host(name, name, null, HostStatus.Working, false, [], ToCloud(probe), [.. processors], "Linux", note);
    }

    /// <summary>The host's facts, read back from the probe document by the <c>--facts</c> parser.</summary>
    /// <param name="probe">The probe.</param>
    /// <param name="source">Where the facts came from, as evidence shows it (e.g. <c>probe</c>).</param>
    public static HostFacts ToFacts(ProbeResult probe, string source)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(source);
        return FactsFileParser.Parse(ProbeJson.Write(probe), source, _ => { });
    }

    private static CloudInfo? ToCloud(ProbeResult probe)
    {
        var provider = probe.Cloud switch
        {
            "aws" => CloudProvider.Aws,
            "gcp" => CloudProvider.Gcp,
            "azure" => CloudProvider.Azure,
            _ => CloudProvider.None,
        };
        if (provider == CloudProvider.None)
        {
            return null;
        }

        // On EC2 the DMI product name is the instance type (e.g. m5.large); elsewhere it is a generic name.
        var instanceType = provider == CloudProvider.Aws && probe.Platform?.SysVendor == "Amazon EC2" ? probe.Platform.ProductName : null;
        var evidence = "probe: " + string.Join("; ", probe.Virtualization.Evidence);
        return new CloudInfo(provider, probe.Cloud!, instanceType, evidence);
    }
}
