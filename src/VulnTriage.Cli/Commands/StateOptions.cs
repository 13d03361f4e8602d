using System.CommandLine;
using VulnTriage.Storage;

namespace VulnTriage.Cli.Commands;

/// <summary>The <c>--db</c> option: a SQLite file or a PostgreSQL URL, and where the state lives by default.</summary>
internal static class StateOptions
{
    public static Option<string?> Db() => new("--db")
    {
        Description = "The state: a SQLite file, or a postgresql:// URL (password from PGPASSWORD or ~/.pgpass, not the command line). Default: $XDG_DATA_HOME/vulntriage/state.db, or ~/.local/share/vulntriage/state.db.",
    };

    /// <summary>
    /// Where the state is: <paramref name="db"/> when given (a file path, or a <c>postgresql://</c> or <c>postgres://</c>
    /// URL), otherwise the SQLite file under the user's data directory (<c>XDG_DATA_HOME</c>, else <c>HOME/.local/share</c>),
    /// read from the injected environment. A URL's password (or <c>PGPASSWORD</c>) joins the secrets kept out of every message.
    /// </summary>
    public static StateLocation Resolve(string? db, CliEnvironment env)
    {
        if (!string.IsNullOrEmpty(db))
        {
            if (StateLocation.IsPostgresUrl(db))
            {
                StateLocation location;
                try
                {
                    location = StateLocation.ParsePostgresUrl(db);
                }
                catch (FormatException e)
                {
                    throw new UsageException($"--db: {e.Message}", e);
                }

                if (location.HasPassword)
                {
                    env.Error.WriteLine("vulntriage: warning: --db carries a password, which other users can see in `ps` and which stays in shell history; put it in PGPASSWORD or ~/.pgpass instead");
                }
                else if (env.GetEnvironmentVariable("PGPASSWORD") is { Length: > 0 } password)
                {
                    env.Secrets.Add(password);
                    location = location.WithPassword(password);
                }

                return location;
            }

            if (db.Contains("://", StringComparison.Ordinal))
            {
                throw new UsageException($"--db: '{VulnTriageCli.OneLine(db)}' is a URL but not postgresql://; pass a SQLite file or a postgresql:// URL");
            }

            return StateLocation.File(db);
        }

        var dataHome = env.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome) || !Path.IsPathRooted(dataHome))
        {
            // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
            var home = env.GetEnvironmentVariable("HOME");
            if (string.IsNullOrEmpty(home))
            {
                throw new UsageException("no state database location: pass --db FILE|URL (neither XDG_DATA_HOME nor HOME is set)");
            }

            dataHome = Path.Combine(home, ".local", "share");
        }

        return StateLocation.File(Path.Combine(dataHome, "vulntriage", "state.db"));
    }

    /// <summary>The default location, or <c>null</c> when the environment names no data directory.</summary>
    public static StateLocation? TryResolveDefault(CliEnvironment env)
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

    /// <summary>Opens (creating and migrating) the store, for commands that write.</summary>
    public static IStateStore Open(StateLocation location, CliEnvironment env) => StateStores.Open(location, env.Clock);

    /// <summary>Opens an existing store read-only, for commands that only read; a missing store is an error.</summary>
    public static IStateStore OpenReadOnly(StateLocation location) => StateStores.OpenReadOnly(location);
}
