namespace VulnTriage.Core.Diagnostics;

/// <summary>How serious a <see cref="Diagnostic"/> is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Worth knowing; the data it concerns was still used.</summary>
    Info,

    /// <summary>Part of the input was skipped or could not be read; the rest was used.</summary>
    Warning,

    /// <summary>The input as a whole cannot be used.</summary>
    Error,
}

/// <summary>Where in an input something was found. Lines and columns are 1-based; 0 means "not known".</summary>
/// <param name="Source">File path, <c>-</c> for standard input, or an endpoint/resource name.</param>
/// <param name="Line">1-based line, or 0.</param>
/// <param name="Column">1-based column (bytes for JSON, characters for YAML), or 0.</param>
/// <param name="BytePosition">0-based byte offset from the start of the input, or -1.</param>
public sealed record SourceLocation(string Source, long Line = 0, long Column = 0, long BytePosition = -1)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var text = Source;
        if (Line > 0)
        {
            text += string.Create(System.Globalization.CultureInfo.InvariantCulture, $":{Line}");
            if (Column > 0)
            {
                text += string.Create(System.Globalization.CultureInfo.InvariantCulture, $":{Column}");
            }
        }

        if (BytePosition >= 0)
        {
            text += string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (byte {BytePosition})");
        }

        return text;
    }
}

/// <summary>A problem found in an input, with a stable code that tests and scripts can rely on.</summary>
/// <param name="Code">Stable identifier, e.g. <c>VT1001</c>. Messages may change; codes do not.</param>
/// <param name="Severity">How serious it is.</param>
/// <param name="Location">Where it was found.</param>
/// <param name="Message">One line of English for people.</param>
public sealed record Diagnostic(string Code, DiagnosticSeverity Severity, SourceLocation Location, string Message)
{
    /// <summary>One line: <c>location: severity CODE: message</c>.</summary>
    public override string ToString() =>
        $"{Location}: {Severity.ToString().ToLowerInvariant()} {Code}: {Message}";
}

/// <summary>Thrown by loaders when an input cannot be used at all. Carries the diagnostics that explain why.</summary>
public sealed class InputException : Exception
{
    /// <summary>Creates the exception from one or more diagnostics (at least one).</summary>
    public InputException(IReadOnlyList<Diagnostic> diagnostics)
        : base(diagnostics is { Count: > 0 } ? diagnostics[0].ToString() : "invalid input")
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        Diagnostics = diagnostics;
    }

    /// <summary>Creates the exception from one diagnostic.</summary>
    public InputException(Diagnostic diagnostic)
        : this([diagnostic])
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public InputException()
        : this(new Diagnostic("VT0000", DiagnosticSeverity.Error, new SourceLocation("?"), "invalid input"))
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public InputException(string message)
        : this(new Diagnostic("VT0000", DiagnosticSeverity.Error, new SourceLocation("?"), message))
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public InputException(string message, Exception innerException)
        : base(message, innerException)
    {
        Diagnostics = [new Diagnostic("VT0000", DiagnosticSeverity.Error, new SourceLocation("?"), message)];
    }

    /// <summary>The diagnostics; the first is the one shown on a single error line.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }
}

/// <summary>Stable diagnostic codes. VT1xxx inventory, VT2xxx advisories, VT3xxx facts, VT4xxx identification.</summary>
public static class DiagnosticCodes
{
    /// <summary>The inventory is not valid JSON (or is truncated).</summary>
    public const string InventoryInvalidJson = "VT1001";

    /// <summary>The inventory is empty.</summary>
    public const string InventoryEmpty = "VT1002";

    /// <summary>The inventory's top level is not a Mackerel shape.</summary>
    public const string InventoryUnknownShape = "VT1003";

    /// <summary>A field the reader needs has the wrong JSON type.</summary>
    public const string InventoryWrongType = "VT1004";

    /// <summary>A single value is larger than the reader accepts.</summary>
    public const string InventoryValueTooLarge = "VT1005";

    /// <summary>A host lacks an id or a name.</summary>
    public const string InventoryHostMissingIdentity = "VT1006";

    /// <summary>The inventory file cannot be opened.</summary>
    public const string InventoryUnreadable = "VT1007";

    /// <summary>Two or more hosts of the inventory share one id; the first is evaluated (warning).</summary>
    public const string InventoryDuplicateHostId = "VT1008";

    /// <summary>No host of the inventory has CPU facts (e.g. <c>mkr hosts</c> without <c>-v</c>): nothing can be triaged.</summary>
    public const string InventoryWithoutCpuFacts = "VT1009";

    /// <summary>A host has no CPU facts.</summary>
    public const string HostWithoutCpu = "VT1101";

    /// <summary>A CPU entry has an unparseable family/model/stepping.</summary>
    public const string CpuSignatureUnparseable = "VT1102";

    /// <summary>An advisory file is not valid YAML.</summary>
    public const string AdvisoryInvalidYaml = "VT2001";

    /// <summary>An advisory file has a key the schema does not know.</summary>
    public const string AdvisoryUnknownKey = "VT2002";

    /// <summary>An advisory file has a bad value.</summary>
    public const string AdvisoryBadValue = "VT2003";

    /// <summary>An advisory file lacks a required key.</summary>
    public const string AdvisoryMissingKey = "VT2004";

    /// <summary>Two advisories share an id.</summary>
    public const string AdvisoryDuplicateId = "VT2005";

    /// <summary>The requested advisory does not exist.</summary>
    public const string AdvisoryNotFound = "VT2006";

    /// <summary>The advisories directory cannot be read.</summary>
    public const string AdvisoryDirectoryUnreadable = "VT2007";

    /// <summary>An advisory file does not match the published JSON Schema (docs/advisory.schema.json).</summary>
    public const string AdvisorySchema = "VT2008";

    /// <summary>A facts file is not valid JSON or not the expected shape.</summary>
    public const string FactsInvalid = "VT3001";

    /// <summary>A firmware version in a facts file cannot be parsed.</summary>
    public const string FactsBadFirmwareVersion = "VT3002";

    /// <summary>The facts directory cannot be read.</summary>
    public const string FactsDirectoryUnreadable = "VT3003";

    /// <summary>A facts file names no host in the inventory.</summary>
    public const string FactsUnmatched = "VT3004";

    /// <summary>The file is not a CSV that can be read as Intel's affected-processor table (binary data, an unterminated quote, a line or field past the limits).</summary>
    public const string IntelTableNotCsv = "VT2101";

    /// <summary>Intel's table has no <c>CPUID</c> column (or no header at all).</summary>
    public const string IntelTableNoCpuidColumn = "VT2102";

    /// <summary>A <c>CPUID</c> cell of Intel's table is empty or not a hexadecimal CPUID.</summary>
    public const string IntelTableBadCpuid = "VT2103";

    /// <summary>A row's CPUID contradicts its <c>CPUID Family_Model</c> cell: the row is skipped (a warning).</summary>
    public const string IntelTableRowMismatch = "VT2104";

    /// <summary>A curated advisory's generated block (<c># &gt;&gt;&gt; intel-table</c> … <c># &lt;&lt;&lt; intel-table</c>) is malformed.</summary>
    public const string IntelTableBlock = "VT2105";
}
