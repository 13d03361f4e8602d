namespace VulnTriage.Inventory;

/// <summary>
/// Diagnostic codes the inventory readers emit in addition to <see cref="Core.Diagnostics.DiagnosticCodes"/>.
/// Codes are stable; messages may change.
/// </summary>
public static class InventoryDiagnosticCodes
{
    /// <summary>A host's <c>status</c> is not one Mackerel documents; the host is kept with status Unknown (Info).</summary>
    public const string UnknownHostStatus = "VT1103";

    /// <summary>The content of an inventory is none of the formats VulnTriage reads, or not the one its kind names (Error).</summary>
    public const string UnknownFormat = "VT1008";

    /// <summary>A CSV header lacks a column the mapping needs, or the mapping names a column twice (Error).</summary>
    public const string CsvMissingColumn = "VT1009";

    /// <summary>A CSV file is malformed (bad quoting, a record over the size limit) (Error).</summary>
    public const string CsvInvalid = "VT1010";

    /// <summary>A record that holds no host data (e.g. an osquery status line) was skipped (Warning).</summary>
    public const string RecordSkipped = "VT1104";

    /// <summary>A value VulnTriage does not know (a CSV status or cloud name) was kept as unknown (Info).</summary>
    public const string UnknownValue = "VT1105";

    /// <summary>A host's facts say it could not be gathered (Ansible FAILED!/UNREACHABLE!); it is kept without CPU facts (Warning).</summary>
    public const string HostNotGathered = "VT1106";
}
