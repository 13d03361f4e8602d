using System.Text.Json;
using Json.Schema;

namespace VulnTriage.Storage.Tests;

/// <summary>The decision commands end to end, against each store (one derived class per store).</summary>
public abstract class DecisionCommandsTests
{
    // Built once: the schema registry refuses a second registration of the same $id (the class runs once per store).
    private static readonly Lazy<JsonSchema> OpenVexSchema = new(() => JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", "openvex", "openvex_json_schema.json"))));

    protected abstract StoreKind Kind { get; }

    private static Dictionary<string, JsonElement> FindingsByHost(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("findings").EnumerateArray()
            .ToDictionary(f => f.GetProperty("host").GetProperty("name").GetString()!, f => f.Clone());
    }

    private static string[] DecidedHosts(string json, string decisionId) =>
        [.. FindingsByHost(json)
            .Where(kv => kv.Value.TryGetProperty("decision", out var d) && d.GetProperty("id").GetString() == decisionId)
            .Select(kv => kv.Key)
            .Order(StringComparer.Ordinal)];

    // Expected sets are read off samples/mackerel/hosts.json (roles and meta.cpu[].model_name of non-retired hosts),
    // less the hosts whose machine verdict with samples/facts needs no action (db02, gw02 fixed; gw04 not affected): a selector
    // decision applies only where action is needed unless --all-verdicts (issue 16).
    public static TheoryData<string, string, string[]> Selectors => new()
    {
        { "--host", "db01.dc1.example.com", ["db01.dc1.example.com"] },
        { "--cpu", "Xeon Gold 6130", ["WIN-DC01", "db01.dc1.example.com"] },
        { "--cpu", "E3-1230 v5", ["api02.dc1.example.com", "web01.dc2.example.com"] },
        { "--service", "Factory", ["gw01.factory1.example.com", "gw03.factory2.example.com", "hmi01.factory1.example.com"] },
        { "--role", "Factory:hmi", ["hmi01.factory1.example.com"] },
    };

    [Theory]
    [MemberData(nameof(Selectors))]
    public void Should_Apply_A_Decision_To_The_Selected_Hosts_When_Triaging_With_The_Database(string option, string value, string[] expected)
    {
        // Given
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);
        var decided = cli.Decide("not_affected", option, value);
        Assert.True(decided.ExitCode == 0, decided.Err);
        var id = decided.Out.Trim();

        // When
        var r = cli.Triage("--facts", Cli.Facts);

        // Then
        Assert.Equal("d-0001", id);
        Assert.Equal(expected, DecidedHosts(r.Out, id));
        Assert.All(expected, h => Assert.Equal("decision", FindingsByHost(r.Out)[h].GetProperty("stage").GetString()));
    }

    [Fact]
    public void Should_Show_The_Decision_Outranking_The_Machine_Verdict_When_A_Confirmed_Host_Is_Decided()
    {
        // Given: db01 is affected by its firmware fact (SPS 04.00.03.237)
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);
        Assert.Equal("affected", FindingsByHost(cli.Triage("--facts", Cli.Facts).Out)["db01.dc1.example.com"].GetProperty("verdict").GetString());
        cli.Run("decide", "INTEL-SA-00086", "--verdict", "not_affected", "--vex-justification", "vulnerable_code_not_present",
            "--justification", "Dell: this R740 runs the fixed SPS image", "--evidence", "https://www.dell.com/support/kbdoc/000177138",
            "--author", "alice", "--host", "db01.dc1.example.com");

        // When
        var json = cli.Triage("--facts", Cli.Facts);
        var md = cli.Run("triage", "INTEL-SA-00086", "--inventory", Cli.Inventory, "--facts", Cli.Facts);

        // Then
        var db01 = FindingsByHost(json.Out)["db01.dc1.example.com"];
        Assert.Equal("not_affected", db01.GetProperty("verdict").GetString());
        Assert.Equal("decision", db01.GetProperty("stage").GetString());
        Assert.Equal("affected", db01.GetProperty("machine").GetProperty("verdict").GetString());
        Assert.Equal("firmware", db01.GetProperty("machine").GetProperty("stage").GetString());
        Assert.Equal("INTEL-SA-00086#decision/d-0001", db01.GetProperty("evidence")[0].GetProperty("clause").GetString());
        Assert.Contains("1 host looked in scope; the vendor page confirms it is not affected.", md.Out, StringComparison.Ordinal);
        Assert.Contains("Not affected (machine: Affected, Firmware)", md.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Write_The_Japanese_Conclusion_When_Lang_Is_Ja()
    {
        // Given
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);
        cli.Decide("not_affected", "--host", "db01.dc1.example.com", "--evidence", "https://www.dell.com/support/kbdoc/000177138");

        // When
        var r = cli.Run("triage", "INTEL-SA-00086", "--inventory", Cli.Inventory, "--facts", Cli.Facts, "--lang", "ja");

        // Then
        Assert.Contains("対象と見られたホスト1台について、ベンダーの情報により影響がないことを確認しました。", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Not_Fail_The_Run_When_The_Only_Affected_Hosts_Carry_An_Accepted_Risk()
    {
        // Given: with facts, the affected hosts are db01, api02, gw01, ws-hsw01, ws-kaby01, ws-sky01 (samples/README.md)
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);
        var before = cli.Triage("--facts", Cli.Facts, "--fail-on", "affected");
        var affected = FindingsByHost(before.Out).Where(kv => kv.Value.GetProperty("verdict").GetString() == "affected").Select(kv => kv.Key).ToList();
        Assert.Equal(1, before.ExitCode);
        foreach (var host in affected)
        {
            cli.Decide("accepted_risk", "--host", host);
        }

        // When
        var after = cli.Triage("--facts", Cli.Facts, "--fail-on", "affected");

        // Then
        Assert.Equal(0, after.ExitCode);
        Assert.All(affected, h => Assert.Equal("accepted_risk", FindingsByHost(after.Out)[h].GetProperty("verdict").GetString()));
    }

    [Fact]
    public void Should_Stop_Applying_A_Decision_And_Keep_It_In_The_Trail_When_It_Is_Revoked()
    {
        // Given
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);
        cli.Decide("fixed", "--service", "Factory");
        cli.Clock.Advance(TimeSpan.FromDays(1));

        // When
        var revoked = cli.Run("decisions", "revoke", "d-0001", "--author", "bob", "--reason", "gw02 was re-imaged with old firmware");
        var again = cli.Run("decisions", "revoke", "d-0001", "--author", "bob", "--reason", "twice");
        var unknown = cli.Run("decisions", "revoke", "d-0999", "--author", "bob", "--reason", "no such");
        var active = cli.Run("decisions", "list");
        var all = cli.Run("decisions", "list", "--all", "--format", "json");
        var triage = cli.Triage("--facts", Cli.Facts);

        // Then
        Assert.Equal((0, "d-0002"), (revoked.ExitCode, revoked.Out.Trim()));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already revoked by 'd-0002'", again.Err, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("No decisions.", active.Out.Trim());
        using var trail = JsonDocument.Parse(all.Out);
        Assert.Equal(["revoked", "revocation"], trail.RootElement.EnumerateArray().Select(e => e.GetProperty("standing").GetString()));
        Assert.Equal("d-0002", trail.RootElement[0].GetProperty("revokedBy").GetString());
        Assert.Empty(DecidedHosts(triage.Out, "d-0001"));
    }

    [Fact]
    public void Should_List_A_Decision_As_Stale_When_Its_Selector_Matches_No_Host()
    {
        // Given: a platform decision; the sample facts carry no DMI platform, and one host that was decommissioned
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);
        cli.Decide("not_affected", "--platform", "Dell Inc./PowerEdge R740");
        cli.Decide("fixed", "--host", "decommissioned01.dc1.example.com");

        // When
        var r = cli.Triage("--facts", Cli.Facts);
        var md = cli.Run("triage", "INTEL-SA-00086", "--inventory", Cli.Inventory, "--facts", Cli.Facts);

        // Then
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(["d-0001", "d-0002"], doc.RootElement.GetProperty("staleDecisions").EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        Assert.Contains("| d-0002 | host:decommissioned01.dc1.example.com |", md.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Show_What_Changed_When_Two_Runs_Were_Saved()
    {
        // Given: a run without firmware facts, then a week later one with them and a decision
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);
        Assert.Equal(3, cli.Run("diff", "INTEL-SA-00086").ExitCode);
        cli.Triage("--save");
        var first = cli.Run("diff", "INTEL-SA-00086");
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("only one saved run", first.Err, StringComparison.Ordinal);
        cli.Clock.Advance(TimeSpan.FromDays(7));
        cli.Decide("accepted_risk", "--host", "ws-hsw01.corp.example.com");
        cli.Triage("--facts", Cli.Facts, "--save");

        // When
        var json = cli.Run("diff", "INTEL-SA-00086", "--format", "json");
        var md = cli.Run("diff", "INTEL-SA-00086");
        var progress = cli.Run("triage", "INTEL-SA-00086", "--inventory", Cli.Inventory, "--facts", Cli.Facts);

        // Then
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        var root = doc.RootElement;
        string[] Hosts(string list) => [.. root.GetProperty(list).EnumerateArray().Select(c => c.GetProperty("hostName").GetString()!)];
        Assert.Equal(["api02.dc1.example.com", "db01.dc1.example.com", "gw01.factory1.example.com", "ws-kaby01.corp.example.com", "ws-sky01.corp.example.com"], Hosts("newlyAffected"));
        Assert.Equal(["db02.dc1.example.com", "gw02.factory1.example.com", "ws-kbr01.corp.example.com"], Hosts("newlyFixed"));
        Assert.Contains("ws-hsw01.corp.example.com", Hosts("moved"));
        Assert.Empty(Hosts("gone"));
        Assert.Empty(Hosts("new"));
        Assert.Equal("r-0001", root.GetProperty("previous").GetProperty("runId").GetString());
        Assert.Equal(1, root.GetProperty("latest").GetProperty("counts").GetProperty("accepted_risk").GetInt32());
        Assert.Contains("## Newly affected (5)", md.Out, StringComparison.Ordinal);
        Assert.Contains("Remediation progress", progress.Out, StringComparison.Ordinal);
        Assert.Contains("| r-0001 | 2026-11-25T09:00:00Z |", progress.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Report_Gone_And_New_Hosts_When_The_Inventory_Changed_Between_Runs()
    {
        // Given
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);
        var full = File.ReadAllText(Cli.Inventory);
        using var hosts = JsonDocument.Parse(full);
        var withoutDb01 = Cli.Write("[" + string.Join(",", hosts.RootElement.EnumerateArray().Where(h => h.GetProperty("name").GetString() != "db01.dc1.example.com").Select(h => h.GetRawText())) + "]", ".json");
        cli.Run("triage", "INTEL-SA-00086", "--inventory", withoutDb01, "--save", "--format", "json");
        cli.Clock.Advance(TimeSpan.FromDays(1));
        cli.Run("triage", "INTEL-SA-00086", "--inventory", Cli.Inventory, "--save", "--format", "json", "--facts", Cli.Facts);
        cli.Clock.Advance(TimeSpan.FromDays(1));
        cli.Run("triage", "INTEL-SA-00086", "--inventory", withoutDb01, "--save", "--format", "json", "--facts", Cli.Facts);

        // When
        var r = cli.Run("diff", "INTEL-SA-00086", "--format", "json");

        // Then: the diff is between the last two runs
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal("r-0002", doc.RootElement.GetProperty("previous").GetProperty("runId").GetString());
        Assert.Equal(["db01.dc1.example.com"], doc.RootElement.GetProperty("gone").EnumerateArray().Select(c => c.GetProperty("hostName").GetString()));
        Assert.Equal("affected", doc.RootElement.GetProperty("gone")[0].GetProperty("from").GetString());
        Assert.Empty(doc.RootElement.GetProperty("new").EnumerateArray());
        File.Delete(withoutDb01);
    }

    [Fact]
    public void Should_Export_Valid_OpenVex_When_Decisions_Are_Recorded()
    {
        // Given
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);
        cli.Run("decide", "INTEL-SA-00086", "--verdict", "not_affected", "--vex-justification", "component_not_present", "--justification", "AMD: no Intel ME",
            "--author", "alice", "--cpu", "EPYC 7502P");
        cli.Decide("not_affected", "--platform", "Dell Inc./PowerEdge R740", "--evidence", "https://www.dell.com/support/kbdoc/000177138");
        cli.Decide("affected", "--role", "Factory:edge-gateway");
        cli.Decide("fixed", "--host", "db02.dc1.example.com");
        cli.Decide("accepted_risk", "--service", "Corp-IT");
        cli.Decide("fixed", "--host", "revoked.example.com");
        cli.Run("decisions", "revoke", "d-0006", "--author", "bob", "--reason", "wrong host");
        var schema = OpenVexSchema.Value;
        var outFile = Path.Combine(tmp.Directory, "decisions.openvex.json");

        // When
        var r = cli.Run("decisions", "export", "--format", "openvex", "--out", outFile, "--author", "Example Corp SRE");

        // Then
        Assert.True(r.ExitCode == 0, r.Err);
        using var doc = JsonDocument.Parse(File.ReadAllText(outFile));
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        var errors = result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}")) ?? [];
        Assert.True(result.IsValid, string.Join("\n", errors));
        var root = doc.RootElement;
        Assert.Equal("https://openvex.dev/ns/v0.2.0", root.GetProperty("@context").GetString());
        Assert.Equal("Example Corp SRE", root.GetProperty("author").GetString());
        Assert.Equal("2026-11-25T09:00:00Z", root.GetProperty("timestamp").GetString());
        var statements = root.GetProperty("statements").EnumerateArray().ToList();
        Assert.Equal(5 * 8, statements.Count); // 5 active decisions x 8 CVEs of INTEL-SA-00086
        Assert.DoesNotContain(statements, s => s.GetProperty("products")[0].GetProperty("@id").GetString() == "urn:vulntriage:host:revoked.example.com");
        var byProduct = statements.GroupBy(s => s.GetProperty("products")[0].GetProperty("@id").GetString()!).ToDictionary(g => g.Key, g => g.First());
        Assert.Equal("component_not_present", byProduct["urn:vulntriage:cpu:EPYC%207502P"].GetProperty("justification").GetString());
        Assert.Equal("Checked on the vendor page", byProduct["urn:vulntriage:platform:Dell%20Inc.%2FPowerEdge%20R740"].GetProperty("impact_statement").GetString());
        Assert.Equal("affected", byProduct["urn:vulntriage:role:Factory%3Aedge-gateway"].GetProperty("status").GetString());
        Assert.Equal("fixed", byProduct["urn:vulntriage:host:db02.dc1.example.com"].GetProperty("status").GetString());
        Assert.StartsWith("Risk accepted", byProduct["urn:vulntriage:service:Corp-IT"].GetProperty("action_statement").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            ["CVE-2017-5705", "CVE-2017-5706", "CVE-2017-5707", "CVE-2017-5708", "CVE-2017-5709", "CVE-2017-5710", "CVE-2017-5711", "CVE-2017-5712"],
            statements.Select(s => s.GetProperty("vulnerability").GetProperty("name").GetString()).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Should_Refuse_To_Export_When_No_Decision_Is_Active()
    {
        // Given
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);

        cli.Decide("fixed", "--host", "db01");
        Assert.Equal(0, cli.Run("decisions", "revoke", "d-0001", "--author", "bob", "--reason", "wrong host").ExitCode);

        // When
        var r = cli.Run("decisions", "export", "--format", "openvex");

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("no active decisions", r.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("two selectors", new[] { "--host", "db01", "--service", "Factory" })]
    [InlineData("no selector", new string[0])]
    [InlineData("role without service", new[] { "--role", "hmi" })]
    [InlineData("vex justification on a fixed verdict", new[] { "--host", "db01", "--vex-justification", "component_not_present" })]
    [InlineData("evidence that is not a URL", new[] { "--host", "db01", "--evidence", "see wiki" })]
    public void Should_Exit_With_A_Usage_Error_When_The_Decision_Is_Malformed(string why, string[] args)
    {
        // Given
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);

        // When
        var r = cli.Decide("fixed", args);

        // Then
        Assert.True(r.ExitCode == 2, why + ": " + r.Err);
        Assert.False(StateStores.Exists(tmp.Location), why + ": nothing may be written");
    }

    [Fact]
    public void Should_Exit_With_A_Usage_Error_When_The_Advisory_Is_Unknown()
    {
        // Given
        using var tmp = TestStore.Create(Kind);

        // When
        var r = new Cli(tmp).Run("decide", "INTEL-SA-99999", "--verdict", "fixed", "--justification", "x", "--author", "a", "--host", "db01");

        // Then
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown advisory", r.Err, StringComparison.Ordinal);
    }
}

public sealed class SqliteDecisionCommandsTests : DecisionCommandsTests
{
    protected override StoreKind Kind => StoreKind.Sqlite;
}

public sealed class PostgresDecisionCommandsTests : DecisionCommandsTests
{
    protected override StoreKind Kind => StoreKind.Postgres;
}

/// <summary>What only the SQLite file has in the CLI: the default location, a file that is not a database.</summary>
public sealed class SqliteCliStateTests
{
    private static string[] DecidedHosts(string json, string decisionId)
    {
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.TryGetProperty("decision", out var d) && d.GetProperty("id").GetString() == decisionId)
            .Select(f => f.GetProperty("host").GetProperty("name").GetString()!)
            .Order(StringComparer.Ordinal)];
    }

    [Theory]
    [InlineData("XDG_DATA_HOME")]
    [InlineData("HOME")]
    public void Should_Use_The_Users_Data_Directory_When_No_Db_Is_Given(string variable)
    {
        // Given
        using var tmp = new SqliteTestStore();
        var env = new Dictionary<string, string> { [variable] = tmp.Directory };
        var cli = new Cli(tmp, env);
        var expected = variable == "HOME"
            ? Path.Combine(tmp.Directory, ".local", "share", "vulntriage", "state.db")
            : Path.Combine(tmp.Directory, "vulntriage", "state.db");

        // When
        var decided = cli.RunRaw("decide", "INTEL-SA-00086", "--verdict", "fixed", "--justification", "patched", "--author", "a", "--host", "db02.dc1.example.com");
        var triage = cli.RunRaw("triage", "INTEL-SA-00086", "--inventory", Cli.Inventory, "--format", "json");

        // Then
        Assert.Equal(0, decided.ExitCode);
        Assert.True(File.Exists(expected), expected);
        Assert.Equal(["db02.dc1.example.com"], DecidedHosts(triage.Out, "d-0001"));
    }

    [Fact]
    public void Should_Exit_With_An_Input_Error_When_The_Db_Is_Not_A_Database()
    {
        // Given
        using var tmp = new SqliteTestStore();
        File.WriteAllText(tmp.Path, new string('x', 4096));

        // When
        var r = new Cli(tmp).Triage();

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("cannot open the state database", r.Err, StringComparison.Ordinal);
    }
}
