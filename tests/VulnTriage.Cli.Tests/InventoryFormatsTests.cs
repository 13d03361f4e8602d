using System.Text.Json;

namespace VulnTriage.Cli.Tests;

/// <summary>
/// Issue 14: the sample fleet in every inventory format gets the verdicts samples/README.md gives it (the Mackerel
/// sample's expectations), several inventories merge into one fleet, conflicting facts are reported, and labels route.
/// </summary>
public sealed class InventoryFormatsTests
{
    private static string S(params string[] parts) => Path.Combine([CliRunner.Samples, .. parts]);

    private static readonly string[] CsvMap = ["--map", "status=lifecycle,model=cpu_model_id,label.team=owner_team"];

    private static Dictionary<string, string> Verdicts(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("findings").EnumerateArray()
            .ToDictionary(f => f.GetProperty("host").GetProperty("name").GetString()!, f => f.GetProperty("verdict").GetString()!);
    }

    public static TheoryData<string, string[], string[], string> Formats => new()
    {
        // inventory arguments, hosts the format cannot hold (README: which hosts each format holds), exceptions as host=verdict, name
        { "mackerel", ["--inventory", "mackerel:" + S("mackerel", "hosts.json")], [], "" },
        { "osquery results log", ["--inventory", S("osquery", "osqueryd.results.log")], ["lb-vip01.dc1.example.com"], "" },
        { "osquery results log, kind named", ["--inventory", "osquery:" + S("osquery", "osqueryd.results.log")], ["lb-vip01.dc1.example.com"], "" },

        // Fleet's host record carries no cloud metadata: an Azure VM's DMI strings are those of any Hyper-V guest, so the two
        // Azure hosts are judged on their processors (Xeon Platinum 8171M: in scope; EPYC 7763: AMD) — never provider_managed.
        { "Fleet export", ["--inventory", "fleet:" + S("fleet", "hosts.json")], ["lb-vip01.dc1.example.com"], "shop-web-az01=needs_confirmation,corp-ad02=not_affected" },
        { "Ansible fact cache", ["--inventory", S("ansible", "fact_cache")], ["lb-vip01.dc1.example.com"], "" },
        { "CSV", ["--inventory", "csv:" + S("csv", "hosts.csv"), .. CsvMap], [], "" },
        { "probe folder", ["--inventory", S("probe")], ["lb-vip01.dc1.example.com", "WIN-FS01", "WIN-DC01", "mac-build01.corp.example.com"], "" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Should_Give_Each_Sample_Host_Its_Expected_Verdict_When_Read_From_Any_Format(string format, string[] inventory, string[] absent, string exceptions)
    {
        // Given
        var expected = SampleExpectations.Load();
        var overrides = exceptions.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split('=')).ToDictionary(e => e[0], e => e[1]);

        // When
        var r = CliRunner.Run(["triage", "INTEL-SA-00086", .. inventory, "--facts", CliRunner.SampleFacts, "--format", "json"]);

        // Then
        Assert.True(r.ExitCode == 1, $"{format}: {r.Err}");
        var actual = Verdicts(r.Out);
        foreach (var (host, verdict) in expected)
        {
            if (verdict == "excluded" || absent.Contains(host))
            {
                Assert.False(actual.ContainsKey(host), $"{format}: {host} should not be in the report");
                continue;
            }

            Assert.True(actual.TryGetValue(host, out var got), $"{format}: {host} missing");
            var want = overrides.GetValueOrDefault(host, verdict);
            Assert.True(want == got, $"{format}: {host}: expected {want}, got {got}");
        }

        Assert.Equal(expected.Count(e => e.Value != "excluded") - absent.Length, actual.Count);
    }

    [Fact]
    public void Should_Merge_Every_Sample_Format_Into_One_Fleet_With_Labels_And_Sources_When_All_Are_Given()
    {
        // When: seven inventories of the same 40 hosts
        var r = CliRunner.Run(
        [
            "triage", "INTEL-SA-00086",
            "--inventory", S("mackerel", "hosts.json"),
            "--inventory", S("osquery", "osqueryd.results.log"),
            "--inventory", "fleet:" + S("fleet", "hosts.json"),
            "--inventory", S("ansible", "fact_cache"),
            "--inventory", S("ansible", "inventory.json"),
            "--inventory", "csv:" + S("csv", "hosts.csv"), .. CsvMap,
            "--inventory", S("probe"),
            "--facts", CliRunner.SampleFacts, "--format", "json",
        ]);

        // Then: the Mackerel verdicts (Fleet's missing cloud is filled by the others), no conflict, one host per machine
        Assert.True(r.ExitCode == 1, r.Err);
        var expected = SampleExpectations.Load().Where(e => e.Value != "excluded").ToDictionary();
        Assert.Equal(expected, Verdicts(r.Out));
        using var doc = JsonDocument.Parse(r.Out);
        var diagnostics = doc.RootElement.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("code").GetString()).ToList();
        Assert.DoesNotContain("VT1301", diagnostics);
        Assert.DoesNotContain("VT1302", diagnostics);

        var db01 = doc.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("host").GetProperty("name").GetString() == "db01.dc1.example.com").GetProperty("host");
        Assert.Equal(7, db01.GetProperty("sources").GetArrayLength());
        var labels = db01.GetProperty("labels").EnumerateArray().Select(l => $"{l.GetProperty("key").GetString()}={l.GetProperty("value").GetString()}").ToList();
        Assert.Contains("team=payments-sre", labels);
        Assert.Contains("group=payments", labels);
        Assert.Contains("group=db", labels);
    }

    [Fact]
    public void Should_Report_Each_Conflict_And_Keep_The_Safe_Reading_When_A_Cmdb_Disagrees_With_Mackerel()
    {
        // Given
        var dir = Path.Combine(AppContext.BaseDirectory, "testdata", "merge");

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", Path.Combine(dir, "hosts.json"),
            "--inventory", Path.Combine(dir, "cmdb-conflicting.csv"), "--format", "json");

        // Then
        Assert.True(r.ExitCode == 1, r.Err);
        var verdicts = Verdicts(r.Out);
        Assert.Equal("needs_confirmation", verdicts["db01.dc1.example.com"]);
        Assert.Equal("needs_confirmation", verdicts["ip-10-0-1-23.ap-northeast-1.compute.internal"]);
        Assert.Equal("not_affected", verdicts["web02.dc2.example.com"]);
        Assert.Equal("needs_confirmation", verdicts["new01.dc3.example.com"]);
        Assert.Equal(5, verdicts.Count);

        using var doc = JsonDocument.Parse(r.Out);
        var conflicts = doc.RootElement.GetProperty("diagnostics").EnumerateArray()
            .Where(d => d.GetProperty("code").GetString() == "VT1301").Select(d => d.GetProperty("message").GetString()!).ToList();
        Assert.Equal(4, conflicts.Count);
        Assert.Contains(conflicts, m => m.StartsWith("host 'db01.dc1.example.com': processor 'AMD EPYC 7502P 32-Core Processor'", StringComparison.Ordinal));
        Assert.Contains(conflicts, m => m.StartsWith("host 'ip-10-0-1-23.ap-northeast-1.compute.internal': cloud provider ec2", StringComparison.Ordinal));
        Assert.Contains(conflicts, m => m.StartsWith("host 'web02.dc2.example.com': retired in", StringComparison.Ordinal));
        Assert.Contains(conflicts, m => m.StartsWith("host 'ws-kbr01.corp.example.com': processor 'Xeon E3-1240 v6'", StringComparison.Ordinal));

        // The evidence shows both processors, each with the inventory it came from.
        var db01 = doc.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("host").GetProperty("name").GetString() == "db01.dc1.example.com");
        var facts = db01.GetProperty("evidence")[0].GetProperty("facts").EnumerateArray()
            .Where(f => f.GetProperty("name").GetString()!.EndsWith(".model_name", StringComparison.Ordinal))
            .Select(f => (f.GetProperty("value").GetString(), f.GetProperty("source").GetString()!)).ToList();
        Assert.Equal(2, facts.Count);
        Assert.EndsWith("hosts.json)", facts[0].Item2, StringComparison.Ordinal);
        Assert.EndsWith("cmdb-conflicting.csv)", facts[1].Item2, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Group_Hosts_By_Team_When_Grouping_By_A_Label()
    {
        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", S("osquery", "osqueryd.results.log"), "--facts", CliRunner.SampleFacts, "--group-by", "label:team");

        // Then
        Assert.True(r.ExitCode == 1, r.Err);
        Assert.Contains("### team=payments-sre", r.Out, StringComparison.Ordinal);
        Assert.Contains("### team=factory-ot", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("(no service)", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Apply_A_Label_Decision_To_Every_Host_Of_The_Team_When_Triaging()
    {
        // Given
        var db = Path.Combine(Path.GetTempPath(), $"vt-{Path.GetRandomFileName()}.db");
        try
        {
            var decide = CliRunner.Run("decide", "INTEL-SA-00086", "--verdict", "accepted_risk", "--justification", "air-gapped OT network",
                "--author", "ot-lead", "--label", "team=factory-ot", "--db", db);
            Assert.True(decide.ExitCode == 0, decide.Err);

            // When
            var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", S("osquery", "osqueryd.results.log"), "--facts", CliRunner.SampleFacts, "--db", db, "--format", "json");

            // Then: the Factory hosts that need action carry the decision; gw02 (TXE fixed) and gw04 (Bay Trail, not
            // affected) keep their machine verdict — a selector decision applies only where action is needed (issue 16) —
            // and no host of another team is touched
            using var doc = JsonDocument.Parse(r.Out);
            var decided = doc.RootElement.GetProperty("findings").EnumerateArray()
                .Where(f => f.TryGetProperty("decision", out _)).Select(f => f.GetProperty("host").GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["gw01.factory1.example.com", "gw03.factory2.example.com", "hmi01.factory1.example.com"], decided);
        }
        finally
        {
            foreach (var f in new[] { db, db + "-wal", db + "-shm" })
            {
                File.Delete(f);
            }
        }
    }

    [Fact]
    public void Should_Detect_The_Format_When_An_Inventory_Comes_On_Standard_Input()
    {
        // When
        var r = CliRunner.RunWithInput(File.ReadAllBytes(S("osquery", "osqueryd.results.log")), "hosts", "--inventory", "-", "--format", "json");

        // Then
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("Xeon(R) Gold 6130", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("csv:", "--inventory", "csv:")]
    [InlineData("at most once", "--inventory", "-", "--inventory", "-")]
    [InlineData("unknown field 'nmae'", "--map", "nmae=hostname")]
    [InlineData("--group-by: 'label:'", "--group-by", "label:")]
    [InlineData("--group-by: 'team'", "--group-by", "team")]
    public void Should_Exit_2_And_Name_The_Option_When_The_Options_Are_Wrong(string message, params string[] args)
    {
        // When
        var r = CliRunner.Run(["triage", "INTEL-SA-00086", "--inventory", S("csv", "hosts.csv"), .. args]);

        // Then: the error line first (a parse error adds the usual pointer to --help)
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Out);
        var first = r.Err.Split('\n')[0];
        Assert.StartsWith("vulntriage: error: ", first, StringComparison.Ordinal);
        Assert.Contains(message, first, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("osquery:", "csv/hosts.csv", "VT1008")]
    [InlineData("probe:", "csv/hosts.csv", "VT1008")]
    [InlineData("ansible:", "fleet/hosts.json", "VT1008")]
    [InlineData("csv:", "mackerel/hosts.json", "VT1009")]
    public void Should_Exit_3_With_One_Located_Line_When_The_Content_Is_Not_The_Named_Kind(string kind, string file, string code)
    {
        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", kind + S(file.Split('/')));

        // Then
        Assert.Equal(3, r.ExitCode);
        var line = Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.Contains(code, line, StringComparison.Ordinal);
        Assert.Contains(":1", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Escape_Attacker_Controlled_Labels_When_Writing_Html()
    {
        // Given: a CMDB whose team column carries markup
        var csv = CliRunner.TempFile("hostname,cpu,label.team\nevil01,Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz,<script>alert(1)</script>\n", ".csv");
        try
        {
            // When
            var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", csv, "--group-by", "label:team", "--format", "html");

            // Then
            Assert.True(r.ExitCode == 1, r.Err);
            Assert.DoesNotContain("<script>alert(1)</script>", r.Out, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;", r.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
