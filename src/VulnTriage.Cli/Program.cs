namespace VulnTriage.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        var environment = CliEnvironment.FromProcess();
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            return VulnTriageCli.Run(args, environment, cancel.Token);
        }
        finally
        {
            environment.Out.Flush();
            environment.Error.Flush();
        }
    }
}
