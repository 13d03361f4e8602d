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

    /// <summary>Opens (creating and migrating) the database.</summary>
    public static StateDatabase Open(string? db, CliEnvironment env) => StateDatabase.Open(Resolve(db, env), env.Clock);
}
