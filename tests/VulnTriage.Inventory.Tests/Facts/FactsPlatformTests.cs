using System.Text;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Facts;

namespace VulnTriage.Inventory.Tests.Facts;

public sealed class FactsPlatformTests
{
    private static HostFacts Parse(string json) => FactsFileParser.Parse(Encoding.UTF8.GetBytes(json), "facts/h.json", _ => { });

    [Fact]
    public void Should_Read_Every_Dmi_Field_When_The_Probe_Platform_Object_Is_Given()
    {
        // When
        var facts = Parse("""
            {"schema":"vulntriage-probe/1","platform":{"sys_vendor":"Dell Inc.","product_name":"PowerEdge R740","bios_vendor":"Dell Inc.",
             "bios_version":"1.3.7","bios_date":"02/08/2018","board_vendor":"Dell Inc.","board_name":"06WXJT","chassis_asset_tag":"x","future":{"a":[1]}}}
            """);

        // Then
        Assert.Equal(new PlatformInfo("Dell Inc.", "PowerEdge R740", "Dell Inc.", "1.3.7", "02/08/2018", "Dell Inc.", "06WXJT"), facts.Platform);
    }

    [Theory]
    [InlineData("""{"platform":null}""")]
    [InlineData("""{"platform":{}}""")]
    [InlineData("""{"platform":{"dmi":{"sys_vendor":"Example"}}}""")]
    [InlineData("""{"firmware":[]}""")]
    public void Should_Have_No_Platform_When_No_Known_Field_Is_Given(string json)
    {
        // When
        var facts = Parse(json);

        // Then
        Assert.Null(facts.Platform);
    }

    [Fact]
    public void Should_Keep_Null_Fields_Null_When_Some_Are_Missing()
    {
        // When
        var facts = Parse("""{"platform":{"sys_vendor":"QEMU","board_name":null}}""");

        // Then
        Assert.Equal(new PlatformInfo("QEMU", null, null, null, null, null, null), facts.Platform);
    }

    [Theory]
    [InlineData("""{"platform":"HP"}""")]
    [InlineData("""{"platform":{"sys_vendor":42}}""")]
    [InlineData("""{"platform":{"product_name":["a"]}}""")]
    public void Should_Fail_With_A_Location_When_The_Platform_Has_The_Wrong_Shape(string json)
    {
        // When
        var ex = Assert.Throws<InputException>(() => Parse(json));

        // Then
        var diagnostic = Assert.Single(ex.Diagnostics);
        Assert.Equal(DiagnosticCodes.FactsInvalid, diagnostic.Code);
        Assert.Equal("facts/h.json", diagnostic.Location.Source);
    }
}
