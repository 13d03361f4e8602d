using System.Text;
using Microsoft.Extensions.Time.Testing;
using VulnTriage.Cli;

namespace VulnTriage.Storage.Tests;

/// <summary>Runs the CLI in-process against a real store (SQLite file or PostgreSQL schema), with a movable clock, sequential ids and a given environment.</summary>
internal sealed class Cli
{
    private readonly SequentialIdGenerator _ids = new();

    public Cli(TestStore db, IReadOnlyDictionary<string, string>? environment = null)
    {
        Db = db;
        Environment = environment ?? new Dictionary<string, string>();
    }

    public static string Samples => Path.Combine(AppContext.BaseDirectory, "samples");

    public static string Inventory => Path.Combine(Samples, "mackerel", "hosts.json");

    public static string Facts => Path.Combine(Samples, "facts");

    public TestStore Db { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public FakeTimeProvider Clock { get; } = new(TestStore.Now);

    /// <summary>Runs with <c>--db</c> appended.</summary>
    public Result Run(params string[] args) => RunRaw([.. args, "--db", Db.Db]);

    /// <summary>Runs exactly these arguments.</summary>
    public Result RunRaw(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var env = new CliEnvironment(output, error, () => new MemoryStream(), Clock, name => Environment.GetValueOrDefault(name), Ids: _ids);
        var code = VulnTriageCli.Run(args, env);
        return new Result(code, output.ToString(), error.ToString());
    }

    public Result Triage(params string[] extra) =>
        Run(["triage", "INTEL-SA-00086", "--inventory", Inventory, "--format", "json", .. extra]);

    public Result Decide(string verdict, params string[] selectorAndMore) =>
        Run(["decide", "INTEL-SA-00086", "--verdict", verdict, "--justification", "Checked on the vendor page", "--author", "alice", .. selectorAndMore]);

    public static string Write(string content, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"vt-{Path.GetRandomFileName()}{extension}");
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    public sealed record Result(int ExitCode, string Out, string Err);
}
