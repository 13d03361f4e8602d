using VulnTriage.Core.Diagnostics;
using VulnTriage.Inventory;

namespace VulnTriage.Cli.Application;

/// <summary>Opens the inventory named by <c>--inventory</c> when it is a file, or <c>-</c> for standard input.</summary>
internal static class InventorySource
{
    /// <summary>The file (or standard input) as an <see cref="IInventorySource"/>.</summary>
    public static IInventorySource Source(string inventory, CliEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(env);
        return new FileInventorySource(inventory, () => inventory == "-" ? env.OpenStandardInput() : OpenFile(inventory));
    }

    private static FileStream OpenFile(string inventory)
    {
        // Say what is wrong with the path, not what the OS call reported ("Access to the path is denied" for a directory).
        if (Directory.Exists(inventory))
        {
            throw Unreadable(inventory, "is a directory; --inventory takes a file of `mkr hosts -v` output (or - for standard input, or mackerel for the API)");
        }

        if (!File.Exists(inventory))
        {
            throw Unreadable(inventory, "no such file; --inventory takes a file of `mkr hosts -v` output (or - for standard input, or mackerel for the API)");
        }

        try
        {
            return new FileStream(inventory, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Unreadable(inventory, e is UnauthorizedAccessException ? "cannot open the inventory: permission denied" : $"cannot open the inventory: {e.Message}");
        }
    }

    private static InputException Unreadable(string inventory, string message) =>
        new(new Diagnostic(DiagnosticCodes.InventoryUnreadable, DiagnosticSeverity.Error, new SourceLocation(inventory), message));
}
