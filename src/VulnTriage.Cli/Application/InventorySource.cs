using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Mackerel;

namespace VulnTriage.Cli.Application;

/// <summary>Opens the inventory named by <c>--inventory</c>: a file, or <c>-</c> for standard input.</summary>
internal static class InventorySource
{
    public static IEnumerable<Host> ReadHosts(string inventory, CliEnvironment env, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(env);
        if (inventory == "-")
        {
            return Stream(env.OpenStandardInput(), "-", report);
        }

        FileStream file;
        try
        {
            file = new FileStream(inventory, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException(new Diagnostic(DiagnosticCodes.InventoryUnreadable, DiagnosticSeverity.Error, new SourceLocation(inventory), $"cannot open the inventory: {e.Message}"));
        }

        return Stream(file, inventory, report);
    }

    private static IEnumerable<Host> Stream(Stream stream, string name, Action<Diagnostic> report)
    {
        using (stream)
        {
            foreach (var host in MackerelInventoryReader.Read(stream, name, report))
            {
                yield return host;
            }
        }
    }
}
