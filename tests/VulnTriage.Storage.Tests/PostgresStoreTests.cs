using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using VulnTriage.Core.Decisions;
using VulnTriage.Storage.Postgres;

namespace VulnTriage.Storage.Tests;

/// <summary>What only PostgreSQL has: URLs, connections that fail, migrating a database of an older schema.</summary>
public sealed class PostgresStoreTests
{
    private static int ClosedPort()
    {
        // A port nothing listens on: bind one, note it, close it.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public void Should_Say_Where_And_Never_The_Password_When_The_Server_Cannot_Be_Reached()
    {
        // Given
        var location = StateLocation.ParsePostgresUrl($"postgresql://alice:S3cr%40t-pw@127.0.0.1:{ClosedPort()}/vulntriage?connect_timeout=5");

        // When
        var e = Assert.Throws<StateDatabaseException>(() => PostgresStateStore.Open(location, new FakeTimeProvider(TestStore.Now)));

        // Then
        Assert.StartsWith($"postgresql://alice:***@127.0.0.1:", e.Message, StringComparison.Ordinal);
        Assert.Contains("cannot connect", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cr", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Should_Say_Where_And_Never_The_Password_When_The_Password_Is_Wrong()
    {
        // Given: the test server with a wrong password
        var good = StateLocation.ParsePostgresUrl(PostgresServer.Url);
        var url = new UriBuilder(PostgresServer.Url.Replace("postgresql://", "http://", StringComparison.Ordinal)) { Password = "wrong-Pa55word" };
        var location = StateLocation.ParsePostgresUrl(url.Uri.ToString().Replace("http://", "postgresql://", StringComparison.Ordinal));

        // When
        var e = Assert.Throws<StateDatabaseException>(() => PostgresStateStore.Open(location, new FakeTimeProvider(TestStore.Now)));

        // Then
        Assert.Contains("28P01", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-Pa55word", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(good.Password!, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Keep_Every_Decision_When_Migrating_A_Version_1_Database()
    {
        // Given: a database at schema 1 with a decision and its revocation
        using var tmp = new PostgresTestStore();
        tmp.Execute(PostgresStateStore.Migrations[0].Sql + """
            ;CREATE TABLE schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL);
            INSERT INTO schema_version VALUES (1, '0001_initial', '2026-11-01T00:00:00Z');
            INSERT INTO decisions (id, advisory_id, selector_kind, selector_value, verdict, justification, author, decided_at)
                VALUES ('d-1', 'INTEL-SA-00086', 'host', 'db01', 'not_affected', 'vendor page', 'alice', '2026-11-01T00:00:00Z');
            INSERT INTO decisions (id, advisory_id, selector_kind, selector_value, verdict, justification, author, decided_at, revokes)
                VALUES ('d-2', 'INTEL-SA-00086', 'host', 'db01', 'not_affected', 'BIOS downgraded', 'bob', '2026-11-02T00:00:00Z', 'd-1');
            """);

        // When
        using var db = tmp.Open();
        db.AddDecision(StateStoreTests.D("d-3", SelectorKind.Label, "team=factory-ot"));

        // Then
        Assert.Equal(Migrations.MigrationSet.Latest(Migrations.MigrationSet.Postgres), db.SchemaVersion);
        Assert.Equal(["d-1", "d-2", "d-3"], db.Decisions().Select(d => d.Id));
        Assert.False(db.Decisions()[0].AllVerdicts);
        Assert.Equal("d-1", db.Decisions()[1].Revokes);
        Assert.Throws<Npgsql.PostgresException>(() => tmp.Execute("TRUNCATE decisions CASCADE"));
    }

    [Fact]
    public void Should_Migrate_Once_When_Several_Processes_Open_A_New_Database_At_Once()
    {
        // Given
        using var tmp = new PostgresTestStore();

        // When
        Parallel.For(0, 6, _ =>
        {
            using var db = tmp.Open();
            Assert.Equal(Migrations.MigrationSet.Latest(Migrations.MigrationSet.Postgres), db.SchemaVersion);
        });

        // Then
        Assert.Equal((long)Migrations.MigrationSet.Latest(Migrations.MigrationSet.Postgres), Convert.ToInt64(tmp.Scalar("SELECT COUNT(*) FROM schema_version"), System.Globalization.CultureInfo.InvariantCulture));
    }
}
