using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Osquery;

namespace VulnTriage.Inventory.Tests.Osquery;

/// <summary>osqueryd results logs and osqueryi --json output (testdata/osquery, sources in SOURCES.md).</summary>
public sealed class OsqueryInventoryReaderTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "testdata", "osquery");

    private static (List<InventoryEntry> Entries, List<Diagnostic> Diagnostics) ReadLog(string file, int chunk = int.MaxValue)
    {
        var diagnostics = new List<Diagnostic>();
        var entries = OsqueryInventoryReader.ReadResultsLog(new NonSeekableStream(File.ReadAllBytes(Path.Combine(Dir, file)), chunk), file, diagnostics.Add).ToList();
        return (entries, diagnostics);
    }

    [Fact]
    public void Should_Read_Each_Host_Once_In_First_Seen_Order_When_The_Log_Mixes_Snapshot_Event_And_Batch_Lines()
    {
        // When
        var (entries, _) = ReadLog("results.log", chunk: 13);

        // Then
        Assert.Equal(["web01.example.com", "mac01.example.com", "ip-10-0-1-23.ap-northeast-1.compute.internal", "WIN-FS01"], entries.Select(e => e.Host.Name));
        Assert.All(entries, e => Assert.Null(e.Facts));
        Assert.All(entries, e => Assert.Equal(HostStatus.Unknown, e.Host.Status));
    }

    [Fact]
    public void Should_Take_The_Brand_String_And_Leave_The_Signature_Open_When_Osquery_Gives_No_Family()
    {
        // When
        var web01 = ReadLog("results.log").Entries[0].Host;

        // Then: Linux cpu_subtype is the model number alone; no family, so no signature is made up.
        var cpu = Assert.Single(web01.Processors);
        Assert.Equal("Intel(R) Xeon(R) CPU E3-1230 v6 @ 3.50GHz", cpu.BrandString);
        Assert.Null(cpu.Signature);
        Assert.Equal(8, cpu.LogicalCpus);
        Assert.Equal("system_info.cpu_brand (results.log)", cpu.Source);
        Assert.Equal(["results.log:1"], web01.Provenance!.Sources);
    }

    [Fact]
    public void Should_Keep_The_Last_Added_Row_When_An_Event_Log_Removes_And_Adds_It()
    {
        // When: added, removed (same row), added (new row)
        var mac = ReadLog("results.log").Entries[1].Host;

        // Then
        Assert.Equal("mac01.local", mac.Provenance!.Keys.Single(k => k is { Kind: HostKeyKind.Name, Value: "mac01.local" }).Value);
        Assert.Equal(["results.log:2"], mac.Provenance.Sources);
    }

    [Fact]
    public void Should_Make_The_Host_An_Aws_Instance_When_Ec2_Instance_Metadata_Answered()
    {
        // When
        var ec2 = ReadLog("results.log").Entries[2].Host;

        // Then
        Assert.Equal(CloudProvider.Aws, ec2.Cloud!.Provider);
        Assert.Equal("m5.large", ec2.Cloud.InstanceType);
        Assert.Equal("ec2_instance_metadata (results.log)", ec2.Cloud.Evidence);
        Assert.Contains(new HostKey(HostKeyKind.InstanceId, "i-0a1b2c3d4e5f67890"), ec2.Provenance!.Keys);
    }

    [Fact]
    public void Should_Name_The_Host_From_System_Info_And_Keep_Top_Level_Decorations_When_The_Identifier_Is_A_Uuid()
    {
        // When
        var win = ReadLog("results.log").Entries[3].Host;

        // Then
        Assert.Equal("WIN-FS01", win.Name);
        Assert.Equal("9F3C2A10-5B6D-4E7F-8091-A2B3C4D5E6F7", win.Id);
        Assert.Contains(new HostKey(HostKeyKind.MachineUuid, "9f3c2a10-5b6d-4e7f-8091-a2b3c4d5e6f7"), win.Provenance!.Keys);
        Assert.Equal("team=corp-it", Assert.Single(win.Labels).ToString());
    }

    [Fact]
    public void Should_Turn_Decorations_Into_Labels_And_Identities_Into_Keys_When_The_Line_Has_Them()
    {
        // When
        var web01 = ReadLog("results.log").Entries[0].Host;

        // Then
        Assert.Equal(["team=payments-sre"], web01.Labels.Select(l => l.ToString()));
        Assert.Contains(new HostKey(HostKeyKind.MachineUuid, "4c4c4544-0046-3010-8034-b7c04f4a4d32"), web01.Provenance!.Keys);
    }

    [Fact]
    public void Should_Skip_A_Status_Line_With_A_Warning_When_It_Holds_No_Results()
    {
        // When
        var (_, diagnostics) = ReadLog("results.log");

        // Then
        var d = Assert.Single(diagnostics);
        Assert.Equal(InventoryDiagnosticCodes.RecordSkipped, d.Code);
        Assert.Equal(8, d.Location.Line);
    }

    [Theory]
    [InlineData("bad-truncated.log", "VT1001", 2)]
    [InlineData("bad-no-host.log", "VT1006", 1)]
    public void Should_Fail_With_One_Located_Diagnostic_When_The_Log_Is_Broken(string file, string code, long line)
    {
        // When
        var ex = Assert.Throws<InputException>(() => ReadLog(file));

        // Then
        var d = Assert.Single(ex.Diagnostics);
        Assert.Equal(code, d.Code);
        Assert.Equal(line, d.Location.Line);
    }

    [Fact]
    public void Should_Read_One_Host_When_Given_Osqueryi_Json_Output()
    {
        // When
        var host = Assert.Single(OsqueryInventoryReader.ReadShellJson(File.OpenRead(Path.Combine(Dir, "osqueryi-system_info.json")), "s.json", _ => { })).Host;

        // Then
        Assert.Equal("db01.dc1.example.com", host.Name);
        Assert.Equal("Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", Assert.Single(host.Processors).BrandString);
        Assert.Null(host.Cloud);
    }

    [Fact]
    public void Should_Fail_When_Osqueryi_Output_Names_No_Host()
    {
        // When
        var ex = Assert.Throws<InputException>(() => OsqueryInventoryReader.ReadShellJson(File.OpenRead(Path.Combine(Dir, "osqueryi-no-system_info.json")), "s.json", _ => { }).ToList());

        // Then
        Assert.Equal("VT1006", Assert.Single(ex.Diagnostics).Code);
    }
}
