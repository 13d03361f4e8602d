using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Csv;

namespace VulnTriage.Inventory.Tests.Csv;

/// <summary>CSV exports read with CsvHelper (testdata/csv, sources in SOURCES.md).</summary>
public sealed class CsvInventoryReaderTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "testdata", "csv");

    private static (Dictionary<string, Host> Hosts, List<Diagnostic> Diagnostics) Read(string file, params string[] map)
    {
        var diagnostics = new List<Diagnostic>();
        var columns = CsvColumnMap.TryParse(map, out var error) ?? throw new InvalidOperationException(error);
        var hosts = CsvInventoryReader.Read(new NonSeekableStream(File.ReadAllBytes(Path.Combine(Dir, file)), 7), file, columns, diagnostics.Add)
            .Select(e => e.Host).ToDictionary(h => h.Name);
        return (hosts, diagnostics);
    }

    [Fact]
    public void Should_Read_The_Cpu_And_Its_Signature_When_The_Columns_Have_Their_Usual_Names()
    {
        // When
        var (hosts, _) = Read("cmdb.csv", "model=cpu_model_number");

        // Then
        var cpu = Assert.Single(hosts["db01.dc1.example.com"].Processors);
        Assert.Equal(("GenuineIntel", "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", new CpuSignature(6, 85, 4)), (cpu.VendorId, cpu.BrandString, cpu.Signature));
        Assert.Equal("column cpu_model/vendor_id (cmdb.csv)", cpu.Source);
        Assert.Equal("columns cpu_family/cpu_model_number/cpu_stepping (cmdb.csv)", cpu.SignatureSource);
        Assert.Equal(["cmdb.csv:2"], hosts["db01.dc1.example.com"].Provenance!.Sources);
        Assert.Equal([new RoleRef("Payments", "db")], hosts["db01.dc1.example.com"].Roles);
        Assert.Null(hosts["db01.dc1.example.com"].Cloud);
    }

    [Fact]
    public void Should_Read_Quoted_Fields_With_Commas_And_Line_Breaks_And_Hex_Numbers()
    {
        // When
        var (hosts, _) = Read("cmdb.csv", "model=cpu_model_number");

        // Then
        var cpu = Assert.Single(hosts["batch02.dc2.example.com"].Processors);
        Assert.Equal("Intel Xeon Processor (Skylake, IBRS)", cpu.BrandString);
        Assert.Equal(new CpuSignature(6, 85, 4), cpu.Signature);

        // The record after the two-line field keeps its own line number.
        Assert.Equal(["cmdb.csv:5"], hosts["ip-10-0-1-23.ap-northeast-1.compute.internal"].Provenance!.Sources);
    }

    [Fact]
    public void Should_Read_Status_Cloud_And_Labels_When_The_Record_Has_Them()
    {
        // When
        var (hosts, _) = Read("cmdb.csv", "model=cpu_model_number");

        // Then
        var ec2 = hosts["ip-10-0-1-23.ap-northeast-1.compute.internal"];
        Assert.Equal((CloudProvider.Aws, "m5.large", HostStatus.Working), (ec2.Cloud!.Provider, ec2.Cloud.InstanceType, ec2.Status));
        Assert.True(hosts["db00.dc1.example.com"].IsRetired);
        Assert.Equal("team=payments-sre", Assert.Single(hosts["db01.dc1.example.com"].Labels).ToString());
        Assert.Equal("column label.team (cmdb.csv)", hosts["db01.dc1.example.com"].Labels[0].Source);
    }

    [Fact]
    public void Should_Keep_The_Host_And_Say_Why_When_A_Value_Cannot_Be_Used()
    {
        // When
        var (hosts, diagnostics) = Read("cmdb.csv", "model=cpu_model_number");

        // Then: "six" keeps the host without a signature; "in-repair" and "oracle" are kept as unknown.
        var mon03 = hosts["mon03.dc1.example.com"];
        Assert.Null(Assert.Single(mon03.Processors).Signature);
        Assert.Equal((HostStatus.Unknown, false), (mon03.Status, mon03.IsRetired));
        Assert.Equal(CloudProvider.None, mon03.Cloud!.Provider);
        Assert.Equal(
            ["VT1102@8", "VT1105@8", "VT1105@8"],
            diagnostics.Select(d => $"{d.Code}@{d.Location.Line}").Order(StringComparer.Ordinal));
        Assert.Empty(hosts["lb-vip01.dc1.example.com"].Processors);
        Assert.Contains("no CPU", hosts["lb-vip01.dc1.example.com"].CpuFactsNote, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Read_A_NetBox_Export_When_The_Map_Names_Its_Cpu_Custom_Field()
    {
        // When
        var (hosts, _) = Read("netbox-export.csv", "cpu=cf_cpu_model,label.team=tenant");

        // Then
        Assert.Equal("AMD EPYC 7502P 32-Core Processor", Assert.Single(hosts["web02"].Processors).BrandString);
        Assert.Equal(HostStatus.PowerOff, hosts["web02"].Status);
        Assert.Equal("team=shop", Assert.Single(hosts["web02"].Labels).ToString());
    }

    [Fact]
    public void Should_Detect_The_Separator_When_Excel_Wrote_Sep_And_Semicolons()
    {
        // When
        var (hosts, _) = Read("semicolon.csv");

        // Then
        Assert.Equal("Intel(R) Celeron(R) CPU J3455 @ 1.50GHz", Assert.Single(hosts["gw01.factory1.example.com"].Processors).BrandString);
    }

    [Theory]
    [InlineData("bad-quote.csv", new string[0], "VT1010")]
    [InlineData("no-name-column.csv", new string[0], "VT1009")]
    [InlineData("empty-name.csv", new string[0], "VT1006")]
    [InlineData("cmdb.csv", new[] { "cpu=processor_name" }, "VT1009")]
    [InlineData("cmdb.csv", new[] { "label.owner=owner" }, "VT1009")]
    public void Should_Fail_With_One_Located_Diagnostic_When_The_Csv_Cannot_Be_Used(string file, string[] map, string code)
    {
        // When
        var ex = Assert.Throws<InputException>(() => Read(file, map));

        // Then
        var d = Assert.Single(ex.Diagnostics);
        Assert.Equal(code, d.Code);
        Assert.True(d.Location.Line >= 1, d.ToString());
    }

    [Theory]
    [InlineData("nmae=hostname")]
    [InlineData("name")]
    [InlineData("cpu=")]
    public void Should_Refuse_A_Map_When_A_Pair_Is_Not_A_Known_Field_And_A_Column(string map)
    {
        // Then
        Assert.Null(CsvColumnMap.TryParse([map], out var error));
        Assert.NotNull(error);
    }
}
