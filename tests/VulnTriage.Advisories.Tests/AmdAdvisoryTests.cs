using System.Globalization;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;

namespace VulnTriage.Advisories.Tests;

/// <summary>
/// Issue 11: AMD-SB-7008 (Zenbleed), AMD-SB-7005 (Inception/SRSO) and AMD-SB-7029 (TSA) against the kernel's own tables
/// and strings. The expected tables are restated here from Linux as Debian ships it (linux-source-6.1 6.1.192-3):
/// arch/x86/kernel/cpu/amd.c cpu_has_zenbleed_microcode() (revisions, on the exact steppings of upstream fb7bfa31b8e8)
/// and amd_check_tsa_microcode() (16 rows keyed by family/model/stepping); the kernel lines come from bugs.c, srso.rst
/// and this project's build machine (Linux 6.18, an AMD EPYC guest).
/// </summary>
public sealed class AmdAdvisoryTests
{
    private static readonly Lazy<AdvisoryCatalog> Catalog = new(() => AdvisoryCatalog.Load(null));

    /// <summary>amd.c cpu_has_zenbleed_microcode(): first good revision per exact signature.</summary>
    private static readonly (string Signature, string Revision, string? Brand)[] ZenbleedTable =
    [
        ("17_31_0", "0x0830107b", "AMD EPYC 7502P 32-Core Processor"),
        ("17_60_1", "0x0860010c", "AMD Ryzen 7 4800H with Radeon Graphics"),
        ("17_68_1", "0x08608107", "AMD Ryzen 5 5500U with Radeon Graphics"),
        ("17_71_0", "0x08701033", "AMD Ryzen 9 3900X 12-Core Processor"),
        ("17_A0_0", "0x08a00009", "AMD Ryzen 3 7320U with Radeon Graphics"),
    ];

    /// <summary>amd.c amd_check_tsa_microcode(): minimum revision per exact signature (zen_patch_rev >> 8 decoded). Brands: corpus.tsv rows, where one exists.</summary>
    private static readonly (string Signature, string Revision, string? Brand)[] TsaTable =
    [
        ("19_01_1", "0x0a0011d7", "AMD EPYC 7763 64-Core Processor"),
        ("19_01_2", "0x0a00123b", "AMD EPYC 7773X 64-Core Processor"),
        ("19_08_2", "0x0a00820d", "AMD Ryzen Threadripper PRO 5995WX 64-Cores"),
        ("19_11_1", "0x0a10114c", "AMD EPYC 9654 96-Core Processor"),
        ("19_11_2", "0x0a10124c", null),
        ("19_18_1", "0x0a108109", "AMD Ryzen Threadripper 7960X 24-Cores"),
        ("19_21_0", "0x0a20102e", "AMD Ryzen 7 5800X 8-Core Processor"),
        ("19_21_2", "0x0a201211", "AMD Ryzen 7 5800X3D 8-Core Processor"),
        ("19_44_1", "0x0a404108", "AMD Ryzen 7 6800H with Radeon Graphics"),
        ("19_50_0", "0x0a500012", "AMD Ryzen 5 5600G with Radeon Graphics"),
        ("19_61_2", "0x0a60120a", "AMD Ryzen 9 7950X 16-Core Processor"),
        ("19_74_1", "0x0a704108", "AMD Ryzen 9 7940H w/ Radeon 780M Graphics"),
        ("19_75_2", "0x0a705208", "AMD Ryzen 7 8700G w/ Radeon 780M Graphics"),
        ("19_78_0", "0x0a708008", "AMD Ryzen Z1"),
        ("19_7C_0", "0x0a70c008", null),
        ("19_A0_2", "0x0aa00216", "AMD EPYC 9754 128-Core Emb Processor"),
    ];

    public static TheoryData<string, string, string?> Zenbleed => Rows(ZenbleedTable);

    public static TheoryData<string, string, string?> Tsa => Rows(TsaTable);

    /// <summary>Kernel lines → verdicts on a bare-metal candidate without microcode facts.</summary>
    public static TheoryData<string, string, string, Verdict> KernelLines => new()
    {
        // srso.rst, bugs.c (srso_strings + ", no microcode", srso_show_state) and Linux 6.18.
        { "AMD-SB-7005", "spec_rstack_overflow", "Vulnerable: Safe RET, no microcode", Verdict.Affected },
        { "AMD-SB-7005", "spec_rstack_overflow", "Vulnerable: no microcode", Verdict.Affected },
        { "AMD-SB-7005", "spec_rstack_overflow", "Vulnerable", Verdict.Affected },
        { "AMD-SB-7005", "spec_rstack_overflow", "Vulnerable, no microcode", Verdict.Affected },
        { "AMD-SB-7005", "spec_rstack_overflow", "Mitigation: safe RET, no microcode", Verdict.Affected },
        { "AMD-SB-7005", "spec_rstack_overflow", "Mitigation: IBPB, no microcode", Verdict.Affected },
        { "AMD-SB-7005", "spec_rstack_overflow", "Mitigation: safe RET", Verdict.Fixed },
        { "AMD-SB-7005", "spec_rstack_overflow", "Mitigation: IBPB", Verdict.Fixed },
        { "AMD-SB-7005", "spec_rstack_overflow", "Mitigation: SMT disabled", Verdict.Fixed },
        { "AMD-SB-7005", "spec_rstack_overflow", "Mitigation: microcode", Verdict.NeedsConfirmation },
        { "AMD-SB-7005", "spec_rstack_overflow", "Mitigation: IBPB on VMEXIT only", Verdict.NeedsConfirmation },
        { "AMD-SB-7005", "spec_rstack_overflow", "Mitigation: IBPB on VMEXIT", Verdict.NeedsConfirmation },
        { "AMD-SB-7005", "spec_rstack_overflow", "Not affected", Verdict.NeedsConfirmation },
        { "AMD-SB-7005", "spec_rstack_overflow", "Unknown: a line no kernel wrote yet", Verdict.Unknown },

        // bugs.c tsa_strings and Linux 6.18.
        { "AMD-SB-7029", "tsa", "Vulnerable", Verdict.Affected },
        { "AMD-SB-7029", "tsa", "Vulnerable: Clear CPU buffers attempted, no microcode", Verdict.Affected },
        { "AMD-SB-7029", "tsa", "Vulnerable: No microcode", Verdict.Affected },
        { "AMD-SB-7029", "tsa", "Mitigation: Clear CPU buffers", Verdict.Fixed },
        { "AMD-SB-7029", "tsa", "Mitigation: Clear CPU buffers: VM", Verdict.NeedsConfirmation },
        { "AMD-SB-7029", "tsa", "Mitigation: Clear CPU buffers: user/kernel boundary", Verdict.NeedsConfirmation },
        { "AMD-SB-7029", "tsa", "Not affected", Verdict.NeedsConfirmation },
    };

    [Fact]
    public void Should_Carry_Exactly_The_Kernels_Zenbleed_Table_When_Loaded()
    {
        // Given
        var rule = Assert.Single(Advisory("AMD-SB-7008").MicrocodeRules);

        // Then: a typo in a revision or a signature fails here, not silently in the field
        Assert.Equal(Table(ZenbleedTable), Thresholds(rule));
        Assert.True(rule.FixesAlone);
    }

    [Fact]
    public void Should_Carry_Exactly_The_Kernels_Tsa_Table_When_Loaded()
    {
        // Given
        var rule = Assert.Single(Advisory("AMD-SB-7029").MicrocodeRules);

        // Then
        Assert.Equal(16, rule.Fixed.Thresholds.Length);
        Assert.Equal(Table(TsaTable), Thresholds(rule));
        Assert.False(rule.FixesAlone);
    }

    [Theory]
    [MemberData(nameof(Zenbleed))]
    public void Should_Decide_Zenbleed_By_The_Exact_Stepping_When_The_Microcode_Is_Below_Or_At_The_Threshold(string signature, string revision, string? brand)
    {
        // Given
        var advisory = Advisory("AMD-SB-7008");
        var host = Bare(signature, brand);
        var at = MicrocodeRevision.Parse(revision);
        var below = new MicrocodeRevision(at.Value - 1);

        // When
        var belowFinding = Evaluate(advisory, host, Microcode(below));
        var atFinding = Evaluate(advisory, host, Microcode(at));
        var aboveFinding = Evaluate(advisory, host, Microcode(new MicrocodeRevision(at.Value + 1)));

        // Then
        Assert.Equal((Verdict.Affected, Stage.Microcode), (belowFinding.Verdict, belowFinding.Stage));
        Assert.Equal(EvidenceKind.MicrocodeBelow, belowFinding.Evidence[0].Kind);
        Assert.Equal(at.ToString(), belowFinding.Evidence[0].Detail);
        Assert.Equal((Verdict.Fixed, Stage.Microcode), (atFinding.Verdict, atFinding.Stage));
        Assert.Equal((Verdict.Fixed, Stage.Microcode), (aboveFinding.Verdict, aboveFinding.Stage));
    }

    [Theory]
    [MemberData(nameof(Zenbleed))]
    public void Should_Not_Judge_Another_Stepping_Of_The_Same_Model_By_Its_Threshold_When_Checking_Zenbleed(string signature, string revision, string? brand)
    {
        // Given: the same family and model, the next stepping (fb7bfa31b8e8: revisions are tied to exact steppings)
        var advisory = Advisory("AMD-SB-7008");
        var sig = Parse(signature);
        var other = Bare(string.Create(CultureInfo.InvariantCulture, $"{sig.Family:X2}_{sig.Model:X2}_{sig.Stepping + 1:X}"), brand);

        // When
        var finding = Evaluate(advisory, other, Microcode(MicrocodeRevision.Parse(revision)));

        // Then
        Assert.Equal((Verdict.NeedsConfirmation, Stage.Microcode), (finding.Verdict, finding.Stage));
        Assert.Equal(EvidenceKind.MicrocodeNoThreshold, finding.Evidence[0].Kind);
    }

    [Theory]
    [MemberData(nameof(Tsa))]
    public void Should_Decide_Tsa_Microcode_By_The_Exact_Stepping_And_Need_The_Kernel_Too_When_At_The_Threshold(string signature, string revision, string? brand)
    {
        // Given
        var advisory = Advisory("AMD-SB-7029");
        var host = Bare(signature, brand);
        var at = MicrocodeRevision.Parse(revision);

        // When
        var below = Evaluate(advisory, host, Microcode(new MicrocodeRevision(at.Value - 1)));
        var atOnly = Evaluate(advisory, host, Microcode(at));
        var atWithKernel = Evaluate(advisory, host, Microcode(at) with { Kernel = [Line("tsa", "Mitigation: Clear CPU buffers")] });

        // Then
        Assert.Equal((Verdict.Affected, Stage.Microcode), (below.Verdict, below.Stage));
        Assert.Equal((Verdict.NeedsConfirmation, Stage.Microcode), (atOnly.Verdict, atOnly.Stage));
        Assert.Equal(EvidenceKind.MicrocodeFixed, atOnly.Evidence[0].Kind);
        Assert.Equal(Verdict.Fixed, atWithKernel.Verdict);
    }

    [Theory]
    [InlineData("AMD-SB-7008", "17_31_0", "AMD EPYC 7502P 32-Core Processor", "0x0830107b")]
    [InlineData("AMD-SB-7008", "17_31_0", "AMD EPYC 7502P 32-Core Processor", "0x1")]
    [InlineData("AMD-SB-7029", "19_11_1", "AMD EPYC 9654 96-Core Processor", "0x0a10114c")]
    [InlineData("AMD-SB-7029", "19_11_1", "AMD EPYC", "0x1000065")]
    public void Should_Not_Decide_By_The_Microcode_When_The_Host_Is_A_Guest(string id, string signature, string brand, string revision)
    {
        // Given: the probe's virtualization.virtual (a guest sees its hypervisor's microcode value)
        var facts = Microcode(MicrocodeRevision.Parse(revision)) with { Virtual = true };

        // When
        var finding = Evaluate(Advisory(id), Bare(signature, brand), facts);

        // Then
        Assert.Equal((Verdict.NeedsConfirmation, Stage.Cpu), (finding.Verdict, finding.Stage));
        Assert.DoesNotContain(finding.Evidence, e => e.Kind is EvidenceKind.MicrocodeBelow or EvidenceKind.MicrocodeFixed);
    }

    [Theory]
    [MemberData(nameof(KernelLines))]
    public void Should_Follow_And_Name_The_Kernels_Line_When_It_Is_Known(string id, string file, string line, Verdict expected)
    {
        // Given: a bare-metal candidate of each advisory (Zen 2 Rome for SRSO, Zen 3 Milan for TSA), no microcode fact
        var host = id == "AMD-SB-7005" ? Bare("17_31_0", "AMD EPYC 7502P 32-Core Processor") : Bare("19_01_1", "AMD EPYC 7763 64-Core Processor");
        var facts = HostFacts.None with { Kernel = [Line(file, line)] };

        // When
        var finding = Evaluate(Advisory(id), host, facts);

        // Then
        Assert.Equal((expected, Stage.Kernel), (finding.Verdict, finding.Stage));
        Assert.Contains(finding.Evidence, e => e.Kind == EvidenceKind.Kernel && e.Subject == line);
    }

    [Theory]
    [InlineData("AMD-SB-7005", "spec_rstack_overflow", "Vulnerable: Safe RET, no microcode")]
    [InlineData("AMD-SB-7029", "tsa", "Vulnerable: No microcode")]
    [InlineData("AMD-SB-7029", "tsa", "Vulnerable: Clear CPU buffers attempted, no microcode")]
    public void Should_Ask_For_The_Hypervisor_Host_When_A_Guest_Kernel_Says_No_Microcode(string id, string file, string line)
    {
        // Given: the same line in a guest (the build machine's lines): a guest kernel cannot see the host's microcode
        var facts = HostFacts.None with { Kernel = [Line(file, line)], Virtual = true };

        // When
        var finding = Evaluate(Advisory(id), Bare("19_11_1", "AMD EPYC"), facts);

        // Then: neither affected (the guest's half is in place) nor fixed (the host's half is unseen)
        Assert.Equal((Verdict.NeedsConfirmation, Stage.Kernel), (finding.Verdict, finding.Stage));
        Assert.Equal(ActionKind.CheckHostMicrocode, finding.Action.Kind);
        var kernel = Assert.Single(finding.Evidence, e => e.Kind == EvidenceKind.Kernel);
        Assert.Equal("microcode_on_host", kernel.Detail);
        Assert.NotEmpty(finding.Cves);
    }

    [Fact]
    public void Should_Not_Say_No_Action_When_A_Cloud_Guest_Kernel_Says_Vulnerable_No_Microcode()
    {
        // Given: an EC2 guest whose kernel has its half ("Safe RET") but sees no microcode
        var facts = HostFacts.None with { Kernel = [Line("spec_rstack_overflow", "Vulnerable: Safe RET, no microcode")], Virtual = true };
        var host = Bare("19_01_1", "AMD EPYC 7R13 Processor") with { Cloud = new CloudInfo(CloudProvider.Aws, "ec2", "m6a.large", "meta.cloud") };

        // When
        var finding = Evaluate(Advisory("AMD-SB-7005"), host, facts);

        // Then: "Vulnerable" in a guest is not "no action" (issue 11): ask the provider, show the line and the provider's part
        Assert.Equal(Verdict.NeedsConfirmation, finding.Verdict);
        Assert.Equal(ActionKind.CheckHostMicrocode, finding.Action.Kind);
        Assert.Contains(finding.Evidence, e => e.Kind == EvidenceKind.Kernel && e.Detail == "microcode_on_host");
        Assert.Contains(finding.Evidence, e => e.Kind == EvidenceKind.CloudProvider);
    }

    [Fact]
    public void Should_Keep_A_Plain_Vulnerable_Guest_Affected_When_Its_Own_Kernel_Has_No_Mitigation()
    {
        // Given: "Vulnerable" without ", no microcode" is the guest kernel's own gap
        var facts = HostFacts.None with { Kernel = [Line("spec_rstack_overflow", "Vulnerable")], Virtual = true };

        // When
        var finding = Evaluate(Advisory("AMD-SB-7005"), Bare("19_11_1", "AMD EPYC"), facts);

        // Then
        Assert.Equal((Verdict.Affected, Stage.Kernel), (finding.Verdict, finding.Stage));
    }

    [Fact]
    public void Should_Say_A_Partial_Mitigation_Is_Partial_When_The_Kernel_Chose_One()
    {
        // Given
        var facts = HostFacts.None with { Kernel = [Line("spec_rstack_overflow", "Mitigation: IBPB on VMEXIT only")] };

        // When
        var finding = Evaluate(Advisory("AMD-SB-7005"), Bare("19_11_1", "AMD EPYC 9654 96-Core Processor"), facts);

        // Then
        var kernel = Assert.Single(finding.Evidence, e => e.Kind == EvidenceKind.Kernel);
        Assert.Equal("partial", kernel.Detail);
        Assert.Equal(ActionKind.UpdateKernel, finding.Action.Kind);
        Assert.Contains("CVE-2023-20569", finding.Cves);
    }

    [Theory]
    [InlineData("AMD-SB-7008", "23 132 0", "AMD 4800S 8-Core Processor Desktop Kit", Verdict.NeedsConfirmation, "AMD-SB-7008#cpu/zen2-outside-kernel-models")]
    [InlineData("AMD-SB-7008", "23 24 1", "AMD Ryzen 5 3500U with Radeon Vega Mobile Gfx", Verdict.NotAffected, "AMD-SB-7008#cpu/outside-listed-families")]
    [InlineData("AMD-SB-7005", "21 2 0", "AMD Opteron(tm) Processor 6376", Verdict.Unknown, "AMD-SB-7005#cpu/not-listed")]
    [InlineData("AMD-SB-7005", "24 0 2", "Hygon C86 3185  8-core Processor", Verdict.NeedsConfirmation, "AMD-SB-7005#cpu/hygon-family-18h")]
    [InlineData("AMD-SB-7005", "26 2 1", "AMD EPYC 9655 96-Core Processor", Verdict.NeedsConfirmation, "AMD-SB-7005#cpu/amd-family-1ah")]
    [InlineData("AMD-SB-7029", "26 2 1", "AMD EPYC 9655 96-Core Processor", Verdict.NotAffected, "AMD-SB-7029#cpu/outside-listed-families")]
    public void Should_Place_Edge_Processors_As_Documented_When_Only_The_Cpu_Is_Known(string id, string decimalSignature, string brand, Verdict expected, string clause)
    {
        // Given
        var parts = decimalSignature.Split(' ').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var vendor = brand.StartsWith("Hygon", StringComparison.Ordinal) ? "HygonGenuine" : "AuthenticAMD";
        var host = Host(new ProcessorFact(vendor, brand, new CpuSignature(parts[0], parts[1], parts[2]), 1, 1));

        // When
        var finding = Evaluate(Advisory(id), host, HostFacts.None);

        // Then
        Assert.Equal((expected, Stage.Cpu), (finding.Verdict, finding.Stage));
        Assert.Equal(clause, finding.Evidence[0].Clause);
    }

    [Theory]
    [InlineData("AMD-SB-7008", Verdict.NotAffected, "GenuineIntel", "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", 6, 85, 4)]
    [InlineData("AMD-SB-7005", Verdict.NotAffected, "GenuineIntel", "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", 6, 85, 4)]
    [InlineData("AMD-SB-7029", Verdict.NotAffected, "GenuineIntel", "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", 6, 85, 4)]
    [InlineData("AMD-SB-7008", Verdict.NotAffected, "CentaurHauls", "VIA Nano processor L2200@1600MHz", 6, 15, 2)]
    public void Should_Rule_Out_Other_Vendors_When_Evaluating_An_Amd_Bulletin(string id, Verdict expected, string vendor, string brand, int family, int model, int stepping)
    {
        // When
        var finding = Evaluate(Advisory(id), Host(new ProcessorFact(vendor, brand, new CpuSignature(family, model, stepping), 1, 1)), HostFacts.None);

        // Then
        Assert.Equal(expected, finding.Verdict);
    }

    internal static Advisory Advisory(string id) => Catalog.Value.Find(id) ?? throw new InvalidOperationException(id + " is not shipped");

    internal static Finding Evaluate(Advisory advisory, Host host, HostFacts facts) =>
        AdvisoryEvaluator.Evaluate(advisory, host, facts, new IdentificationCache());

    internal static Host Host(params ProcessorFact[] processors) =>
        new("h-test", "h-test", null, HostStatus.Working, false, [], null, [.. processors], "Linux", null);

    private static Host Bare(string signature, string? brand) => Host(new ProcessorFact("AuthenticAMD", brand, Parse(signature), 1, 1));

    private static CpuSignature Parse(string signature)
    {
        var p = signature.Split('_').Select(x => int.Parse(x, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)).ToArray();
        return new CpuSignature(p[0], p[1], p[2]);
    }

    private static HostFacts Microcode(MicrocodeRevision revision) =>
        HostFacts.None with { Microcode = new MicrocodeFact(revision, revision.ToString(), "test cpu.microcode") };

    private static KernelVulnerabilityFact Line(string file, string line) => KernelVulnerabilityStatus.Classify(file, line, "test vulnerabilities." + file);

    private static TheoryData<string, string, string?> Rows((string Signature, string Revision, string? Brand)[] table)
    {
        var data = new TheoryData<string, string, string?>();
        foreach (var (signature, revision, brand) in table)
        {
            data.Add(signature, revision, brand);
        }

        return data;
    }

    private static List<(string, string)> Table((string Signature, string Revision, string? Brand)[] table) =>
        [.. table.Select(row => (row.Signature, MicrocodeRevision.Parse(row.Revision).ToString())).Order()];

    private static List<(string, string)> Thresholds(MicrocodeRule rule) =>
        [.. rule.Fixed.Thresholds.Select(t => (t.Signature.ToString(), t.Revision.ToString())).Order()];
}
