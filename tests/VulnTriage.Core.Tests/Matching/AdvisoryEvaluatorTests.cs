using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using static VulnTriage.Core.Tests.Matching.TestData;

namespace VulnTriage.Core.Tests.Matching;

public sealed class AdvisoryEvaluatorTests
{
    private static readonly ProcessorFact I7_6700 = Cpu("Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz");
    private static readonly ProcessorIdentity I7_6700Id = Identity("Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz", ProductLines.Core, 6, "i7-6700");

    public sealed class CloudStage
    {
        [Fact]
        public void Should_Be_ProviderManaged_With_The_Statement_When_The_Host_Is_An_Ec2_Instance()
        {
            // Given
            var host = Host("ip-10-0-0-1", new CloudInfo(CloudProvider.Aws, "ec2", "m5.large", "meta.cloud.provider"), I7_6700);

            // When
            var f = AdvisoryEvaluator.Evaluate(Advisory, host, HostFacts.None, Seeded((I7_6700, I7_6700Id)));

            // Then
            Assert.Equal(Verdict.ProviderManaged, f.Verdict);
            Assert.Equal(Stage.Cloud, f.Stage);
            Assert.Equal(HostEnvironment.Aws, f.Environment);
            Assert.Equal("TEST-SA-00001#cloud/aws", f.Evidence[0].Clause);
            Assert.Equal("AWS handles it", f.Evidence[0].Note?.En);
            Assert.Equal(EvidenceKind.CloudProvider, f.Evidence[0].Kind);
            Assert.Contains(f.Evidence[0].Facts, x => x.Name == "cloud.instance_type" && x.Value == "m5.large");
        }

        [Fact]
        public void Should_Judge_The_Cpu_When_The_Cloud_Provider_Is_Not_A_Known_Cloud()
        {
            // Given: ecs-anywhere runs on the customer's own hardware
            var host = Host("edge", new CloudInfo(CloudProvider.None, "ecs-anywhere", null, "meta.cloud.provider"), I7_6700);

            // When
            var f = AdvisoryEvaluator.Evaluate(Advisory, host, HostFacts.None, Seeded((I7_6700, I7_6700Id)));

            // Then
            Assert.Equal(Verdict.NeedsConfirmation, f.Verdict);
            Assert.Equal(HostEnvironment.OnPremises, f.Environment);
        }
    }

    public sealed class CpuStage
    {
        [Fact]
        public void Should_Be_Unknown_When_There_Are_No_Cpu_Facts()
        {
            // When
            var f = AdvisoryEvaluator.Evaluate(Advisory, Host("mystery"), HostFacts.None, Seeded());

            // Then
            Assert.Equal(Verdict.Unknown, f.Verdict);
            Assert.Equal(Stage.Cpu, f.Stage);
            Assert.EndsWith("#cpu/no-cpu-facts", f.Evidence[0].Clause, StringComparison.Ordinal);
            Assert.Equal("meta.cpu absent", f.Evidence[0].Subject);
        }

        [Fact]
        public void Should_Need_Confirmation_And_Say_What_To_Check_When_The_Cpu_Is_Listed()
        {
            // When
            var f = AdvisoryEvaluator.Evaluate(Advisory, Host("desk1", null, I7_6700), HostFacts.None, Seeded((I7_6700, I7_6700Id)));

            // Then
            Assert.Equal(Verdict.NeedsConfirmation, f.Verdict);
            Assert.Equal(Stage.Cpu, f.Stage);
            Assert.Equal("TEST-SA-00001#cpu/core-6-8", f.Evidence[0].Clause);
            Assert.Equal(ActionKind.ConfirmFirmware, f.Action.Kind);
            Assert.Equal("check ME", f.Action.Detail?.En);
            Assert.Contains(f.Evidence[0].Facts, x => x.Name == "cpu.model_name" && x.Value == I7_6700.BrandString);
        }

        [Fact]
        public void Should_Need_Confirmation_When_Only_A_Conditional_Rule_Matches()
        {
            // Given
            var cpu = Cpu("Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz");

            // When
            var f = AdvisoryEvaluator.Evaluate(Advisory, Host("old", null, cpu), HostFacts.None, Seeded((cpu, Identity(cpu.BrandString!, ProductLines.Core, 4, "i7-4770"))));

            // Then
            Assert.Equal(Verdict.NeedsConfirmation, f.Verdict);
            Assert.EndsWith("#cpu/amt-era", f.Evidence[0].Clause, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Be_NotAffected_Naming_The_Part_When_Every_Rule_Rules_It_Out()
        {
            // Given
            var cpu = new ProcessorFact("AuthenticAMD", "AMD EPYC 7502P 32-Core Processor", new CpuSignature(23, 49, 0), 64, 1);
            var id = Identity(cpu.BrandString!, ProductLines.Epyc, 2, "7502P", CpuVendor.Amd);

            // When
            var f = AdvisoryEvaluator.Evaluate(Advisory, Host("amd1", null, cpu), HostFacts.None, Seeded((cpu, id)));

            // Then
            Assert.Equal(Verdict.NotAffected, f.Verdict);
            Assert.EndsWith("#cpu/outside-listed-families", f.Evidence[0].Clause, StringComparison.Ordinal);
            Assert.Contains("EPYC 7502P", f.Evidence[0].Subject, StringComparison.Ordinal);
            Assert.Contains(f.Evidence[0].Predicates, p => p.Predicate == "cpu.vendor" && p.Result == Truth.False);
        }

        [Fact]
        public void Should_Be_Unknown_Not_NotAffected_When_The_Identification_Is_Unknown()
        {
            // Given
            var cpu = Cpu("Genuine Intel(R) CPU 0000 @ 2.20GHz");
            var id = Identity(cpu.BrandString!, confidence: IdentificationConfidence.Unknown);

            // When
            var f = AdvisoryEvaluator.Evaluate(Advisory, Host("es", null, cpu), HostFacts.None, Seeded((cpu, id)));

            // Then
            Assert.Equal(Verdict.Unknown, f.Verdict);
            Assert.Equal(EvidenceKind.Indeterminate, f.Evidence[0].Kind);
            Assert.Contains("cpu.product_line", f.Evidence[0].Missing);
        }

        [Fact]
        public void Should_Be_Unknown_When_A_Rule_Needs_A_Field_The_Identification_Lacks()
        {
            // Given: an Intel Core whose generation could not be read
            var cpu = Cpu("Intel(R) Core(TM) i7 CPU");
            var id = Identity(cpu.BrandString!, ProductLines.Core, generation: null);

            // When
            var f = AdvisoryEvaluator.Evaluate(Advisory, Host("odd", null, cpu), HostFacts.None, Seeded((cpu, id)));

            // Then
            Assert.Equal(Verdict.Unknown, f.Verdict);
            Assert.EndsWith("#cpu/core-6-8", f.Evidence[0].Clause, StringComparison.Ordinal);
            Assert.Equal(["cpu.generation"], f.Evidence[0].Missing);
        }

        [Fact]
        public void Should_Need_Confirmation_Of_The_Hypervisor_When_The_Cpu_Is_Synthetic()
        {
            // Given
            var cpu = Cpu("Intel Xeon Processor (Skylake, IBRS)");
            var id = Identity(cpu.BrandString!, ProductLines.Virtual, confidence: IdentificationConfidence.Low, isVirtual: true, hypervisor: "Skylake, IBRS");

            // When
            var f = AdvisoryEvaluator.Evaluate(Advisory, Host("vm1", null, cpu), HostFacts.None, Seeded((cpu, id)));

            // Then
            Assert.Equal(Verdict.NeedsConfirmation, f.Verdict);
            Assert.EndsWith("#cpu/virtual-machine", f.Evidence[0].Clause, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Take_The_Most_Urgent_Processor_When_A_Host_Has_Two()
        {
            // Given
            var amd = new ProcessorFact("AuthenticAMD", "AMD EPYC 7502P 32-Core Processor", null, 64, 1);
            var f = AdvisoryEvaluator.Evaluate(Advisory, Host("mixed", null, amd, I7_6700), HostFacts.None,
                Seeded((amd, Identity(amd.BrandString!, ProductLines.Epyc, 2, "7502P", CpuVendor.Amd)), (I7_6700, I7_6700Id)));

            // Then
            Assert.Equal(Verdict.NeedsConfirmation, f.Verdict);
            Assert.Equal(2, f.Processors.Length);
        }
    }

    public sealed class FirmwareStage
    {
        [Theory]
        [InlineData("11.6.12.3202", Verdict.Affected, "me11-bad")]
        [InlineData("11.8.50.3425", Verdict.Fixed, "me11-fixed")]
        [InlineData("12.0.35.1427", Verdict.NotAffected, "me12")]
        [InlineData("11.1.0.1000", Verdict.Unknown, "no-rule")]
        [InlineData("0.0.0.0", Verdict.Unknown, "zero-version")]
        public void Should_Let_The_Firmware_Decide_When_A_Version_Is_Known(string version, Verdict expected, string clause)
        {
            // When
            var f = AdvisoryEvaluator.Evaluate(Advisory, Host("desk1", null, I7_6700), Firmware(FirmwareKind.Me, version), Seeded((I7_6700, I7_6700Id)));

            // Then
            Assert.Equal(expected, f.Verdict);
            Assert.Equal(Stage.Firmware, f.Stage);
            Assert.EndsWith("#firmware/" + clause, f.Evidence[0].Clause, StringComparison.Ordinal);
            Assert.Contains(f.Evidence[0].Facts, x => x.Name == "firmware.me" && x.Value.StartsWith(version, StringComparison.Ordinal) && x.Source == "facts/test.json");
        }

        [Theory]
        [InlineData(true, Verdict.Affected)]
        [InlineData(false, Verdict.NotAffected)]
        [InlineData(null, Verdict.NeedsConfirmation)]
        public void Should_Apply_Amt_Rules_Only_To_Amt_Firmware_When_The_Sku_Matters(bool? amt, Verdict expected)
        {
            // When
            var f = AdvisoryEvaluator.Evaluate(Advisory, Host("old", null, I7_6700), Firmware(FirmwareKind.Me, "9.1.41.3024", amt), Seeded((I7_6700, I7_6700Id)));

            // Then
            Assert.Equal(expected, f.Verdict);
            Assert.EndsWith("#firmware/me9-amt", f.Evidence[0].Clause, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Be_Unknown_When_A_Firmware_Kind_Has_No_Rule()
        {
            // When
            var f = AdvisoryEvaluator.Evaluate(Advisory, Host("srv", null, I7_6700), Firmware(FirmwareKind.Sps, "4.0.4.294"), Seeded((I7_6700, I7_6700Id)));

            // Then
            Assert.Equal(Verdict.Unknown, f.Verdict);
        }

        [Fact]
        public void Should_Decide_By_Firmware_Even_When_The_Host_Has_No_Cpu_Facts()
        {
            // When
            var f = AdvisoryEvaluator.Evaluate(Advisory, Host("nocpu"), Firmware(FirmwareKind.Me, "11.8.50.3425"), Seeded());

            // Then
            Assert.Equal(Verdict.Fixed, f.Verdict);
        }
    }
}
