using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace VulnTriage.Advisories.IntelTable;

/// <summary>One CPUID of Intel's table, decoded: <c>50654</c> is family 6, model 0x55, stepping 4.</summary>
/// <param name="Text">The CPUID as the table writes it (upper case hex, no <c>0x</c>).</param>
/// <param name="Family">Display family.</param>
/// <param name="Model">Display model (extended model included).</param>
/// <param name="Stepping">Stepping.</param>
public sealed record IntelCpuid(string Text, int Family, int Model, int Stepping)
{
    /// <summary>Decodes a CPUID leaf-1 EAX value (<c>50654</c>, <c>0x000906EA</c>); <c>null</c> when it is not hexadecimal.</summary>
    public static IntelCpuid? TryParse(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var hex = token.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? token[2..] : token;
        if (hex.Length is < 4 or > 8 || !int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var eax))
        {
            return null;
        }

        var stepping = eax & 0xF;
        var model = (eax >> 4) & 0xF;
        var family = (eax >> 8) & 0xF;
        var extModel = (eax >> 16) & 0xF;
        var extFamily = (eax >> 20) & 0xFF;
        var displayFamily = family == 0xF ? family + extFamily : family;
        var displayModel = family is 6 or 0xF ? (extModel << 4) | model : model;
        return new IntelCpuid(eax.ToString("X5", CultureInfo.InvariantCulture), displayFamily, displayModel, stepping);
    }

    /// <summary>Intel's signature notation, <c>06_55_4</c>, or <c>06_5F</c> for every stepping.</summary>
    public string Signature(bool allSteppings) => allSteppings
        ? string.Create(CultureInfo.InvariantCulture, $"{Family:X2}_{Model:X2}")
        : string.Create(CultureInfo.InvariantCulture, $"{Family:X2}_{Model:X2}_{Stepping:X}");

    /// <summary>The decimal <c>family model stepping</c> form of /proc/cpuinfo, as advisory examples write it.</summary>
    public string CpuinfoForm => string.Create(CultureInfo.InvariantCulture, $"{Family} {Model} {Stepping}");
}

/// <summary>A vulnerability column of Intel's table: its header, a short label, and the CVEs and advisories it names.</summary>
/// <param name="Index">Zero-based column index in the file.</param>
/// <param name="Header">The header as written (typos of older revisions corrected: "Samping", "CVE-2022-2118").</param>
/// <param name="Label">The name before the first CVE or advisory id, e.g. <c>Rogue Data Cache Load (Meltdown)</c>.</param>
/// <param name="Cves">The CVE ids in the header, in order.</param>
/// <param name="Advisories">The advisory ids in the header (<c>INTEL-SA-00615</c>), in order, normalized.</param>
public sealed record IntelTableColumn(int Index, string Header, string Label, ImmutableArray<string> Cves, ImmutableArray<string> Advisories);

/// <summary>One row of Intel's table (or of the retired-rows file).</summary>
/// <param name="Line">The line the row starts on.</param>
/// <param name="FamilyModel">The <c>CPUID Family_Model</c> cell (<c>06_55H</c>), or empty.</param>
/// <param name="Stepping">The <c>Stepping</c> cell (<c>4</c>, <c>5 - 6 - 7 - 8</c>, <c>All</c>).</param>
/// <param name="Name">The code name(s).</param>
/// <param name="Segment">The segment(s).</param>
/// <param name="Cpuids">The CPUIDs the row names.</param>
/// <param name="AllSteppings">Whether the stepping cell says <c>All</c>: the row covers every stepping of its model.</param>
/// <param name="Values">One normalized value per vulnerability column of the table (<c>null</c> when the cell is empty).</param>
public sealed record IntelTableRow(
    long Line, string FamilyModel, string Stepping, string Name, string Segment, ImmutableArray<IntelCpuid> Cpuids, bool AllSteppings, ImmutableArray<string?> Values)
{
    /// <summary>For a retired row: the revision that last published it.</summary>
    public string? LastPublishedIn { get; init; }

    /// <summary>For a retired row: the revision that dropped it.</summary>
    public string? DroppedIn { get; init; }

    /// <summary>For a retired row: where its values were read.</summary>
    public string? Source { get; init; }
}

/// <summary>A parsed table: its vulnerability columns and rows, and the warnings met on the way.</summary>
/// <param name="Source">The file name.</param>
/// <param name="Columns">The vulnerability columns.</param>
/// <param name="Rows">The rows that were read.</param>
/// <param name="Warnings">Rows skipped and similar (each located).</param>
public sealed record IntelAffectedTable(string Source, ImmutableArray<IntelTableColumn> Columns, ImmutableArray<IntelTableRow> Rows, ImmutableArray<Core.Diagnostics.Diagnostic> Warnings)
{
    /// <summary>The column that names <paramref name="cve"/>, or <c>null</c>.</summary>
    public IntelTableColumn? ColumnFor(string cve) => Columns.FirstOrDefault(c => c.Cves.Contains(cve, StringComparer.Ordinal));
}

/// <summary>How Intel writes the cells, and what they mean for a verdict (docs/advisory-format.md, "Intel's table").</summary>
public static partial class IntelTableValues
{
    /// <summary>The value Intel writes for a processor that is not affected.</summary>
    public const string NotAffected = "Not Affected";

    /// <summary>The value for an affected processor with no mitigation planned.</summary>
    public const string NoPlannedMitigation = "No planned mitigation";

    private static readonly ImmutableArray<string> Known =
    [
        NotAffected, "Software", "MCU", "MCU+Software", "Hardware+Software", NoPlannedMitigation, "MCU_BIOS+BIOS", "BIOS+MCU",
        "Hardware+MCU", "MCU_BIOS+Software", "Hardware",
    ];

    /// <summary>
    /// The canonical spelling: spaces around <c>+</c> removed (<c>Hardware + Software</c>), known values matched without
    /// regard to case (<c>Not affected</c>); an empty cell is <c>null</c>; an unknown value is kept as written.
    /// </summary>
    public static string? Normalize(string? cell)
    {
        if (cell is null)
        {
            return null;
        }

        var text = PlusSpaces().Replace(Spaces().Replace(cell.Trim(), " "), "+");
        if (text.Length == 0)
        {
            return null;
        }

        return Known.FirstOrDefault(k => string.Equals(k, text, StringComparison.OrdinalIgnoreCase)) ?? text;
    }

    /// <summary>Whether the value says the processor is affected: anything but "Not Affected" and empty (an unknown value is affected).</summary>
    public static bool IsAffected(string? value) => value is not null && value != NotAffected;

    /// <summary>Whether microcode is part of the fix (<c>MCU</c>, <c>MCU+Software</c>, <c>BIOS+MCU</c>, <c>MCU_BIOS+…</c>, <c>Hardware+MCU</c>).</summary>
    public static bool NeedsMicrocode(string? value) => value is not null && value.Contains("MCU", StringComparison.Ordinal);

    /// <summary>A short slug for rule ids: <c>mcu-sw</c>, <c>hw-sw</c>, <c>na</c>.</summary>
    public static string Slug(string? value) => value switch
    {
        null => "none",
        NotAffected => "na",
        NoPlannedMitigation => "no-fix",
        _ => NonSlug().Replace(value.ToLowerInvariant().Replace("software", "sw", StringComparison.Ordinal).Replace("hardware", "hw", StringComparison.Ordinal), "-").Trim('-'),
    };

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\s*\+\s*", RegexOptions.CultureInvariant)]
    private static partial Regex PlusSpaces();

    [GeneratedRegex("[^a-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex NonSlug();
}
