using System.Collections.Immutable;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;

namespace VulnTriage.Core.Tests.Decisions;

public sealed class DecisionApplierTests
{
    private const string Advisory = "INTEL-SA-00086";
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    // Brand strings as mackerel-agent reports them (samples/mackerel/hosts.json; cpu-identification.md §3).
    private const string Gold6130 = "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz";
    private const string E31230v5 = "Intel(R) Xeon(R) CPU E3-1230 v5 @ 3.40GHz";

    // DMI strings as /sys/class/dmi/id/{sys_vendor,product_name} give them on a Dell and an HPE server.
    private static readonly PlatformInfo DellR740 = new("Dell Inc.", "PowerEdge R740", null, null, null, null, null);
    private static readonly PlatformInfo HpeDl380 = new("HPE", "ProLiant DL380 Gen10", null, null, null, null, null);

    private static Finding F(string id, string name, string brand, PlatformInfo? platform = null, Verdict verdict = Verdict.NeedsConfirmation, params string[] roles)
    {
        // Labels as an osquery decoration (team) and Ansible groups (group) give them.
        ImmutableArray<HostLabel> labels = id switch
        {
            "hA" or "hB" => [new HostLabel("team", "payments-sre", "osquery decorations"), new HostLabel("group", "db", "ansible group")],
            "hC" => [new HostLabel("team", "shop-web", "osquery decorations")],
            _ => [],
        };
        var host = new Host(id, name, null, HostStatus.Working, false,
            [.. roles.Select(r => r.Split(':')).Select(p => new RoleRef(p[0], p[1]))], null,
            [new ProcessorFact("GenuineIntel", brand, null, 8, 1)], "Linux", null, labels);

        // An identity as the CpuIdentifier stub leaves it: only the normalised brand string is known.
        var identity = new ProcessorIdentity(CpuVendor.Intel, null, null, null, null, null, MarketSegment.Unknown, false, null,
            IdentificationConfidence.Unknown, "stub", string.Join(' ', brand.Split(' ', StringSplitOptions.RemoveEmptyEntries)), null);
        var evidence = new Evidence($"{Advisory}#cpu/xeon-scalable-1st-gen", EvidenceKind.CandidateCpu, []) { Subject = "machine reason" };
        return new Finding(Advisory, host, verdict, Stage.Cpu, HostEnvironment.OnPremises, [identity], [evidence], ["CVE-2017-5705"],
            new FindingAction(ActionKind.ConfirmFirmware, new LocalizedText("Read the SPS version.")), platform);
    }

    private static Decision D(string id, SelectorKind kind, string value, Verdict verdict = Verdict.NotAffected, DateTimeOffset? at = null, string advisory = Advisory) =>
        new(id, advisory, new DecisionSelector(kind, value), verdict, null, "reason", null, "alice", at ?? T0);

    private static readonly ImmutableArray<Finding> Fleet =
    [
        F("hA", "db01.dc1.example.com", Gold6130, DellR740, Verdict.NeedsConfirmation, "Payments:db"),
        F("hB", "db02.dc1.example.com", Gold6130, HpeDl380, Verdict.NeedsConfirmation, "Payments:db"),
        F("hC", "api01.dc1.example.com", E31230v5, DellR740, Verdict.Affected, "Shop:api"),
        F("hD", "lab01.example.com", E31230v5, null, Verdict.Unknown),
    ];

    private static string[] Decided(DecisionOutcome outcome, string decisionId) =>
        [.. outcome.Findings.Where(f => f.Decision?.Id == decisionId).Select(f => f.Host.Id).Order(StringComparer.Ordinal)];

    public static TheoryData<SelectorKind, string, string[]> Selectors => new()
    {
        { SelectorKind.Host, "db01.dc1.example.com", ["hA"] },
        { SelectorKind.Host, "DB01.dc1.example.com", ["hA"] },
        { SelectorKind.Host, "hB", ["hB"] },
        { SelectorKind.Cpu, "Xeon Gold 6130", ["hA", "hB"] },
        { SelectorKind.Cpu, "xeon gold 6130", ["hA", "hB"] },
        { SelectorKind.Cpu, "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", ["hA", "hB"] },
        { SelectorKind.Cpu, "E3-1230 v5", ["hC", "hD"] },
        { SelectorKind.Cpu, "Xeon Gold 613", [] },
        { SelectorKind.Cpu, "E3-1230 v6", [] },
        { SelectorKind.Platform, "Dell Inc./PowerEdge R740", ["hA", "hC"] },
        { SelectorKind.Platform, "poweredge r740", ["hA", "hC"] },
        { SelectorKind.Platform, "Dell Inc.", ["hA", "hC"] },
        { SelectorKind.Platform, "HPE/ProLiant DL380 Gen10", ["hB"] },
        { SelectorKind.Platform, "Dell Inc./PowerEdge R640", [] },
        { SelectorKind.Service, "Payments", ["hA", "hB"] },
        { SelectorKind.Service, "payments", [] },
        { SelectorKind.Role, "Shop:api", ["hC"] },
        { SelectorKind.Role, "Shop:db", [] },
        { SelectorKind.Label, "team=payments-sre", ["hA", "hB"] },
        { SelectorKind.Label, "TEAM = payments-sre", ["hA", "hB"] },
        { SelectorKind.Label, "team=Payments-SRE", [] },
        { SelectorKind.Label, "group=db", ["hA", "hB"] },
        { SelectorKind.Label, "team=shop-web", ["hC"] },
        { SelectorKind.Label, "team", [] },
        { SelectorKind.Label, "=shop-web", [] },
    };

    [Theory]
    [MemberData(nameof(Selectors))]
    public void Should_Decide_Exactly_The_Selected_Hosts_When_A_Selector_Is_Given(SelectorKind kind, string value, string[] expected)
    {
        // Given
        var decision = D("d-1", kind, value);

        // When
        var outcome = DecisionApplier.Apply(Fleet, [decision]);

        // Then
        Assert.Equal(expected, Decided(outcome, "d-1"));
        Assert.Equal(expected.Length == 0, outcome.Stale.Any(d => d.Id == "d-1"));
    }

    [Fact]
    public void Should_Outrank_The_Machine_Verdict_And_Keep_It_Beside_When_A_Decision_Applies()
    {
        // Given
        var decision = D("d-1", SelectorKind.Host, "api01.dc1.example.com", Verdict.AcceptedRisk);

        // When
        var f = DecisionApplier.Apply(Fleet, [decision]).Findings.Single(x => x.Host.Id == "hC");

        // Then
        Assert.Equal(Verdict.AcceptedRisk, f.Verdict);
        Assert.Equal(Stage.Decision, f.Stage);
        Assert.Equal(new MachineVerdict(Verdict.Affected, Stage.Cpu), f.Machine);
        Assert.Equal($"{Advisory}#decision/d-1", f.Evidence[0].Clause);
        Assert.Equal($"{Advisory}#cpu/xeon-scalable-1st-gen", f.Evidence[1].Clause);
        Assert.Contains(f.Evidence[0].Facts, x => x.Name == "machine.verdict" && x.Value == "affected");
        Assert.Equal(3, f.Verdict.FailRank());
    }

    [Fact]
    public void Should_Prefer_The_Host_Decision_When_A_Service_Decision_Also_Matches()
    {
        // Given: a later service-wide decision and an earlier host decision
        var host = D("d-host", SelectorKind.Host, "db01.dc1.example.com", Verdict.Affected, T0);
        var service = D("d-svc", SelectorKind.Service, "Payments", Verdict.NotAffected, T0.AddDays(1));

        // When
        var outcome = DecisionApplier.Apply(Fleet, [host, service]);

        // Then
        Assert.Equal(Verdict.Affected, outcome.Findings.Single(x => x.Host.Id == "hA").Verdict);
        Assert.Equal(Verdict.NotAffected, outcome.Findings.Single(x => x.Host.Id == "hB").Verdict);
        Assert.Empty(outcome.Stale);
    }

    [Fact]
    public void Should_Prefer_A_Service_Decision_When_A_Label_Decision_Also_Matches()
    {
        // Given: a later label-wide decision and an earlier service decision
        var service = D("d-svc", SelectorKind.Service, "Payments", Verdict.Affected, T0);
        var label = D("d-label", SelectorKind.Label, "team=payments-sre", Verdict.NotAffected, T0.AddDays(1));

        // When
        var outcome = DecisionApplier.Apply(Fleet, [label, service]);

        // Then: label is the least specific selector
        Assert.Equal(["d-svc", "d-svc"], outcome.Findings.Where(f => f.Host.Id is "hA" or "hB").Select(f => f.Decision!.Id));
    }

    [Fact]
    public void Should_Prefer_The_Latest_Decision_When_Two_Of_The_Same_Kind_Match()
    {
        // Given
        var older = D("d-1", SelectorKind.Host, "hA", Verdict.Affected, T0);
        var newer = D("d-2", SelectorKind.Host, "db01.dc1.example.com", Verdict.Fixed, T0.AddHours(1));

        // When
        var f = DecisionApplier.Apply(Fleet, [older, newer]).Findings.Single(x => x.Host.Id == "hA");

        // Then
        Assert.Equal("d-2", f.Decision!.Id);
        Assert.Equal(Verdict.Fixed, f.Verdict);
    }

    [Fact]
    public void Should_Ignore_A_Decision_When_It_Was_Revoked()
    {
        // Given
        var decision = D("d-1", SelectorKind.Cpu, "Xeon Gold 6130");
        var revocation = decision with { Id = "d-2", Revokes = "d-1", Justification = "vendor page withdrawn", DecidedAt = T0.AddDays(2) };

        // When
        var outcome = DecisionApplier.Apply(Fleet, [decision, revocation]);

        // Then
        Assert.All(outcome.Findings, f => Assert.Null(f.Decision));
        Assert.All(outcome.Findings, f => Assert.NotEqual(Stage.Decision, f.Stage));
        Assert.Empty(outcome.Stale);
    }

    [Fact]
    public void Should_List_Only_Decisions_Of_Evaluated_Advisories_As_Stale_When_Their_Selector_Matches_Nothing()
    {
        // Given
        var gone = D("d-1", SelectorKind.Host, "decommissioned.example.com");
        var other = D("d-2", SelectorKind.Host, "decommissioned.example.com", advisory: "INTEL-SA-00115");

        // When
        var outcome = DecisionApplier.Apply(Fleet, [gone, other]);

        // Then
        Assert.Equal(["d-1"], outcome.Stale.Select(d => d.Id));
    }

    [Fact]
    public void Should_Say_The_Vendor_Page_Confirms_It_When_An_In_Scope_Host_Is_Decided_Not_Affected_With_Evidence()
    {
        // Given
        var decision = D("d-1", SelectorKind.Host, "db01.dc1.example.com") with { EvidenceUrl = "https://www.dell.com/support/kbdoc/000177138" };

        // When
        var outcome = DecisionApplier.Apply(Fleet, [decision]);
        var en = DecisionApplier.ConclusionLines(outcome.Findings, "en");
        var ja = DecisionApplier.ConclusionLines(outcome.Findings, "ja");

        // Then
        Assert.Equal(["1 host looked in scope; the vendor page confirms it is not affected."], en);
        Assert.Equal(["対象と見られたホスト1台について、ベンダーの情報により影響がないことを確認しました。"], ja);
    }

    [Fact]
    public void Should_Say_A_Recorded_Decision_When_Hosts_Are_Decided_Without_Evidence()
    {
        // Given
        var decision = D("d-1", SelectorKind.Service, "Payments");

        // When
        var lines = DecisionApplier.ConclusionLines(DecisionApplier.Apply(Fleet, [decision]).Findings, "en");

        // Then
        Assert.Equal(["2 hosts looked in scope; a recorded decision says they are not affected."], lines);
    }
}
