using System.Globalization;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;

namespace VulnTriage.Core.Tests.Decisions;

/// <summary>Issue 16: selector decisions only where action is needed, and indexed selector matching.</summary>
public sealed class DecisionScopeTests
{
    private const string Advisory = "INTEL-SA-00086";
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    // Brand strings as mackerel-agent reports them (samples/mackerel/hosts.json).
    private static Finding F(string id, string brand, Verdict verdict, params string[] roles)
    {
        var host = new Host(id, id + ".example.com", null, HostStatus.Working, false,
            [.. roles.Select(r => r.Split(':')).Select(p => new RoleRef(p[0], p[1]))], null,
            [new ProcessorFact("GenuineIntel", brand, null, 8, 1)], "Linux", null);
        var identity = new ProcessorIdentity(CpuVendor.Intel, null, null, null, null, null, MarketSegment.Unknown, false, null,
            IdentificationConfidence.Unknown, "stub", string.Join(' ', brand.Split(' ', StringSplitOptions.RemoveEmptyEntries)), null);
        return new Finding(Advisory, host, verdict, Stage.Cpu, HostEnvironment.OnPremises, [identity],
            [new Evidence($"{Advisory}#cpu/x", EvidenceKind.CandidateCpu, []) { Subject = "machine reason" }], [], new FindingAction(ActionKind.ConfirmFirmware, new LocalizedText("act")));
    }

    private static Decision D(string id, SelectorKind kind, string value, bool allVerdicts = false, DateTimeOffset? at = null) =>
        new(id, Advisory, new DecisionSelector(kind, value), Verdict.Fixed, null, "reason", null, "alice", at ?? T0, AllVerdicts: allVerdicts);

    private static readonly Finding[] ShopWeb =
    [
        F("web01", "Intel(R) Xeon(R) CPU E3-1230 v5 @ 3.40GHz", Verdict.NeedsConfirmation, "Shop:web"),
        F("web02", "AMD EPYC 7502P 32-Core Processor", Verdict.NotAffected, "Shop:web"),
        F("gce01", "Intel(R) Xeon(R) CPU @ 2.20GHz", Verdict.ProviderManaged, "Shop:web"),
        F("web03", "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz", Verdict.Affected, "Shop:web"),
        F("web04", "Intel(R) Xeon(R) Processor", Verdict.Unknown, "Shop:web"),
    ];

    private static Verdict VerdictOf(DecisionOutcome o, string id) => o.Findings.Single(f => f.Host.Id == id).Verdict;

    [Fact]
    public void Should_Decide_Only_Hosts_Needing_Action_When_A_Role_Decision_Is_Applied()
    {
        // When
        var outcome = DecisionApplier.Apply(ShopWeb, [D("d1", SelectorKind.Role, "Shop:web")]);

        // Then
        Assert.Equal(Verdict.Fixed, VerdictOf(outcome, "web01"));
        Assert.Equal(Verdict.Fixed, VerdictOf(outcome, "web03"));
        Assert.Equal(Verdict.Fixed, VerdictOf(outcome, "web04"));
        Assert.Equal(Verdict.NotAffected, VerdictOf(outcome, "web02"));
        Assert.Equal(Verdict.ProviderManaged, VerdictOf(outcome, "gce01"));
        Assert.Empty(outcome.Stale);
    }

    [Fact]
    public void Should_Decide_Every_Matching_Host_When_The_Decision_Has_All_Verdicts()
    {
        // When
        var outcome = DecisionApplier.Apply(ShopWeb, [D("d1", SelectorKind.Service, "Shop", allVerdicts: true)]);

        // Then
        Assert.All(outcome.Findings, f => Assert.Equal(Verdict.Fixed, f.Verdict));
    }

    [Fact]
    public void Should_Decide_The_Host_Whatever_The_Machine_Said_When_The_Decision_Names_The_Host()
    {
        // When
        var outcome = DecisionApplier.Apply(ShopWeb, [D("d1", SelectorKind.Host, "web02.example.com")]);

        // Then
        Assert.Equal(Verdict.Fixed, VerdictOf(outcome, "web02"));
    }

    [Fact]
    public void Should_Preview_Which_Matching_Hosts_A_Decision_Changes_When_Asked()
    {
        // Given
        var targets = ShopWeb.Select(f => (SelectorTarget.From(f), f.Verdict));

        // When
        var preview = DecisionApplier.Preview(D("d1", SelectorKind.Cpu, "Xeon"), targets);

        // Then: web01, gce01, web04 carry "Xeon"; gce01 is provider-managed
        Assert.Equal(["gce01", "web01", "web04"], preview.Select(p => p.Target.HostId).Order(StringComparer.Ordinal));
        Assert.False(preview.Single(p => p.Target.HostId == "gce01").Applies);
        Assert.True(preview.Single(p => p.Target.HostId == "web01").Applies);
    }

    [Fact]
    public void Should_Apply_The_Right_Decision_When_A_Thousand_Cpu_Decisions_Are_Recorded()
    {
        // Given: 1,000 CPU decisions of which two select web01 ("E3-1230 v5" earlier, "Xeon E3-1230" later)
        var decisions = Enumerable.Range(0, 998)
            .Select(i => D(string.Create(CultureInfo.InvariantCulture, $"d{i:D4}"), SelectorKind.Cpu, string.Create(CultureInfo.InvariantCulture, $"Xeon Gold {5000 + i}")))
            .Append(D("e-early", SelectorKind.Cpu, "E3-1230 v5", at: T0))
            .Append(D("e-late", SelectorKind.Cpu, "Xeon(R) CPU E3-1230", at: T0.AddDays(1)))
            .ToList();

        // When
        var outcome = DecisionApplier.Apply(ShopWeb, decisions);

        // Then
        Assert.Equal("e-late", outcome.Findings.Single(f => f.Host.Id == "web01").Decision?.Id);
        Assert.All(outcome.Findings.Where(f => f.Host.Id != "web01"), f => Assert.Null(f.Decision));
        Assert.Equal(998, outcome.Stale.Length);
    }
}
