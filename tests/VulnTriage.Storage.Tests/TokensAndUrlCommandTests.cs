using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using VulnTriage.Core.Access;

namespace VulnTriage.Storage.Tests;

/// <summary><c>vulntriage tokens</c> and saved-run evidence end to end, against each store.</summary>
public abstract class TokensCommandTests
{
    protected abstract StoreKind Kind { get; }

    [Fact]
    public void Should_Print_The_Token_Last_And_Authenticate_It_When_Creating()
    {
        // Given
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);

        // When
        var r = cli.Run("tokens", "create", "--name", "alice", "--role", "decider");

        // Then: the last line is the token, and it is the one the store authenticates
        Assert.True(r.ExitCode == 0, r.Err);
        var lines = r.Out.TrimEnd('\n').Split('\n');
        var token = lines[^1];
        Assert.StartsWith("vt_t-0001_", token, StringComparison.Ordinal);
        Assert.EndsWith(token + "\n", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(token, r.Err, StringComparison.Ordinal);
        using var db = tmp.Open();
        Assert.Equal(new Principal("t-0001", "alice", Role.Decider), db.Authenticate(token, TestStore.Now));
    }

    [Fact]
    public void Should_List_Without_Secrets_And_Revoke_By_Name_When_Managing_Tokens()
    {
        // Given
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);
        var alice = cli.Run("tokens", "create", "--name", "alice", "--role", "admin").Out.TrimEnd('\n').Split('\n')[^1];
        cli.Run("tokens", "create", "--name", "bob", "--role", "viewer");
        cli.Clock.Advance(TimeSpan.FromDays(1));

        // When
        var revoked = cli.Run("tokens", "revoke", "alice");
        var again = cli.Run("tokens", "revoke", "alice");
        var unknown = cli.Run("tokens", "revoke", "carol");
        var duplicate = cli.Run("tokens", "create", "--name", "bob", "--role", "admin");
        var badName = cli.Run("tokens", "create", "--name", "bob smith", "--role", "admin");
        var badRole = cli.Run("tokens", "create", "--name", "carol", "--role", "root");
        var active = cli.Run("tokens", "list");
        var all = cli.Run("tokens", "list", "--all", "--format", "json");

        // Then
        Assert.Equal((0, "t-0001"), (revoked.ExitCode, revoked.Out.Trim()));
        Assert.Equal([2, 2, 2, 2, 2], new[] { again.ExitCode, unknown.ExitCode, duplicate.ExitCode, badName.ExitCode, badRole.ExitCode });
        Assert.Contains("already revoked", again.Err, StringComparison.Ordinal);
        Assert.Contains("already named 'bob'", duplicate.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", active.Out, StringComparison.Ordinal);
        Assert.Contains("bob", active.Out, StringComparison.Ordinal);
        Assert.Contains("t-0002", active.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(all.Out);
        Assert.Equal(["alice", "bob"], doc.RootElement.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal("2026-11-26T09:00:00Z", doc.RootElement[0].GetProperty("revokedAt").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement[1].GetProperty("revokedAt").ValueKind);
        Assert.True(TokenSecrets.TryParse(alice, out _, out var secret));
        Assert.DoesNotContain(secret, all.Out + active.Out, StringComparison.Ordinal);
        using var db = tmp.Open();
        Assert.Null(db.Authenticate(alice, TestStore.Now));
    }

    [Fact]
    public void Should_Keep_The_Evidence_Of_Every_Finding_When_A_Triage_Is_Saved()
    {
        // Given
        using var tmp = TestStore.Create(Kind);
        var cli = new Cli(tmp);
        cli.Decide("not_affected", "--host", "db01.dc1.example.com");

        // When
        var report = cli.Triage("--facts", Cli.Facts, "--save");
        using var db = tmp.OpenReadOnly();
        var run = db.LoadRun(db.RunIds("INTEL-SA-00086")[^1])!;

        // Then: the saved evidence is the report's, record by record (clause, kind, verdict, rule, predicates, facts)
        using var doc = JsonDocument.Parse(report.Out);
        var saved = run.Findings.ToDictionary(f => f.HostId);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(findings.Count, run.Findings.Length);
        foreach (var f in findings)
        {
            var mine = saved[f.GetProperty("host").GetProperty("id").GetString()!];
            var expected = f.GetProperty("evidence").EnumerateArray().Select(e => Project(e)).ToList();
            using var stored = JsonDocument.Parse(EvidenceJson.Write(mine.Evidence));
            Assert.Equal(expected, stored.RootElement.EnumerateArray().Select(e => Project(e)).ToList());
            Assert.Equal(mine.Clauses, mine.Evidence.Select(e => e.Clause));
        }

        var db01 = run.Findings.Single(f => f.HostName == "db01.dc1.example.com");
        Assert.Equal("d-0001", db01.Evidence[0].Decision!.Id);
        Assert.Equal("alice", db01.Evidence[0].Decision!.Author);
    }

    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Project(JsonElement e)
    {
        // Compact, with every string in one escaping (the report and the store write JSON with different encoders).
        string P(string name) => e.TryGetProperty(name, out var v)
            ? JsonSerializer.Serialize(System.Text.Json.Nodes.JsonNode.Parse(v.GetRawText()), Compact)
            : "-";
        return string.Join(" | ", P("clause"), P("kind"), P("verdict"), P("rule"), P("predicates"), P("facts"));
    }
}

public sealed class SqliteTokensCommandTests : TokensCommandTests
{
    protected override StoreKind Kind => StoreKind.Sqlite;
}

public sealed class PostgresTokensCommandTests : TokensCommandTests
{
    protected override StoreKind Kind => StoreKind.Postgres;
}

/// <summary><c>--db postgresql://…</c> in the CLI: what is printed when it is wrong, and that a password never is.</summary>
public sealed class PostgresUrlCommandTests
{
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public void Should_Exit_3_With_One_Located_Line_And_No_Password_When_The_Server_Is_Unreachable()
    {
        // Given
        using var tmp = new SqliteTestStore();
        var cli = new Cli(tmp);
        var url = $"postgresql://alice:Hunter2-pw@127.0.0.1:{ClosedPort()}/vulntriage?connect_timeout=5";

        // When: every command that takes --db
        var results = new[]
        {
            cli.RunRaw("decide", "INTEL-SA-00086", "--verdict", "fixed", "--justification", "x", "--author", "a", "--host", "h", "--db", url),
            cli.RunRaw("decisions", "list", "--db", url),
            cli.RunRaw("decisions", "export", "--db", url),
            cli.RunRaw("diff", "INTEL-SA-00086", "--db", url),
            cli.RunRaw("triage", "INTEL-SA-00086", "--inventory", Cli.Inventory, "--db", url, "--save"),
            cli.RunRaw("triage", "INTEL-SA-00086", "--inventory", Cli.Inventory, "--db", url),
            cli.RunRaw("tokens", "create", "--name", "alice", "--role", "viewer", "--db", url),
            cli.RunRaw("tokens", "list", "--db", url),
        };

        // Then
        foreach (var r in results)
        {
            Assert.True(r.ExitCode == 3, r.Err);
            Assert.DoesNotContain("Hunter2", r.Err + r.Out, StringComparison.Ordinal);
            var error = r.Err.TrimEnd('\n').Split('\n').Where(l => !l.Contains("warning: --db carries a password", StringComparison.Ordinal)).ToList();
            Assert.Single(error, l => l.Contains("cannot connect", StringComparison.Ordinal) && l.Contains("postgresql://alice:***@127.0.0.1", StringComparison.Ordinal));
        }

        Assert.False(Directory.Exists(Path.GetFullPath("postgresql:")));
    }

    [Fact]
    public void Should_Warn_About_A_Password_On_The_Command_Line_And_Never_Print_It()
    {
        // Given
        using var tmp = new PostgresTestStore();
        var cli = new Cli(tmp);
        var password = StateLocation.ParsePostgresUrl(tmp.Db).Password!;

        // When
        var decided = cli.Decide("fixed", "--host", "db02.dc1.example.com");
        var mistyped = cli.RunRaw("decisions", "list", "--dbb=" + tmp.Db);
        var badParam = cli.RunRaw("decisions", "list", "--db", tmp.Db + "&sslmode=often");

        // Then
        Assert.True(decided.ExitCode == 0, decided.Err);
        Assert.Contains("warning: --db carries a password", decided.Err, StringComparison.Ordinal);
        Assert.Contains("in postgresql://vulntriage:***@", decided.Err, StringComparison.Ordinal);
        Assert.Equal(2, mistyped.ExitCode);
        Assert.Equal(2, badParam.ExitCode);
        Assert.Contains("sslmode", badParam.Err, StringComparison.Ordinal);
        foreach (var r in new[] { decided, mistyped, badParam })
        {
            Assert.DoesNotContain(password, r.Out + r.Err, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Should_Take_The_Password_From_Pgpassword_When_The_Url_Has_None()
    {
        // Given: the test server's URL without its password, the password in PGPASSWORD
        using var tmp = new PostgresTestStore();
        var location = StateLocation.ParsePostgresUrl(tmp.Db);
        var withoutPassword = tmp.Db.Replace(":" + location.Password + "@", "@", StringComparison.Ordinal);
        var cli = new Cli(tmp, new Dictionary<string, string> { ["PGPASSWORD"] = location.Password! });

        // When
        var decided = cli.RunRaw("decide", "INTEL-SA-00086", "--verdict", "fixed", "--justification", "patched", "--author", "a", "--host", "db02.dc1.example.com", "--db", withoutPassword);
        var list = cli.RunRaw("decisions", "list", "--db", withoutPassword);

        // Then
        Assert.True(decided.ExitCode == 0, decided.Err);
        Assert.DoesNotContain("warning", decided.Err, StringComparison.Ordinal);
        Assert.Contains("d-0001", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(location.Password!, decided.Err + list.Err + list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Exit_3_When_Reading_A_Database_Without_State()
    {
        // Given: a schema VulnTriage never wrote to
        using var tmp = new PostgresTestStore();
        var cli = new Cli(tmp);

        // When
        var list = cli.Run("decisions", "list");
        var diff = cli.Run("diff", "INTEL-SA-00086");
        var triage = cli.Run("triage", "INTEL-SA-00086", "--inventory", Cli.Inventory, "--format", "json");

        // Then: nothing was created by reading
        Assert.Equal(3, list.ExitCode);
        Assert.Contains("no VulnTriage state there", list.Err, StringComparison.Ordinal);
        Assert.Equal(3, diff.ExitCode);
        Assert.Contains("does not exist yet", triage.Err, StringComparison.Ordinal);
        Assert.False(StateStores.Exists(tmp.Location));
    }
}
