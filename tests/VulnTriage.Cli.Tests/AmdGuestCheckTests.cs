using System.Text.Json;

namespace VulnTriage.Cli.Tests;

/// <summary>
/// Issue 11: `vulntriage check` on this kind of machine — an AMD EPYC (Zen 4) guest whose kernel reports SRSO and TSA as
/// "Vulnerable: …, no microcode" — names the kernel's own lines, and, because a guest cannot see the host's microcode,
/// asks for the hypervisor host to be checked (WARNING) rather than calling the guest affected. The tree is the project's build machine captured
/// verbatim (tests/VulnTriage.Inventory.Tests/testdata/hosts/amd-epyc-guest/README.md).
/// </summary>
public sealed class AmdGuestCheckTests
{
    private const string Tree = "amd-epyc-guest";

    [Theory]
    [InlineData("AMD-SB-7005", "spec_rstack_overflow", "Vulnerable: Safe RET, no microcode", 1, "WARNING", "needs_confirmation", "AMD-SB-7005#kernel/spec-rstack-overflow")]
    [InlineData("AMD-SB-7029", "tsa", "Vulnerable: No microcode", 1, "WARNING", "needs_confirmation", "AMD-SB-7029#kernel/tsa-sysfs")]
    public void Should_Agree_With_And_Name_The_Kernels_Line_When_Checking_The_Amd_Epyc_Guest(string id, string file, string line, int exit, string status, string verdict, string clause)
    {
        // Given: the tree carries the kernel's line exactly as this machine printed it
        var onDisk = File.ReadAllText(Path.Combine(HostTrees.Tree(Tree), "sys", "devices", "system", "cpu", "vulnerabilities", file)).TrimEnd('\n');
        Assert.Equal(line, onDisk);

        // When
        var r = CliRunner.Run("check", id, "--root", HostTrees.Tree(Tree));

        // Then
        var output = r.Out.TrimEnd('\n');
        Assert.True(r.ExitCode == exit, $"exit {r.ExitCode}: {r.Out}{r.Err}");
        Assert.StartsWith($"{id} {status}: {verdict} — The kernel reports \"{line}\"", output, StringComparison.Ordinal);
        Assert.EndsWith($"(clause {clause})", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Rule_Out_Zenbleed_By_The_Microarchitecture_When_The_Guest_Is_Zen_4()
    {
        // Given: no Zenbleed file exists in sysfs; the kernel's bug list in /proc/cpuinfo names no Zenbleed either
        var cpuinfo = File.ReadAllText(Path.Combine(HostTrees.Tree(Tree), "proc", "cpuinfo"));
        Assert.DoesNotContain("zenbleed", cpuinfo, StringComparison.OrdinalIgnoreCase);

        // When
        var r = CliRunner.Run("check", "AMD-SB-7008", "--root", HostTrees.Tree(Tree));

        // Then
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("AMD-SB-7008 OK: not_affected — ", r.Out, StringComparison.Ordinal);
        Assert.Contains("zen4", r.Out, StringComparison.Ordinal);
        Assert.EndsWith("(clause AMD-SB-7008#cpu/outside-listed-families)", r.Out.TrimEnd('\n'), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Put_The_Worst_Kernel_Line_First_When_Checking_The_Three_Amd_Bulletins_At_Once()
    {
        // When
        var r = CliRunner.Run("check", "AMD-SB-7008", "AMD-SB-7029", "AMD-SB-7005", "--root", HostTrees.Tree(Tree));

        // Then: one line, the worst (WARNING) first, within the plugin limit
        var line = r.Out.TrimEnd('\n');
        Assert.Equal(1, r.ExitCode);
        Assert.DoesNotContain('\n', line);
        Assert.True(line.Length <= Commands.CheckCommand.MaxLineLength);
        Assert.StartsWith("AMD-SB-7005 WARNING: needs_confirmation", line, StringComparison.Ordinal);
        Assert.Contains(" | AMD-SB-7029 WARNING: needs_confirmation", line, StringComparison.Ordinal);
        Assert.Contains(" | AMD-SB-7008 OK: not_affected", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Not_Read_The_Guests_Microcode_As_Evidence_When_Triaging_Its_Probe()
    {
        // Given: the probe of the tree as a --facts file, and its CPU as an inventory
        var probe = CliRunner.Run("probe", "--root", HostTrees.Tree(Tree));
        Assert.Equal(0, probe.ExitCode);
        using var doc = JsonDocument.Parse(probe.Out);
        Assert.Equal("0x1000065", doc.RootElement.GetProperty("cpu").GetProperty("microcode").GetString());
        Assert.True(doc.RootElement.GetProperty("virtualization").GetProperty("virtual").GetBoolean());
        var facts = HostTrees.TempDirectory("vt-amd-guest-facts-");
        File.WriteAllText(Path.Combine(facts, "amd-epyc-guest.json"), probe.Out);
        var inventory = CliRunner.TempFile("""
            [{"id":"g1","name":"amd-epyc-guest","status":"working","isRetired":false,"roles":{},
              "meta":{"cpu":[{"vendor_id":"AuthenticAMD","model_name":"AMD EPYC","family":"25","model":"17","stepping":"1"}]}}]
            """);

        // When
        var r = CliRunner.Run("triage", "AMD-SB-7029", "--inventory", inventory, "--facts", facts, "--format", "json");

        // Then: the kernel's line decides (the guest's half in place, the host's microcode to check); no microcode evidence is cited
        Assert.True(r.ExitCode == 1, r.Err);
        using var report = JsonDocument.Parse(r.Out);
        var finding = report.RootElement.GetProperty("findings")[0];
        Assert.Equal("needs_confirmation", finding.GetProperty("verdict").GetString());
        Assert.Equal("kernel", finding.GetProperty("stage").GetString());
        Assert.Equal("check_host_microcode", finding.GetProperty("actionKind").GetString());
        Assert.DoesNotContain("microcode_below", r.Out, StringComparison.Ordinal);
    }
}
