using VulnTriage.Core.Matching;
using static VulnTriage.Core.Tests.Matching.TestData;

namespace VulnTriage.Core.Tests.Matching;

public sealed class FindingOrderTests
{
    [Fact]
    public void Should_Sort_By_Verdict_Then_Advisory_Then_Name_Then_Id_When_Ordering()
    {
        // Given
        static Finding F(Verdict v, string advisory, string name, string id) =>
            new(advisory, Host(name) with { Id = id }, v, Stage.Cpu, HostEnvironment.OnPremises, [], [], [], FindingAction.None);
        Finding[] expected =
        [
            F(Verdict.Affected, "A", "z", "1"),
            F(Verdict.NeedsConfirmation, "A", "a", "1"),
            F(Verdict.NeedsConfirmation, "B", "a", "1"),
            F(Verdict.Unknown, "A", "b", "1"),
            F(Verdict.Unknown, "A", "b", "2"),
            F(Verdict.NotAffected, "A", "a", "1"),
        ];

        // When
        var shuffled = expected.Reverse().ToList();
        shuffled.Sort(FindingOrder.Instance);

        // Then
        Assert.Equal(expected, shuffled);
    }

    [Theory]
    [InlineData("affected", Verdict.Affected)]
    [InlineData("needs_confirmation", Verdict.NeedsConfirmation)]
    [InlineData("provider_managed", Verdict.ProviderManaged)]
    [InlineData("not_affected", Verdict.NotAffected)]
    public void Should_Round_Trip_Wire_Names_When_Parsing(string wire, Verdict verdict)
    {
        // Then
        Assert.Equal(wire, verdict.ToWire());
        Assert.True(Verdicts.TryParse(wire, out var parsed));
        Assert.Equal(verdict, parsed);
    }
}
