using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using VulnTriage.Core.Access;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;
using VulnTriage.Storage.Migrations;

namespace VulnTriage.Storage.Sqlite;

/// <summary>
/// The state in one SQLite file. Opening applies the numbered embedded migrations (<c>schema_version</c>), sets WAL
/// journaling, a busy timeout and full sync; every write is one <c>BEGIN IMMEDIATE</c> transaction, so a commit that
/// returned is on disk and a killed process loses nothing it acknowledged. Safe for several processes at once (SQLite
/// locking); one instance per thread.
/// </summary>
public sealed class SqliteStateStore : IStateStore
{
    /// <summary>How long a write waits for another process's lock before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private static readonly string[] FindingColumns = ["$adv", "$hid", "$hname", "$v", "$s", "$mv", "$ms", "$d", "$c", "$t", "$e", "$x"];

    private readonly SqliteConnection _connection;
    private readonly int _schema;

    private SqliteStateStore(SqliteConnection connection, string path, bool readOnly, int schema)
    {
        _connection = connection;
        Path = path;
        IsReadOnly = readOnly;
        _schema = schema;
    }

    /// <summary>The embedded migrations, in order.</summary>
    public static IReadOnlyList<Migration> Migrations => MigrationSet.Sqlite;

    /// <summary>The database file (full path).</summary>
    public string Path { get; }

    /// <inheritdoc />
    public string Location => Path;

    /// <inheritdoc />
    public bool IsReadOnly { get; }

    /// <inheritdoc />
    public int SchemaVersion => ScalarInt("SELECT COALESCE(MAX(version), 0) FROM schema_version");

    /// <summary>Opens (creating when missing, with its directory) and migrates the database at <paramref name="path"/>.</summary>
    public static SqliteStateStore Open(string path, TimeProvider clock)
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
            var db = new SqliteStateStore(connection, full, readOnly: false, schema: MigrationSet.Latest(Migrations));
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
    public static SqliteStateStore OpenReadOnly(string path)
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

    private static SqliteStateStore OpenReadOnlyWith(string dataSource, string full)
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
            var latest = MigrationSet.Latest(Migrations);
            if (current > latest)
            {
                throw new StateDatabaseException($"{full}: schema version {current} is newer than this VulnTriage knows ({latest}); upgrade VulnTriage");
            }

            return new SqliteStateStore(connection, full, readOnly: true, schema: current);
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

    /// <inheritdoc />
    public void AddDecision(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        Write(tx => Insert(tx, decision));
    }

    /// <inheritdoc />
    public Decision Revoke(string decisionId, string newId, string author, string reason, DateTimeOffset at)
    {
        Decision? revocation = null;
        Write(tx =>
        {
            var target = ReadDecisions(tx, "WHERE id = $id", ("$id", decisionId)).FirstOrDefault();
            var earlier = target is null ? null : ReadDecisions(tx, "WHERE revokes = $id", ("$id", decisionId)).FirstOrDefault();
            revocation = StoreCommon.Revocation(target, earlier, decisionId, newId, author, reason, at);
            Insert(tx, revocation);
        });
        return revocation!;
    }

    /// <inheritdoc />
    public ImmutableArray<Decision> Decisions() => [.. Read(() => ReadDecisions(null, ""))];

    /// <inheritdoc />
    public Decision? FindDecision(string id) => Read(() => ReadDecisions(null, "WHERE id = $id", ("$id", id)).FirstOrDefault());

    /// <inheritdoc />
    public void SaveRun(SavedRun run)
    {
        StoreCommon.CheckRun(run);
        var findings = StoreCommon.LastPerHost(run.Findings);
        var (refs, distinct) = StoreCommon.ShareEvidence(findings);
        var (contextRefs, contexts) = StoreCommon.ShareContexts(findings);
        Write(tx =>
        {
            using var insertRun = Command(tx, "INSERT INTO runs (id, saved_at, inventory, tool_version, error, teams) VALUES ($id, $at, $inv, $ver, $err, $teams) RETURNING seq");
            insertRun.Parameters.AddWithValue("$teams", (object?)FindingContextJson.WriteTeams(run.ServiceTeams) ?? DBNull.Value);
            insertRun.Parameters.AddWithValue("$id", run.Id);
            insertRun.Parameters.AddWithValue("$at", StoreCommon.Time(run.SavedAt));
            insertRun.Parameters.AddWithValue("$inv", run.Inventory);
            insertRun.Parameters.AddWithValue("$ver", run.ToolVersion);
            insertRun.Parameters.AddWithValue("$err", (object?)run.Error ?? DBNull.Value);
            var seq = Convert.ToInt64(insertRun.ExecuteScalar(), CultureInfo.InvariantCulture);

            using var insertAdvisory = Command(tx, "INSERT INTO run_advisories (run_seq, advisory_id) VALUES ($seq, $adv)");
            insertAdvisory.Parameters.AddWithValue("$seq", seq);
            var advParam = insertAdvisory.Parameters.Add("$adv", SqliteType.Text);
            foreach (var advisory in (run.Advisories.IsDefault ? [] : run.Advisories).Distinct(StringComparer.Ordinal))
            {
                advParam.Value = advisory;
                insertAdvisory.ExecuteNonQuery();
            }

            using var insertEvidence = Command(tx, "INSERT INTO run_evidence (run_seq, id, evidence) VALUES ($seq, $id, $e)");
            insertEvidence.Parameters.AddWithValue("$seq", seq);
            var idParam = insertEvidence.Parameters.Add("$id", SqliteType.Integer);
            var evidenceParam = insertEvidence.Parameters.Add("$e", SqliteType.Text);
            foreach (var (id, json) in distinct)
            {
                idParam.Value = id;
                evidenceParam.Value = json;
                insertEvidence.ExecuteNonQuery();
            }

            using var insertContext = Command(tx, "INSERT INTO run_contexts (run_seq, id, context) VALUES ($seq, $id, $x)");
            insertContext.Parameters.AddWithValue("$seq", seq);
            var contextIdParam = insertContext.Parameters.Add("$id", SqliteType.Integer);
            var contextParam = insertContext.Parameters.Add("$x", SqliteType.Text);
            foreach (var (id, json) in contexts)
            {
                contextIdParam.Value = id;
                contextParam.Value = json;
                insertContext.ExecuteNonQuery();
            }

            using var insert = Command(tx, """
                INSERT OR REPLACE INTO run_findings (run_seq, advisory_id, host_id, host_name, verdict, stage, machine_verdict, machine_stage, decision_id, clauses, target, evidence_id, context_id)
                VALUES ($seq, $adv, $hid, $hname, $v, $s, $mv, $ms, $d, $c, $t, $e, $x)
                """);
            insert.Parameters.AddWithValue("$seq", seq);
            var p = FindingColumns.Select(n => insert.Parameters.Add(n, n is "$e" or "$x" ? SqliteType.Integer : SqliteType.Text)).ToArray();
            insert.Prepare();
            for (var i = 0; i < findings.Count; i++)
            {
                var f = findings[i];
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
                p[10].Value = (object?)refs[i] ?? DBNull.Value;
                p[11].Value = (object?)contextRefs[i] ?? DBNull.Value;
                insert.ExecuteNonQuery();
            }
        });
    }

    /// <inheritdoc />
    public ImmutableArray<string> RunIds(string advisoryId) => Read(() =>
    {
        var ok = _schema >= 4 ? "AND r.error IS NULL" : "";
        using var cmd = Command(null, $"SELECT r.id FROM runs r JOIN run_advisories a ON a.run_seq = r.seq WHERE a.advisory_id = $adv {ok} ORDER BY r.seq");
        cmd.Parameters.AddWithValue("$adv", advisoryId);
        using var reader = cmd.ExecuteReader();
        var ids = ImmutableArray.CreateBuilder<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids.ToImmutable();
    });

    /// <inheritdoc />
    public ImmutableArray<RunSummary> Runs() => Read(() =>
    {
        var error = _schema >= 4 ? "r.error" : "NULL";
        using var cmd = Command(null, $"""
            SELECT r.id, r.saved_at, r.inventory, r.tool_version, {error},
                   (SELECT COUNT(*) FROM run_findings f WHERE f.run_seq = r.seq),
                   (SELECT group_concat(advisory_id, char(10)) FROM (SELECT advisory_id FROM run_advisories a WHERE a.run_seq = r.seq ORDER BY advisory_id))
            FROM runs r ORDER BY r.seq
            """);
        using var r = cmd.ExecuteReader();
        var runs = ImmutableArray.CreateBuilder<RunSummary>();
        while (r.Read())
        {
            runs.Add(new RunSummary(
                r.GetString(0),
                StoreCommon.ParseTime(r.GetString(1)),
                r.GetString(2),
                r.GetString(3),
                r.IsDBNull(6) ? [] : [.. r.GetString(6).Split('\n')],
                r.GetInt32(5),
                r.IsDBNull(4) ? null : r.GetString(4)));
        }

        return runs.ToImmutable();
    });

    /// <inheritdoc />
    public SavedRun? LoadRun(string runId) => Read(() =>
    {
        var error = _schema >= 4 ? "error" : "NULL";
        var teamsColumn = _schema >= 5 ? "teams" : "NULL";
        using var head = Command(null, $"SELECT seq, saved_at, inventory, tool_version, {error}, {teamsColumn} FROM runs WHERE id = $id");
        head.Parameters.AddWithValue("$id", runId);
        long seq;
        DateTimeOffset at;
        string inventory, version;
        string? failure, teams;
        using (var r = head.ExecuteReader())
        {
            if (!r.Read())
            {
                return null;
            }

            seq = r.GetInt64(0);
            at = StoreCommon.ParseTime(r.GetString(1));
            inventory = r.GetString(2);
            version = r.GetString(3);
            failure = r.IsDBNull(4) ? null : r.GetString(4);
            teams = r.IsDBNull(5) ? null : r.GetString(5);
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

        var evidence = new Dictionary<long, ImmutableArray<Evidence>>();
        if (_schema >= 4)
        {
            using var cmd = Command(null, "SELECT id, evidence FROM run_evidence WHERE run_seq = $seq");
            cmd.Parameters.AddWithValue("$seq", seq);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                evidence[r.GetInt64(0)] = StoreCommon.ReadEvidence(Path, runId, r.GetString(1));
            }
        }

        var contexts = new Dictionary<long, FindingContext>();
        if (_schema >= 5)
        {
            using var cmd = Command(null, "SELECT id, context FROM run_contexts WHERE run_seq = $seq");
            cmd.Parameters.AddWithValue("$seq", seq);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                contexts[r.GetInt64(0)] = StoreCommon.ReadContext(Path, runId, r.GetString(1));
            }
        }

        var findings = ImmutableArray.CreateBuilder<SavedFinding>();
        var target = _schema >= 2 ? "target" : "NULL";
        var evidenceId = _schema >= 4 ? "evidence_id" : "NULL";
        var contextId = _schema >= 5 ? "context_id" : "NULL";
        using (var cmd = Command(null, $"SELECT advisory_id, host_id, host_name, verdict, stage, machine_verdict, machine_stage, decision_id, clauses, {target}, {evidenceId}, {contextId} FROM run_findings WHERE run_seq = $seq ORDER BY advisory_id, host_id"))
        {
            cmd.Parameters.AddWithValue("$seq", seq);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                MachineVerdict? machine = r.IsDBNull(5) ? null : new MachineVerdict(StoreCommon.ParseVerdict(Path, r.GetString(5)), StoreCommon.ParseStage(Path, r.GetString(6)));
                findings.Add(new SavedFinding(
                    r.GetString(0),
                    r.GetString(1),
                    r.GetString(2),
                    StoreCommon.ParseVerdict(Path, r.GetString(3)),
                    StoreCommon.ParseStage(Path, r.GetString(4)),
                    machine,
                    r.IsDBNull(7) ? null : r.GetString(7),
                    [.. JsonSerializer.Deserialize<string[]>(r.GetString(8)) ?? []],
                    r.IsDBNull(9) ? null : TargetJson.Read(r.GetString(9)))
                {
                    Evidence = r.IsDBNull(10) ? [] : evidence.GetValueOrDefault(r.GetInt64(10), []),
                    Context = r.IsDBNull(11) ? null : contexts.GetValueOrDefault(r.GetInt64(11)),
                });
            }
        }

        return new SavedRun(runId, at, inventory, version, advisories.ToImmutable(), findings.ToImmutable())
        {
            Error = failure,
            ServiceTeams = StoreCommon.ReadTeams(Path, runId, teams),
        };
    });

    /// <inheritdoc />
    public ImmutableArray<RunProgress> Progress(string advisoryId) => Read<ImmutableArray<RunProgress>>(() =>
    {
        var ok = _schema >= 4 ? "WHERE r.error IS NULL" : "";
        using var cmd = Command(null, $"""
            SELECT r.id, r.saved_at, f.verdict, COUNT(f.host_id)
            FROM runs r
            JOIN run_advisories a ON a.run_seq = r.seq AND a.advisory_id = $adv
            LEFT JOIN run_findings f ON f.run_seq = r.seq AND f.advisory_id = $adv
            {ok}
            GROUP BY r.seq, f.verdict
            ORDER BY r.seq
            """);
        cmd.Parameters.AddWithValue("$adv", advisoryId);
        using var r = cmd.ExecuteReader();
        var rows = new List<RunProgress>();
        while (r.Read())
        {
            StoreCommon.AddProgressRow(rows, Path, advisoryId, r.GetString(0), StoreCommon.ParseTime(r.GetString(1)), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3));
        }

        return [.. rows];
    });

    /// <inheritdoc />
    public (ApiToken Token, string Secret) CreateToken(string id, string name, Role role, DateTimeOffset at)
    {
        StoreCommon.CheckTokenName(name);
        var (text, salt, hash) = TokenSecrets.Create(id);
        var token = new ApiToken(id, name, role, at, null, null);
        Write(tx =>
        {
            using var exists = Command(tx, "SELECT COUNT(*) FROM api_tokens WHERE name = $n AND revoked_at IS NULL");
            exists.Parameters.AddWithValue("$n", name);
            if (Convert.ToInt64(exists.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
            {
                throw new InvalidOperationException($"an active token is already named '{name}' (revoke it first, or choose another name)");
            }

            using var cmd = Command(tx, "INSERT INTO api_tokens (id, name, role, salt, hash, created_at) VALUES ($id, $n, $r, $salt, $hash, $at)");
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$n", name);
            cmd.Parameters.AddWithValue("$r", role.ToWire());
            cmd.Parameters.AddWithValue("$salt", salt);
            cmd.Parameters.AddWithValue("$hash", hash);
            cmd.Parameters.AddWithValue("$at", StoreCommon.Time(at));
            cmd.ExecuteNonQuery();
        });
        return (token, text);
    }

    /// <inheritdoc />
    public ImmutableArray<ApiToken> Tokens() => _schema < 4 ? [] : [.. Read(() => ReadTokens(null, ""))];

    /// <inheritdoc />
    public ApiToken RevokeToken(string nameOrId, DateTimeOffset at)
    {
        ApiToken? revoked = null;
        Write(tx =>
        {
            var matches = ReadTokens(tx, "WHERE id = $k OR name = $k", ("$k", nameOrId));
            var target = matches.FirstOrDefault(t => t.Id == nameOrId)
                ?? matches.FirstOrDefault(t => t.IsActive)
                ?? (matches.Count > 0 ? matches[^1] : throw new KeyNotFoundException($"no token '{nameOrId}'"));
            if (!target.IsActive)
            {
                throw new InvalidOperationException($"token '{nameOrId}' was already revoked");
            }

            using var cmd = Command(tx, "UPDATE api_tokens SET revoked_at = $at WHERE id = $id AND revoked_at IS NULL");
            cmd.Parameters.AddWithValue("$at", StoreCommon.Time(at));
            cmd.Parameters.AddWithValue("$id", target.Id);
            cmd.ExecuteNonQuery();
            revoked = target with { RevokedAt = at };
        });
        return revoked!;
    }

    /// <inheritdoc />
    public Principal? Authenticate(string token, DateTimeOffset at)
    {
        if (!TokenSecrets.TryParse(token, out var id, out var secret) || _schema < 4)
        {
            return null;
        }

        var row = Read(() =>
        {
            using var cmd = Command(null, "SELECT name, role, salt, hash, revoked_at, last_used_at FROM api_tokens WHERE id = $id");
            cmd.Parameters.AddWithValue("$id", id);
            using var r = cmd.ExecuteReader();
            return r.Read()
                ? (Name: r.GetString(0), Role: StoreCommon.ParseRole(Path, r.GetString(1)), Salt: (byte[])r.GetValue(2), Hash: (byte[])r.GetValue(3), Revoked: !r.IsDBNull(4), LastUsed: r.IsDBNull(5) ? (DateTimeOffset?)null : StoreCommon.ParseTime(r.GetString(5)))
                : default;
        });
        if (row.Name is null)
        {
            _ = TokenSecrets.VerifyNothing(secret);
            return null;
        }

        if (!TokenSecrets.Verify(row.Salt, row.Hash, secret) || row.Revoked)
        {
            return null;
        }

        var minute = StoreCommon.ToMinute(at);
        if (!IsReadOnly && (row.LastUsed is null || row.LastUsed < minute))
        {
            Write(tx =>
            {
                using var cmd = Command(tx, "UPDATE api_tokens SET last_used_at = $at WHERE id = $id AND revoked_at IS NULL");
                cmd.Parameters.AddWithValue("$at", StoreCommon.Time(minute));
                cmd.Parameters.AddWithValue("$id", id);
                cmd.ExecuteNonQuery();
            });
        }

        return new Principal(id, row.Name, row.Role);
    }

    /// <inheritdoc />
    public bool TryTakeLease(string name, string holder, DateTimeOffset now, DateTimeOffset until)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var taken = false;
        Write(tx =>
        {
            // ISO 8601 UTC text with a fixed width compares in time order.
            using var cmd = Command(tx, """
                INSERT INTO leases (name, holder, expires_at) VALUES ($name, $holder, $until)
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE leases.holder = excluded.holder OR leases.expires_at < $now
                """);
            cmd.Parameters.AddWithValue("$name", name);
            cmd.Parameters.AddWithValue("$holder", holder);
            cmd.Parameters.AddWithValue("$until", StoreCommon.Time(until));
            cmd.Parameters.AddWithValue("$now", StoreCommon.Time(now));
            taken = cmd.ExecuteNonQuery() == 1;
        });
        return taken;
    }

    /// <inheritdoc />
    public void ReleaseLease(string name, string holder) => Write(tx =>
    {
        using var cmd = Command(tx, "DELETE FROM leases WHERE name = $name AND holder = $holder");
        cmd.Parameters.AddWithValue("$name", name);
        cmd.Parameters.AddWithValue("$holder", holder);
        cmd.ExecuteNonQuery();
    });

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

    private void Migrate(TimeProvider clock)
    {
        Execute(_connection, null, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);");
        var current = SchemaVersion;
        var latest = MigrationSet.Latest(Migrations);
        if (current > latest)
        {
            throw new StateDatabaseException($"{Path}: schema version {current} is newer than this VulnTriage knows ({latest}); upgrade VulnTriage");
        }

        foreach (var migration in Migrations)
        {
            if (migration.Version <= current)
            {
                continue;
            }

            // Each migration in its own IMMEDIATE transaction; re-check inside it, as another process may have migrated meanwhile.
            Write(tx =>
            {
                using var check = Command(tx, "SELECT COUNT(*) FROM schema_version WHERE version = $v");
                check.Parameters.AddWithValue("$v", migration.Version);
                if (Convert.ToInt64(check.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
                {
                    return;
                }

                Execute(_connection, tx, migration.Sql);
                using var record = Command(tx, "INSERT INTO schema_version (version, name, applied_at) VALUES ($v, $n, $t)");
                record.Parameters.AddWithValue("$v", migration.Version);
                record.Parameters.AddWithValue("$n", migration.Name);
                record.Parameters.AddWithValue("$t", StoreCommon.Time(clock.GetUtcNow()));
                record.ExecuteNonQuery();
            });
        }
    }

    private T Read<T>(Func<T> body)
    {
        try
        {
            return body();
        }
        catch (SqliteException e)
        {
            throw new StateDatabaseException($"{Path}: read failed: {e.Message}", e);
        }
    }

    private void Write(Action<SqliteTransaction> body)
    {
        if (IsReadOnly)
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
        cmd.Parameters.AddWithValue("$at", StoreCommon.Time(d.DecidedAt));
        cmd.Parameters.AddWithValue("$revokes", (object?)d.Revokes ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    private List<Decision> ReadDecisions(SqliteTransaction? tx, string where, params (string Name, object Value)[] parameters)
    {
        var allVerdicts = _schema >= 2 ? "all_verdicts" : "0";
        using var cmd = Command(tx, $"SELECT id, advisory_id, selector_kind, selector_value, verdict, vex_justification, justification, evidence_url, author, decided_at, revokes, {allVerdicts} FROM decisions {where} ORDER BY seq");
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        using var r = cmd.ExecuteReader();
        var list = new List<Decision>();
        while (r.Read())
        {
            var id = r.GetString(0);
            list.Add(new Decision(
                id,
                r.GetString(1),
                new DecisionSelector(StoreCommon.ParseSelectorKind(Path, id, r.GetString(2)), r.GetString(3)),
                StoreCommon.ParseVerdict(Path, r.GetString(4)),
                StoreCommon.ParseVex(Path, id, r.IsDBNull(5) ? null : r.GetString(5)),
                r.GetString(6),
                r.IsDBNull(7) ? null : r.GetString(7),
                r.GetString(8),
                StoreCommon.ParseTime(r.GetString(9)),
                r.IsDBNull(10) ? null : r.GetString(10),
                r.GetInt64(11) != 0));
        }

        return list;
    }

    private List<ApiToken> ReadTokens(SqliteTransaction? tx, string where, params (string Name, object Value)[] parameters)
    {
        using var cmd = Command(tx, $"SELECT id, name, role, created_at, last_used_at, revoked_at FROM api_tokens {where} ORDER BY seq");
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        using var r = cmd.ExecuteReader();
        var list = new List<ApiToken>();
        while (r.Read())
        {
            list.Add(new ApiToken(
                r.GetString(0),
                r.GetString(1),
                StoreCommon.ParseRole(Path, r.GetString(2)),
                StoreCommon.ParseTime(r.GetString(3)),
                r.IsDBNull(4) ? null : StoreCommon.ParseTime(r.GetString(4)),
                r.IsDBNull(5) ? null : StoreCommon.ParseTime(r.GetString(5))));
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
}
