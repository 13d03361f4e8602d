using Microsoft.Extensions.Time.Testing;
using VulnTriage.Inventory.MackerelApi;

namespace VulnTriage.Cli.Tests.MackerelApi;

/// <summary>Runs the CLI in-process against a <see cref="FakeMackerelServer"/> with short timeouts and back-off.</summary>
internal static class ApiRunner
{
    public static CliRunner.Result Run(FakeMackerelServer server, params string[] args) =>
        RunWith(new Dictionary<string, string> { ["MACKEREL_APIKEY"] = FakeMackerelServer.ApiKey }, o => o, [.. args, "--apibase", server.BaseUrl]);

    public static CliRunner.Result RunWith(IReadOnlyDictionary<string, string> variables, Func<MackerelApiOptions, MackerelApiOptions> tune, params string[] args) =>
        RunWith(variables, tune, terminal: false, args);

    public static CliRunner.Result RunOnTerminal(FakeMackerelServer server, params string[] args) =>
        RunWith(new Dictionary<string, string> { ["MACKEREL_APIKEY"] = FakeMackerelServer.ApiKey }, o => o, terminal: true, [.. args, "--apibase", server.BaseUrl]);

    private static CliRunner.Result RunWith(IReadOnlyDictionary<string, string> variables, Func<MackerelApiOptions, MackerelApiOptions> tune, bool terminal, string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var env = new CliEnvironment(
            output,
            error,
            () => new MemoryStream(),
            new FakeTimeProvider(CliRunner.Now),
            name => variables.TryGetValue(name, out var v) ? v : null,
            ErrorIsTerminal: terminal,
            TuneMackerelApi: o => tune(o with
            {
                RequestTimeout = TimeSpan.FromSeconds(5),
                RetryBudget = TimeSpan.FromSeconds(3),
                InitialBackoff = TimeSpan.FromMilliseconds(20),
                MaxBackoff = TimeSpan.FromMilliseconds(200),
            }));
        var code = VulnTriageCli.Run(args, env);
        return new CliRunner.Result(code, output.ToString(), error.ToString());
    }

    /// <summary>The key must never be printed, whatever happened.</summary>
    public static void AssertKeyAbsent(CliRunner.Result result, string? reportFile = null)
    {
        Assert.DoesNotContain(FakeMackerelServer.ApiKey, result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeMackerelServer.ApiKey, result.Err, StringComparison.Ordinal);
        if (reportFile is not null && File.Exists(reportFile))
        {
            Assert.DoesNotContain(FakeMackerelServer.ApiKey, File.ReadAllText(reportFile), StringComparison.Ordinal);
        }
    }
}
