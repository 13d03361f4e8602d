using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;

namespace VulnTriage.Storage;

/// <summary>A state database that cannot be opened, migrated or written (exit code 3 in the CLI).</summary>
public sealed class StateDatabaseException : IOException
{
    /// <summary>Creates the exception.</summary>
    public StateDatabaseException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StateDatabaseException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public StateDatabaseException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// VulnTriage's state in one SQLite file: the decisions (an append-only audit trail) and the saved runs.
/// Opening applies the numbered embedded migrations (<c>schema_version</c>), sets WAL journaling, a busy timeout and
/// full sync; every write is one <c>BEGIN IMMEDIATE</c> transaction, so a commit that returned is on disk and a killed
/// process loses nothing it acknowledged. Safe for several processes at once (SQLite locking); one instance per thread.
/// </summary>
public sealed class StateDatabase : IDisposable
{
    /// <summary>How long a write waits for another process's lock before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private static readonly string[] FindingColumns = ["$adv", "$hid", "$hname", "$v", "$s", "$mv", "$ms", "$d", "$c", "$t"];

    private readonly SqliteConnection _connection;
    private readonly bool _readOnly;
    private readonly bool _hasAllVerdicts;

    private StateDatabase(SqliteConnection connection, string path, bool readOnly = false, bool hasAllVerdicts = true)
    {
        _connection = connection;
        Path = path;
        _readOnly = readOnly;
        _hasAllVerdicts = hasAllVerdicts;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The schema version after opening (the highest migration applied).</summary>
    public int SchemaVersion => ScalarInt("SELECT COALESCE(MAX(version), 0) FROM schema_version");

    /// <summary>Opens (creating when missing, with its directory) and migrates the database at <paramref name="path"/>.</summary>
    public static StateDatabase Open(string path, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(clock);
        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
            ForeignKeys = true,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, null, string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};"));
            Execute(connection, null, "PRAGMA journal_mode = WAL;");
            Execute(connection, null, "PRAGMA synchronous = FULL;");
            var db = new StateDatabase(connection, full);
            db.Migrate(clock);
            return db;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new StateDatabaseException($"{full}: cannot open the state database: {e.Message}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an existing database for reading only: nothing is created, migrated or switched (no WAL pragma), so a
    /// read-only file or directory works, and a command that only reads never changes the file. A missing file is an
    /// error (a typo in <c>--db</c> must not read as "no decisions").
    /// </summary>
    public static StateDatabase OpenReadOnly(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new StateDatabaseException($"{full} is a directory, not a state database file");
        }

        if (!File.Exists(full))
        {
            throw new StateDatabaseException($"{full}: no state database there (record a decision with `vulntriage decide` or save a run with `vulntriage triage --save`, or check --db)");
        }

        try
        {
            return OpenReadOnlyWith(full, full);
        }
        catch (StateDatabaseException) when (!File.Exists(full + "-wal") || new FileInfo(full + "-wal").Length == 0)
        {
            // A WAL database in a directory we cannot write (no -shm can be made): with no pending WAL content the
            // file alone is the whole database, and SQLite may read it as immutable.
            return OpenReadOnlyWith("file:" + Uri.EscapeDataString(full).Replace("%2F", "/", StringComparison.Ordinal) + "?immutable=1", full);
        }
    }

    private static StateDatabase OpenReadOnlyWith(string dataSource, string full)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = dataSource,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, null, string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};"));
            using var probe = connection.CreateCommand();
            probe.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('schema_version', 'decisions', 'runs')";
            if (Convert.ToInt64(probe.ExecuteScalar(), CultureInfo.InvariantCulture) < 3)
            {
                throw new StateDatabaseException($"{full}: not a VulnTriage state database (no decisions or runs tables)");
            }

            using var version = connection.CreateCommand();
            version.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
            var current = Convert.ToInt32(version.ExecuteScalar(), CultureInfo.InvariantCulture);
            var latest = Migrations.Count == 0 ? 0 : Migrations[^1].Version;
            if (current > latest)
            {
                throw new StateDatabaseException($"{full}: schema version {current} is newer than this VulnTriage knows ({latest}); upgrade VulnTriage");
            }

            return new StateDatabase(connection, full, readOnly: true, hasAllVerdicts: current >= 2);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new StateDatabaseException($"{full}: cannot open the state database for reading: {e.Message}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Whether this instance was opened with <see cref="OpenReadOnly"/>.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>The embedded migrations, in order: (version, name, SQL).</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } = LoadMigrations();

    /// <summary>Records a decision (or a revocation built by the caller). One transaction.</summary>
    public void AddDecision(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        Write(tx => Insert(tx, decision));
    }

    /// <summary>
    /// Records the revocation of <paramref name="decisionId"/>: a new record that copies its advisory, selector and verdict.
    /// Checked and written in one transaction. Throws <see cref="KeyNotFoundException"/> for an unknown id and
    /// <see cref="InvalidOperationException"/> for a revocation or an already revoked decision.
    /// </summary>
    public Decision Revoke(string decisionId, string newId, string author, string reason, DateTimeOffset at)
    {
        Decision? revocation = null;
        Write(tx =>
        {
            var target = ReadDecisions(tx, "WHERE id = $id", ("$id", decisionId)).FirstOrDefault()
                ?? throw new KeyNotFoundException($"no decision '{decisionId}'");
            if (target.IsRevocation)
            {
                throw new InvalidOperationException($"'{decisionId}' is a revocation, not a decision");
            }

            if (ReadDecisions(tx, "WHERE revokes = $id", ("$id", decisionId)).FirstOrDefault() is { } earlier)
            {
                throw new InvalidOperationException($"decision '{decisionId}' was already revoked by '{earlier.Id}'");
            }

            revocation = target with
            {
                Id = newId,
                VexJustification = null,
                Justification = reason,
                EvidenceUrl = null,
                Author = author,
                DecidedAt = at,
                Revokes = decisionId,
            };
            Insert(tx, revocation);
        });
        return revocation!;
    }

    /// <summary>Every record of the audit trail, oldest first.</summary>
    public ImmutableArray<Decision> Decisions() => [.. ReadDecisions(null, "")];

    /// <summary>One record by id, or <c>null</c>.</summary>
    public Decision? FindDecision(string id) => ReadDecisions(null, "WHERE id = $id", ("$id", id)).FirstOrDefault();

    /// <summary>Saves a run and its findings in one transaction.</summary>
    public void SaveRun(SavedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Write(tx =>
        {
            using var insertRun = Command(tx, "INSERT INTO runs (id, saved_at, inventory, tool_version) VALUES ($id, $at, $inv, $ver) RETURNING seq");
            insertRun.Parameters.AddWithValue("$id", run.Id);
            insertRun.Parameters.AddWithValue("$at", Time(run.SavedAt));
            insertRun.Parameters.AddWithValue("$inv", run.Inventory);
            insertRun.Parameters.AddWithValue("$ver", run.ToolVersion);
            var seq = Convert.ToInt64(insertRun.ExecuteScalar(), CultureInfo.InvariantCulture);

            using var insertAdvisory = Command(tx, "INSERT INTO run_advisories (run_seq, advisory_id) VALUES ($seq, $adv)");
            var seqParam = insertAdvisory.Parameters.AddWithValue("$seq", seq);
            var advParam = insertAdvisory.Parameters.Add("$adv", SqliteType.Text);
            foreach (var advisory in run.Advisories.Distinct(StringComparer.Ordinal))
            {
                advParam.Value = advisory;
                insertAdvisory.ExecuteNonQuery();
            }

            using var insert = Command(tx, """
                INSERT OR REPLACE INTO run_findings (run_seq, advisory_id, host_id, host_name, verdict, stage, machine_verdict, machine_stage, decision_id, clauses, target)
                VALUES ($seq, $adv, $hid, $hname, $v, $s, $mv, $ms, $d, $c, $t)
                """);
            insert.Parameters.AddWithValue("$seq", seq);
            var p = FindingColumns
                .Select(n => insert.Parameters.Add(n, SqliteType.Text)).ToArray();
            insert.Prepare();
            foreach (var f in run.Findings)
            {
                p[0].Value = f.AdvisoryId;
                p[1].Value = f.HostId;
                p[2].Value = f.HostName;
                p[3].Value = f.Verdict.ToWire();
                p[4].Value = f.Stage.ToWire();
                p[5].Value = (object?)f.Machine?.Verdict.ToWire() ?? DBNull.Value;
                p[6].Value = (object?)f.Machine?.Stage.ToWire() ?? DBNull.Value;
                p[7].Value = (object?)f.DecisionId ?? DBNull.Value;
                p[8].Value = JsonSerializer.Serialize(f.Clauses.IsDefault ? [] : f.Clauses.ToArray());
                p[9].Value = f.Target is { } target ? TargetJson.Write(target) : DBNull.Value;
                insert.ExecuteNonQuery();
            }
        });
    }

    /// <summary>The ids of the saved runs that evaluated <paramref name="advisoryId"/>, oldest first.</summary>
    public ImmutableArray<string> RunIds(string advisoryId)
    {
        using var cmd = Command(null, "SELECT r.id FROM runs r JOIN run_advisories a ON a.run_seq = r.seq WHERE a.advisory_id = $adv ORDER BY r.seq");
        cmd.Parameters.AddWithValue("$adv", advisoryId);
        using var reader = cmd.ExecuteReader();
        var ids = ImmutableArray.CreateBuilder<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids.ToImmutable();
    }

    /// <summary>Loads one saved run with all its findings, or <c>null</c>.</summary>
    public SavedRun? LoadRun(string runId)
    {
        using var head = Command(null, "SELECT seq, saved_at, inventory, tool_version FROM runs WHERE id = $id");
        head.Parameters.AddWithValue("$id", runId);
        long seq;
        DateTimeOffset at;
        string inventory, version;
        using (var r = head.ExecuteReader())
        {
            if (!r.Read())
            {
                return null;
            }

            seq = r.GetInt64(0);
            at = ParseTime(r.GetString(1));
            inventory = r.GetString(2);
            version = r.GetString(3);
        }

        var advisories = ImmutableArray.CreateBuilder<string>();
        using (var cmd = Command(null, "SELECT advisory_id FROM run_advisories WHERE run_seq = $seq ORDER BY advisory_id"))
        {
            cmd.Parameters.AddWithValue("$seq", seq);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                advisories.Add(r.GetString(0));
            }
        }

        var findings = ImmutableArray.CreateBuilder<SavedFinding>();
        var target = _hasAllVerdicts ? "target" : "NULL";
        using (var cmd = Command(null, $"SELECT advisory_id, host_id, host_name, verdict, stage, machine_verdict, machine_stage, decision_id, clauses, {target} FROM run_findings WHERE run_seq = $seq ORDER BY advisory_id, host_id"))
        {
            cmd.Parameters.AddWithValue("$seq", seq);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                MachineVerdict? machine = r.IsDBNull(5) ? null : new MachineVerdict(ParseVerdict(r.GetString(5)), ParseStage(r.GetString(6)));
                findings.Add(new SavedFinding(
                    r.GetString(0),
                    r.GetString(1),
                    r.GetString(2),
                    ParseVerdict(r.GetString(3)),
                    ParseStage(r.GetString(4)),
                    machine,
                    r.IsDBNull(7) ? null : r.GetString(7),
                    [.. JsonSerializer.Deserialize<string[]>(r.GetString(8)) ?? []],
                    r.IsDBNull(9) ? null : TargetJson.Read(r.GetString(9))));
            }
        }

        return new SavedRun(runId, at, inventory, version, advisories.ToImmutable(), findings.ToImmutable());
    }

    /// <summary>Hosts per verdict for <paramref name="advisoryId"/> in every saved run that evaluated it, oldest first.</summary>
    public ImmutableArray<RunProgress> Progress(string advisoryId)
    {
        using var cmd = Command(null, """
            SELECT r.id, r.saved_at, f.verdict, COUNT(f.host_id)
            FROM runs r
            JOIN run_advisories a ON a.run_seq = r.seq AND a.advisory_id = $adv
            LEFT JOIN run_findings f ON f.run_seq = r.seq AND f.advisory_id = $adv
            GROUP BY r.seq, f.verdict
            ORDER BY r.seq
            """);
        cmd.Parameters.AddWithValue("$adv", advisoryId);
        using var r = cmd.ExecuteReader();
        var rows = new List<RunProgress>();
        while (r.Read())
        {
            var id = r.GetString(0);
            if (rows.Count == 0 || rows[^1].RunId != id)
            {
                rows.Add(new RunProgress(id, ParseTime(r.GetString(1)), advisoryId, Core.Reporting.VerdictCounts.Zero));
            }

            if (!r.IsDBNull(2))
            {
                var verdict = ParseVerdict(r.GetString(2));
                var counts = rows[^1].Counts;
                for (var i = r.GetInt32(3); i > 0; i--)
                {
                    counts = counts.Add(verdict);
                }

                rows[^1] = rows[^1] with { Counts = counts };
            }
        }

        return [.. rows];
    }

    /// <summary>Runs <c>PRAGMA integrity_check</c>; returns <c>ok</c> when the file is sound.</summary>
    public string IntegrityCheck()
    {
        using var cmd = Command(null, "PRAGMA integrity_check");
        return Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>The journal mode in force (<c>wal</c>).</summary>
    public string JournalMode()
    {
        using var cmd = Command(null, "PRAGMA journal_mode");
        return Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private static List<(int Version, string Name, string Sql)> LoadMigrations()
    {
        const string Prefix = "VulnTriage.Storage.Migrations.";
        var assembly = typeof(StateDatabase).Assembly;
        var list = new List<(int, string, string)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var file = name[Prefix.Length..^4];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(underscore < 0 ? file : file[..underscore], NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            list.Add((version, file, reader.ReadToEnd()));
        }

        list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Item1 != i + 1)
            {
                throw new InvalidOperationException($"migrations must be numbered 1..n without gaps; found {list[i].Item2} at position {i + 1}");
            }
        }

        return list;
    }

    private void Migrate(TimeProvider clock)
    {
        Execute(_connection, null, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);");
        var current = SchemaVersion;
        var latest = Migrations.Count == 0 ? 0 : Migrations[^1].Version;
        if (current > latest)
        {
            throw new StateDatabaseException($"{Path}: schema version {current} is newer than this VulnTriage knows ({latest}); upgrade VulnTriage");
        }

        foreach (var (version, name, sql) in Migrations)
        {
            if (version <= current)
            {
                continue;
            }

            // Each migration in its own IMMEDIATE transaction; re-check inside it, as another process may have migrated meanwhile.
            Write(tx =>
            {
                using var check = Command(tx, "SELECT COUNT(*) FROM schema_version WHERE version = $v");
                check.Parameters.AddWithValue("$v", version);
                if (Convert.ToInt64(check.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
                {
                    return;
                }

                Execute(_connection, tx, sql);
                using var record = Command(tx, "INSERT INTO schema_version (version, name, applied_at) VALUES ($v, $n, $t)");
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$n", name);
                record.Parameters.AddWithValue("$t", Time(clock.GetUtcNow()));
                record.ExecuteNonQuery();
            });
        }
    }

    private void Write(Action<SqliteTransaction> body)
    {
        if (_readOnly)
        {
            throw new InvalidOperationException("the state database was opened read-only");
        }

        try
        {
            // deferred: false → BEGIN IMMEDIATE: take the write lock up front (waiting up to the busy timeout).
            using var tx = _connection.BeginTransaction(deferred: false);
            body(tx);
            tx.Commit();
        }
        catch (SqliteException e)
        {
            throw new StateDatabaseException($"{Path}: write failed: {e.Message}", e);
        }
    }

    private void Insert(SqliteTransaction tx, Decision d)
    {
        using var cmd = Command(tx, """
            INSERT INTO decisions (id, advisory_id, selector_kind, selector_value, verdict, vex_justification, justification, evidence_url, author, decided_at, revokes, all_verdicts)
            VALUES ($id, $adv, $sk, $sv, $v, $vex, $j, $url, $author, $at, $revokes, $all)
            """);
        cmd.Parameters.AddWithValue("$all", d.AllVerdicts ? 1 : 0);
        cmd.Parameters.AddWithValue("$id", d.Id);
        cmd.Parameters.AddWithValue("$adv", d.AdvisoryId);
        cmd.Parameters.AddWithValue("$sk", d.Selector.Kind.ToWire());
        cmd.Parameters.AddWithValue("$sv", d.Selector.Value);
        cmd.Parameters.AddWithValue("$v", d.Verdict.ToWire());
        cmd.Parameters.AddWithValue("$vex", (object?)d.VexJustification?.ToWire() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$j", d.Justification);
        cmd.Parameters.AddWithValue("$url", (object?)d.EvidenceUrl ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$author", d.Author);
        cmd.Parameters.AddWithValue("$at", Time(d.DecidedAt));
        cmd.Parameters.AddWithValue("$revokes", (object?)d.Revokes ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    private List<Decision> ReadDecisions(SqliteTransaction? tx, string where, params (string Name, object Value)[] parameters)
    {
        var allVerdicts = _hasAllVerdicts ? "all_verdicts" : "0";
        using var cmd = Command(tx, $"SELECT id, advisory_id, selector_kind, selector_value, verdict, vex_justification, justification, evidence_url, author, decided_at, revokes, {allVerdicts} FROM decisions {where} ORDER BY seq");
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        using var r = cmd.ExecuteReader();
        var list = new List<Decision>();
        while (r.Read())
        {
            if (!DecisionVocabulary.TryParseSelectorKind(r.GetString(2), out var kind))
            {
                throw new StateDatabaseException($"{Path}: decision {r.GetString(0)} has an unknown selector kind '{r.GetString(2)}'");
            }

            VexJustification? vex = null;
            if (!r.IsDBNull(5))
            {
                vex = DecisionVocabulary.TryParseVexJustification(r.GetString(5), out var j)
                    ? j
                    : throw new StateDatabaseException($"{Path}: decision {r.GetString(0)} has an unknown VEX justification '{r.GetString(5)}'");
            }

            list.Add(new Decision(
                r.GetString(0),
                r.GetString(1),
                new DecisionSelector(kind, r.GetString(3)),
                ParseVerdict(r.GetString(4)),
                vex,
                r.GetString(6),
                r.IsDBNull(7) ? null : r.GetString(7),
                r.GetString(8),
                ParseTime(r.GetString(9)),
                r.IsDBNull(10) ? null : r.GetString(10),
                r.GetInt64(11) != 0));
        }

        return list;
    }

    private SqliteCommand Command(SqliteTransaction? tx, string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    private int ScalarInt(string sql)
    {
        using var cmd = Command(null, sql);
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private Verdict ParseVerdict(string text) =>
        Verdicts.TryParse(text, out var v) ? v : throw new StateDatabaseException($"{Path}: unknown verdict '{text}'");

    private Stage ParseStage(string text) =>
        Verdicts.TryParseStage(text, out var s) ? s : throw new StateDatabaseException($"{Path}: unknown stage '{text}'");
}

/// <summary>The JSON form of a <see cref="SelectorTarget"/> in <c>run_findings.target</c>.</summary>
internal static class TargetJson
{
    public static string Write(SelectorTarget t) =>
        JsonSerializer.Serialize(new Dto(t.HostId, t.HostName, [.. t.Roles], t.SystemVendor, t.ProductName, [.. t.CpuModelNumbers], [.. t.CpuNames], t.Labels.IsDefaultOrEmpty ? null : [.. t.Labels]));

    public static SelectorTarget? Read(string json)
    {
        try
        {
            var d = JsonSerializer.Deserialize<Dto>(json);
            return d is null ? null : new SelectorTarget(d.HostId ?? "", d.HostName ?? "", [.. d.Roles ?? []], d.SystemVendor, d.ProductName, [.. d.CpuModelNumbers ?? []], [.. d.CpuNames ?? []])
            {
                Labels = [.. d.Labels ?? []],
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Dto(string? HostId, string? HostName, string[]? Roles, string? SystemVendor, string? ProductName, string[]? CpuModelNumbers, string[]? CpuNames, string[]? Labels = null);
}
