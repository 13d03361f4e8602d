using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using VulnTriage.Storage.Sqlite;

[assembly: AssemblyFixture(typeof(VulnTriage.Storage.Tests.PostgresServer))]

namespace VulnTriage.Storage.Tests;

/// <summary>Which store a parameterised test class runs against.</summary>
public enum StoreKind
{
    /// <summary>A SQLite file.</summary>
    Sqlite,

    /// <summary>A schema of its own in the test PostgreSQL server.</summary>
    Postgres,
}

/// <summary>
/// One empty state store for one test: a SQLite file in its own temporary directory, or a schema of its own in the test
/// PostgreSQL server (the URL selects it with <c>options=-c search_path=…</c>). Removed afterwards.
/// </summary>
public abstract class TestStore : IDisposable
{
    public static DateTimeOffset Now { get; } = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A temporary directory of the test's own (always made: CLI tests write files next to the store).</summary>
    public string Directory { get; } = CreateDirectory();

    /// <summary>What <c>--db</c> takes: the file path or the URL.</summary>
    public abstract string Db { get; }

    public abstract StoreKind Kind { get; }

    public StateLocation Location => Kind == StoreKind.Postgres ? StateLocation.ParsePostgresUrl(Db) : StateLocation.File(Db);

    public static TestStore Create(StoreKind kind) => kind == StoreKind.Postgres ? new PostgresTestStore() : new SqliteTestStore();

    public IStateStore Open() => StateStores.Open(Location, new FakeTimeProvider(Now));

    public IStateStore OpenReadOnly() => StateStores.OpenReadOnly(Location);

    /// <summary>Runs SQL on a connection of its own, outside VulnTriage (what a careless admin or an attacker could type).</summary>
    public abstract void Execute(string sql);

    /// <summary>The first column of the first row of <paramref name="sql"/>.</summary>
    public abstract object? Scalar(string sql);

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A killed child may still hold a file for a moment; the temp directory is left behind then.
        }
    }

    private static string CreateDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "vt-state-" + Path.GetRandomFileName());
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }
}

public sealed class SqliteTestStore : TestStore
{
    public override StoreKind Kind => StoreKind.Sqlite;

    public string Path => System.IO.Path.Combine(Directory, "state.db");

    public override string Db => Path;

    public new SqliteStateStore Open() => SqliteStateStore.Open(Path, new FakeTimeProvider(Now));

    public override void Execute(string sql)
    {
        using var c = new SqliteConnection($"Data Source={Path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public override object? Scalar(string sql)
    {
        using var c = new SqliteConnection($"Data Source={Path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}

public sealed class PostgresTestStore : TestStore
{
    public PostgresTestStore()
    {
        Schema = "vt_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        PostgresServer.Admin($"CREATE SCHEMA {Schema}");
        var url = PostgresServer.Url;
        Db = url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "options=" + Uri.EscapeDataString("-c search_path=" + Schema);
    }

    public string Schema { get; }

    public override StoreKind Kind => StoreKind.Postgres;

    public override string Db { get; }

    public override void Execute(string sql)
    {
        using var c = Connect();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public override object? Scalar(string sql)
    {
        using var c = Connect();
        using var cmd = new NpgsqlCommand(sql, c);
        return cmd.ExecuteScalar();
    }

    public override void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        PostgresServer.Admin($"DROP SCHEMA IF EXISTS {Schema} CASCADE");
        base.Dispose();
    }

    private NpgsqlConnection Connect()
    {
        var c = new NpgsqlConnection(Location.ConnectionString + ";Pooling=false");
        c.Open();
        return c;
    }
}

/// <summary>
/// The PostgreSQL server of the test run: <c>VULNTRIAGE_TEST_POSTGRES</c> (a URL; CI starts a throwaway cluster and sets
/// it), or else a throwaway cluster this fixture starts itself with <c>postgres-cluster.sh</c> (needs Debian's
/// <c>postgresql</c> package) and stops at the end. Without either, every PostgreSQL test fails with a message naming
/// the variable: a skipped store test is not a pass.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string Variable = "VULNTRIAGE_TEST_POSTGRES";

    private static readonly Lazy<(string? Url, string? Dir, string? Error)> Server = new(Start);

    public static string Url => Server.Value.Url ?? throw new InvalidOperationException(Server.Value.Error);

    public static void Admin(string sql)
    {
        using var c = new NpgsqlConnection(StateLocation.ParsePostgresUrl(Url).ConnectionString + ";Pooling=false");
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        if (Server.IsValueCreated && Server.Value.Dir is { } dir)
        {
            NpgsqlConnection.ClearAllPools();
            Run("stop", dir);
        }
    }

    private static (string?, string?, string?) Start()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url)
        {
            return (url, null, null);
        }

        var script = Path.Combine(AppContext.BaseDirectory, "postgres-cluster.sh");
        var (code, output) = Run("start");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var started = lines.FirstOrDefault(l => l.StartsWith("url=", StringComparison.Ordinal));
        var dir = lines.FirstOrDefault(l => l.StartsWith("dir=", StringComparison.Ordinal));
        return code == 0 && started is not null && dir is not null
            ? (started["url=".Length..], dir["dir=".Length..], null)
            : (null, null, $"the PostgreSQL store tests need a server: set {Variable}=postgresql://USER:PASSWORD@127.0.0.1:PORT/DATABASE, or install Debian's postgresql package so that {script} can start a throwaway cluster ({output.Trim()})");
    }

    private static (int Code, string Output) Run(params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "postgres-cluster.sh"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(info)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, stdout.Result + "\n" + stderr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, e.Message);
        }
    }
}
