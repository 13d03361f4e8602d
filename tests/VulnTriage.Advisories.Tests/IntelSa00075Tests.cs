using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Versions;

namespace VulnTriage.Advisories.Tests;

/// <summary>
/// Issue 11: INTEL-SA-00075 firmware versions per branch, below and at the fix, for manageability (AMT/ISM/SBT),
/// consumer and unknown SKUs. The line is Intel's discovery tool's (shared/docs/reference/intel-sa-00086.md §6): ME
/// 6.x–10.x and 11.0–11.6 with a build number below 3000 on a manageability image are vulnerable. Fixed builds: NVD
/// CVE-2017-5689 (Siemens 6.2.61.3535, 7.1.91.3272, 9.1.41.3024, 11.0.26.3000), intel-sa-00086.md §2.1 (8.1.71.3608,
/// 9.1.41.3024, 10.0.55.3000 as SA-00075 fixes; HP 11.0.18.3003 and 11.6.12.3202), 9.5.61.3012 (Intel's SA-00086 tool).
/// Vulnerable builds: 9.0.31.1487, 11.0.18.1002, 11.6.1.1142 (intel-sa-00086.md §1.2, §2.1); X.Y.Z.2999 are constructed,
/// one build below the line.
/// </summary>
public sealed class IntelSa00075Tests
{
    [Theory]
    [InlineData("me6", "6.2.61.2999", "6.2.61.3535")]
    [InlineData("me7", "7.1.91.2999", "7.1.91.3272")]
    [InlineData("me8", "8.1.71.2999", "8.1.71.3608")]
    [InlineData("me9-0-1", "9.0.31.1487", "9.1.41.3024")]
    [InlineData("me9-5", "9.5.61.2999", "9.5.61.3012")]
    [InlineData("me10", "10.0.55.2999", "10.0.55.3000")]
    [InlineData("me11-0", "11.0.18.1002", "11.0.18.3003")]
    [InlineData("me11-0", "11.0.18.1002", "11.0.26.3000")]
    [InlineData("me11-5-6", "11.6.1.1142", "11.6.12.3202")]
    [InlineData("me11-5-6", "11.5.0.2999", "11.5.0.3000")]
    public void Should_Decide_Each_Branch_By_The_Build_Number_When_The_Sku_Is_Known_Or_Not(string branch, string below, string at)
    {
        // Given
        var advisory = AmdAdvisoryTests.Advisory("INTEL-SA-00075");
        var host = AmdAdvisoryTests.Host(new ProcessorFact("GenuineIntel", "Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz", new CpuSignature(6, 60, 3), 1, 1));

        // When
        Finding Run(string version, bool? amt) => AmdAdvisoryTests.Evaluate(advisory, host,
            HostFacts.None with { Firmware = [new FirmwareFact(FirmwareKind.Me, FirmwareVersion.Parse(version), amt, "test")] });

        // Then
        var affected = Run(below, amt: true);
        Assert.Equal((Verdict.Affected, Stage.Firmware), (affected.Verdict, affected.Stage));
        Assert.Equal($"INTEL-SA-00075#firmware/{branch}-amt-build-below-3000", affected.Evidence[0].Clause);
        Assert.Equal(["CVE-2017-5689"], affected.Cves);
        Assert.Equal(Verdict.NotAffected, Run(below, amt: false).Verdict);
        Assert.Equal((Verdict.NeedsConfirmation, Stage.Firmware), (Run(below, amt: null).Verdict, Run(below, amt: null).Stage));
        foreach (var amt in new bool?[] { true, false, null })
        {
            var fixedFinding = Run(at, amt);
            Assert.Equal(Verdict.Fixed, fixedFinding.Verdict);
            Assert.Equal($"INTEL-SA-00075#firmware/{branch}-build-3000-or-later", fixedFinding.Evidence[0].Clause);
        }
    }

    [Theory]
    [InlineData(FirmwareKind.Me, "11.7.0.1000", Verdict.NotAffected)]
    [InlineData(FirmwareKind.Me, "11.8.50.3425", Verdict.NotAffected)]
    [InlineData(FirmwareKind.Me, "12.0.35.1427", Verdict.NotAffected)]
    [InlineData(FirmwareKind.Me, "5.2.70.1000", Verdict.NotAffected)]
    [InlineData(FirmwareKind.Sps, "04.00.04.294", Verdict.NotAffected)]
    [InlineData(FirmwareKind.Me, "11.1.0.1000", Verdict.Unknown)]
    [InlineData(FirmwareKind.Txe, "3.0.1.1107", Verdict.Unknown)]
    [InlineData(FirmwareKind.Me, "0.0.0.0", Verdict.Unknown)]
    public void Should_Judge_Versions_Outside_The_Affected_Branches_When_Read(FirmwareKind kind, string version, Verdict expected)
    {
        // Given: a manageability image where the fact says so; the SKU cannot make an uncovered version safe
        var host = AmdAdvisoryTests.Host(new ProcessorFact("GenuineIntel", "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz", new CpuSignature(6, 94, 3), 1, 1));
        var facts = HostFacts.None with { Firmware = [new FirmwareFact(kind, FirmwareVersion.Parse(version), true, "test")] };

        // When
        var finding = AmdAdvisoryTests.Evaluate(AmdAdvisoryTests.Advisory("INTEL-SA-00075"), host, facts);

        // Then
        Assert.Equal((expected, Stage.Firmware), (finding.Verdict, finding.Stage));
    }
}
