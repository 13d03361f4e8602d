using VulnTriage.Storage.Postgres;
using VulnTriage.Storage.Sqlite;

namespace VulnTriage.Storage;

/// <summary>Opens the store a <see cref="StateLocation"/> names: a SQLite file or a PostgreSQL database.</summary>
public static class StateStores
{
    /// <summary>Opens for writing: creates (SQLite: the file and its directory) and migrates as needed.</summary>
    public static IStateStore Open(StateLocation location, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.IsPostgres ? PostgresStateStore.Open(location, clock) : SqliteStateStore.Open(location.FilePath!, clock);
    }

    /// <summary>Opens an existing store for reading only; nothing is created, migrated or written.</summary>
    public static IStateStore OpenReadOnly(StateLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.IsPostgres ? PostgresStateStore.OpenReadOnly(location) : SqliteStateStore.OpenReadOnly(location.FilePath!);
    }

    /// <summary>
    /// Whether the store exists: the SQLite file is there, or the PostgreSQL database holds VulnTriage's tables.
    /// A PostgreSQL server that cannot be reached throws <see cref="StateDatabaseException"/>.
    /// </summary>
    public static bool Exists(StateLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.IsPostgres ? PostgresStateStore.Exists(location) : File.Exists(location.FilePath);
    }
}
