using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using VulnTriage.Advisories.Yaml;
using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Advisories.IntelTable;

/// <summary>What the importer wrote.</summary>
public enum ImportFileKind
{
    /// <summary>A curated advisory whose generated block was rewritten (the rest of the file kept byte for byte).</summary>
    Updated,

    /// <summary>A draft advisory (status draft, signature sets only) for a column no curated advisory claims.</summary>
    Draft,

    /// <summary>The retired-rows file, with rows this revision dropped appended.</summary>
    Retired,
}

/// <summary>One file to write.</summary>
/// <param name="Name">File name inside the output directory.</param>
/// <param name="Text">Its new text.</param>
/// <param name="Kind">What it is.</param>
public sealed record ImportFile(string Name, string Text, ImportFileKind Kind);

/// <summary>The importer's output: files to write and one-line messages for the user.</summary>
/// <param name="Files">Files to write (the caller writes them; the importer does no I/O).</param>
/// <param name="Messages">What happened, one line each.</param>
public sealed record ImportResult(ImmutableArray<ImportFile> Files, ImmutableArray<string> Messages);

/// <summary>
/// <c>vulntriage advisories import intel-table</c>: turns a revision of Intel's affected-processor table into advisory data
/// (docs/advisory-format.md, "Intel's table and generated blocks"). A curated advisory claims table columns in a block
/// between <c># &gt;&gt;&gt; intel-table</c> and <c># &lt;&lt;&lt; intel-table</c> inside its <c>cpu_rules</c>; the importer
/// rewrites only that block (the curated text around it is kept byte for byte). Every column no curated advisory claims
/// becomes a draft advisory. Rows a revision no longer lists keep their last published values: from the retired-rows file
/// (<see cref="RetiredFileName"/>) and from the rows the previous block recorded, which are appended to that file.
/// </summary>
public static partial class IntelTableImporter
{
    /// <summary>The first line of a generated block (after its indentation).</summary>
    public const string BlockStart = "# >>> intel-table";

    /// <summary>The last line of a generated block.</summary>
    public const string BlockEnd = "# <<< intel-table";

    /// <summary>The retired-rows file, in the output directory: Intel's layout plus <c>Last Published In</c>, <c>Dropped In</c>, <c>Source</c>.</summary>
    public const string RetiredFileName = "intel-table-retired.csv";

    /// <summary>Intel's page that the table is the machine-readable form of.</summary>
    public const string TablePage = "https://www.intel.com/content/www/us/en/developer/topic-technology/software-security-guidance/processors-affected-consolidated-product-cpu-model.html";

    private const string Amd = "{ name: \"not an Intel processor\", vendor_id: AuthenticAMD, model_name: \"AMD EPYC 7502P 32-Core Processor\", signature: \"23 49 0\" }";

    // Rows of one CPUID that Intel marks differently: what tells them apart, as a condition on identification, and a
    // brand string of each side for the rule examples. Only product lines are used: with the CPUID alone, identification
    // weighs each product line the signature allows, so such a host stays a candidate (needs_confirmation).
    private static readonly ImmutableArray<(string NameContains, string Condition, string Brand)> Discriminators =
    [
        ("Catlow", "cpu.product_line: [xeon-e]", "Intel(R) Xeon(R) E-2488"),
        ("Arizona Beach", "cpu.product_line: [atom]", "Intel(R) Atom(TM) x7835RE"),
    ];

    // The other side of those CPUIDs (corpus brand strings: tests/VulnTriage.Core.Tests/testdata/cpu/corpus.tsv).
    private static readonly ImmutableDictionary<string, string> ClientBrands = new Dictionary<string, string>
    {
        ["90675"] = "12th Gen Intel(R) Core(TM) i5-12400",
        ["B0671"] = "13th Gen Intel(R) Core(TM) i9-13900K",
        ["906A4"] = "Intel(R) Pentium(R) Gold 8505",
    }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>Imports <paramref name="table"/>.</summary>
    /// <param name="table">The new revision.</param>
    /// <param name="retired">The retired-rows file, when the output directory has one.</param>
    /// <param name="existing">The advisory files already in the output directory (name, text).</param>
    /// <param name="revision">A label for the revision (e.g. <c>IPU 26.1</c>), written into titles and the retired file.</param>
    /// <param name="today">The import date (a draft's <c>published</c>: the table does not carry it).</param>
    public static ImportResult Import(IntelAffectedTable table, IntelAffectedTable? retired, IReadOnlyList<(string Name, string Text)> existing, string revision, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(revision);
        var files = ImmutableArray.CreateBuilder<ImportFile>();
        var messages = ImmutableArray.CreateBuilder<string>();
        var current = table.Rows.SelectMany(r => r.Cpuids).Select(c => c.Text).ToHashSet(StringComparer.Ordinal);
        var retiredKnown = retired?.Rows.SelectMany(r => r.Cpuids).Select(c => c.Text).ToHashSet(StringComparer.Ordinal) ?? [];
        var claimed = new HashSet<int>();
        var dropped = new Dictionary<string, DroppedRow>(StringComparer.Ordinal);

        foreach (var (name, text) in existing.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (Block.Find(text, name) is not { } block)
            {
                continue;
            }

            var columns = block.Entries.Select(e => table.Columns.FirstOrDefault(c => c.Cves.Intersect(e.Cves, StringComparer.Ordinal).Any())).ToImmutableArray();
            foreach (var c in columns.OfType<IntelTableColumn>())
            {
                claimed.Add(c.Index);
            }

            foreach (var (entry, column) in block.Entries.Zip(columns).Where(p => p.Second is null))
            {
                messages.Add($"{name}: the table has no column for {entry.Label} ({string.Join(", ", entry.Cves)}): its rows are kept as unknown");
            }

            var rows = new List<GenRow>();
            rows.AddRange(table.Rows.Select(r => GenRow.Of(r, columns.Select(c => c is null ? null : r.Values[table.Columns.IndexOf(c)]))));
            if (retired is not null)
            {
                foreach (var r in retired.Rows.Where(r => r.Cpuids.All(c => !current.Contains(c.Text))))
                {
                    var values = block.Entries.Select(e => retired.Columns.FirstOrDefault(c => c.Cves.Intersect(e.Cves, StringComparer.Ordinal).Any()) is { } rc
                        ? r.Values[retired.Columns.IndexOf(rc)]
                        : null);
                    rows.Add(GenRow.Of(r, values) with { LastPublishedIn = r.LastPublishedIn ?? "an earlier revision", DroppedIn = r.DroppedIn ?? "a later revision", Source = r.Source });
                }
            }

            // Rows the previous import listed that this revision dropped: keep their last published values.
            foreach (var old in block.Rows.Where(o => !o.Retired && o.Cpuids.All(c => !current.Contains(c.Text) && !retiredKnown.Contains(c.Text))))
            {
                var row = old with { LastPublishedIn = block.TableLabel ?? "the previous import", DroppedIn = revision, Source = "previous import of " + name };
                rows.Add(row);
                var key = string.Join(" - ", old.Cpuids.Select(c => c.Text)) + "|" + old.Name;
                if (!dropped.TryGetValue(key, out var d))
                {
                    dropped[key] = d = new DroppedRow(row, []);
                }

                foreach (var (entry, value) in block.Entries.Zip(old.Values))
                {
                    var header = columns[block.Entries.IndexOf(entry)]?.Header ?? entry.Label + " - " + string.Join(" ", entry.Cves);
                    d.Values[header] = value;
                }

                messages.Add($"{name}: {string.Join("/", old.Cpuids.Select(c => c.Text))} ({old.Name}) is no longer in the table: kept with its values from {row.LastPublishedIn}");
            }

            var generated = Generate(block.Indent, block.Entries, rows, table.Source, revision);
            var updated = text[..block.Start] + generated + text[block.End..];
            if (!string.Equals(updated, text, StringComparison.Ordinal))
            {
                files.Add(new ImportFile(name, updated, ImportFileKind.Updated));
                messages.Add($"{name}: generated block rewritten ({rows.Count} rows)");
            }
            else
            {
                messages.Add($"{name}: unchanged");
            }
        }

        foreach (var draft in Drafts(table, claimed, existing, revision, today, messages))
        {
            files.Add(draft);
        }

        if (dropped.Count > 0)
        {
            files.Add(new ImportFile(RetiredFileName, AppendRetired(existing, dropped.Values), ImportFileKind.Retired));
        }

        return new ImportResult(files.ToImmutable(), messages.ToImmutable());
    }

    // ---- the generated block ------------------------------------------------------------------------------------------

    /// <summary>A column a curated advisory claims: its label and CVEs (<c># columns: Meltdown = CVE-2017-5754 | …</c>).</summary>
    private sealed record Entry(string Label, ImmutableArray<string> Cves);

    private sealed record Block(int Start, int End, string Indent, ImmutableArray<Entry> Entries, string? TableLabel, ImmutableArray<GenRow> Rows)
    {
        public static Block? Find(string text, string name)
        {
            var start = MarkerLine(text, BlockStart);
            if (start < 0)
            {
                return null;
            }

            var end = MarkerLine(text, BlockEnd, start);
            if (end < 0)
            {
                throw new InputException(new Diagnostic(DiagnosticCodes.IntelTableBlock, DiagnosticSeverity.Error, new SourceLocation(name, LineOf(text, start)), $"'{BlockStart}' has no closing '{BlockEnd}'"));
            }

            var lineEnd = text.IndexOf('\n', end);
            var stop = lineEnd < 0 ? text.Length : lineEnd + 1;
            var indent = text[start..text.IndexOf('#', start)];
            var lines = text[start..stop].Split('\n').Select(l => l.Trim()).ToList();
            var columnsLine = lines.FirstOrDefault(l => l.StartsWith("# columns:", StringComparison.Ordinal));
            if (columnsLine is null)
            {
                throw new InputException(new Diagnostic(DiagnosticCodes.IntelTableBlock, DiagnosticSeverity.Error, new SourceLocation(name, LineOf(text, start)),
                    "the generated block has no '# columns: LABEL = CVE-… | …' line naming the table columns the advisory takes"));
            }

            var entries = columnsLine["# columns:".Length..].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(part =>
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                var label = eq < 0 ? part : part[..eq].Trim();
                var cves = CveId().Matches(eq < 0 ? part : part[(eq + 1)..]).Select(m => m.Value).ToImmutableArray();
                return new Entry(label, cves);
            }).ToImmutableArray();
            if (entries.IsEmpty || entries.Any(e => e.Cves.IsEmpty))
            {
                throw new InputException(new Diagnostic(DiagnosticCodes.IntelTableBlock, DiagnosticSeverity.Error, new SourceLocation(name, LineOf(text, start)),
                    "'# columns:' must list 'LABEL = CVE-… [CVE-…]' entries separated by '|'"));
            }

            var tableLabel = lines.FirstOrDefault(l => l.StartsWith("# table:", StringComparison.Ordinal)) is { } t ? TableRevision().Match(t) is { Success: true } m ? m.Groups[1].Value : null : null;
            var rows = lines.Where(l => l.StartsWith("# row ", StringComparison.Ordinal) || l.StartsWith("# retired ", StringComparison.Ordinal))
                .Select(l => GenRow.Parse(l, entries.Length)).OfType<GenRow>().ToImmutableArray();
            return new Block(start, stop, indent, entries, tableLabel, rows);
        }

        private static int MarkerLine(string text, string marker, int from = 0)
        {
            var i = from;
            while (i < text.Length)
            {
                var eol = text.IndexOf('\n', i);
                var line = eol < 0 ? text[i..] : text[i..eol];
                if (line.TrimStart(' ').StartsWith(marker, StringComparison.Ordinal))
                {
                    return i;
                }

                if (eol < 0)
                {
                    break;
                }

                i = eol + 1;
            }

            return -1;
        }

        private static long LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;
    }

    private sealed record GenRow(ImmutableArray<IntelCpuid> Cpuids, bool AllSteppings, string Name, string Segment, ImmutableArray<string?> Values)
    {
        public string? LastPublishedIn { get; init; }

        public string? DroppedIn { get; init; }

        public string? Source { get; init; }

        public bool Retired => DroppedIn is not null;

        public bool Affected => Values.Any(IntelTableValues.IsAffected);

        public bool NotAffected => Values.All(v => v == IntelTableValues.NotAffected);

        public static GenRow Of(IntelTableRow r, IEnumerable<string?> values) => new(r.Cpuids, r.AllSteppings, r.Name, r.Segment, [.. values]);

        public IEnumerable<string> Signatures => Cpuids.Select(c => c.Signature(AllSteppings)).Distinct(StringComparer.Ordinal);

        /// <summary><c># row 50654 | Skylake Server | Server | all | MCU+Software | Software</c>; retired rows add the revisions.</summary>
        public string Line()
        {
            var head = Retired ? "# retired " : "# row ";
            var parts = new List<string> { string.Join(" ", Cpuids.Select(c => c.Text)), Name, Segment, AllSteppings ? "all" : "exact" };
            parts.AddRange(Values.Select(v => v ?? "-"));
            if (Retired)
            {
                parts.Add("last published in " + LastPublishedIn);
                parts.Add("dropped in " + DroppedIn);
            }

            return YamlText.Comment(head + string.Join(" | ", parts.Select(p => p.Replace('|', '/'))));
        }

        public static GenRow? Parse(string line, int values)
        {
            var retired = line.StartsWith("# retired ", StringComparison.Ordinal);
            var parts = line[(retired ? "# retired " : "# row ").Length..].Split(" | ");
            if (parts.Length < 4 + values)
            {
                return null;
            }

            var ids = parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(IntelCpuid.TryParse).ToList();
            if (ids.Count == 0 || ids.Any(i => i is null))
            {
                return null;
            }

            var row = new GenRow([.. ids.OfType<IntelCpuid>()], parts[3] == "all", parts[1], parts[2],
                [.. parts.Skip(4).Take(values).Select(v => v == "-" ? null : IntelTableValues.Normalize(v))]);
            return retired && parts.Length >= 6 + values
                ? row with { LastPublishedIn = parts[4 + values].Replace("last published in ", "", StringComparison.Ordinal), DroppedIn = parts[5 + values].Replace("dropped in ", "", StringComparison.Ordinal) }
                : row;
        }
    }

    private sealed record DroppedRow(GenRow Row, Dictionary<string, string?> Values);

    /// <summary>The generated block: header comments (columns, table, one line per row) and the rules.</summary>
    private static string Generate(string indent, ImmutableArray<Entry> entries, List<GenRow> rows, string tableName, string revision)
    {
        var w = new StringBuilder();
        void Line(string text) => w.Append(indent).Append(text).Append('\n');
        Line(BlockStart + ": generated by `vulntriage advisories import intel-table`; edit outside these markers only (docs/advisory-format.md)");
        Line("# columns: " + string.Join(" | ", entries.Select(e => e.Label + " = " + string.Join(" ", e.Cves))));
        Line(YamlText.Comment($"# table: {Path.GetFileName(tableName)} [{revision}], {rows.Count(r => !r.Retired)} rows; retired rows keep their last published values"));
        foreach (var r in rows)
        {
            Line(r.Line());
        }

        // Signatures whose rows disagree on whether the advisory applies.
        var bySignature = rows.SelectMany(r => r.Signatures.Select(s => (Sig: s, Row: r))).GroupBy(p => p.Sig, StringComparer.Ordinal).ToList();
        var conflicts = bySignature.Where(g => g.Any(p => p.Row.Affected) && g.Any(p => p.Row.NotAffected)).ToDictionary(g => g.Key, g => g.Select(p => p.Row).ToList(), StringComparer.Ordinal);

        string? DiscriminatorOf(GenRow r) => Discriminators.FirstOrDefault(d => r.Name.Contains(d.NameContains, StringComparison.OrdinalIgnoreCase)).Condition;

        var ids = new HashSet<string>(StringComparer.Ordinal);
        string Id(string prefix, IEnumerable<string?> values)
        {
            var id = prefix + "-" + string.Join("-", values.Select(IntelTableValues.Slug));
            var unique = id;
            for (var n = 2; !ids.Add(unique); n++)
            {
                unique = id + "-" + n.ToString(CultureInfo.InvariantCulture);
            }

            return unique;
        }

        var affectedGroups = rows.Where(r => r.Affected).GroupBy(r => (Key: string.Join("|", r.Values.Select(v => v ?? "-")), r.LastPublishedIn, r.DroppedIn)).ToList();
        foreach (var group in affectedGroups)
        {
            var first = group.First();
            var plain = new List<string>();
            var special = new List<(string Sig, string Condition, GenRow Row)>();
            foreach (var r in group)
            {
                foreach (var sig in r.Signatures)
                {
                    // The affected side of a CPUID whose other row is not affected and can be told apart by its product line.
                    var others = conflicts.TryGetValue(sig, out var c) ? c.Where(o => o.NotAffected).Select(DiscriminatorOf).ToList() : [];
                    if (others.Count > 0 && others.All(o => o is not null))
                    {
                        special.Add((sig, "not: { any: [" + string.Join(", ", others.Select(o => "{ " + o + " }")) + "] }", r));
                    }
                    else
                    {
                        plain.Add(sig);
                    }
                }
            }

            var noFix = first.Values.Any(v => v == IntelTableValues.NoPlannedMitigation);
            var cves = entries.Zip(first.Values).Where(p => IntelTableValues.IsAffected(p.Second)).SelectMany(p => p.First.Cves).Distinct(StringComparer.Ordinal).ToList();
            var counter = rows.FirstOrDefault(r => r.NotAffected && r.Signatures.All(s => !conflicts.ContainsKey(s)));
            Rule(w, indent, Id(first.Retired ? "retired" : "table", first.Values), Title(entries, first, revision), "listed", noFix, plain, special, cves,
                Check(entries, first), group, counter);
        }

        var excluded = rows.Where(r => r.NotAffected).GroupBy(r => (r.LastPublishedIn, r.DroppedIn)).ToList();
        foreach (var group in excluded)
        {
            var first = group.First();
            var plain = new List<string>();
            var special = new List<(string Sig, string Condition, GenRow Row)>();
            foreach (var r in group)
            {
                foreach (var sig in r.Signatures)
                {
                    if (!conflicts.ContainsKey(sig))
                    {
                        plain.Add(sig);
                    }
                    else if (DiscriminatorOf(r) is { } d && conflicts[sig].Where(o => o.NotAffected).All(o => DiscriminatorOf(o) is not null))
                    {
                        special.Add((sig, d, r));
                    }

                    // Otherwise the CPUID stays listed only: the affected row wins.
                }
            }

            if (plain.Count == 0 && special.Count == 0)
            {
                continue;
            }

            var counter = rows.FirstOrDefault(r => r.Affected && r.Signatures.All(s => !conflicts.ContainsKey(s)));
            Rule(w, indent, Id(first.Retired ? "retired" : "table", [IntelTableValues.NotAffected]), Title(entries, first, revision), "excluded", false, plain, special, [],
                null, group, counter);
        }

        Line(BlockEnd);
        return w.ToString();
    }

    private static void Rule(StringBuilder w, string indent, string id, (string En, string Ja) title, string scope, bool noFix, List<string> plain,
        List<(string Sig, string Condition, GenRow Row)> special, List<string> cves, (string En, string Ja)? check, IEnumerable<GenRow> rows, GenRow? counter)
    {
        void Line(string text) => w.Append(indent).Append(text).Append('\n');
        Line("- id: " + id);
        Line($"  title: {{ en: {YamlText.Quote(title.En)}, ja: {YamlText.Quote(title.Ja)} }}");
        Line("  scope: " + scope);
        if (noFix)
        {
            Line("  no_fix: true");
        }

        Line("  when:");
        Line("    all:");
        Line("      - cpu.vendor: [intel]");
        var sigs = plain.Distinct(StringComparer.Ordinal).ToList();
        if (special.Count == 0)
        {
            Line("      - cpu.signature: [" + string.Join(", ", sigs) + "]");
        }
        else
        {
            Line("      - any:");
            if (sigs.Count > 0)
            {
                Line("          - cpu.signature: [" + string.Join(", ", sigs) + "]");
            }

            foreach (var (sig, condition, _) in special)
            {
                Line($"          - all: [{{ cpu.signature: [{sig}] }}, {{ {condition} }}]");
            }
        }

        if (cves.Count > 0)
        {
            Line("  cves: [" + string.Join(", ", cves) + "]");
        }

        if (check is { } c)
        {
            Line($"  check: {{ en: {YamlText.Quote(c.En)}, ja: {YamlText.Quote(c.Ja)} }}");
        }

        Line("  examples:");
        Line("    match:");
        var specialRows = special.Select(s => (s.Sig, s.Row)).ToList();
        foreach (var r in rows)
        {
            foreach (var cpuid in r.Cpuids)
            {
                var sig = cpuid.Signature(r.AllSteppings);
                if (!plain.Contains(sig) && !specialRows.Any(s => s.Sig == sig && ReferenceEquals(s.Row, r)))
                {
                    continue;
                }

                var brand = specialRows.Any(s => s.Sig == sig && ReferenceEquals(s.Row, r))
                    ? (scope == "excluded" ? Discriminators.First(d => r.Name.Contains(d.NameContains, StringComparison.OrdinalIgnoreCase)).Brand : ClientBrands.GetValueOrDefault(cpuid.Text))
                    : null;
                var name = YamlText.Quote($"Intel's table: {r.Name} ({cpuid.Text}{(r.Segment.Length > 0 ? ", " + r.Segment : "")})");
                Line($"      - {{ name: {name}, vendor_id: GenuineIntel, {(brand is null ? "" : "model_name: " + YamlText.Quote(brand) + ", ")}signature: \"{(r.AllSteppings ? cpuid.Family + " " + cpuid.Model.ToString(CultureInfo.InvariantCulture) : cpuid.CpuinfoForm)}\" }}");
            }
        }

        Line("    no_match:");
        Line("      - " + Amd);
        if (counter is not null && counter.Cpuids.FirstOrDefault() is { } other)
        {
            Line($"      - {{ name: {YamlText.Quote($"Intel's table: {counter.Name} ({other.Text})")}, vendor_id: GenuineIntel, signature: \"{other.CpuinfoForm}\" }}");
        }
    }

    private static (string En, string Ja) Title(ImmutableArray<Entry> entries, GenRow row, string revision)
    {
        var cells = string.Join("; ", entries.Zip(row.Values).Select(p => $"{p.First.Label} {p.Second ?? "(not published)"}"));
        var cellsJa = string.Join("、", entries.Zip(row.Values).Select(p => $"{p.First.Label} {p.Second ?? "（未掲載）"}"));
        return row.Retired
            ? ($"Intel's table, a row dropped in {row.DroppedIn} (last published in {row.LastPublishedIn}): {cells}",
               $"Intel の一覧で {row.DroppedIn} に削除された行（最終掲載: {row.LastPublishedIn}）: {cellsJa}")
            : ($"Intel's table ({revision}): {cells}", $"Intel の一覧（{revision}）: {cellsJa}");
    }

    private static (string En, string Ja) Check(ImmutableArray<Entry> entries, GenRow row)
    {
        var en = new StringBuilder();
        var ja = new StringBuilder();
        foreach (var value in row.Values.Where(IntelTableValues.IsAffected).Distinct(StringComparer.Ordinal))
        {
            var (e, j) = Hint(value!);
            en.Append(e).Append(' ');
            ja.Append(j);
        }

        en.Append("Read the kernel's lines under /sys/devices/system/cpu/vulnerabilities/ and the microcode revision (`vulntriage probe`, passed with --facts).");
        ja.Append("/sys/devices/system/cpu/vulnerabilities/ のカーネルの判定とマイクロコードのリビジョンを確認してください（`vulntriage probe` の出力を --facts に渡します）。");
        _ = entries;
        return (en.ToString(), ja.ToString());
    }

    private static (string En, string Ja) Hint(string value) => value switch
    {
        "Software" => ("Software: the kernel's mitigation fixes it.", "Software: カーネルの緩和策で修正されます。"),
        "MCU" => ("MCU: a microcode update fixes it.", "MCU: マイクロコード更新で修正されます。"),
        "MCU+Software" => ("MCU+Software: fixed only with both the microcode update and the kernel's mitigation.", "MCU+Software: マイクロコード更新とカーネルの緩和策の両方がそろって修正済みです。"),
        "Hardware+Software" => ("Hardware+Software: the silicon has the fix, but software must use it; only the kernel's line confirms that it does.", "Hardware+Software: シリコンで修正済みですが、ソフトウェアが使う必要があります。使っているかはカーネルの判定で確認します。"),
        IntelTableValues.NoPlannedMitigation => ("No planned mitigation: Intel will not ship a fix for it.", "No planned mitigation: Intel は修正を提供しません。"),
        "MCU_BIOS+BIOS" => ("MCU_BIOS+BIOS: the fix is a BIOS update that carries the microcode and BIOS changes.", "MCU_BIOS+BIOS: マイクロコードと設定変更を含む BIOS 更新で修正されます。"),
        "MCU_BIOS+Software" => ("MCU_BIOS+Software: the microcode must come with a BIOS update, and the kernel's mitigation is needed too.", "MCU_BIOS+Software: マイクロコードは BIOS 更新で読み込む必要があり、カーネルの緩和策も必要です。"),
        "BIOS+MCU" => ("BIOS+MCU: a BIOS change and a microcode update.", "BIOS+MCU: BIOS の変更とマイクロコード更新が必要です。"),
        "Hardware+MCU" => ("Hardware+MCU: fixed in silicon together with microcode.", "Hardware+MCU: シリコンとマイクロコードで修正されています。"),
        "Hardware" => ("Hardware: fixed in silicon.", "Hardware: シリコンで修正されています。"),
        _ => ($"'{value}': a value this version of VulnTriage does not know; taken as affected.", $"「{value}」: この版の VulnTriage が知らない値のため、影響ありとして扱います。"),
    };

    // ---- drafts -------------------------------------------------------------------------------------------------------

    private static IEnumerable<ImportFile> Drafts(IntelAffectedTable table, HashSet<int> claimed, IReadOnlyList<(string Name, string Text)> existing, string revision, DateOnly today,
        ImmutableArray<string>.Builder messages)
    {
        var groups = table.Columns.Where(c => !claimed.Contains(c.Index))
            .GroupBy(c => c.Advisories.FirstOrDefault() ?? (c.Cves.FirstOrDefault() is { } cve ? "INTEL-" + cve : "INTEL-TABLE-" + c.Index.ToString(CultureInfo.InvariantCulture)), StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var id = group.Key;
            var fileName = id + ".yaml";
            var prior = existing.FirstOrDefault(e => string.Equals(Path.GetFileName(e.Name), fileName, StringComparison.OrdinalIgnoreCase));
            if (prior.Text is not null && !DraftStatus().IsMatch(prior.Text))
            {
                messages.Add($"{prior.Name}: a curated advisory without an intel-table block; not overwritten (add a block to take the table's rows)");
                continue;
            }

            var columns = group.ToList();
            var entries = columns.Select(c => new Entry(ShortLabel(c.Label), c.Cves.IsEmpty ? ["CVE-0000-0000"] : c.Cves)).ToImmutableArray();
            var rows = table.Rows.Select(r => GenRow.Of(r, columns.Select(c => r.Values[table.Columns.IndexOf(c)]))).ToList();
            if (!rows.Any(r => r.Affected))
            {
                messages.Add($"{fileName}: no row is affected: no draft written");
                continue;
            }

            var text = DraftText(id, columns, entries, rows, table.Source, revision, today);
            messages.Add($"{fileName}: draft written ({columns.Count} column(s), {rows.Count(r => r.Affected)} affected rows)");
            yield return new ImportFile(fileName, text, ImportFileKind.Draft);
        }
    }

    private static string ShortLabel(string label) => label.Length <= 60 ? label : label[..60].TrimEnd() + "…";

    private static string DraftText(string id, List<IntelTableColumn> columns, ImmutableArray<Entry> entries, List<GenRow> rows, string source, string revision, DateOnly today)
    {
        var cves = columns.SelectMany(c => c.Cves).Distinct(StringComparer.Ordinal).ToList();
        var aliases = columns.SelectMany(c => c.Advisories).Distinct(StringComparer.Ordinal).Where(a => a != id).ToList();
        var titleEn = string.Join("; ", columns.Select(c => c.Label));
        var w = new StringBuilder();
        void Line(string text) => w.Append(text).Append('\n');
        Line($"# DRAFT written by `vulntriage advisories import intel-table` from {YamlText.Comment(Path.GetFileName(source))} [{YamlText.Comment(revision)}].");
        Line("# Signature sets only: review the text, severity, publication date, CVSS, microcode and kernel rules, then set");
        Line("# status: curated (docs/advisory-format.md). The rules between the markers are rewritten by the next import.");
        Line("id: " + id);
        Line("status: draft");
        if (aliases.Count > 0)
        {
            Line("aliases: [" + string.Join(", ", aliases) + "]");
        }

        Line("vendor: intel");
        Line($"title: {{ en: {YamlText.Quote(titleEn)}, ja: {YamlText.Quote(titleEn)} }}");
        Line("published: " + today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "   # the import date: Intel's table does not carry the advisory's date");
        Line("severity: medium   # not in Intel's table: set it from the advisory when curating");
        Line("cves:");
        foreach (var cve in cves)
        {
            Line("  - id: " + cve);
        }

        Line($"summary: {{ en: {YamlText.Quote("Draft from Intel's affected-processor table: " + titleEn + ". Intel's table lists which processors are affected and whether the fix is microcode, software or both.")}, ja: {YamlText.Quote("Intel の影響プロセッサー一覧から作成した下書きです（" + titleEn + "）。一覧には、影響を受けるプロセッサーと、修正がマイクロコードかソフトウェアかその両方かが載っています。")} }}");
        Line($"affected_systems: {{ en: {YamlText.Quote("The Intel processors whose row in Intel's table is not \"Not Affected\"; processors the table does not list are unknown, not safe.")}, ja: {YamlText.Quote("Intel の一覧で「Not Affected」以外の行の Intel プロセッサーです。一覧にないプロセッサーは安全ではなく不明として扱います。")} }}");
        Line("policy:");
        Line("  stages: []");
        Line("  cloud: provider_managed");
        Line("  outside: unknown");
        Line("cpu_rules:");
        Line(Generate("  ", entries, rows, source, revision).TrimEnd('\n'));
        Line($"how_to_check: {{ en: {YamlText.Quote("Find the processor's CPUID (family, model, stepping) and look it up in Intel's table; read the microcode revision and the kernel's lines under /sys/devices/system/cpu/vulnerabilities/ with `vulntriage probe`.")}, ja: {YamlText.Quote("プロセッサーの CPUID（ファミリー、モデル、ステッピング）を調べて Intel の一覧と照合し、`vulntriage probe` でマイクロコードのリビジョンと /sys/devices/system/cpu/vulnerabilities/ のカーネルの判定を確認してください。")} }}");
        Line($"remediation: {{ en: {YamlText.Quote("Follow Intel's advisory: load the fixed microcode (BIOS update or the OS microcode package) and update the kernel where the table says software must act.")}, ja: {YamlText.Quote("Intel の勧告に従い、修正済みのマイクロコード（BIOS 更新または OS のマイクロコードパッケージ）を適用し、一覧でソフトウェアの対処が必要とされる場合はカーネルを更新してください。")} }}");
        Line("references:");
        foreach (var sa in columns.SelectMany(c => c.Advisories).Distinct(StringComparer.Ordinal))
        {
            Line($"  - {{ title: \"Intel Security Advisory {sa}\", url: \"https://www.intel.com/content/www/us/en/security-center/advisory/{sa.ToLowerInvariant()}.html\" }}");
        }

        Line($"  - {{ title: \"Intel: affected processors by CPU model\", url: \"{TablePage}\" }}");
        Line("examples:");
        var hit = rows.First(r => r.Affected);
        Line($"  - name: {YamlText.Quote("Intel's table: " + hit.Name + " (" + hit.Cpuids[0].Text + ") is a candidate")}");
        Line($"    host: {{ vendor_id: GenuineIntel, signature: \"{hit.Cpuids[0].CpuinfoForm}\" }}");
        Line(hit.Values.Contains(IntelTableValues.NoPlannedMitigation) ? "    expect: affected" : "    expect: needs_confirmation");
        if (rows.FirstOrDefault(r => r.NotAffected && r.Cpuids.All(c => !rows.Any(o => o.Affected && o.Cpuids.Contains(c)))) is { } miss)
        {
            Line($"  - name: {YamlText.Quote("Intel's table: " + miss.Name + " (" + miss.Cpuids[0].Text + ") is not affected")}");
            Line($"    host: {{ vendor_id: GenuineIntel, signature: \"{miss.Cpuids[0].CpuinfoForm}\" }}");
            Line("    expect: not_affected");
        }
        else if (rows.Where(r => r.Affected && r != hit).Skip(rows.Count(r => r.Affected) / 2).FirstOrDefault() is { } second)
        {
            // Every row is affected: a second candidate (the format wants two examples; a curated file needs a not_affected one).
            Line($"  - name: {YamlText.Quote("Intel's table: " + second.Name + " (" + second.Cpuids[0].Text + ") is a candidate")}");
            Line($"    host: {{ vendor_id: GenuineIntel, signature: \"{second.Cpuids[0].CpuinfoForm}\" }}");
            Line(second.Values.Contains(IntelTableValues.NoPlannedMitigation) ? "    expect: affected" : "    expect: needs_confirmation");
        }

        return w.ToString();
    }

    // ---- the retired-rows file ----------------------------------------------------------------------------------------

    private static string AppendRetired(IReadOnlyList<(string Name, string Text)> existing, IEnumerable<DroppedRow> dropped)
    {
        var prior = existing.FirstOrDefault(e => string.Equals(Path.GetFileName(e.Name), RetiredFileName, StringComparison.Ordinal)).Text;
        var rows = dropped.ToList();
        var valueHeaders = rows.SelectMany(r => r.Values.Keys).Distinct(StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        var header = new List<string> { "CPUID", "Code Name(s) / Microarchitecture(s)", "Segment", "Stepping", "Last Published In", "Dropped In", "Source" };
        if (prior is null)
        {
            header.AddRange(valueHeaders);
            sb.Append(string.Join(",", header.Select(Csv))).Append('\n');
        }
        else
        {
            // Keep the file's own header: new values go under a column it already has, others are dropped from this row.
            sb.Append(prior);
            if (!prior.EndsWith('\n'))
            {
                sb.Append('\n');
            }

            using var reader = new StringReader(prior);
            header = SplitCsvLine(reader.ReadLine() ?? "");
        }

        foreach (var d in rows)
        {
            var cells = header.Select(h => h switch
            {
                "CPUID" => string.Join(" - ", d.Row.Cpuids.Select(c => c.Text)),
                "Code Name(s) / Microarchitecture(s)" => d.Row.Name,
                "Segment" => d.Row.Segment,
                "Stepping" => d.Row.AllSteppings ? "All" : string.Join(" - ", d.Row.Cpuids.Select(c => c.Stepping.ToString("X", CultureInfo.InvariantCulture))),
                "Last Published In" => d.Row.LastPublishedIn ?? "",
                "Dropped In" => d.Row.DroppedIn ?? "",
                "Source" => d.Row.Source ?? "",
                _ => d.Values.FirstOrDefault(v => IntelTableReader.Column(0, v.Key).Cves.Intersect(IntelTableReader.Column(0, h).Cves, StringComparer.Ordinal).Any()).Value ?? "",
            });
            sb.Append(string.Join(",", cells.Select(Csv))).Append('\n');
        }

        return sb.ToString();
    }

    private static string Csv(string text) => text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static List<string> SplitCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString().Trim().TrimStart('\uFEFF'));
        return fields;
    }

    [GeneratedRegex(@"CVE-[0-9]{4}-[0-9]{4,}", RegexOptions.CultureInvariant)]
    private static partial Regex CveId();

    [GeneratedRegex(@"\[(.*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex TableRevision();

    [GeneratedRegex(@"^status:\s*draft\b", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex DraftStatus();
}
