using System.Text.Json;
using VulnTriage.Cli.Commands;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;

namespace VulnTriage.Cli.Tests;

/// <summary>Issue 11: <c>check --all</c> (the worst status wins, one line) and the advisories per CPU in <c>hosts</c>.</summary>
public sealed class CheckAllAndHostsAdvisoriesTests
{
    [Theory]
    [InlineData(new[] { 0, 3, 2 }, 2)]
    [InlineData(new[] { 3, 1 }, 1)]
    [InlineData(new[] { 0, 3 }, 3)]
    [InlineData(new[] { 0, 0 }, 0)]
    public void Should_Let_Critical_Outrank_Unknown_When_Combining_Statuses(int[] codes, int expected) =>
        Assert.Equal(expected, CheckCommand.Worst(codes));

    [Fact]
    public void Should_Count_The_Ok_Advisories_And_Detail_The_Others_When_Many_Are_Checked()
    {
        // Given: five advisories, one affected, one unknown, three fine
        var host = new Host("h", "h", null, HostStatus.Working, false, [], null, [], "Linux", null);
        Finding F(string id, Verdict v, EvidenceKind kind, string subject) => new(id, host, v, Stage.Kernel, HostEnvironment.OnPremises, [],
            [new Evidence($"{id}#kernel/x", kind, []) { Verdict = v, Subject = subject, Detail = v == Verdict.Affected ? "vulnerable" : "not_affected" }], [], FindingAction.None);
        var findings = new List<Finding>
        {
            F("AMD-SB-7005", Verdict.NotAffected, EvidenceKind.Kernel, "Not affected"),
            F("AMD-SB-7029", Verdict.Affected, EvidenceKind.Kernel, "Vulnerable: No microcode"),
            F("AMD-SB-7008", Verdict.Unknown, EvidenceKind.NoCpuFacts, "no CPU facts"),
            F("INTEL-SA-00086", Verdict.NotAffected, EvidenceKind.Kernel, "Not affected"),
            F("INTEL-SA-00088", Verdict.Fixed, EvidenceKind.Kernel, "Mitigation: PTI"),
        };

        // When
        var line = CheckCommand.StatusLine(findings);

        // Then
        Assert.StartsWith("VULNTRIAGE CRITICAL: 1 CRITICAL, 1 UNKNOWN, 3 OK of 5 advisories | AMD-SB-7029 CRITICAL: affected — The kernel reports \"Vulnerable: No microcode\"", line, StringComparison.Ordinal);
        Assert.Contains(" | AMD-SB-7008 UNKNOWN: unknown", line, StringComparison.Ordinal);
        Assert.DoesNotContain("INTEL-SA-00088", line, StringComparison.Ordinal);
        Assert.True(line.Length <= CheckCommand.MaxLineLength);
        Assert.Single(line.Split('\n'));
    }

    [Fact]
    public void Should_Check_Every_Advisory_When_All_Is_Given()
    {
        // When
        var r = CliRunner.Run("check", "--all", "--root", HostTrees.Tree("me11-laptop-affected"));

        // Then: INTEL-SA-00086 is affected on this tree, so the whole check is CRITICAL
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("CRITICAL", r.Out, StringComparison.Ordinal);
        Assert.Contains("INTEL-SA-00086", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("INTEL-SA-00086 --all")]
    public void Should_Say_Unknown_With_A_Usage_Error_When_Neither_Or_Both_Ids_And_All_Are_Given(string args)
    {
        // When
        var r = CliRunner.Run(["check", .. args.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--root", HostTrees.Tree("me11-laptop-affected")]);

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.StartsWith("VULNTRIAGE UNKNOWN: usage error:", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_List_The_Advisories_That_Apply_To_Each_Processor_When_Listing_Hosts()
    {
        // When
        var r = CliRunner.Run("hosts", "--inventory", CliRunner.SampleInventory, "--format", "json");

        // Then: a Skylake-SP Xeon is an SA-00086 candidate; an AMD EPYC has no advisory of the Intel ME
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        var processors = doc.RootElement.GetProperty("processors").EnumerateArray().ToList();
        var gold = processors.First(p => p.GetProperty("brandString").GetString() == "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz");
        var advisory = Assert.Single(gold.GetProperty("advisories").EnumerateArray(), a => a.GetProperty("id").GetString() == "INTEL-SA-00086");
        Assert.Equal("needs_confirmation", advisory.GetProperty("verdict").GetString());
        var epyc = processors.First(p => p.GetProperty("brandString").GetString() == "AMD EPYC 7502P 32-Core Processor");
        Assert.DoesNotContain(epyc.GetProperty("advisories").EnumerateArray(), a => a.GetProperty("id").GetString() == "INTEL-SA-00086");
    }
}
