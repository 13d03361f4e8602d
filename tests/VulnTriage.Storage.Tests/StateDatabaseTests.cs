using Microsoft.Data.Sqlite;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;

namespace VulnTriage.Storage.Tests;

public sealed class StateDatabaseTests
{
    private static Decision D(string id, SelectorKind kind = SelectorKind.Host, string value = "db01.dc1.example.com", Verdict verdict = Verdict.NotAffected) =>
        new(id, "INTEL-SA-00086", new DecisionSelector(kind, value), verdict, VexJustification.VulnerableCodeNotPresent,
            "Dell lists the R740 SPS 4.1.4 as fixed", "https://www.dell.com/support/kbdoc/000177138", "alice", TempDb.Now);

    [Fact]
    public void Should_Apply_Every_Migration_And_Use_Wal_When_Opening_A_New_File()
    {
        // Given
        using var tmp = new TempDb();

        // When
        using var db = tmp.Open();

        // Then
        Assert.True(File.Exists(tmp.Path));
        Assert.Equal(StateDatabase.Migrations.Count, db.SchemaVersion);
        Assert.Equal(1, StateDatabase.Migrations[0].Version);
        Assert.Equal("wal", db.JournalMode());
        Assert.Equal("ok", db.IntegrityCheck());
    }

    [Fact]
    public void Should_Keep_Data_And_Not_Migrate_Twice_When_Reopening()
    {
        // Given
        using var tmp = new TempDb();
        using (var db = tmp.Open())
        {
            db.AddDecision(D("d-1"));
        }

        // When
        using var again = tmp.Open();

        // Then
        Assert.Equal(StateDatabase.Migrations.Count, again.SchemaVersion);
        Assert.Equal(D("d-1"), Assert.Single(again.Decisions()));
        using var c = new SqliteConnection($"Data Source={tmp.Path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM schema_version";
        Assert.Equal((long)StateDatabase.Migrations.Count, (long)cmd.ExecuteScalar()!);
    }

    [Fact]
    public void Should_Keep_Every_Decision_And_Accept_Label_Selectors_When_Migrating_A_Version_1_File()
    {
        // Given: a file made by the first release (schema 1 only), with a decision and its revocation
        using var tmp = new TempDb();
        using (var c = new SqliteConnection($"Data Source={tmp.Path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = StateDatabase.Migrations[0].Sql + """
                CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
                INSERT INTO schema_version VALUES (1, '0001_initial', '2026-11-01T00:00:00Z');
                INSERT INTO decisions (id, advisory_id, selector_kind, selector_value, verdict, justification, author, decided_at)
                    VALUES ('d-1', 'INTEL-SA-00086', 'host', 'db01', 'not_affected', 'vendor page', 'alice', '2026-11-01T00:00:00Z');
                INSERT INTO decisions (id, advisory_id, selector_kind, selector_value, verdict, justification, author, decided_at, revokes)
                    VALUES ('d-2', 'INTEL-SA-00086', 'host', 'db01', 'not_affected', 'BIOS downgraded', 'bob', '2026-11-02T00:00:00Z', 'd-1');
                """;
            cmd.ExecuteNonQuery();
        }

        // When
        using var db = tmp.Open();
        db.AddDecision(D("d-3", SelectorKind.Label, "team=factory-ot"));

        // Then: the old records are there, in order, the revocation still points at its decision, the new kind is stored
        Assert.Equal(StateDatabase.Migrations.Count, db.SchemaVersion);
        Assert.Equal(["d-1", "d-2", "d-3"], db.Decisions().Select(d => d.Id));
        Assert.Equal("d-1", db.Decisions()[1].Revokes);
        Assert.Equal(new DecisionSelector(SelectorKind.Label, "team=factory-ot"), db.Decisions()[2].Selector);
        Assert.Equal("ok", db.IntegrityCheck());

        // …and the audit trail is still append-only.
        using var raw = new SqliteConnection($"Data Source={tmp.Path};Pooling=False");
        raw.Open();
        using var delete = raw.CreateCommand();
        delete.CommandText = "DELETE FROM decisions WHERE id = 'd-1'";
        Assert.Throws<SqliteException>(() => delete.ExecuteNonQuery());
        using var fk = raw.CreateCommand();
        fk.CommandText = "PRAGMA foreign_key_check";
        using var reader = fk.ExecuteReader();
        Assert.False(reader.Read());
    }

    [Fact]
    public void Should_Create_The_Directory_When_The_Path_Does_Not_Exist_Yet()
    {
        // Given
        using var tmp = new TempDb();
        var nested = Path.Combine(tmp.Directory, "xdg", "vulntriage", "state.db");

        // When
        using var db = StateDatabase.Open(nested, TimeProvider.System);

        // Then
        Assert.True(File.Exists(nested));
    }

    [Fact]
    public void Should_Record_A_Revocation_As_A_New_Record_When_Revoking()
    {
        // Given
        using var tmp = new TempDb();
        using var db = tmp.Open();
        db.AddDecision(D("d-1"));

        // When
        var revocation = db.Revoke("d-1", "d-2", "bob", "vendor page withdrawn", TempDb.Now.AddDays(1));

        // Then
        var trail = db.Decisions();
        Assert.Equal(["d-1", "d-2"], trail.Select(d => d.Id));
        Assert.Equal(D("d-1"), trail[0]);
        Assert.Equal("d-1", revocation.Revokes);
        Assert.Equal(trail[1], revocation);
        Assert.Empty(DecisionVocabulary.Active(trail));
    }

    [Fact]
    public void Should_Refuse_When_Revoking_Twice_Or_An_Unknown_Id()
    {
        // Given
        using var tmp = new TempDb();
        using var db = tmp.Open();
        db.AddDecision(D("d-1"));
        db.Revoke("d-1", "d-2", "bob", "withdrawn", TempDb.Now);

        // When / Then
        Assert.Throws<InvalidOperationException>(() => db.Revoke("d-1", "d-3", "bob", "again", TempDb.Now));
        Assert.Throws<InvalidOperationException>(() => db.Revoke("d-2", "d-3", "bob", "a revocation", TempDb.Now));
        Assert.Throws<KeyNotFoundException>(() => db.Revoke("d-9", "d-3", "bob", "unknown", TempDb.Now));
        Assert.Equal(2, db.Decisions().Length);
    }

    [Theory]
    [InlineData("UPDATE decisions SET verdict = 'affected'")]
    [InlineData("DELETE FROM decisions")]
    public void Should_Refuse_When_Something_Tries_To_Rewrite_The_Audit_Trail(string sql)
    {
        // Given
        using var tmp = new TempDb();
        using (var db = tmp.Open())
        {
            db.AddDecision(D("d-1"));
        }

        using var c = new SqliteConnection($"Data Source={tmp.Path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;

        // When
        var e = Assert.Throws<SqliteException>(() => cmd.ExecuteNonQuery());

        // Then
        Assert.Contains("append-only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Round_Trip_A_Run_And_Count_Progress_When_Saving_Runs()
    {
        // Given
        using var tmp = new TempDb();
        using var db = tmp.Open();
        var f1 = new SavedFinding("INTEL-SA-00086", "h1", "db01", Verdict.NotAffected, Stage.Decision, new MachineVerdict(Verdict.NeedsConfirmation, Stage.Cpu), "d-1", ["INTEL-SA-00086#decision/d-1", "INTEL-SA-00086#cpu/x"]);
        var f2 = new SavedFinding("INTEL-SA-00086", "h2", "db02", Verdict.Affected, Stage.Firmware, null, null, ["INTEL-SA-00086#firmware/y"]);
        var run1 = new SavedRun("r-1", TempDb.Now, "hosts.json", "0.1.0", ["INTEL-SA-00086"], [f1, f2]);
        var run2 = run1 with { Id = "r-2", SavedAt = TempDb.Now.AddDays(7), Findings = [f1, f2 with { Verdict = Verdict.Fixed }] };

        // When
        db.SaveRun(run1);
        db.SaveRun(run2);

        // Then
        Assert.Equal(["r-1", "r-2"], db.RunIds("INTEL-SA-00086"));
        var loaded = db.LoadRun("r-1")!;
        static object Key(SavedFinding f) => (f.AdvisoryId, f.HostId, f.HostName, f.Verdict, f.Stage, f.Machine, f.DecisionId, string.Join('|', f.Clauses));
        Assert.Equal(run1.Findings.Select(Key), loaded.Findings.Select(Key));
        Assert.Equal(run1.SavedAt, loaded.SavedAt);
        var progress = db.Progress("INTEL-SA-00086");
        Assert.Equal([1, 0], progress.Select(p => p.Counts.Affected));
        Assert.Equal([0, 1], progress.Select(p => p.Counts.Fixed));
        Assert.Equal([1, 1], progress.Select(p => p.Counts.NotAffected));
        Assert.Empty(db.RunIds("INTEL-SA-00115"));
    }

    [Fact]
    public void Should_Report_An_Unreadable_File_When_It_Is_Not_A_Database()
    {
        // Given
        using var tmp = new TempDb();
        File.WriteAllText(tmp.Path, "this is not an SQLite database, just text that is long enough to look like a header page......");

        // When
        var e = Assert.Throws<StateDatabaseException>(() => tmp.Open());

        // Then
        Assert.Contains(tmp.Path, e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(e);
    }
}
