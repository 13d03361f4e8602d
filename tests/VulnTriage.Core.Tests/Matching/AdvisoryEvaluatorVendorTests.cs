using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using static VulnTriage.Core.Tests.Matching.TestData;

namespace VulnTriage.Core.Tests.Matching;

public sealed class AdvisoryEvaluatorVendorTests
{
    [Fact]
    public void Should_Be_NotAffected_When_The_Vendor_Id_Alone_Rules_Out_Every_Rule()
    {
        // Given: a cloud-VM brand string nobody can place, but CPUID says AMD and every rule requires Intel
        var cpu = new ProcessorFact("AuthenticAMD", "AMD EPYC", new CpuSignature(26, 2, 1), 2, 1);
        var id = Identity("AMD EPYC", confidence: IdentificationConfidence.Low, vendor: CpuVendor.Amd);

        // When
        var f = AdvisoryEvaluator.Evaluate(Advisory, Host("vm", null, cpu), HostFacts.None, Seeded((cpu, id)));

        // Then
        Assert.Equal(Verdict.NotAffected, f.Verdict);
    }

    [Fact]
    public void Should_Stay_Unknown_When_A_Low_Confidence_Cpu_Has_An_Intel_Vendor_Id()
    {
        // Given
        var cpu = new ProcessorFact("GenuineIntel", "Intel(R) Xeon(R) CPU @ 2.20GHz", null, 2, 1);
        var id = Identity(cpu.BrandString!, confidence: IdentificationConfidence.Low);

        // When
        var f = AdvisoryEvaluator.Evaluate(Advisory, Host("vm", null, cpu), HostFacts.None, Seeded((cpu, id)));

        // Then
        Assert.Equal(Verdict.Unknown, f.Verdict);
    }

    [Fact]
    public void Should_Rule_Out_By_The_Brand_Strings_Vendor_When_The_Vendor_Id_Is_Missing()
    {
        // Given: a BSD host sends no vendor id; the brand string still names AMD (issue 10: what is known decides)
        var cpu = new ProcessorFact(null, "AMD EPYC 7502P 32-Core Processor", null, 2, 1);
        var id = CpuIdentifier.Identify(cpu.VendorId, cpu.BrandString, cpu.Signature);

        // When
        var f = AdvisoryEvaluator.Evaluate(Advisory, Host("bsd", null, cpu), HostFacts.None, Seeded((cpu, id)));

        // Then
        Assert.Equal(Verdict.NotAffected, f.Verdict);
        Assert.Contains(f.Evidence[0].Predicates, p => p.Predicate == "cpu.vendor" && p.Value == "amd" && p.Source == "brand string" && p.Result == Truth.False);
    }

    [Fact]
    public void Should_Stay_Unknown_When_Neither_Vendor_Id_Nor_Brand_Names_A_Vendor()
    {
        // Given
        var cpu = new ProcessorFact(null, "Processor 0000", null, 2, 1);
        var id = CpuIdentifier.Identify(cpu.VendorId, cpu.BrandString, cpu.Signature);

        // When
        var f = AdvisoryEvaluator.Evaluate(Advisory, Host("odd", null, cpu), HostFacts.None, Seeded((cpu, id)));

        // Then
        Assert.Equal(Verdict.Unknown, f.Verdict);
        Assert.Contains("cpu.vendor", f.Evidence[0].Missing);
    }
}
