using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory;
using VulnTriage.Inventory.Mackerel;

namespace VulnTriage.Cli.Application;

/// <summary>Opens the inventory named by <c>--inventory</c>: a file, or <c>-</c> for standard input.</summary>
internal static class InventorySource
{
    /// <summary>The file (or standard input) as an <see cref="IInventorySource"/>.</summary>
    public static IInventorySource Source(string inventory, CliEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(env);
        return new FileInventorySource(inventory, () => inventory == "-" ? env.OpenStandardInput() : OpenFile(inventory));
    }

    public static IEnumerable<Host> ReadHosts(string inventory, CliEnvironment env, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(env);
        if (inventory == "-")
        {
            return Stream(env.OpenStandardInput(), "-", report);
        }

        return Stream(OpenFile(inventory), inventory, report);
    }

    private static FileStream OpenFile(string inventory)
    {
        try
        {
            return new FileStream(inventory, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException(new Diagnostic(DiagnosticCodes.InventoryUnreadable, DiagnosticSeverity.Error, new SourceLocation(inventory), $"cannot open the inventory: {e.Message}"));
        }
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
