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
        try
        {
            return new FileStream(inventory, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException(new Diagnostic(DiagnosticCodes.InventoryUnreadable, DiagnosticSeverity.Error, new SourceLocation(inventory), $"cannot open the inventory: {e.Message}"));
        }
    }
}
