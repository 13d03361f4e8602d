using Microsoft.Data.Sqlite;
using VulnTriage.Core.Decisions;
using VulnTriage.Storage.Sqlite;

namespace VulnTriage.Storage.Tests;

/// <summary>What only a SQLite file has: WAL, the file and its directory, migrating files of the first release.</summary>
public sealed class SqliteFileTests
{
    [Fact]
    public void Should_Apply_Every_Migration_And_Use_Wal_When_Opening_A_New_File()
    {
        // Given
        using var tmp = new SqliteTestStore();

        // When
        using var db = tmp.Open();

        // Then
        Assert.True(File.Exists(tmp.Path));
        Assert.Equal(SqliteStateStore.Migrations.Count, db.SchemaVersion);
        Assert.Equal(1, SqliteStateStore.Migrations[0].Version);
        Assert.Equal("wal", db.JournalMode());
        Assert.Equal("ok", db.IntegrityCheck());
    }

    [Fact]
    public void Should_Keep_Every_Decision_And_Accept_Label_Selectors_When_Migrating_A_Version_1_File()
    {
        // Given: a file made by the first release (schema 1 only), with a decision and its revocation
        using var tmp = new SqliteTestStore();
        tmp.Execute(SqliteStateStore.Migrations[0].Sql + """
            CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
            INSERT INTO schema_version VALUES (1, '0001_initial', '2026-11-01T00:00:00Z');
            INSERT INTO decisions (id, advisory_id, selector_kind, selector_value, verdict, justification, author, decided_at)
                VALUES ('d-1', 'INTEL-SA-00086', 'host', 'db01', 'not_affected', 'vendor page', 'alice', '2026-11-01T00:00:00Z');
            INSERT INTO decisions (id, advisory_id, selector_kind, selector_value, verdict, justification, author, decided_at, revokes)
                VALUES ('d-2', 'INTEL-SA-00086', 'host', 'db01', 'not_affected', 'BIOS downgraded', 'bob', '2026-11-02T00:00:00Z', 'd-1');
            INSERT INTO runs (id, saved_at, inventory, tool_version) VALUES ('r-1', '2026-11-01T00:00:00Z', 'hosts.json', '0.1.0');
            INSERT INTO run_advisories VALUES (1, 'INTEL-SA-00086');
            INSERT INTO run_findings VALUES (1, 'INTEL-SA-00086', 'h1', 'db01', 'affected', 'firmware', NULL, NULL, NULL, '["INTEL-SA-00086#firmware/x"]');
            """);

        // When
        using var db = tmp.Open();
        db.AddDecision(StateStoreTests.D("d-3", SelectorKind.Label, "team=factory-ot"));

        // Then: the old records are there, in order, the revocation still points at its decision, the new kind is stored,
        // the old run loads without evidence (it was saved before schema 4)
        Assert.Equal(SqliteStateStore.Migrations.Count, db.SchemaVersion);
        Assert.Equal(["d-1", "d-2", "d-3"], db.Decisions().Select(d => d.Id));
        Assert.Equal("d-1", db.Decisions()[1].Revokes);
        Assert.Equal(new DecisionSelector(SelectorKind.Label, "team=factory-ot"), db.Decisions()[2].Selector);
        Assert.Equal("ok", db.IntegrityCheck());
        var run = db.LoadRun("r-1")!;
        Assert.Equal(["INTEL-SA-00086#firmware/x"], Assert.Single(run.Findings).Clauses);
        Assert.Empty(run.Findings[0].Evidence);
        Assert.Equal(["r-1"], db.RunIds("INTEL-SA-00086"));

        // …and the audit trail is still append-only.
        Assert.Throws<SqliteException>(() => tmp.Execute("DELETE FROM decisions WHERE id = 'd-1'"));
        using var raw = new SqliteConnection($"Data Source={tmp.Path};Pooling=False");
        raw.Open();
        using var fk = raw.CreateCommand();
        fk.CommandText = "PRAGMA foreign_key_check";
        using var reader = fk.ExecuteReader();
        Assert.False(reader.Read());
    }

    [Fact]
    public void Should_Create_The_Directory_When_The_Path_Does_Not_Exist_Yet()
    {
        // Given
        using var tmp = new SqliteTestStore();
        var nested = Path.Combine(tmp.Directory, "xdg", "vulntriage", "state.db");

        // When
        using var db = SqliteStateStore.Open(nested, TimeProvider.System);

        // Then
        Assert.True(File.Exists(nested));
    }

    [Fact]
    public void Should_Report_An_Unreadable_File_When_It_Is_Not_A_Database()
    {
        // Given
        using var tmp = new SqliteTestStore();
        File.WriteAllText(tmp.Path, "this is not an SQLite database, just text that is long enough to look like a header page......");

        // When
        var e = Assert.Throws<StateDatabaseException>(() => tmp.Open());

        // Then
        Assert.Contains(tmp.Path, e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(e);
    }
}
