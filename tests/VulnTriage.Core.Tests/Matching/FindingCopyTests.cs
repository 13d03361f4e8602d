using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;

namespace VulnTriage.Core.Tests.Matching;

/// <summary>
/// A finding re-addressed to another host shares everything but the host (TriageService copies one finding per host
/// with the same hardware); it must still behave as a record of values.
/// </summary>
public sealed class FindingCopyTests
{
    private static Host H(string id) => new(id, id + ".example", null, HostStatus.Working, false, [], null, [], "Linux", null);

    private static Finding Original { get; } = new(
        "INTEL-SA-00086", H("a"), Verdict.NeedsConfirmation, Stage.Cpu, HostEnvironment.OnPremises, [],
        [new Evidence("INTEL-SA-00086#cpu/core", EvidenceKind.CandidateCpu, [new EvidenceFact("cpu.model_name", "Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz", "meta.cpu")])],
        ["CVE-2017-5705"], new FindingAction(ActionKind.ConfirmFirmware, null, "INTEL-SA-00086"));

    [Fact]
    public void Should_KeepEveryOtherValue_When_ReAddressedToAnotherHost()
    {
        // When
        var copy = Original with { Host = H("b") };

        // Then
        Assert.Equal("b", copy.Host.Id);
        Assert.Equal("a", Original.Host.Id);
        Assert.Equal(Original.AdvisoryId, copy.AdvisoryId);
        Assert.Equal(Original.Verdict, copy.Verdict);
        Assert.Equal(Original.Stage, copy.Stage);
        Assert.Equal(Original.Evidence, copy.Evidence);
        Assert.Equal(Original.Cves, copy.Cves);
        Assert.Equal(Original.Action, copy.Action);
        Assert.NotEqual(Original, copy);
        Assert.Equal(Original, copy with { Host = Original.Host });
    }

    [Fact]
    public void Should_LeaveTheOriginalAndItsOtherCopies_When_ACopyChangesAVerdict()
    {
        // Given: two copies of one finding (one shared body)
        var b = Original with { Host = H("b") };
        var c = Original with { Host = H("c") };

        // When
        var decided = b with { Verdict = Verdict.NotAffected, Stage = Stage.Decision, Machine = new MachineVerdict(b.Verdict, b.Stage) };

        // Then
        Assert.Equal(Verdict.NotAffected, decided.Verdict);
        Assert.Equal(Stage.Decision, decided.Stage);
        Assert.Equal(Verdict.NeedsConfirmation, decided.Machine!.Verdict);
        Assert.Equal(Verdict.NeedsConfirmation, b.Verdict);
        Assert.Equal(Verdict.NeedsConfirmation, c.Verdict);
        Assert.Equal(Verdict.NeedsConfirmation, Original.Verdict);
        Assert.Null(c.Machine);
        Assert.Equal(b.GetHashCode(), (decided with { Verdict = b.Verdict, Stage = b.Stage, Machine = null }).GetHashCode());
        Assert.Equal(b, decided with { Verdict = b.Verdict, Stage = b.Stage, Machine = null });
    }
}
