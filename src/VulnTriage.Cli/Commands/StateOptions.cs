using System.CommandLine;
using VulnTriage.Storage;

namespace VulnTriage.Cli.Commands;

/// <summary>The <c>--db</c> option and where the state database lives by default.</summary>
internal static class StateOptions
{
    public static Option<string?> Db() => new("--db")
    {
        Description = "The state database (SQLite). Default: $XDG_DATA_HOME/vulntriage/state.db, or ~/.local/share/vulntriage/state.db.",
    };

    /// <summary>
    /// The database path: <paramref name="db"/> when given, otherwise under the user's data directory
    /// (<c>XDG_DATA_HOME</c>, else <c>HOME/.local/share</c>), read from the injected environment.
    /// </summary>
    public static string Resolve(string? db, CliEnvironment env)
    {
        if (!string.IsNullOrEmpty(db))
        {
            if (db.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || db.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
            {
                // Never a file name: a folder "postgresql:" in the working directory helps nobody.
                throw new UsageException("--db: PostgreSQL is not supported by this command yet; pass a SQLite file (--db FILE)");
            }

            if (db.Contains("://", StringComparison.Ordinal))
            {
                throw new UsageException($"--db: '{VulnTriageCli.OneLine(db)}' is a URL; pass a SQLite file (--db FILE)");
            }

            return db;
        }

        var dataHome = env.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome) || !Path.IsPathRooted(dataHome))
        {
            // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
            var home = env.GetEnvironmentVariable("HOME");
            if (string.IsNullOrEmpty(home))
            {
                throw new UsageException("no state database location: pass --db FILE (neither XDG_DATA_HOME nor HOME is set)");
            }

            dataHome = Path.Combine(home, ".local", "share");
        }

        return Path.Combine(dataHome, "vulntriage", "state.db");
    }

    /// <summary>The default location, or <c>null</c> when the environment names no data directory.</summary>
    public static string? TryResolveDefault(CliEnvironment env)
    {
        try
        {
            return Resolve(null, env);
        }
        catch (UsageException)
        {
            return null;
        }
    }

    /// <summary>Opens (creating and migrating) the database, for commands that write.</summary>
    public static StateDatabase Open(string? db, CliEnvironment env) => StateDatabase.Open(Resolve(db, env), env.Clock);

    /// <summary>Opens an existing database read-only, for commands that only read; a missing file is an error.</summary>
    public static StateDatabase OpenReadOnly(string path) => StateDatabase.OpenReadOnly(path);
}
