using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using VulnTriage.Core.Access;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;
using VulnTriage.Storage.Migrations;

namespace VulnTriage.Storage.Postgres;

/// <summary>
/// The state in a PostgreSQL database (Npgsql), with the same tables, migrations (<c>Migrations/Postgres</c>) and
/// behaviour as <see cref="Sqlite.SqliteStateStore"/>: every write one transaction, an append-only audit trail enforced
/// by triggers, migrations serialised by an advisory lock so several processes opening a new database migrate it once.
/// Each call takes a pooled connection, so an instance may be shared between threads.
/// </summary>
/// <remarks>
/// PostgreSQL's <c>text</c> cannot hold U+0000: a NUL in a stored string (a hostile host name, say) is stored as
/// U+FFFD. JSON columns keep it exactly (escaped as <c>\u0000</c>). Times are kept to the microsecond.
/// </remarks>
public sealed class PostgresStateStore : IStateStore
{
    // pg_advisory_xact_lock key of the migrations: "VulnTriage" folded into 63 bits.
    private const long MigrationLock = 0x56756C6E54726961;

    private readonly NpgsqlDataSource _source;
    private readonly StateLocation _location;

    private PostgresStateStore(NpgsqlDataSource source, StateLocation location, bool readOnly)
    {
        _source = source;
        _location = location;
        IsReadOnly = readOnly;
    }

    /// <summary>The embedded migrations, in order.</summary>
    public static IReadOnlyList<Migration> Migrations => MigrationSet.Postgres;

    /// <inheritdoc />
    public string Location => _location.Display;

    /// <inheritdoc />
    public bool IsReadOnly { get; }

    /// <inheritdoc />
    public int SchemaVersion => Read(conn => CurrentVersion(conn, null));

    /// <summary>Connects to the database at <paramref name="location"/> and migrates it.</summary>
    public static PostgresStateStore Open(StateLocation location, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(clock);
        var store = new PostgresStateStore(Source(location, readOnly: false), location, readOnly: false);
        try
        {
            store.Migrate(clock);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects for reading only: every session is <c>default_transaction_read_only</c>, nothing is created or
    /// migrated. A database without VulnTriage's tables is an error (a typo in <c>--db</c> must not read as "no decisions").
    /// </summary>
    public static PostgresStateStore OpenReadOnly(StateLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var store = new PostgresStateStore(Source(location, readOnly: true), location, readOnly: true);
        try
        {
            var current = store.Read(conn =>
            {
                using var probe = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NOT NULL AND to_regclass('decisions') IS NOT NULL AND to_regclass('runs') IS NOT NULL", conn);
                return probe.ExecuteScalar() is true ? CurrentVersion(conn, null) : -1;
            });
            if (current < 0)
            {
                throw new StateDatabaseException($"{location.Display}: no VulnTriage state there (record a decision with `vulntriage decide` or save a run with `vulntriage triage --save`, or check --db)");
            }

            if (current > MigrationSet.Latest(Migrations))
            {
                throw new StateDatabaseException($"{location.Display}: schema version {current} is newer than this VulnTriage knows ({MigrationSet.Latest(Migrations)}); upgrade VulnTriage");
            }

            if (current < MigrationSet.Latest(Migrations))
            {
                throw new StateDatabaseException($"{location.Display}: schema version {current} is older than this VulnTriage's ({MigrationSet.Latest(Migrations)}); a command that writes (`decide`, `triage --save`) migrates it");
            }

            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Whether the database holds VulnTriage's tables (a read-only probe; connection failures throw).</summary>
    public static bool Exists(StateLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        using var source = Source(location, readOnly: true);
        return Guard(location, "cannot connect", () =>
        {
            using var conn = source.OpenConnection();
            using var probe = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NOT NULL", conn);
            return probe.ExecuteScalar() is true;
        });
    }

    /// <inheritdoc />
    public void AddDecision(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        Write((conn, tx) => Insert(conn, tx, decision));
    }

    /// <inheritdoc />
    public Decision Revoke(string decisionId, string newId, string author, string reason, DateTimeOffset at)
    {
        Decision? revocation = null;
        try
        {
            Write((conn, tx) =>
            {
                // FOR UPDATE serialises two revokers of one decision; the second then sees the first's revocation.
                var target = ReadDecisions(conn, tx, "WHERE id = @id FOR UPDATE", ("id", decisionId)).FirstOrDefault();
                var earlier = target is null ? null : ReadDecisions(conn, tx, "WHERE revokes = @id", ("id", decisionId)).FirstOrDefault();
                revocation = StoreCommon.Revocation(target, earlier, decisionId, newId, author, reason, at);
                Insert(conn, tx, revocation);
            });
        }
        catch (StateDatabaseException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "decisions_revokes" })
        {
            throw new InvalidOperationException($"decision '{decisionId}' was already revoked", e);
        }

        return revocation!;
    }

    /// <inheritdoc />
    public ImmutableArray<Decision> Decisions() => [.. Read(conn => ReadDecisions(conn, null, ""))];

    /// <inheritdoc />
    public Decision? FindDecision(string id) => Read(conn => ReadDecisions(conn, null, "WHERE id = @id", ("id", id)).FirstOrDefault());

    /// <inheritdoc />
    public void SaveRun(SavedRun run)
    {
        StoreCommon.CheckRun(run);
        var findings = StoreCommon.LastPerHost(run.Findings);
        var (refs, distinct) = StoreCommon.ShareEvidence(findings);
        var (contextRefs, contexts) = StoreCommon.ShareContexts(findings);
        Write((conn, tx) =>
        {
            using var insertRun = new NpgsqlCommand("INSERT INTO runs (id, saved_at, inventory, tool_version, error, teams) VALUES (@id, @at, @inv, @ver, @err, @teams) RETURNING seq", conn, tx);
            insertRun.Parameters.AddWithValue("teams", NpgsqlDbType.Text, (object?)TextOrNull(FindingContextJson.WriteTeams(run.ServiceTeams)) ?? DBNull.Value);
            insertRun.Parameters.AddWithValue("id", Text(run.Id));
            insertRun.Parameters.AddWithValue("at", run.SavedAt.ToUniversalTime());
            insertRun.Parameters.AddWithValue("inv", Text(run.Inventory));
            insertRun.Parameters.AddWithValue("ver", Text(run.ToolVersion));
            insertRun.Parameters.AddWithValue("err", NpgsqlDbType.Text, (object?)TextOrNull(run.Error) ?? DBNull.Value);
            var seq = (long)insertRun.ExecuteScalar()!;

            foreach (var advisory in (run.Advisories.IsDefault ? [] : run.Advisories).Distinct(StringComparer.Ordinal))
            {
                using var insertAdvisory = new NpgsqlCommand("INSERT INTO run_advisories (run_seq, advisory_id) VALUES (@seq, @adv)", conn, tx);
                insertAdvisory.Parameters.AddWithValue("seq", seq);
                insertAdvisory.Parameters.AddWithValue("adv", Text(advisory));
                insertAdvisory.ExecuteNonQuery();
            }

            // Binary COPY: a 100,000-host run is one round trip per table, inside the run's transaction.
            using (var copy = conn.BeginBinaryImport("COPY run_evidence (run_seq, id, evidence) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var (id, json) in distinct)
                {
                    copy.StartRow();
                    copy.Write(seq, NpgsqlDbType.Bigint);
                    copy.Write(id, NpgsqlDbType.Integer);
                    copy.Write(json, NpgsqlDbType.Text);
                }

                copy.Complete();
            }

            using (var copy = conn.BeginBinaryImport("COPY run_contexts (run_seq, id, context) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var (id, json) in contexts)
                {
                    copy.StartRow();
                    copy.Write(seq, NpgsqlDbType.Bigint);
                    copy.Write(id, NpgsqlDbType.Integer);
                    copy.Write(json, NpgsqlDbType.Text);
                }

                copy.Complete();
            }

            using (var copy = conn.BeginBinaryImport("COPY run_findings (run_seq, advisory_id, host_id, host_name, verdict, stage, machine_verdict, machine_stage, decision_id, clauses, target, evidence_id, context_id) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < findings.Count; i++)
                {
                    var f = findings[i];
                    copy.StartRow();
                    copy.Write(seq, NpgsqlDbType.Bigint);
                    copy.Write(Text(f.AdvisoryId), NpgsqlDbType.Text);
                    copy.Write(Text(f.HostId), NpgsqlDbType.Text);
                    copy.Write(Text(f.HostName), NpgsqlDbType.Text);
                    copy.Write(f.Verdict.ToWire(), NpgsqlDbType.Text);
                    copy.Write(f.Stage.ToWire(), NpgsqlDbType.Text);
                    WriteOrNull(copy, f.Machine?.Verdict.ToWire());
                    WriteOrNull(copy, f.Machine?.Stage.ToWire());
                    WriteOrNull(copy, TextOrNull(f.DecisionId));
                    copy.Write(JsonSerializer.Serialize(f.Clauses.IsDefault ? [] : f.Clauses.ToArray()), NpgsqlDbType.Text);
                    WriteOrNull(copy, f.Target is { } target ? TargetJson.Write(target) : null);
                    if (refs[i] is { } evidenceId)
                    {
                        copy.Write(evidenceId, NpgsqlDbType.Integer);
                    }
                    else
                    {
                        copy.WriteNull();
                    }

                    if (contextRefs[i] is { } contextId)
                    {
                        copy.Write(contextId, NpgsqlDbType.Integer);
                    }
                    else
                    {
                        copy.WriteNull();
                    }
                }

                copy.Complete();
            }
        });
    }

    /// <inheritdoc />
    public ImmutableArray<string> RunIds(string advisoryId) => Read(conn =>
    {
        using var cmd = new NpgsqlCommand("SELECT r.id FROM runs r JOIN run_advisories a ON a.run_seq = r.seq WHERE a.advisory_id = @adv AND r.error IS NULL ORDER BY r.seq", conn);
        cmd.Parameters.AddWithValue("adv", Text(advisoryId));
        using var reader = cmd.ExecuteReader();
        var ids = ImmutableArray.CreateBuilder<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids.ToImmutable();
    });

    /// <inheritdoc />
    public ImmutableArray<RunSummary> Runs() => Read(conn =>
    {
        using var cmd = new NpgsqlCommand("""
            SELECT r.id, r.saved_at, r.inventory, r.tool_version, r.error,
                   (SELECT COUNT(*) FROM run_findings f WHERE f.run_seq = r.seq)::integer,
                   ARRAY(SELECT a.advisory_id FROM run_advisories a WHERE a.run_seq = r.seq ORDER BY a.advisory_id COLLATE "C")
            FROM runs r ORDER BY r.seq
            """, conn);
        using var r = cmd.ExecuteReader();
        var runs = ImmutableArray.CreateBuilder<RunSummary>();
        while (r.Read())
        {
            runs.Add(new RunSummary(
                r.GetString(0),
                r.GetFieldValue<DateTimeOffset>(1),
                r.GetString(2),
                r.GetString(3),
                [.. r.GetFieldValue<string[]>(6)],
                r.GetInt32(5),
                r.IsDBNull(4) ? null : r.GetString(4)));
        }

        return runs.ToImmutable();
    });

    /// <inheritdoc />
    public SavedRun? LoadRun(string runId) => Read(conn =>
    {
        // One snapshot for the head and the rows (REPEATABLE READ), as SQLite's single connection gives.
        using var tx = conn.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        using var head = new NpgsqlCommand("SELECT seq, saved_at, inventory, tool_version, error, teams FROM runs WHERE id = @id", conn, tx);
        head.Parameters.AddWithValue("id", Text(runId));
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
            at = r.GetFieldValue<DateTimeOffset>(1);
            inventory = r.GetString(2);
            version = r.GetString(3);
            failure = r.IsDBNull(4) ? null : r.GetString(4);
            teams = r.IsDBNull(5) ? null : r.GetString(5);
        }

        var advisories = ImmutableArray.CreateBuilder<string>();
        using (var cmd = new NpgsqlCommand("SELECT advisory_id FROM run_advisories WHERE run_seq = @seq ORDER BY advisory_id COLLATE \"C\"", conn, tx))
        {
            cmd.Parameters.AddWithValue("seq", seq);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                advisories.Add(r.GetString(0));
            }
        }

        var evidence = new Dictionary<int, ImmutableArray<Evidence>>();
        using (var cmd = new NpgsqlCommand("SELECT id, evidence FROM run_evidence WHERE run_seq = @seq", conn, tx))
        {
            cmd.Parameters.AddWithValue("seq", seq);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                evidence[r.GetInt32(0)] = StoreCommon.ReadEvidence(Location, runId, r.GetString(1));
            }
        }

        var contexts = new Dictionary<int, FindingContext>();
        using (var cmd = new NpgsqlCommand("SELECT id, context FROM run_contexts WHERE run_seq = @seq", conn, tx))
        {
            cmd.Parameters.AddWithValue("seq", seq);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                contexts[r.GetInt32(0)] = StoreCommon.ReadContext(Location, runId, r.GetString(1));
            }
        }

        var findings = ImmutableArray.CreateBuilder<SavedFinding>();
        using (var cmd = new NpgsqlCommand("""
            SELECT advisory_id, host_id, host_name, verdict, stage, machine_verdict, machine_stage, decision_id, clauses, target, evidence_id, context_id
            FROM run_findings WHERE run_seq = @seq ORDER BY advisory_id COLLATE "C", host_id COLLATE "C"
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("seq", seq);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                MachineVerdict? machine = r.IsDBNull(5) ? null : new MachineVerdict(StoreCommon.ParseVerdict(Location, r.GetString(5)), StoreCommon.ParseStage(Location, r.GetString(6)));
                findings.Add(new SavedFinding(
                    r.GetString(0),
                    r.GetString(1),
                    r.GetString(2),
                    StoreCommon.ParseVerdict(Location, r.GetString(3)),
                    StoreCommon.ParseStage(Location, r.GetString(4)),
                    machine,
                    r.IsDBNull(7) ? null : r.GetString(7),
                    [.. JsonSerializer.Deserialize<string[]>(r.GetString(8)) ?? []],
                    r.IsDBNull(9) ? null : TargetJson.Read(r.GetString(9)))
                {
                    Evidence = r.IsDBNull(10) ? [] : evidence.GetValueOrDefault(r.GetInt32(10), []),
                    Context = r.IsDBNull(11) ? null : contexts.GetValueOrDefault(r.GetInt32(11)),
                });
            }
        }

        tx.Commit();
        return new SavedRun(runId, at, inventory, version, advisories.ToImmutable(), findings.ToImmutable())
        {
            Error = failure,
            ServiceTeams = StoreCommon.ReadTeams(Location, runId, teams),
        };
    });

    /// <inheritdoc />
    public ImmutableArray<RunProgress> Progress(string advisoryId) => Read<ImmutableArray<RunProgress>>(conn =>
    {
        using var cmd = new NpgsqlCommand("""
            SELECT r.id, r.saved_at, f.verdict, COUNT(f.host_id)::integer
            FROM runs r
            JOIN run_advisories a ON a.run_seq = r.seq AND a.advisory_id = @adv
            LEFT JOIN run_findings f ON f.run_seq = r.seq AND f.advisory_id = @adv
            WHERE r.error IS NULL
            GROUP BY r.seq, r.id, r.saved_at, f.verdict
            ORDER BY r.seq
            """, conn);
        cmd.Parameters.AddWithValue("adv", Text(advisoryId));
        using var r = cmd.ExecuteReader();
        var rows = new List<RunProgress>();
        while (r.Read())
        {
            StoreCommon.AddProgressRow(rows, Location, advisoryId, r.GetString(0), r.GetFieldValue<DateTimeOffset>(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3));
        }

        return [.. rows];
    });

    /// <inheritdoc />
    public (ApiToken Token, string Secret) CreateToken(string id, string name, Role role, DateTimeOffset at)
    {
        StoreCommon.CheckTokenName(name);
        var (text, salt, hash) = TokenSecrets.Create(id);
        var duplicate = $"an active token is already named '{name}' (revoke it first, or choose another name)";
        try
        {
            Write((conn, tx) =>
            {
                using var exists = new NpgsqlCommand("SELECT COUNT(*) FROM api_tokens WHERE name = @n AND revoked_at IS NULL", conn, tx);
                exists.Parameters.AddWithValue("n", name);
                if ((long)exists.ExecuteScalar()! > 0)
                {
                    throw new InvalidOperationException(duplicate);
                }

                using var cmd = new NpgsqlCommand("INSERT INTO api_tokens (id, name, role, salt, hash, created_at) VALUES (@id, @n, @r, @salt, @hash, @at)", conn, tx);
                cmd.Parameters.AddWithValue("id", Text(id));
                cmd.Parameters.AddWithValue("n", name);
                cmd.Parameters.AddWithValue("r", role.ToWire());
                cmd.Parameters.AddWithValue("salt", salt);
                cmd.Parameters.AddWithValue("hash", hash);
                cmd.Parameters.AddWithValue("at", at.ToUniversalTime());
                cmd.ExecuteNonQuery();
            });
        }
        catch (StateDatabaseException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "api_tokens_active_name" })
        {
            // Another process created the same name between the check and the insert.
            throw new InvalidOperationException(duplicate, e);
        }

        return (new ApiToken(id, name, role, at, null, null), text);
    }

    /// <inheritdoc />
    public ImmutableArray<ApiToken> Tokens() => [.. Read(conn => ReadTokens(conn, null, ""))];

    /// <inheritdoc />
    public ApiToken RevokeToken(string nameOrId, DateTimeOffset at)
    {
        ApiToken? revoked = null;
        Write((conn, tx) =>
        {
            var matches = ReadTokens(conn, tx, "WHERE id = @k OR name = @k", ("k", Text(nameOrId)), forUpdate: true);
            var target = matches.FirstOrDefault(t => t.Id == nameOrId)
                ?? matches.FirstOrDefault(t => t.IsActive)
                ?? (matches.Count > 0 ? matches[^1] : throw new KeyNotFoundException($"no token '{nameOrId}'"));
            if (!target.IsActive)
            {
                throw new InvalidOperationException($"token '{nameOrId}' was already revoked");
            }

            using var cmd = new NpgsqlCommand("UPDATE api_tokens SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", conn, tx);
            cmd.Parameters.AddWithValue("at", at.ToUniversalTime());
            cmd.Parameters.AddWithValue("id", target.Id);
            cmd.ExecuteNonQuery();
            revoked = target with { RevokedAt = at };
        });
        return revoked!;
    }

    /// <inheritdoc />
    public Principal? Authenticate(string token, DateTimeOffset at)
    {
        if (!TokenSecrets.TryParse(token, out var id, out var secret) || id.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var row = Read(conn =>
        {
            using var cmd = new NpgsqlCommand("SELECT name, role, salt, hash, revoked_at IS NOT NULL, last_used_at FROM api_tokens WHERE id = @id", conn);
            cmd.Parameters.AddWithValue("id", id);
            using var r = cmd.ExecuteReader();
            return r.Read()
                ? (Name: r.GetString(0), Role: StoreCommon.ParseRole(Location, r.GetString(1)), Salt: r.GetFieldValue<byte[]>(2), Hash: r.GetFieldValue<byte[]>(3), Revoked: r.GetBoolean(4), LastUsed: r.IsDBNull(5) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(5))
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
            Write((conn, tx) =>
            {
                using var cmd = new NpgsqlCommand("UPDATE api_tokens SET last_used_at = @at WHERE id = @id AND revoked_at IS NULL AND (last_used_at IS NULL OR last_used_at < @at)", conn, tx);
                cmd.Parameters.AddWithValue("at", minute);
                cmd.Parameters.AddWithValue("id", id);
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
        Write((conn, tx) =>
        {
            // One statement: the row is locked by the upsert, so two servers racing for an expired lease get one winner.
            using var cmd = new NpgsqlCommand("""
                INSERT INTO leases (name, holder, expires_at) VALUES (@name, @holder, @until)
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE leases.holder = excluded.holder OR leases.expires_at < @now
                """, conn, tx);
            cmd.Parameters.AddWithValue("name", Text(name));
            cmd.Parameters.AddWithValue("holder", Text(holder));
            cmd.Parameters.AddWithValue("until", until.ToUniversalTime());
            cmd.Parameters.AddWithValue("now", now.ToUniversalTime());
            taken = cmd.ExecuteNonQuery() == 1;
        });
        return taken;
    }

    /// <inheritdoc />
    public void ReleaseLease(string name, string holder) => Write((conn, tx) =>
    {
        using var cmd = new NpgsqlCommand("DELETE FROM leases WHERE name = @name AND holder = @holder", conn, tx);
        cmd.Parameters.AddWithValue("name", Text(name));
        cmd.Parameters.AddWithValue("holder", Text(holder));
        cmd.ExecuteNonQuery();
    });

    /// <inheritdoc />
    public void Dispose() => _source.Dispose();

    private static NpgsqlDataSource Source(StateLocation location, bool readOnly)
    {
        var builder = new NpgsqlConnectionStringBuilder(location.ConnectionString);

        // A lock held by another process (a revocation, a migration) is waited for as SQLite's busy timeout does, not forever.
        var options = "-c lock_timeout=30s" + (readOnly ? " -c default_transaction_read_only=on" : "");
        builder.Options = string.IsNullOrEmpty(builder.Options) ? options : builder.Options + " " + options;
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    private static int CurrentVersion(NpgsqlConnection conn, NpgsqlTransaction? tx)
    {
        using var cmd = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", conn, tx);
        return (int)cmd.ExecuteScalar()!;
    }

    private void Migrate(TimeProvider clock)
    {
        var latest = MigrationSet.Latest(Migrations);
        var current = Read(conn =>
        {
            using var probe = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NOT NULL", conn);
            return probe.ExecuteScalar() is true ? CurrentVersion(conn, null) : 0;
        });
        if (current > latest)
        {
            throw new StateDatabaseException($"{Location}: schema version {current} is newer than this VulnTriage knows ({latest}); upgrade VulnTriage");
        }

        foreach (var migration in Migrations)
        {
            if (migration.Version <= current)
            {
                continue;
            }

            // Each migration in its own transaction under a transaction-scoped advisory lock, re-checked inside it:
            // another process may have migrated meanwhile. (CREATE TABLE IF NOT EXISTS alone races in PostgreSQL.)
            Write((conn, tx) =>
            {
                using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", conn, tx))
                {
                    lockCmd.Parameters.AddWithValue("key", MigrationLock);
                    lockCmd.ExecuteNonQuery();
                }

                using (var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)", conn, tx))
                {
                    create.ExecuteNonQuery();
                }

                var now = CurrentVersion(conn, tx);
                if (now > latest)
                {
                    throw new StateDatabaseException($"{Location}: schema version {now} is newer than this VulnTriage knows ({latest}); upgrade VulnTriage");
                }

                if (now >= migration.Version)
                {
                    return;
                }

                using (var apply = new NpgsqlCommand(migration.Sql, conn, tx))
                {
                    apply.ExecuteNonQuery();
                }

                using var record = new NpgsqlCommand("INSERT INTO schema_version (version, name, applied_at) VALUES (@v, @n, @t)", conn, tx);
                record.Parameters.AddWithValue("v", migration.Version);
                record.Parameters.AddWithValue("n", migration.Name);
                record.Parameters.AddWithValue("t", clock.GetUtcNow());
                record.ExecuteNonQuery();
            });
        }
    }

    private T Read<T>(Func<NpgsqlConnection, T> body) => Guard(_location, "read failed", () =>
    {
        using var conn = _source.OpenConnection();
        return body(conn);
    });

    private void Write(Action<NpgsqlConnection, NpgsqlTransaction> body)
    {
        if (IsReadOnly)
        {
            throw new InvalidOperationException("the state database was opened read-only");
        }

        Guard(_location, "write failed", () =>
        {
            using var conn = _source.OpenConnection();
            using var tx = conn.BeginTransaction();
            body(conn, tx);
            tx.Commit();
            return 0;
        });
    }

    /// <summary>Every Npgsql failure becomes one redacted line naming the store; nothing else is caught.</summary>
    private static T Guard<T>(StateLocation location, string what, Func<T> body)
    {
        try
        {
            return body();
        }
        catch (PostgresException e)
        {
            throw new StateDatabaseException(location.Redact($"{location.Display}: {what}: {e.SqlState}: {e.MessageText}"), e);
        }
        catch (NpgsqlException e)
        {
            var cause = e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message;
            throw new StateDatabaseException(location.Redact($"{location.Display}: {(e.InnerException is System.Net.Sockets.SocketException or TimeoutException ? "cannot connect" : what)}: {cause}"), e);
        }
        catch (TimeoutException e)
        {
            throw new StateDatabaseException(location.Redact($"{location.Display}: cannot connect: {e.Message}"), e);
        }
    }

    private static void Insert(NpgsqlConnection conn, NpgsqlTransaction tx, Decision d)
    {
        using var cmd = new NpgsqlCommand("""
            INSERT INTO decisions (id, advisory_id, selector_kind, selector_value, verdict, vex_justification, justification, evidence_url, author, decided_at, revokes, all_verdicts)
            VALUES (@id, @adv, @sk, @sv, @v, @vex, @j, @url, @author, @at, @revokes, @all)
            """, conn, tx);
        cmd.Parameters.AddWithValue("all", (short)(d.AllVerdicts ? 1 : 0));
        cmd.Parameters.AddWithValue("id", Text(d.Id));
        cmd.Parameters.AddWithValue("adv", Text(d.AdvisoryId));
        cmd.Parameters.AddWithValue("sk", d.Selector.Kind.ToWire());
        cmd.Parameters.AddWithValue("sv", Text(d.Selector.Value));
        cmd.Parameters.AddWithValue("v", d.Verdict.ToWire());
        cmd.Parameters.AddWithValue("vex", NpgsqlDbType.Text, (object?)d.VexJustification?.ToWire() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("j", Text(d.Justification));
        cmd.Parameters.AddWithValue("url", NpgsqlDbType.Text, (object?)TextOrNull(d.EvidenceUrl) ?? DBNull.Value);
        cmd.Parameters.AddWithValue("author", Text(d.Author));
        cmd.Parameters.AddWithValue("at", d.DecidedAt.ToUniversalTime());
        cmd.Parameters.AddWithValue("revokes", NpgsqlDbType.Text, (object?)TextOrNull(d.Revokes) ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    private List<Decision> ReadDecisions(NpgsqlConnection conn, NpgsqlTransaction? tx, string where, params (string Name, object Value)[] parameters)
    {
        var order = where.EndsWith("FOR UPDATE", StringComparison.Ordinal) ? "" : " ORDER BY seq";
        using var cmd = new NpgsqlCommand($"SELECT id, advisory_id, selector_kind, selector_value, verdict, vex_justification, justification, evidence_url, author, decided_at, revokes, all_verdicts FROM decisions {where}{order}", conn, tx);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value is string s ? Text(s) : value);
        }

        using var r = cmd.ExecuteReader();
        var list = new List<Decision>();
        while (r.Read())
        {
            var id = r.GetString(0);
            list.Add(new Decision(
                id,
                r.GetString(1),
                new DecisionSelector(StoreCommon.ParseSelectorKind(Location, id, r.GetString(2)), r.GetString(3)),
                StoreCommon.ParseVerdict(Location, r.GetString(4)),
                StoreCommon.ParseVex(Location, id, r.IsDBNull(5) ? null : r.GetString(5)),
                r.GetString(6),
                r.IsDBNull(7) ? null : r.GetString(7),
                r.GetString(8),
                r.GetFieldValue<DateTimeOffset>(9),
                r.IsDBNull(10) ? null : r.GetString(10),
                r.GetInt16(11) != 0));
        }

        return list;
    }

    private List<ApiToken> ReadTokens(NpgsqlConnection conn, NpgsqlTransaction? tx, string where, (string Name, object Value)? parameter = null, bool forUpdate = false)
    {
        using var cmd = new NpgsqlCommand($"SELECT id, name, role, created_at, last_used_at, revoked_at FROM api_tokens {where} ORDER BY seq{(forUpdate ? " FOR UPDATE" : "")}", conn, tx);
        if (parameter is { } p)
        {
            cmd.Parameters.AddWithValue(p.Name, p.Value);
        }

        using var r = cmd.ExecuteReader();
        var list = new List<ApiToken>();
        while (r.Read())
        {
            list.Add(new ApiToken(
                r.GetString(0),
                r.GetString(1),
                StoreCommon.ParseRole(Location, r.GetString(2)),
                r.GetFieldValue<DateTimeOffset>(3),
                r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4),
                r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5)));
        }

        return list;
    }

    private static void WriteOrNull(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, NpgsqlDbType.Text);
        }
    }

    // PostgreSQL text cannot hold U+0000 ("invalid byte sequence for encoding UTF8: 0x00"): one hostile host name must
    // not make a whole run unsavable, so NUL is stored as U+FFFD (the replacement character).
    private static string Text(string value) => value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;

    private static string? TextOrNull(string? value) => value is null ? null : Text(value);
}
