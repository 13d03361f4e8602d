namespace VulnTriage.Inventory;

/// <summary>
/// Diagnostic codes the inventory readers emit in addition to <see cref="Core.Diagnostics.DiagnosticCodes"/>.
/// Codes are stable; messages may change.
/// </summary>
public static class InventoryDiagnosticCodes
{
    /// <summary>A host's <c>status</c> is not one Mackerel documents; the host is kept with status Unknown (Info).</summary>
    public const string UnknownHostStatus = "VT1103";
}
