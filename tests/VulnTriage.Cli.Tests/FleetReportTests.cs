using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using VulnTriage.Advisories;
using VulnTriage.Cli.Application;
using VulnTriage.Inventory;

namespace VulnTriage.Cli.Tests;

/// <summary>Issue 13 (and the multi-advisory part of issue 11): several advisories in one run, the report layouts, progress and the summary line.</summary>
public sealed class FleetReportTests
{
    private static string Advisories => Path.Combine(AppContext.BaseDirectory, "testdata", "advisories");

    [Fact]
    public void Should_Give_Every_Host_A_Finding_Per_Advisory_When_Triaging_All_Advisories()
    {
        // Given the sample fleet and every advisory: the embedded ones and a directory with one more (test data)
        var json = Path.Combine(Path.GetTempPath(), $"vt-{Path.GetRandomFileName()}.json");

        // When
        var r = CliRunner.Run("triage", "--all", "--advisories", Advisories, "--inventory", CliRunner.SampleInventory, "--facts", CliRunner.SampleFacts, "--out", json);

        // Then: one row per host and advisory, for the same hosts
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var advisories = doc.RootElement.GetProperty("advisories").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        List<string?> expected = [.. AdvisoryCatalog.EmbeddedIds.Append("INTEL-SA-00088-SUBSET").Order(StringComparer.Ordinal)];
        Assert.Contains("INTEL-SA-00086", expected);
        Assert.Equal(expected, advisories);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => (Advisory: f.GetProperty("advisory").GetString(), Host: f.GetProperty("host").GetProperty("id").GetString()))
            .ToList();
        var hosts = doc.RootElement.GetProperty("inventory").GetProperty("hostsEvaluated").GetInt32();
        Assert.Equal(expected.Count * hosts, findings.Count);
        Assert.Equal(findings.Where(f => f.Advisory == "INTEL-SA-00086").Select(f => f.Host).Order(), findings.Where(f => f.Advisory == "INTEL-SA-00088-SUBSET").Select(f => f.Host).Order());
    }

    [Fact]
    public void Should_Write_One_Csv_Row_Per_Host_And_Advisory_When_Naming_Several_Advisories()
    {
        // Given two ids, one of them a CVE id that selects its advisory
        var csv = Path.Combine(Path.GetTempPath(), $"vt-{Path.GetRandomFileName()}.csv");

        // When
        var r = CliRunner.Run("triage", "CVE-2017-5705", "INTEL-SA-00088-SUBSET", "--advisories", Advisories, "--inventory", CliRunner.SampleInventory, "--out", csv);

        // Then
        Assert.Equal(1, r.ExitCode);
        var rows = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(rows.Count(a => a == "INTEL-SA-00086"), rows.Count(a => a == "INTEL-SA-00088-SUBSET"));
        Assert.True(rows.Count > 60);
    }

    [Theory]
    [InlineData("name advisories or pass --all, not both", "triage", "INTEL-SA-00086", "--all")]
    [InlineData("name at least one advisory", "triage")]
    [InlineData("--max-hosts-per-group: must be between 0 and 100000", "triage", "INTEL-SA-00086", "--max-hosts-per-group", "-1")]
    [InlineData("Argument 'sometimes' not recognized", "triage", "INTEL-SA-00086", "--detail", "sometimes")]
    public void Should_Exit_2_With_One_Line_When_The_Advisories_Or_Layout_Are_Asked_Wrongly(string message, params string[] args)
    {
        // When
        var r = CliRunner.Run([.. args, "--inventory", CliRunner.SampleInventory]);

        // Then
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Should_Name_Every_Known_Advisory_When_An_Id_Is_Unknown_Though_Only_Named_Ones_Are_Loaded()
    {
        // When
        var r = CliRunner.Run("triage", "INTEL-SA-99999", "--advisories", Advisories, "--inventory", CliRunner.SampleInventory);

        // Then
        Assert.Equal(2, r.ExitCode);
        var known = string.Join(", ", AdvisoryCatalog.EmbeddedIds.Append("INTEL-SA-00088-SUBSET").Order(StringComparer.Ordinal));
        Assert.Contains($"unknown advisory 'INTEL-SA-99999' (known: {known};", r.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto", false)]
    [InlineData("full", false)]
    [InlineData("summary", true)]
    public void Should_Group_Hosts_When_Asked_And_Keep_The_Per_Host_Layout_For_The_40_Host_Sample(string detail, bool grouped)
    {
        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--facts", CliRunner.SampleFacts, "--detail", detail, "--max-hosts-per-group", "2");

        // Then
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(grouped, r.Out.Contains("**Contents:**", StringComparison.Ordinal));
        Assert.Equal(!grouped, r.Out.Contains("### Evidence per host", StringComparison.Ordinal));
        var named = r.Out.Split('\n').Where(l => l.StartsWith("  - Hosts: ", StringComparison.Ordinal))
            .Select(l => l["  - Hosts: ".Length..].Split(", ").Count(n => !n.StartsWith("and ", StringComparison.Ordinal)))
            .ToList();
        Assert.Equal(grouped, named.Count > 0);
        Assert.All(named, n => Assert.InRange(n, 1, 2));
    }

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    [InlineData(false, false, false)]
    public void Should_End_With_A_Summary_Line_On_Stderr_Only_When_It_Is_A_Terminal_And_Not_Quiet(bool terminal, bool quiet, bool expected)
    {
        // Given
        var output = new StringWriter();
        var error = new StringWriter();
        var env = new CliEnvironment(output, error, () => new MemoryStream(), new FakeTimeProvider(CliRunner.Now), _ => null, ErrorIsTerminal: terminal);
        string[] args = ["triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--facts", CliRunner.SampleFacts, "--format", "json"];

        // When
        var code = VulnTriageCli.Run(quiet ? [.. args, "--quiet"] : args, env, TestContext.Current.CancellationToken);

        // Then: "40 hosts, 1 advisory, 0.1 s: 6 affected, …" (each host at its most urgent verdict)
        Assert.Equal(1, code);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var summary = lines.FirstOrDefault(l => l.Contains(" hosts, 1 advisory, ", StringComparison.Ordinal));
        Assert.Equal(expected, summary is not null);
        if (summary is not null)
        {
            Assert.Matches(@"^vulntriage: 38 hosts, 1 advisory, \d+\.\d s: \d+ affected, \d+ needs confirmation, ", summary);
        }
    }

    [Fact]
    public void Should_Show_Hosts_Rate_And_Elapsed_Time_And_Erase_The_Line_When_Reading_Takes_Over_A_Second()
    {
        // Given 10 hosts arriving 300 ms apart
        var time = new FakeTimeProvider(CliRunner.Now);
        var error = new StringWriter();
        IEnumerable<InventoryEntry> Slow()
        {
            for (var i = 0; i < 10; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(300));
                yield return new InventoryEntry(new Core.Inventory.Host($"h{i}", $"host{i}", null, Core.Inventory.HostStatus.Working, false, [], null, [], null, null), null);
            }
        }

        // When
        var count = ProgressLine.Wrap(Slow(), error, time, "reading the inventory").Count();

        // Then: redrawn in place (carriage returns), and blanked at the end so the next line starts clean
        Assert.Equal(10, count);
        var text = error.ToString();
        Assert.Contains("\rvulntriage: reading the inventory: 4 hosts (3 hosts/s, 1.2 s)", text, StringComparison.Ordinal);
        Assert.Contains("\rvulntriage: reading the inventory: 10 hosts (3 hosts/s, 3.0 s)", text, StringComparison.Ordinal);
        Assert.EndsWith("\r", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text);
    }
}
