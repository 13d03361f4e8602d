namespace VulnTriage.Cli;

/// <summary>
/// Everything the CLI touches outside itself, injected so tests can run commands in-process:
/// the output streams, standard input, the clock and the environment variables.
/// </summary>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="OpenStandardInput">Opens standard input as a stream.</param>
/// <param name="Clock">The clock (reports carry the time they were made).</param>
/// <param name="GetEnvironmentVariable">Reads an environment variable.</param>
/// <param name="ErrorIsTerminal">Whether standard error is a terminal (progress is shown only then).</param>
/// <param name="TuneMackerelApi">Adjusts the Mackerel API options (tests: short timeouts and back-off).</param>
/// <param name="Ids">Makes ids for decisions and saved runs; <c>null</c> means random ids.</param>
internal sealed record CliEnvironment(
    TextWriter Out,
    TextWriter Error,
    Func<Stream> OpenStandardInput,
    TimeProvider Clock,
    Func<string, string?> GetEnvironmentVariable,
    bool ErrorIsTerminal = false,
    Func<VulnTriage.Inventory.MackerelApi.MackerelApiOptions, VulnTriage.Inventory.MackerelApi.MackerelApiOptions>? TuneMackerelApi = null,
    Storage.IIdGenerator? Ids = null)
{
    /// <summary>Secrets to keep out of every message (passwords in <c>--db</c> URLs, PGPASSWORD).</summary>
    public Secrets Secrets { get; } = new();

    /// <summary>The id generator in force.</summary>
    public Storage.IIdGenerator IdGenerator => Ids ?? Storage.RandomIdGenerator.Instance;

    /// <summary>The real process environment.</summary>
    public static CliEnvironment FromProcess()
    {
        var utf8 = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var stdout = new StreamWriter(Console.OpenStandardOutput(), utf8, 1 << 16) { AutoFlush = false };
        var stderr = new StreamWriter(Console.OpenStandardError(), utf8) { AutoFlush = true };
        return new CliEnvironment(stdout, stderr, Console.OpenStandardInput, TimeProvider.System, Environment.GetEnvironmentVariable, ErrorIsTerminal: !Console.IsErrorRedirected);
    }
}

/// <summary>A command-line mistake found after parsing (e.g. an unknown advisory id). Exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException()
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
