using System.Text;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Versions;
using VulnTriage.Inventory.Facts;

namespace VulnTriage.Inventory.Tests.Facts;

public sealed class FactsDirectoryTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "testdata", "facts");

    private static Host HostNamed(string name, string id = "noSuchId") =>
        new(id, name, null, HostStatus.Working, false, [], null, [], null, null);

    private static (FactsDirectory Facts, List<Diagnostic> Diagnostics) LoadGood()
    {
        var diagnostics = new List<Diagnostic>();
        return (FactsDirectory.Load(Path.Combine(Root, "good"), diagnostics.Add), diagnostics);
    }

    [Fact]
    public void Should_Load_Only_Json_Files_Directly_In_The_Directory_When_Other_Files_Are_Present()
    {
        // When
        var (facts, _) = LoadGood();

        // Then: README.txt, old.json.bak and subdir/nested.json (invalid JSON) are not read
        Assert.Equal(6, facts.Count);
    }

    [Fact]
    public void Should_Find_Facts_By_Host_Name_When_A_File_Is_Named_After_It()
    {
        // Given
        var (facts, _) = LoadGood();

        // When
        var found = facts.Find(HostNamed("db01.dc1.example.com"));

        // Then
        Assert.NotNull(found);
        var fw = Assert.Single(found.Firmware);
        Assert.Equal(new FirmwareFact(FirmwareKind.Me, FirmwareVersion.Parse("11.8.50.3425"), true, "MEInfo (db01.dc1.example.com.json)", "11.8.50.3425"), fw);
        Assert.EndsWith("db01.dc1.example.com.json", found.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Find_Facts_By_Host_Id_When_No_File_Has_The_Name()
    {
        // Given
        var (facts, _) = LoadGood();

        // When
        var found = facts.Find(HostNamed("WIN-FS01", "5aLkJhGfDs3"));

        // Then
        var fw = Assert.Single(found!.Firmware);
        Assert.Equal((FirmwareKind.Sps, new FirmwareVersion(4, 0, 4, 294), (bool?)null), (fw.Kind, fw.Version, fw.Amt));
    }

    [Fact]
    public void Should_Read_Firmware_And_Notes_And_Ignore_The_Rest_When_The_File_Is_Probe_Output()
    {
        // Given
        var (facts, diagnostics) = LoadGood();

        // When
        var found = facts.Find(HostNamed("probe-host"));

        // Then
        var fw = Assert.Single(found!.Firmware);
        Assert.Equal((FirmwareKind.Txe, new FirmwareVersion(3, 1, 50, 2222)), (fw.Kind, fw.Version));
        Assert.Equal(["read from sysfs", "no AMT"], found.Notes);
        Assert.DoesNotContain(diagnostics, d => d.Location.Source.EndsWith("probe-host.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Keep_Notes_And_Inform_When_The_Probe_Schema_Is_Unknown()
    {
        // Given
        var (facts, diagnostics) = LoadGood();

        // When
        var found = facts.Find(HostNamed("no-mei"));

        // Then
        Assert.Empty(found!.Firmware);
        Assert.Equal(["no MEI device (/dev/mei0 absent)"], found.Notes);
        var d = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticCodes.FactsInvalid, DiagnosticSeverity.Info), (d.Code, d.Severity));
    }

    [Fact]
    public void Should_Read_The_File_When_It_Starts_With_A_Bom()
    {
        // Given
        var (facts, _) = LoadGood();

        // When
        var fw = Assert.Single(facts.Find(HostNamed("bom-host"))!.Firmware);

        // Then
        Assert.Equal((FirmwareVersion.Parse("11.11.50.1422"), (bool?)false), (fw.Version, fw.Amt));
    }

    [Theory]
    [InlineData("nobody")]
    [InlineData("../good/db01.dc1.example.com")]
    [InlineData("subdir/nested")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("DB01.DC1.EXAMPLE.COM")]
    [InlineData("db01.dc1.example.com.json")]
    public void Should_Find_Nothing_When_No_File_Is_Exactly_Named_After_The_Host(string name)
    {
        // Given
        var (facts, _) = LoadGood();

        // When
        var found = facts.Find(HostNamed(name, name));

        // Then
        Assert.Null(found);
    }

    [Fact]
    public void Should_List_Files_Matching_No_Host_When_Asked_For_Unmatched()
    {
        // Given
        var (facts, _) = LoadGood();
        Host[] hosts = [HostNamed("db01.dc1.example.com"), HostNamed("WIN-FS01", "5aLkJhGfDs3"), HostNamed("probe-host")];

        // When
        var unmatched = facts.UnmatchedFiles(hosts);

        // Then
        Assert.Equal(["bom-host.json", "decommissioned.json", "no-mei.json"], unmatched);
    }

    [Theory]
    [InlineData("bad-json", "VT3001", "]")]
    [InlineData("bad-kind", "VT3001", "\"csme\"")]
    [InlineData("bad-missing-kind", "VT3001", "{ \"version\"")]
    [InlineData("bad-firmware-shape", "VT3001", "{ \"kind\"")]
    [InlineData("bad-top-level", "VT3001", "[")]
    [InlineData("bad-notes", "VT3001", "42")]
    [InlineData("bad-version", "VT3002", "\"11.8.50\"")]
    [InlineData("bad-version-number", "VT3002", "4.0")]
    public void Should_Fail_With_Code_And_Location_When_A_Facts_File_Is_Wrong(string dir, string code, string marker)
    {
        // Given
        var file = Path.Combine(Root, dir, "db01.json");
        var bytes = File.ReadAllBytes(file);
        var index = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker));
        var before = bytes.AsSpan(0, index);
        var line = before.Count((byte)'\n') + 1;
        var column = index - (before.LastIndexOf((byte)'\n') + 1) + 1;

        // When
        var ex = Assert.Throws<InputException>(() => FactsDirectory.Load(Path.Combine(Root, dir), _ => { }));

        // Then
        var d = Assert.Single(ex.Diagnostics);
        Assert.Equal(code, d.Code);
        Assert.Equal((file, (long)line, (long)column, (long)index), (d.Location.Source, d.Location.Line, d.Location.Column, d.Location.BytePosition));
    }

    [Fact]
    public void Should_Fail_As_Unreadable_When_The_Directory_Does_Not_Exist()
    {
        // When
        var ex = Assert.Throws<InputException>(() => FactsDirectory.Load(Path.Combine(Root, "no-such-dir"), _ => { }));

        // Then
        Assert.Equal(DiagnosticCodes.FactsDirectoryUnreadable, Assert.Single(ex.Diagnostics).Code);
    }

    [Theory]
    [InlineData("db01", true)]
    [InlineData("host name with spaces", true)]
    [InlineData("a/b", false)]
    [InlineData("a\\b", false)]
    [InlineData("..", false)]
    [InlineData(".", false)]
    [InlineData("a\0b", false)]
    public void Should_Accept_Only_Single_File_Names_When_Matching_Host_Names(string name, bool expected)
    {
        // When
        var plain = FactsDirectory.IsPlainFileStem(name);

        // Then
        Assert.Equal(expected, plain);
    }
}
