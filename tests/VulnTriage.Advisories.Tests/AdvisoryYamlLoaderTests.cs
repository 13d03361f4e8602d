using VulnTriage.Advisories.Yaml;
using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Advisories.Tests;

public sealed class AdvisoryYamlLoaderTests
{
    private static string Shipped => AdvisoryCatalog.ReadEmbedded("advisories/intel/INTEL-SA-00086.yaml");

    private static InputException LoadFails(string text) =>
        Assert.Throws<InputException>(() => AdvisoryYamlLoader.Load(text, "test.yaml"));

    [Fact]
    public void Should_Report_Unknown_Key_With_Line_When_A_Key_Is_Misspelt()
    {
        // Given
        var text = Shipped.Replace("severity: high", "severity: high\nseverty: high", StringComparison.Ordinal);
        var line = text.Split('\n').Select((l, i) => (l, i)).First(x => x.l.StartsWith("severty", StringComparison.Ordinal)).i + 1;

        // When
        var e = LoadFails(text);

        // Then
        var d = Assert.Single(e.Diagnostics);
        Assert.Equal(DiagnosticCodes.AdvisoryUnknownKey, d.Code);
        Assert.Equal("test.yaml", d.Location.Source);
        Assert.Equal(line, d.Location.Line);
    }

    [Fact]
    public void Should_Report_Every_Problem_When_A_File_Has_Several()
    {
        // Given
        var text = Shipped
            .Replace("severity: high", "severity: extreme", StringComparison.Ordinal)
            .Replace("verdict: fixed", "verdict: mostly_fine", StringComparison.Ordinal);

        // When
        var e = LoadFails(text);

        // Then
        Assert.True(e.Diagnostics.Count >= 2);
        Assert.All(e.Diagnostics, d => Assert.Equal(DiagnosticCodes.AdvisoryBadValue, d.Code));
        Assert.All(e.Diagnostics, d => Assert.True(d.Location.Line > 0));
    }

    [Theory]
    [InlineData("id: INTEL-SA-00086\n", DiagnosticCodes.AdvisoryMissingKey)]
    [InlineData("id: [unclosed\n", DiagnosticCodes.AdvisoryInvalidYaml)]
    [InlineData("- a\n- b\n", DiagnosticCodes.AdvisoryBadValue)]
    [InlineData("id: !!python/object:os.system x\n", DiagnosticCodes.AdvisoryBadValue)]
    public void Should_Fail_With_Code_When_The_File_Is_Bad(string text, string code)
    {
        // When
        var e = LoadFails(text);

        // Then
        Assert.Contains(e.Diagnostics, d => d.Code == code);
    }

    [Theory]
    [InlineData("match: { major: 11, minor: [0, 5, 6, 7, 10, 20] }", "match: { major: 11, minor: [0, five] }")]
    [InlineData("match: { major: 8, below: \"8.1.72.3002\" }", "match: { major: 8, below: \"8.1.72\" }")]
    [InlineData("cpu.product_line: [core]", "cpu.product_line: [cores]")]
    [InlineData("cpu.model_number: [\"^W-21[0-9]{2}\"]", "cpu.model_number: [\"^W-21[0-9\"]")]
    [InlineData("cpu.codename: [apollo-lake]", "cpu.codename: [apollolake]")]
    [InlineData("cpu.signature: [06_1A,", "cpu.signature: [06_1G,")]
    [InlineData("cpu.generation: \"6-8\"", "cpu.generation: \"8-6\"")]
    [InlineData("cves: [CVE-2017-5707, CVE-2017-5710]", "cves: [CVE-2017-5707, CVE-2099-0001]")]
    [InlineData("expect: fixed\n    stage: firmware", "expect: patched\n    stage: firmware")]
    public void Should_Reject_A_Bad_Value_When_A_Rule_Is_Malformed(string good, string bad)
    {
        // Given
        Assert.Contains(good, Shipped, StringComparison.Ordinal);
        var text = Shipped.Replace(good, bad, StringComparison.Ordinal);

        // When
        var e = LoadFails(text);

        // Then
        Assert.Contains(e.Diagnostics, d => d.Code == DiagnosticCodes.AdvisoryBadValue && d.Location.Line > 0);
    }

    [Fact]
    public void Should_Require_A_Must_Not_Match_Example_When_Loading()
    {
        // Given: every not_affected example turned into needs_confirmation
        var text = Shipped.Replace("expect: not_affected", "expect: needs_confirmation", StringComparison.Ordinal);

        // When
        var e = LoadFails(text);

        // Then
        Assert.Contains(e.Diagnostics, d => d.Code == DiagnosticCodes.AdvisoryMissingKey);
    }

    [Fact]
    public void Should_Load_The_Shipped_Advisory_When_Valid()
    {
        // When
        var advisory = AdvisoryYamlLoader.Load(Shipped, "INTEL-SA-00086.yaml");

        // Then
        Assert.Equal("INTEL-SA-00086", advisory.Id);
        Assert.Equal(8, advisory.Cves.Length);
        Assert.Contains(advisory.CpuRules, r => r.Id == "xeon-scalable-1st-gen");
        Assert.Contains(advisory.FirmwareRules, r => r.Id == "sps4-milestone-below-4");
    }

    [Fact]
    public void Should_Fail_Naming_The_Known_Value_When_A_Microarchitecture_Is_Misspelt()
    {
        // Given: the typo issue 10 describes, which once silently turned a Pentium G4560 into "not affected"
        var good = "cpu.microarchitecture: [skylake, kaby-lake, coffee-lake]";
        Assert.Contains(good, Shipped, StringComparison.Ordinal);
        var text = Shipped.Replace(good, "cpu.microarchitecture: [skylake, kabylake, coffee-lake]", StringComparison.Ordinal);

        // When
        var e = LoadFails(text);

        // Then
        var d = Assert.Single(e.Diagnostics);
        Assert.Equal(DiagnosticCodes.AdvisoryBadValue, d.Code);
        Assert.Contains("unknown microarchitecture 'kabylake'", d.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'kaby-lake'?", d.Message, StringComparison.Ordinal);
        Assert.True(d.Location.Line > 0);
    }

    [Fact]
    public void Should_Suggest_The_Predicate_When_A_Predicate_Name_Is_Misspelt()
    {
        // Given
        var text = Shipped.Replace("- cpu.microarchitecture: [skylake, kaby-lake, coffee-lake]", "- cpu.microarchitectures: [skylake, kaby-lake, coffee-lake]", StringComparison.Ordinal);

        // When
        var e = LoadFails(text);

        // Then
        var d = Assert.Single(e.Diagnostics);
        Assert.Equal(DiagnosticCodes.AdvisoryUnknownKey, d.Code);
        Assert.Contains("did you mean 'cpu.microarchitecture'?", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Require_Both_Kinds_Of_Example_When_A_Rule_Has_Only_Matches()
    {
        // Given: the C3000 rule loses its must-not-match host
        var start = Shipped.IndexOf("        - { name: \"Avoton (C2000), the previous generation\"", StringComparison.Ordinal);
        Assert.True(start > 0);
        var end = Shipped.IndexOf('\n', start) + 1;
        var text = Shipped.Remove(start, end - start).Replace("      match:\n        - { vendor_id: GenuineIntel, model_name: \"Intel(R) Atom(TM) CPU C3758 @ 2.20GHz\", signature: \"6 95 1\" }\n      no_match:\n",
            "      match:\n        - { vendor_id: GenuineIntel, model_name: \"Intel(R) Atom(TM) CPU C3758 @ 2.20GHz\", signature: \"6 95 1\" }\n", StringComparison.Ordinal);

        // When
        var e = LoadFails(text);

        // Then
        Assert.Contains(e.Diagnostics, d => d.Code == DiagnosticCodes.AdvisoryMissingKey && d.Message.Contains("no_match", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("    when:\n      all:\n        - cpu.vendor: [intel]\n        - cpu.product_line: [xeon-scalable]", "    when:\n      all:\n        - { cpu.vendor: [intel], cpu.product_line: [xeon-scalable] }")]
    [InlineData("        - cpu.generation: 1\n", "        - cpu.generation: 1\n        - not: []\n")]
    [InlineData("        - cpu.generation: 1\n", "        - cpu.generation: 1\n        - any: []\n")]
    public void Should_Reject_A_Malformed_Condition_When_Loading(string good, string bad)
    {
        // Given
        Assert.Contains(good, Shipped, StringComparison.Ordinal);
        var text = Shipped.Replace(good, bad, StringComparison.Ordinal);

        // When
        var e = LoadFails(text);

        // Then
        Assert.Contains(e.Diagnostics, d => d.Code == DiagnosticCodes.AdvisoryBadValue && d.Location.Line > 0);
    }

    [Fact]
    public void Should_Refuse_Rules_Of_A_Stage_The_Policy_Does_Not_Read_When_Loading()
    {
        // Given: firmware rules but a policy that only reads the kernel
        var text = Shipped.Replace("\ncpu_rules:", "\npolicy:\n  stages: [kernel]\n\ncpu_rules:", StringComparison.Ordinal);

        // When
        var e = LoadFails(text);

        // Then
        Assert.Contains(e.Diagnostics, d => d.Message.Contains("'firmware_rules' is given but 'policy.stages' does not list firmware", StringComparison.Ordinal));
        Assert.Contains(e.Diagnostics, d => d.Message.Contains("lists kernel but the advisory has no 'kernel_rules'", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Reject_A_Partial_Kernel_Line_That_Is_Not_A_Mitigation_When_Loading()
    {
        // Given: a "Vulnerable…" line is affected anyway, so listing it as partial could only hide a typo
        var text = AdvisoryCatalog.ReadEmbedded("advisories/amd/AMD-SB-7005.yaml").Replace(
            "partial: [\"Mitigation: microcode\", \"Mitigation: IBPB on VMEXIT\"]", "partial: [\"Vulnerable: no microcode\"]", StringComparison.Ordinal);

        // When
        var e = LoadFails(text);

        // Then
        var d = Assert.Single(e.Diagnostics);
        Assert.Equal(DiagnosticCodes.AdvisoryBadValue, d.Code);
        Assert.Contains("partial", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Read_A_Build_Range_When_A_Firmware_Rule_Has_One()
    {
        // When
        var advisory = AdvisoryYamlLoader.Load(AdvisoryCatalog.ReadEmbedded("advisories/intel/INTEL-SA-00075.yaml"), "INTEL-SA-00075.yaml");

        // Then
        var rule = Assert.Single(advisory.FirmwareRules, r => r.Id == "me9-0-1-amt-build-below-3000");
        Assert.NotNull(rule.Match.Build);
        Assert.True(rule.Match.Build.Contains(2999));
        Assert.False(rule.Match.Build.Contains(3000));
        Assert.Equal("major 9, minor 0,1, build 0-2999", rule.Match.Describe());
    }

    [Fact]
    public void Should_Report_A_Bad_Build_Range_With_Its_Location_When_Loading()
    {
        // Given
        var text = AdvisoryCatalog.ReadEmbedded("advisories/intel/INTEL-SA-00075.yaml").Replace(
            "match: { major: 6, build: \"0-2999\" }", "match: { major: 6, build: \"2999-0\" }", StringComparison.Ordinal);

        // When
        var e = LoadFails(text);

        // Then
        Assert.Contains(e.Diagnostics, d => d.Code == DiagnosticCodes.AdvisoryBadValue && d.Location.Line > 0 && d.Message.Contains("build", StringComparison.Ordinal));
    }
}
