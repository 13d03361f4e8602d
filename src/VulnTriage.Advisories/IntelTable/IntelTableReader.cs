using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Advisories.IntelTable;

/// <summary>
/// Reads any revision of Intel's machine-readable affected-processor table (github.com/intel/Intel-affected-processor-list,
/// <c>Intel_affected_processor_list.csv</c>) as a stream, one record at a time, with bounded memory: columns come and go
/// between revisions, so they are found by their headers, never by position. Header typos of older revisions are
/// corrected ("Gather Data Samping", "CVE-2022-2118" for CVE-2022-21180); cell spellings are normalized ("Not affected",
/// "Hardware + Software"). Bad input is an <see cref="InputException"/> with one located diagnostic: not a CSV, no CPUID
/// column, a bad CPUID cell.
/// </summary>
public static partial class IntelTableReader
{
    /// <summary>Longest record accepted, in characters.</summary>
    public const int MaxRecordChars = 1 << 16;

    /// <summary>Most fields in a record.</summary>
    public const int MaxFields = 512;

    /// <summary>Most rows in a table.</summary>
    public const int MaxRows = 20_000;

    private static readonly string[] MetadataHeaders = ["MCU Update", "Last Published In", "Dropped In", "Source"];

    /// <summary>Reads the table from <paramref name="reader"/>; <paramref name="source"/> names it in diagnostics.</summary>
    public static IntelAffectedTable Read(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        var csv = new CsvRecords(reader, source);
        var header = csv.Next() ?? throw Error(DiagnosticCodes.IntelTableNoCpuidColumn, source, 1, 1, "empty file: expected Intel's affected-processor table with a CPUID column");

        var names = header.Fields.Select(f => f.Text.Trim().TrimStart('\uFEFF')).ToList();
        int Find(Func<string, bool> test) => names.FindIndex(n => test(n));
        var cpuid = Find(n => n.Equals("CPUID", StringComparison.OrdinalIgnoreCase));
        if (cpuid < 0)
        {
            throw Error(DiagnosticCodes.IntelTableNoCpuidColumn, source, header.Line, 1,
                "no 'CPUID' column in the header: this is not Intel's affected-processor table (" + Preview(string.Join(",", names)) + ")");
        }

        var familyModel = Find(n => n.StartsWith("CPUID Family", StringComparison.OrdinalIgnoreCase));
        var stepping = Find(n => n.Equals("Stepping", StringComparison.OrdinalIgnoreCase));
        var name = Find(n => n.StartsWith("Code Name", StringComparison.OrdinalIgnoreCase));
        var segment = Find(n => n.Equals("Segment", StringComparison.OrdinalIgnoreCase));
        var lastPublished = Find(n => n.Equals("Last Published In", StringComparison.OrdinalIgnoreCase));
        var dropped = Find(n => n.Equals("Dropped In", StringComparison.OrdinalIgnoreCase));
        var sourceColumn = Find(n => n.Equals("Source", StringComparison.OrdinalIgnoreCase));
        var fixedColumns = new HashSet<int> { cpuid, familyModel, stepping, name, segment, lastPublished, dropped, sourceColumn };

        var columns = ImmutableArray.CreateBuilder<IntelTableColumn>();
        for (var i = 0; i < names.Count; i++)
        {
            if (fixedColumns.Contains(i) || names[i].Length == 0 || MetadataHeaders.Any(m => names[i].Equals(m, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            columns.Add(Column(i, names[i]));
        }

        var rows = ImmutableArray.CreateBuilder<IntelTableRow>();
        var warnings = ImmutableArray.CreateBuilder<Diagnostic>();
        while (csv.Next() is { } record)
        {
            if (record.Fields.All(f => f.Text.Trim().Length == 0))
            {
                continue;
            }

            if (rows.Count >= MaxRows)
            {
                throw Error(DiagnosticCodes.IntelTableNotCsv, source, record.Line, 1, $"more than {MaxRows} rows: not Intel's affected-processor table");
            }

            string Cell(int index) => index >= 0 && index < record.Fields.Count ? record.Fields[index].Text.Trim() : "";

            var cpuidField = cpuid < record.Fields.Count ? record.Fields[cpuid] : new CsvField("", record.Line, 1);
            var tokens = CpuidSeparators().Split(cpuidField.Text).Where(t => t.Length > 0).ToList();
            if (tokens.Count == 0)
            {
                throw Error(DiagnosticCodes.IntelTableBadCpuid, source, cpuidField.Line, cpuidField.Column, "empty CPUID cell");
            }

            var ids = ImmutableArray.CreateBuilder<IntelCpuid>();
            foreach (var token in tokens)
            {
                ids.Add(IntelCpuid.TryParse(token)
                    ?? throw Error(DiagnosticCodes.IntelTableBadCpuid, source, cpuidField.Line, cpuidField.Column,
                        $"CPUID cell '{Preview(cpuidField.Text)}' is not a list of hexadecimal CPUIDs (e.g. 50654, 806F5 - 806F6)"));
            }

            // A CPUID that contradicts its Family_Model cell (five rows of the first revisions did) cannot be trusted either way.
            var fm = Cell(familyModel);
            if (FamilyModel().Match(fm) is { Success: true } m)
            {
                var family = int.Parse(m.Groups[1].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                var model = int.Parse(m.Groups[2].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                if (ids.Any(c => c.Family != family || c.Model != model))
                {
                    warnings.Add(new Diagnostic(DiagnosticCodes.IntelTableRowMismatch, DiagnosticSeverity.Warning, new SourceLocation(source, cpuidField.Line, cpuidField.Column),
                        $"CPUID '{Preview(cpuidField.Text)}' contradicts Family_Model '{Preview(fm)}': row skipped"));
                    continue;
                }
            }

            var values = columns.Select(c => IntelTableValues.Normalize(Cell(c.Index))).ToImmutableArray();
            rows.Add(new IntelTableRow(record.Line, fm, Cell(stepping), Clean(Cell(name)), Clean(Cell(segment)), ids.ToImmutable(),
                Cell(stepping).Equals("All", StringComparison.OrdinalIgnoreCase), values)
            {
                LastPublishedIn = lastPublished >= 0 ? NullIfEmpty(Cell(lastPublished)) : null,
                DroppedIn = dropped >= 0 ? NullIfEmpty(Cell(dropped)) : null,
                Source = sourceColumn >= 0 ? NullIfEmpty(Cell(sourceColumn)) : null,
            });
        }

        return new IntelAffectedTable(source, columns.ToImmutable(), rows.ToImmutable(), warnings.ToImmutable());
    }

    /// <summary>A vulnerability column from its header, typos corrected.</summary>
    public static IntelTableColumn Column(int index, string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var text = Spaces().Replace(header.Trim(), " ");
        text = Samping().Replace(text, "Sampling");
        text = TruncatedUmhCve().Replace(text, "CVE-2022-21180");
        var cves = Cve().Matches(text).Select(m => m.Value.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToImmutableArray();
        var advisories = IntelSa().Matches(text).Select(m => "INTEL-SA-" + m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToImmutableArray();
        var cut = LabelEnd().Match(text);
        var label = (cut.Success ? text[..cut.Index] : text).Trim().TrimEnd('-').Trim();
        return new IntelTableColumn(index, text, label.Length == 0 ? text : label, cves, advisories);
    }

    private static string Clean(string text) => Spaces().Replace(text.Replace('|', '/'), " ").Trim();

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static string Preview(string text)
    {
        var one = Spaces().Replace(text, " ");
        return one.Length <= 80 ? one : one[..80] + "…";
    }

    private static InputException Error(string code, string source, long line, long column, string message) =>
        new(new Diagnostic(code, DiagnosticSeverity.Error, new SourceLocation(source, line, column), message));

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();

    [GeneratedRegex("Samping", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Samping();

    [GeneratedRegex(@"CVE-2022-2118(?![0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex TruncatedUmhCve();

    [GeneratedRegex(@"CVE-[0-9]{4}-[0-9]{4,}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Cve();

    [GeneratedRegex(@"INTEL[\s-]*SA[\s-]*([0-9]{5})", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex IntelSa();

    [GeneratedRegex(@"\s-\s*(CVE-|INTEL[\s-]*SA)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex LabelEnd();

    [GeneratedRegex(@"[\s,;/-]+", RegexOptions.CultureInvariant)]
    private static partial Regex CpuidSeparators();

    [GeneratedRegex(@"^([0-9A-Fa-f]{1,2})_([0-9A-Fa-f]{1,2})H?$", RegexOptions.CultureInvariant)]
    private static partial Regex FamilyModel();

    private sealed record CsvField(string Text, long Line, long Column);

    private sealed record CsvRecord(IReadOnlyList<CsvField> Fields, long Line);

    /// <summary>RFC 4180 records read one at a time: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    private sealed class CsvRecords(TextReader reader, string source)
    {
        private long _line = 1;
        private long _column;

        public CsvRecord? Next()
        {
            var peek = reader.Peek();
            if (peek < 0)
            {
                return null;
            }

            var fields = new List<CsvField>();
            var field = new StringBuilder();
            var startLine = _line;
            var fieldLine = _line;
            var fieldColumn = _column + 1;
            var quoted = false;
            var total = 0;
            while (true)
            {
                var c = reader.Read();
                _column++;
                if (++total > MaxRecordChars)
                {
                    throw Error(DiagnosticCodes.IntelTableNotCsv, source, startLine, 1, $"a record longer than {MaxRecordChars} characters: not a CSV table");
                }

                if (c == 0)
                {
                    throw Error(DiagnosticCodes.IntelTableNotCsv, source, _line, _column, "binary data (a NUL character): not a CSV file");
                }

                if (quoted)
                {
                    if (c < 0)
                    {
                        throw Error(DiagnosticCodes.IntelTableNotCsv, source, fieldLine, fieldColumn, "a quoted field is never closed");
                    }

                    if (c == '"')
                    {
                        if (reader.Peek() == '"')
                        {
                            reader.Read();
                            _column++;
                            field.Append('"');
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else
                    {
                        if (c == '\n')
                        {
                            _line++;
                            _column = 0;
                        }

                        field.Append((char)c);
                    }

                    continue;
                }

                if (c == '"' && field.Length == 0)
                {
                    quoted = true;
                    continue;
                }

                if (c is ',' or '\n' or '\r' or < 0)
                {
                    fields.Add(new CsvField(field.ToString(), fieldLine, fieldColumn));
                    if (fields.Count > MaxFields)
                    {
                        throw Error(DiagnosticCodes.IntelTableNotCsv, source, startLine, 1, $"more than {MaxFields} fields in a record: not Intel's table");
                    }

                    field.Clear();
                    if (c == ',')
                    {
                        fieldLine = _line;
                        fieldColumn = _column + 1;
                        continue;
                    }

                    if (c == '\r' && reader.Peek() == '\n')
                    {
                        reader.Read();
                    }

                    if (c >= 0)
                    {
                        _line++;
                        _column = 0;
                    }

                    return new CsvRecord(fields, startLine);
                }

                field.Append((char)c);
            }
        }
    }
}
