using System.Text;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Ansible;

namespace VulnTriage.Inventory.Tests.Ansible;

/// <summary>Ansible facts in every shape the reader accepts (testdata/ansible, sources in SOURCES.md).</summary>
public sealed class AnsibleInventoryReaderTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "testdata", "ansible");
    private const string I76500U = "Intel(R) Core(TM) i7-6500U CPU @ 2.50GHz";

    private static (List<InventoryEntry> Entries, List<Diagnostic> Diagnostics) ReadDirectory(string name)
    {
        var diagnostics = new List<Diagnostic>();
        return ([.. AnsibleInventoryReader.ReadDirectory(Path.Combine(Dir, name), diagnostics.Add)], diagnostics);
    }

    private static void AssertAnsicli01(Host host)
    {
        Assert.Equal("ansicli01.fen9.li", host.Name);
        var cpu = Assert.Single(host.Processors);
        Assert.Equal(("GenuineIntel", I76500U, 2, 2), (cpu.VendorId, cpu.BrandString, cpu.LogicalCpus, cpu.Sockets));
        Assert.Null(cpu.Signature);
        Assert.StartsWith("ansible_processor (", cpu.Source, StringComparison.Ordinal);

        // A VMware guest: not a cloud instance; the product UUID is "NA" (not root), so no UUID key.
        Assert.Null(host.Cloud);
        Assert.DoesNotContain(host.Provenance!.Keys, k => k.Kind == HostKeyKind.MachineUuid);
        Assert.Equal("Linux", host.OsName);
    }

    [Theory]
    [InlineData("cache-2.18")]
    [InlineData("cache-2.19")]
    [InlineData("tree")]
    public void Should_Read_The_Same_Host_When_Given_A_Cache_Or_Tree_Directory(string directory)
    {
        // When
        var (entries, _) = ReadDirectory(directory);

        // Then
        AssertAnsicli01(Assert.Single(entries).Host);
    }

    [Fact]
    public void Should_Read_Only_The_New_File_When_A_Stale_Pre_2_19_File_Sits_Beside_It()
    {
        // When
        var (entries, diagnostics) = ReadDirectory("cache-2.19");

        // Then: the stale file says i7-4770; the s1_ file, which Ansible keeps current, says i7-6500U.
        Assert.Equal(I76500U, Assert.Single(Assert.Single(entries).Host.Processors).BrandString);
        var d = Assert.Single(diagnostics);
        Assert.Equal((InventoryDiagnosticCodes.RecordSkipped, DiagnosticSeverity.Info), (d.Code, d.Severity));
    }

    [Fact]
    public void Should_Read_Each_Host_And_Keep_An_Unreachable_One_Without_Cpu_When_Given_Setup_Output()
    {
        // Given
        var diagnostics = new List<Diagnostic>();

        // When
        var entries = AnsibleInventoryReader.ReadSetupOutput(new NonSeekableStream(File.ReadAllBytes(Path.Combine(Dir, "setup-minimal.txt")), 17), "setup.txt", diagnostics.Add).ToList();

        // Then
        Assert.Equal(2, entries.Count);
        AssertAnsicli01(entries[0].Host);
        Assert.Equal("ansible_processor (setup.txt)", entries[0].Host.Processors[0].Source);
        Assert.Equal(["setup.txt:2"], entries[0].Host.Provenance!.Sources);
        var unreachable = entries[1].Host;
        Assert.Equal("ansicli02.fen9.li", unreachable.Name);
        Assert.Empty(unreachable.Processors);
        Assert.StartsWith("Ansible setup UNREACHABLE: Failed to connect", unreachable.CpuFactsNote, StringComparison.Ordinal);
        Assert.Equal(InventoryDiagnosticCodes.HostNotGathered, Assert.Single(diagnostics).Code);
    }

    [Fact]
    public void Should_Read_The_Host_When_Given_Oneline_Output()
    {
        // When
        var entry = Assert.Single(AnsibleInventoryReader.ReadSetupOutput(File.OpenRead(Path.Combine(Dir, "setup-oneline.txt")), "o.txt", _ => { }));

        // Then
        AssertAnsicli01(entry.Host);
    }

    [Fact]
    public void Should_Fail_At_The_Host_Header_When_The_Output_Stops_Mid_Json()
    {
        // When
        var ex = Assert.Throws<InputException>(() => AnsibleInventoryReader.ReadSetupOutput(File.OpenRead(Path.Combine(Dir, "setup-truncated.txt")), "t.txt", _ => { }).ToList());

        // Then
        var d = Assert.Single(ex.Diagnostics);
        Assert.Equal(("VT1001", 1L), (d.Code, d.Location.Line));
    }

    [Fact]
    public void Should_Read_Facts_And_Groups_When_Given_Ansible_Inventory_List_Output()
    {
        // When
        var hosts = AnsibleInventoryReader.ReadInventoryList(new NonSeekableStream(File.ReadAllBytes(Path.Combine(Dir, "inventory-list.json")), 9), "inv.json", _ => { })
            .Select(e => e.Host).ToDictionary(h => h.Name);

        // Then: the __ansible_unsafe values are unwrapped; groups include the parent "multi" but never all/ungrouped.
        AssertAnsicli01(hosts["ansicli01.fen9.li"]);
        Assert.Equal(["group=multi", "group=web"], hosts["ansicli01.fen9.li"].Labels.Select(l => l.ToString()));
        Assert.Equal(["group=database", "group=multi"], hosts["ansicli02.fen9.li"].Labels.Select(l => l.ToString()));
        Assert.Empty(hosts["ansicli02.fen9.li"].Processors);
        Assert.Empty(hosts["standalone.fen9.li"].Labels);
        Assert.Contains("no facts", hosts["standalone.fen9.li"].CpuFactsNote, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mac-build01.corp.example.com", null, "Intel(R) Core(TM) i7-8700B CPU @ 3.20GHz", 12)]
    [InlineData("WIN-FS01", "GenuineIntel", "Intel(R) Xeon(R) CPU E3-1240 v6 @ 3.70GHz", 8)]
    [InlineData("corp-ad02", "AuthenticAMD", "AMD EPYC 7763 64-Core Processor", 2)]
    public void Should_Decode_The_Processor_Fact_When_Each_Platform_Writes_It_Its_Own_Way(string host, string? vendor, string brand, int logical)
    {
        // When
        var entries = ReadDirectory("platforms").Entries.ToDictionary(e => e.Host.Name);

        // Then
        var cpu = Assert.Single(entries[host].Host.Processors);
        Assert.Equal((vendor, brand, logical), (cpu.VendorId, cpu.BrandString, cpu.LogicalCpus));
    }

    [Fact]
    public void Should_Make_An_Azure_Vm_Provider_Managed_Only_By_Its_Chassis_Asset_Tag()
    {
        // When
        var azure = ReadDirectory("platforms").Entries.Single(e => e.Host.Name == "corp-ad02").Host;

        // Then
        Assert.Equal(CloudProvider.Azure, azure.Cloud!.Provider);
        Assert.Contains("ansible_chassis_asset_tag", azure.Cloud.Evidence, StringComparison.Ordinal);
        Assert.Contains(new HostKey(HostKeyKind.MachineUuid, "5d2c7a10-8f3e-4b7a-a1c2-9e8d7c6b5a40"), azure.Provenance!.Keys);
    }

    [Fact]
    public void Should_Keep_The_Host_Without_Cpu_When_Facts_Were_Gathered_Without_Hardware()
    {
        // When
        var host = ReadDirectory("platforms").Entries.Single(e => e.Host.Name == "lb01.example.com").Host;

        // Then
        Assert.Empty(host.Processors);
        Assert.Contains("hardware subset", host.CpuFactsNote, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad-json", 4L)]
    [InlineData("bad-payload", 1L)]
    public void Should_Fail_With_The_File_And_Line_When_A_Facts_File_Is_Not_Json(string directory, long line)
    {
        // When
        var ex = Assert.Throws<InputException>(() => ReadDirectory(directory));

        // Then
        var d = Assert.Single(ex.Diagnostics);
        Assert.Equal("VT1001", d.Code);
        Assert.Equal(line, d.Location.Line);
        Assert.Contains(directory, d.Location.Source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s1_db01", true, "db01")]
    [InlineData("facts_s1_db01", true, "db01")]
    [InlineData("s1_s1_x", true, "s1_x")]
    [InlineData("s1_db01", false, "s1_db01")]
    [InlineData("db01", true, "db01")]
    public void Should_Strip_The_Schema_Prefix_Only_From_A_Payload_File_When_Naming_The_Host(string file, bool payload, string expected)
    {
        // Then
        Assert.Equal(expected, AnsibleInventoryReader.HostNameOfFile(file, payload));
    }

    [Fact]
    public void Should_Read_Groups_Whatever_The_Key_Order_When_Hostvars_Come_Last()
    {
        // Given: a group sorted before _meta ("Apps" < "_meta" in ordinal order) and one after
        var json = "{\"Apps\":{\"hosts\":[\"h1\"]},\"_meta\":{\"hostvars\":{\"h1\":{\"ansible_processor\":[\"0\",\"GenuineIntel\",\"" + I76500U + "\"]}}},\"all\":{\"children\":[\"Apps\"]}}";

        // When
        var host = Assert.Single(AnsibleInventoryReader.ReadInventoryList(new MemoryStream(Encoding.UTF8.GetBytes(json)), "i.json", _ => { })).Host;

        // Then
        Assert.Equal("group=Apps", Assert.Single(host.Labels).ToString());
        Assert.Equal(I76500U, Assert.Single(host.Processors).BrandString);
    }
}
