using System.Collections.Immutable;
using VulnTriage.Core.Access;
using VulnTriage.Core.Decisions;

namespace VulnTriage.Storage;

/// <summary>
/// VulnTriage's shared state: the decisions (an append-only audit trail), the saved runs (with their evidence, or
/// their error) and the API tokens. Two implementations with the same behaviour and the same tests: SQLite (one file,
/// <see cref="Sqlite.SqliteStateStore"/>) and PostgreSQL (<see cref="Postgres.PostgresStateStore"/>); open one with
/// <see cref="StateStores"/>.
/// </summary>
/// <remarks>
/// Every write is one transaction: a method that returned has committed, and one that threw left nothing behind.
/// Failures to open, read or write are <see cref="StateDatabaseException"/> with a one-line message that names the
/// store by <see cref="Location"/> (never a password). An instance is not thread-safe: open one per thread or request
/// (opening is cheap; PostgreSQL connections are pooled).
/// </remarks>
public interface IStateStore : IDisposable
{
    /// <summary>Where the state is, fit for messages: the file path, or the URL without its password.</summary>
    string Location { get; }

    /// <summary>Whether the store was opened for reading only (no migration, no write).</summary>
    bool IsReadOnly { get; }

    /// <summary>The schema version (the highest migration applied).</summary>
    int SchemaVersion { get; }

    /// <summary>Records a decision (or a revocation built by the caller). One transaction.</summary>
    void AddDecision(Decision decision);

    /// <summary>
    /// Records the revocation of <paramref name="decisionId"/>: a new record that copies its advisory, selector and verdict.
    /// Checked and written in one transaction. Throws <see cref="KeyNotFoundException"/> for an unknown id and
    /// <see cref="InvalidOperationException"/> for a revocation or an already revoked decision (also when another
    /// process revoked it a moment before).
    /// </summary>
    Decision Revoke(string decisionId, string newId, string author, string reason, DateTimeOffset at);

    /// <summary>Every record of the audit trail, oldest first.</summary>
    ImmutableArray<Decision> Decisions();

    /// <summary>One record by id, or <c>null</c>.</summary>
    Decision? FindDecision(string id);

    /// <summary>
    /// Saves a run, its findings and their evidence in one transaction; or, for a failed run
    /// (<see cref="SavedRun.Error"/> set), the run with its error and no findings.
    /// </summary>
    void SaveRun(SavedRun run);

    /// <summary>The ids of the runs that evaluated <paramref name="advisoryId"/> and did not fail, oldest first.</summary>
    ImmutableArray<string> RunIds(string advisoryId);

    /// <summary>Every saved run, failed ones included, oldest first, without findings.</summary>
    ImmutableArray<RunSummary> Runs();

    /// <summary>Loads one saved run with all its findings and their evidence, or <c>null</c>.</summary>
    SavedRun? LoadRun(string runId);

    /// <summary>Hosts per verdict for <paramref name="advisoryId"/> in every run that evaluated it and did not fail, oldest first.</summary>
    ImmutableArray<RunProgress> Progress(string advisoryId);

    /// <summary>
    /// Creates an API token for <paramref name="name"/>: 256 random bits, kept only as a salted hash. Returns the token
    /// record and the token text, which is shown once and cannot be read back. Throws
    /// <see cref="ArgumentException"/> for an invalid name and <see cref="InvalidOperationException"/> when an active
    /// token already has that name.
    /// </summary>
    (ApiToken Token, string Secret) CreateToken(string id, string name, Role role, DateTimeOffset at);

    /// <summary>Every token (revoked ones too), oldest first. Never the secrets.</summary>
    ImmutableArray<ApiToken> Tokens();

    /// <summary>
    /// Revokes the active token named <paramref name="nameOrId"/> (a name, or an id <c>t-…</c>). Throws
    /// <see cref="KeyNotFoundException"/> when none matches and <see cref="InvalidOperationException"/> when it is
    /// already revoked.
    /// </summary>
    ApiToken RevokeToken(string nameOrId, DateTimeOffset at);

    /// <summary>
    /// The principal a token text stands for, or <c>null</c> (malformed, unknown, revoked). The secret is compared in
    /// constant time, and an unknown token id costs the same hash as a known one. Records the time of use (to the
    /// minute) unless the store is read-only.
    /// </summary>
    Principal? Authenticate(string token, DateTimeOffset at);

    /// <summary>
    /// Takes or renews the lease <paramref name="name"/> for <paramref name="holder"/> until <paramref name="until"/>,
    /// when nobody holds it, its holder's lease expired before <paramref name="now"/>, or <paramref name="holder"/>
    /// already holds it. One transaction. Returns whether <paramref name="holder"/> holds it now. (The scheduled triage
    /// of <c>vulntriage serve</c>: one run at a time, also across servers sharing one database.)
    /// </summary>
    bool TryTakeLease(string name, string holder, DateTimeOffset now, DateTimeOffset until);

    /// <summary>Gives up the lease when <paramref name="holder"/> holds it (nothing otherwise).</summary>
    void ReleaseLease(string name, string holder);
}

/// <summary>A state store that cannot be opened, migrated, read or written (exit code 3 in the CLI).</summary>
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
