using VulnTriage.Core.Inventory;
using VulnTriage.Reports.Common;
using VulnTriage.Reports.Tests.Support;

namespace VulnTriage.Reports.Tests;

public sealed class VendorPageSelectorTests
{
    [Theory]
    [InlineData("Dell Inc.", "Dell")]
    [InlineData("HPE", "HPE")]
    [InlineData("Hewlett Packard Enterprise", "HPE")]
    public void Should_Pick_The_Vendor_Page_When_The_Facts_Name_The_Platform_Vendor(string systemVendor, string expectedVendor)
    {
        // Given
        var finding = Scenario.Report().Findings[0] with { Platform = new PlatformInfo(systemVendor, "Model", null, null, null, null, null), Evidence = [] };

        // When
        var pages = VendorPageSelector.Select(Scenario.Advisory, VendorPageSelector.PlatformVendor(finding));

        // Then
        Assert.Equal(expectedVendor, Assert.Single(pages).Vendor);
    }

    [Theory]
    [InlineData("Dellwood Systems")]
    [InlineData("Supermicro")]
    public void Should_Pick_No_Page_When_No_Keyword_Is_A_Whole_Word_Of_The_Vendor(string systemVendor)
    {
        // Given
        var finding = Scenario.Report().Findings[0] with { Platform = new PlatformInfo(systemVendor, null, null, null, null, null, null), Evidence = [] };

        // Then
        Assert.Empty(VendorPageSelector.Select(Scenario.Advisory, VendorPageSelector.PlatformVendor(finding)));
    }
}
