using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Probe;

namespace VulnTriage.Inventory.Tests.Probe;

/// <summary>A folder of real probe outputs (testdata/probe, made by `vulntriage probe --root` over testdata/hosts).</summary>
public sealed class ProbeDirectoryReaderTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "testdata", "probe");

    [Fact]
    public void Should_Give_Each_File_A_Host_And_Its_Facts_When_Reading_A_Probe_Folder()
    {
        // When
        var entries = ProbeDirectoryReader.ReadDirectory(Path.Combine(Dir, "good"), _ => { }).ToDictionary(e => e.Host.Name);

        // Then: the Whiskey Lake laptop's ME 12 firmware is a fact; its CPU keeps the CPUID signature and names the file.
        var whl = entries["xps9380-03"];
        var cpu = Assert.Single(whl.Host.Processors);
        Assert.Equal(new CpuSignature(6, 142, 11), cpu.Signature);
        Assert.EndsWith("good)", cpu.Source, StringComparison.Ordinal);
        Assert.EndsWith("me12-whiskey-lake-not-affected.json", Assert.Single(whl.Host.Provenance!.Sources), StringComparison.Ordinal);
        Assert.Equal(FirmwareKind.Me, Assert.Single(whl.Facts!.Firmware).Kind);
        Assert.Equal(HostStatus.Unknown, whl.Host.Status);
    }

    [Fact]
    public void Should_Read_The_Cloud_From_The_Probe_When_It_Ran_On_Ec2()
    {
        // When
        var ec2 = ProbeDirectoryReader.ReadDirectory(Path.Combine(Dir, "good"), _ => { })
            .Single(e => e.Host.Cloud is not null).Host;

        // Then
        Assert.Equal(CloudProvider.Aws, ec2.Cloud!.Provider);
        Assert.EndsWith("good)", ec2.Cloud.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Fail_When_A_File_Is_Not_A_Probe_Document()
    {
        // When
        var ex = Assert.Throws<InputException>(() => ProbeDirectoryReader.ReadDirectory(Path.Combine(Dir, "not-probe"), _ => { }).ToList());

        // Then
        Assert.Equal(InventoryDiagnosticCodes.UnknownFormat, Assert.Single(ex.Diagnostics).Code);
    }
}
