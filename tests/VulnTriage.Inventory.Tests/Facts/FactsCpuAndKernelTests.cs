using System.Text;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Facts;

namespace VulnTriage.Inventory.Tests.Facts;

/// <summary>
/// The facts reader takes <c>cpu.microcode</c>, <c>vulnerabilities</c> and <c>virtualization.virtual</c> exactly as
/// <c>vulntriage probe</c> prints them (docs/probe-format.md); the same parser serves --facts, Mackerel metadata and check.
/// </summary>
public sealed class FactsCpuAndKernelTests
{
    private static (HostFacts Facts, List<Diagnostic> Diagnostics) Parse(string json)
    {
        var diagnostics = new List<Diagnostic>();
        return (FactsFileParser.Parse(Encoding.UTF8.GetBytes(json), "facts/h.json", diagnostics.Add), diagnostics);
    }

    [Fact]
    public void Should_Read_Microcode_And_Kernel_Lines_When_The_File_Is_Probe_Output()
    {
        // Given: the shape of docs/probe-format.md's example
        const string json = """
            { "schema": "vulntriage-probe/1",
              "cpu": { "vendor_id": "GenuineIntel", "model_name": "Intel(R) Core(TM) i7-7500U CPU @ 2.70GHz", "family": 6, "model": 142, "stepping": 9, "microcode": "0xde" },
              "virtualization": { "virtual": false, "hypervisor": null, "evidence": [] },
              "vulnerabilities": { "meltdown": "Mitigation: PTI", "l1tf": "Mitigation: PTE Inversion; VMX: conditional cache flushes, SMT vulnerable", "mds": "Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable" } }
            """;

        // When
        var (facts, diagnostics) = Parse(json);

        // Then
        Assert.Empty(diagnostics);
        Assert.Equal(new MicrocodeRevision(0xde), facts.Microcode!.Revision);
        Assert.Equal("0xde", facts.Microcode.Text);
        Assert.Equal("facts/h.json cpu.microcode", facts.Microcode.Source);
        Assert.False(facts.Virtual);
        Assert.Equal(["l1tf", "mds", "meltdown"], facts.Kernel.Select(k => k.Name));
        Assert.Equal(KernelStatus.Mitigated, facts.KernelFact("meltdown")!.Status);
        Assert.Equal(KernelStatus.Vulnerable, facts.KernelFact("mds")!.Status);
        Assert.Equal("facts/h.json vulnerabilities.mds", facts.KernelFact("mds")!.Source);
    }

    [Fact]
    public void Should_Not_Use_The_Hypervisors_Placeholder_When_Microcode_Is_All_Ones()
    {
        // Given: Hyper-V and Azure guests show 0xffffffff in /proc/cpuinfo
        var (facts, diagnostics) = Parse("""{ "cpu": { "microcode": "0xffffffff" }, "virtualization": { "virtual": true } }""");

        // Then
        Assert.Null(facts.Microcode);
        Assert.True(facts.Virtual);
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
    }

    [Theory]
    [InlineData("""{ "cpu": { "microcode": "microcode" } }""")]
    [InlineData("""{ "cpu": { "microcode": 222 } }""")]
    [InlineData("""{ "cpu": [] }""")]
    [InlineData("""{ "vulnerabilities": [ "Mitigation: PTI" ] }""")]
    [InlineData("""{ "vulnerabilities": { "meltdown": 1 } }""")]
    public void Should_Stop_With_A_Located_Error_When_A_Cpu_Or_Kernel_Fact_Is_Malformed(string json)
    {
        // When
        var e = Assert.Throws<InputException>(() => Parse(json));

        // Then
        var d = Assert.Single(e.Diagnostics);
        Assert.Equal(DiagnosticCodes.FactsInvalid, d.Code);
        Assert.Equal("facts/h.json", d.Location.Source);
        Assert.Equal(1, d.Location.Line);
    }

    [Fact]
    public void Should_Skip_A_Name_That_Is_Not_A_Kernel_File_When_Reading_Vulnerabilities()
    {
        // When
        var (facts, diagnostics) = Parse("""{ "vulnerabilities": { "../../etc/passwd": "Vulnerable", "mds": "Not affected" } }""");

        // Then
        Assert.Equal(["mds"], facts.Kernel.Select(k => k.Name));
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(diagnostics).Severity);
    }
}
