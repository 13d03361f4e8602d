using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace VulnTriage.Cli.Tests;

/// <summary>Runs the CLI in-process with captured output, a fixed clock and a given standard input.</summary>
internal static class CliRunner
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    public static string Samples => Path.Combine(AppContext.BaseDirectory, "samples");

    public static string SampleInventory => Path.Combine(Samples, "mackerel", "hosts.json");

    public static string SampleFacts => Path.Combine(Samples, "facts");

    public static Result Run(params string[] args) => RunWithInput(null, args);

    public static Result RunWithInput(byte[]? stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var env = new CliEnvironment(output, error, () => new MemoryStream(stdin ?? []), new FakeTimeProvider(Now), _ => null);
        var code = VulnTriageCli.Run(args, env);
        return new Result(code, output.ToString(), error.ToString());
    }

    public static string TempFile(string content, string extension = ".json")
    {
        var path = Path.Combine(Path.GetTempPath(), $"vt-{Path.GetRandomFileName()}{extension}");
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    public sealed record Result(int ExitCode, string Out, string Err);
}
