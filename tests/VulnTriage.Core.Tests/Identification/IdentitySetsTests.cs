using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Tests.Identification;

/// <summary>
/// Issue 10: each identity attribute is Unknown or Known(set of possible values), the brand string's knowledge and the
/// signature's (the CPU catalog) intersected. Brand strings and signatures are real ones from testdata/cpu/corpus.tsv
/// (or quoted by the issue).
/// </summary>
public sealed class IdentitySetsTests
{
    private static ProcessorIdentity Id(string? vendorId, string? brand, int family, int model, int? stepping) =>
        CpuIdentifier.Identify(vendorId, brand, new CpuSignature(family, model, stepping));

    [Fact]
    public void Should_Know_Yonah_From_The_Signature_When_The_Brand_Names_No_Codename()
    {
        // When: corpus Celeron M 410, 06_0E_8 (issue 10)
        var id = Id("GenuineIntel", "Intel(R) Celeron(R) M CPU        410  @ 1.46GHz", 6, 14, 8);

        // Then
        Assert.Equal(ValueSet<string>.Of("yonah"), id.PossibleMicroarchitectures);
        Assert.True(id.PossibleCodenames.IsKnown);
        Assert.DoesNotContain("apollo-lake", id.PossibleCodenames.Values);
        Assert.Equal(Truth.False, id.PossibleCodenames.In(["apollo-lake"]));
    }

    [Theory]
    [InlineData("Intel(R) Core(TM) i3-N305", 6, 190, 0)]
    [InlineData("Intel(R) Pentium(R) Gold G6400 CPU @ 4.00GHz", 6, 165, 3)]
    [InlineData("Intel(R) Celeron(R) 6305 @ 1.80GHz", 6, 140, 1)]
    public void Should_Know_There_Is_No_Generation_When_The_Part_Has_None(string brand, int family, int model, int stepping)
    {
        // When
        var id = Id("GenuineIntel", brand, family, model, stepping);

        // Then: Known(∅), so "generation in 6-8" is false rather than indeterminate
        Assert.True(id.PossibleGenerations.IsKnown);
        Assert.Empty(id.PossibleGenerations.Values);
        Assert.Equal(Truth.False, id.PossibleGenerations.In([6, 7, 8]));
    }

    [Fact]
    public void Should_Keep_Both_Microarchitectures_When_One_Signature_Is_Sold_As_Two()
    {
        // When: 06_8E_A without a brand string is Kaby Lake-R, Coffee Lake-U or Whiskey Lake (catalog)
        var id = Id("GenuineIntel", null, 6, 142, 10);

        // Then
        Assert.Contains("kaby-lake", id.PossibleMicroarchitectures.Values);
        Assert.Contains("coffee-lake", id.PossibleMicroarchitectures.Values);
        Assert.Equal(Truth.True, id.PossibleMicroarchitectures.In(["kaby-lake", "coffee-lake", "whiskey-lake"]));
        Assert.Equal(Truth.Unknown, id.PossibleMicroarchitectures.In(["kaby-lake"]));
    }

    [Fact]
    public void Should_Let_The_Signature_Win_When_The_Brand_Names_Another_Microarchitecture()
    {
        // When: i7-6800K is numbered like a 6th gen part but is Broadwell-E (06_4F_1, issue 10)
        var id = Id("GenuineIntel", "Intel(R) Core(TM) i7-6800K CPU @ 3.40GHz", 6, 79, 1);

        // Then
        Assert.Equal(ValueSet<string>.Of("broadwell"), id.PossibleMicroarchitectures);
        Assert.Equal(Truth.False, id.PossibleCodenames.In(["skylake", "kaby-lake", "coffee-lake"]));
    }

    [Fact]
    public void Should_Narrow_The_Codename_From_Line_Generation_And_Microarchitecture_When_There_Is_No_Signature()
    {
        // When: brand strings only (a Windows host)
        var mainstream = CpuIdentifier.Identify(null, "Intel(R) Core(TM) i5-4590 CPU @ 3.30GHz", null);
        var hedt = CpuIdentifier.Identify(null, "Intel(R) Core(TM) i7-5930K CPU @ 3.50GHz", null);

        // Then: 4th gen Haswell is a client die; the 5th-gen-numbered Haswell part is Haswell-E
        Assert.Equal(Truth.True, mainstream.PossibleCodenames.In(["haswell", "crystal-well"]));
        Assert.Equal(Truth.False, hedt.PossibleCodenames.In(["haswell", "crystal-well"]));
    }

    [Fact]
    public void Should_Pair_Lines_With_Their_Generations_When_Only_The_Signature_Is_Known()
    {
        // When: an engineering-sample string on Skylake-S (corpus.tsv "Genuine Intel(R) CPU 0000", 06_5E_0)
        var id = Id("GenuineIntel", "Genuine Intel(R) CPU 0000 @ 2.20GHz", 6, 94, 0);

        // Then
        Assert.Contains(id.LineWorlds, w => w.Line == ProductLines.Core && w.Generations == ValueSet<int>.Of(6));
        Assert.Contains(id.LineWorlds, w => w.Line == ProductLines.XeonE3 && w.Generations == ValueSet<int>.Of(5));
        Assert.Contains(id.LineWorlds, w => w.Line == ProductLines.Pentium && w.Generations == ValueSet<int>.None);
    }

    [Theory]
    [InlineData("AuthenticAMD", "AMD EPYC-Rome Processor", 23, 49, 0, CpuVendor.Amd)]
    [InlineData("HygonGenuine", "Hygon Dhyana Processor", 24, 0, 1, CpuVendor.Hygon)]
    [InlineData("GenuineIntel", "Common KVM processor", 15, 6, 1, CpuVendor.Intel)]
    public void Should_Know_Only_The_Host_Vendor_When_A_Hypervisor_Model_Hides_The_Cpu(string vendorId, string brand, int family, int model, int stepping, CpuVendor vendor)
    {
        // When: KVM/QEMU models (their vendor id is the host's under KVM)
        var id = Id(vendorId, brand, family, model, stepping);

        // Then
        Assert.True(id.HidesPhysicalCpu);
        Assert.Equal(ValueSet<CpuVendor>.Of(vendor), id.PossibleVendors);
        Assert.False(id.PossibleMicroarchitectures.IsKnown);
        Assert.False(id.PossibleProductLines.IsKnown);
        Assert.False(id.PossibleCodenames.IsKnown);
    }

    [Fact]
    public void Should_Keep_Both_Vendors_When_Vendor_Id_And_Brand_Disagree()
    {
        // When: a brand string naming AMD on an Intel vendor id (a hypervisor's model-id, or a bad inventory)
        var id = CpuIdentifier.Identify("GenuineIntel", "AMD Ryzen 7 3700X 8-Core Processor", null);

        // Then: neither alone may rule the host out
        Assert.Equal(Truth.Unknown, id.PossibleVendors.In([CpuVendor.Intel]));
    }
}
