using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace VulnTriage.Storage.Tests;

/// <summary>
/// Issue 16: decisions by selector hit only hosts that need action, `decide` shows what a selector hits, commands that
/// only read never change (or need to write) the database, a --db typo or URL is an error.
/// </summary>
public abstract class Issue16DecisionAndStateTests
{
    protected abstract StoreKind Kind { get; }

    private static Dictionary<string, JsonElement> FindingsByHost(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("findings").EnumerateArray()
            .ToDictionary(f => f.GetProperty("host").GetProperty("name").GetString()!, f => f.Clone());
    }

    private static string Verdict(string json, string host) => FindingsByHost(json)[host].GetProperty("verdict").GetString()!;

    [Fact]
    public void Should_Leave_Cloud_And_Out_Of_Scope_Hosts_Alone_When_A_Role_Is_Decided_Fixed()
    {
        // Given: role Shop:web holds web01 (needs confirmation), web02 (AMD EPYC, not affected), stg-web01 (AMD Ryzen),
        // a Google Cloud instance and an Azure VM (provider-managed), and the retired web00 — samples/mackerel/hosts.json
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);
        Assert.Equal(0, cli.Decide("fixed", "--role", "Shop:web").ExitCode);

        // When
        var r = cli.Triage("--facts", Cli.Facts);

        // Then
        Assert.Equal("fixed", Verdict(r.Out, "web01.dc2.example.com"));
        Assert.Equal("not_affected", Verdict(r.Out, "web02.dc2.example.com"));
        Assert.Equal("not_affected", Verdict(r.Out, "stg-web01.dc2.example.com"));
        Assert.Equal("provider_managed", Verdict(r.Out, "shop-web-1.asia-northeast1-b.c.example-shop.internal"));
        Assert.Equal("provider_managed", Verdict(r.Out, "shop-web-az01"));
    }

    [Fact]
    public void Should_Decide_Every_Matching_Host_When_All_Verdicts_Is_Given()
    {
        // Given
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);
        Assert.Equal(0, cli.Decide("fixed", "--role", "Shop:web", "--all-verdicts").ExitCode);

        // When
        var r = cli.Triage("--facts", Cli.Facts);

        // Then
        Assert.Equal("fixed", Verdict(r.Out, "web02.dc2.example.com"));
        Assert.Equal("fixed", Verdict(r.Out, "shop-web-az01"));
        Assert.Contains("\"allVerdicts\": true", cli.Run("decisions", "list", "--format", "json").Out, StringComparison.Ordinal);
        Assert.Equal(2, cli.Decide("fixed", "--host", "web02.dc2.example.com", "--all-verdicts").ExitCode);
    }

    [Fact]
    public void Should_Show_The_Matched_Hosts_Without_Recording_When_Dry_Run()
    {
        // Given: a saved run
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);
        Assert.Equal(1, cli.Triage("--facts", Cli.Facts, "--save").ExitCode);

        // When
        var dry = cli.Decide("fixed", "--role", "Shop:web", "--dry-run");
        var list = cli.Run("decisions", "list", "--format", "json");

        // Then
        Assert.True(dry.ExitCode == 0, dry.Err);
        Assert.Contains("role:Shop:web matches 5 hosts in the last saved run r-0001", dry.Out, StringComparison.Ordinal);
        Assert.Contains("fixed for 1 host; 4 hosts keep their machine verdict", dry.Out, StringComparison.Ordinal);
        Assert.Contains("  decide  web01.dc2.example.com (needs_confirmation)", dry.Out, StringComparison.Ordinal);
        Assert.Contains("  keep    shop-web-az01 (provider_managed)", dry.Out, StringComparison.Ordinal);
        Assert.Contains("nothing was recorded", dry.Out, StringComparison.Ordinal);
        Assert.Equal("[]", list.Out.Trim());
    }

    [Fact]
    public void Should_Print_The_Matched_Hosts_On_Stderr_When_Recording()
    {
        // Given
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);

        // When: no saved run, but an inventory to preview against
        var r = cli.Decide("not_affected", "--cpu", "Xeon Gold 6130", "--inventory", Cli.Inventory, "--facts", Cli.Facts);

        // Then
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("d-0001", r.Out.Trim());
        Assert.Contains("cpu:Xeon Gold 6130 matches 3 hosts in " + Cli.Inventory, r.Err, StringComparison.Ordinal);
        Assert.Contains("db02.dc1.example.com (fixed)", r.Err, StringComparison.Ordinal);
    }
}

public sealed class SqliteIssue16DecisionAndStateTests : Issue16DecisionAndStateTests
{
    protected override StoreKind Kind => StoreKind.Sqlite;
}

public sealed class PostgresIssue16DecisionAndStateTests : Issue16DecisionAndStateTests
{
    protected override StoreKind Kind => StoreKind.Postgres;
}

/// <summary>Issue 16 for the SQLite file: commands that only read never change it, a --db typo is an error.</summary>
public sealed class SqliteReadOnlyCommandTests
{
    private static Dictionary<string, JsonElement> FindingsByHost(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("findings").EnumerateArray()
            .ToDictionary(f => f.GetProperty("host").GetProperty("name").GetString()!, f => f.Clone());
    }

    private static string Verdict(string json, string host) => FindingsByHost(json)[host].GetProperty("verdict").GetString()!;

    [Fact]
    public void Should_Not_Change_The_Database_When_A_Command_Only_Reads()
    {
        // Given: a database with a decision and two saved runs, switched to rollback journaling (as a copy of a
        // read-only file would be read): opening it for reading must not switch it to WAL, migrate or write anything.
        using var tmp = new SqliteTestStore();
        var cli = new Cli(tmp);
        cli.Decide("fixed", "--host", "db02.dc1.example.com");
        cli.Triage("--save");
        cli.Triage("--facts", Cli.Facts, "--save");
        using (var c = new SqliteConnection($"Data Source={tmp.Path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode = DELETE";
            Assert.Equal("delete", cmd.ExecuteScalar());
        }

        var before = File.ReadAllBytes(tmp.Path);

        // When
        var list = cli.Run("decisions", "list");
        var diff = cli.Run("diff", "INTEL-SA-00086");
        var export = cli.Run("decisions", "export");
        var triage = cli.Triage("--facts", Cli.Facts);

        // Then
        Assert.True(list.ExitCode == 0, list.Err);
        Assert.True(diff.ExitCode == 0, diff.Err);
        Assert.True(export.ExitCode == 0, export.Err);
        Assert.Equal("fixed", Verdict(triage.Out, "db02.dc1.example.com"));
        Assert.Equal(before, File.ReadAllBytes(tmp.Path));
        Assert.False(File.Exists(tmp.Path + "-wal"));
    }

    [Theory]
    [InlineData("decisions", "list")]
    [InlineData("decisions", "export")]
    [InlineData("diff", "INTEL-SA-00086")]
    public void Should_Exit_With_An_Input_Error_And_Create_Nothing_When_The_Db_File_Does_Not_Exist(string command, string sub)
    {
        // Given
        using var tmp = new SqliteTestStore();
        var typo = Path.Combine(tmp.Directory, "typo.db");

        // When
        var r = new Cli(tmp).RunRaw(command, sub, "--db", typo);

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.DoesNotContain("No decisions.", r.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(typo));
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
    }
}
