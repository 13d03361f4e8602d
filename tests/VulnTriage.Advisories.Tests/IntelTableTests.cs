using System.Collections.Immutable;
using System.Globalization;
using VulnTriage.Advisories.IntelTable;
using VulnTriage.Advisories.Yaml;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;

namespace VulnTriage.Advisories.Tests;

/// <summary>
/// Issue 11: the shipped Intel advisories against Intel's own table (shared/data/intel/Intel_affected_processor_list.csv,
/// IPU 26.1, read in place), the published first fixed microcode revisions, the kernel's sysfs strings
/// (shared/docs/reference/cpu-advisories.md §5), and the importer.
/// </summary>
public sealed class IntelTableTests
{
    private static readonly string TablePath = Path.Combine(AppContext.BaseDirectory, "shared", "data", "intel", "Intel_affected_processor_list.csv");

    // Where a curated rule deliberately overrides a Not Affected cell because the sources disagree (INTEL-SA-00950.yaml,
    // rule sources-disagree: spectre-meltdown-checker lists a Reptar microcode fix for B0671 and 806F8-HBM).
    private static readonly ImmutableHashSet<(string, string)> Overrides = [("INTEL-SA-00950", "B0671"), ("INTEL-SA-00950", "806F8")];

    private static readonly Lazy<IntelAffectedTable> Table = new(() =>
    {
        using var reader = new StreamReader(TablePath);
        return IntelTableReader.Read(reader, TablePath);
    });

    private static readonly Lazy<ImmutableArray<(Advisory Advisory, ImmutableArray<ImmutableArray<string>> Columns)>> Shipped = new(() =>
        [.. AdvisoryCatalog.EmbeddedNames.Select(n => (Name: n, Text: AdvisoryCatalog.ReadEmbedded(n)))
            .Where(f => f.Text.Contains(IntelTableImporter.BlockStart, StringComparison.Ordinal))
            .Select(f => (AdvisoryYamlLoader.Load(f.Text, f.Name), Columns(f.Text)))]);

    private static ImmutableArray<ImmutableArray<string>> Columns(string text)
    {
        var line = text.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("# columns:", StringComparison.Ordinal));
        return [.. line["# columns:".Length..].Split('|').Select(p => p.Split('=')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToImmutableArray())];
    }

    private static Host HostWith(int family, int model, int? stepping, string? brand = null) =>
        new("h", "h", null, HostStatus.Working, false, [], null, [new ProcessorFact("GenuineIntel", brand, new CpuSignature(family, model, stepping), 1, 1)], "Linux", null);

    public static TheoryData<string> CoveredAdvisories() => [.. Shipped.Value.Select(s => s.Advisory.Id)];

    [Fact]
    public void Should_Read_The_Shared_Table_When_Importing_IPU_26_1()
    {
        // Given the shared table (it must be there: a test that cannot find its data must fail, not pass)
        Assert.True(File.Exists(TablePath), TablePath);

        // When
        var table = Table.Value;

        // Then
        Assert.Equal(64, table.Rows.Length);
        Assert.Equal(51, table.Columns.Length);
        Assert.Empty(table.Warnings);
        Assert.Contains(table.Columns, c => c.Label == "Gather Data Sampling (GDS)" && c.Advisories.SequenceEqual(["INTEL-SA-00828"]));
        Assert.Equal(9, Shipped.Value.Length);
    }

    [Theory]
    [MemberData(nameof(CoveredAdvisories))]
    public void Should_Follow_Every_Row_Of_Intels_Table_When_Only_The_Signature_Is_Known(string id)
    {
        // Given
        var (advisory, columns) = Shipped.Value.Single(s => s.Advisory.Id == id);
        var table = Table.Value;
        var indexes = columns.Select(cves => table.Columns.IndexOf(table.Columns.First(c => c.Cves.Intersect(cves).Any()))).ToList();
        string Class(IntelTableRow r)
        {
            var values = indexes.Select(i => r.Values[i]).ToList();
            return values.Contains(IntelTableValues.NoPlannedMitigation) ? "no-fix" : values.Any(IntelTableValues.IsAffected) ? "affected" : "not-affected";
        }

        var classes = table.Rows.SelectMany(r => r.Cpuids.Select(c => (c.Text, Class: Class(r)))).GroupBy(p => p.Text).ToDictionary(g => g.Key, g => g.Select(p => p.Class).Distinct().ToList());
        var cache = new IdentificationCache();
        var failures = new List<string>();

        // When / Then: every row, a host with that signature and no facts
        foreach (var row in table.Rows)
        {
            foreach (var cpuid in row.Cpuids)
            {
                var kinds = classes[cpuid.Text];
                var expected = kinds.Count > 1 || Overrides.Contains((id, cpuid.Text))
                    ? Verdict.NeedsConfirmation
                    : kinds[0] switch { "no-fix" => Verdict.Affected, "affected" => Verdict.NeedsConfirmation, _ => Verdict.NotAffected };
                var finding = AdvisoryEvaluator.Evaluate(advisory, HostWith(cpuid.Family, cpuid.Model, cpuid.Stepping), HostFacts.None, cache);
                if (finding.Verdict != expected)
                {
                    failures.Add($"{id} line {row.Line} {cpuid.Text} ({row.Name}): expected {expected.ToWire()}, got {finding.Verdict.ToWire()} ({string.Join(", ", finding.Evidence.Select(e => e.Clause))})");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [InlineData("INTEL-SA-00898", "12th Gen Intel(R) Core(TM) i5-12400", 0x97, 5, "needs_confirmation")]
    [InlineData("INTEL-SA-00898", "Intel(R) Xeon(R) E-2488", 0x97, 5, "not_affected")]
    [InlineData("INTEL-SA-00898", "Intel(R) Xeon(R) E-2488", 0xB7, 1, "not_affected")]
    [InlineData("INTEL-SA-00950", "Intel(R) Pentium(R) Gold 8505", 0x9A, 4, "needs_confirmation")]
    [InlineData("INTEL-SA-00950", "Intel(R) Atom(TM) x7835RE", 0x9A, 4, "not_affected")]
    public void Should_Choose_The_Row_By_Brand_String_When_A_CPUID_Has_Rows_That_Disagree(string id, string brand, int model, int stepping, string expected)
    {
        // Given: Catlow (Xeon E) and Arizona Beach (Atom) share a CPUID with client rows Intel marks differently
        var advisory = Shipped.Value.Single(s => s.Advisory.Id == id).Advisory;

        // When
        var finding = AdvisoryEvaluator.Evaluate(advisory, HostWith(6, model, stepping, brand), HostFacts.None, new IdentificationCache());

        // Then
        Assert.Equal(expected, finding.Verdict.ToWire());
    }

    public static TheoryData<string, string, string, bool> Thresholds()
    {
        var data = new TheoryData<string, string, string, bool>();
        foreach (var (advisory, _) in Shipped.Value)
        {
            foreach (var rule in advisory.MicrocodeRules)
            {
                foreach (var t in rule.Fixed.Thresholds)
                {
                    data.Add(advisory.Id, t.Signature.ToString(), t.Revision.ToString(), rule.FixesAlone);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Thresholds))]
    public void Should_Be_Affected_Below_And_Fixed_At_The_First_Fixed_Revision_When_Microcode_Is_Known(string id, string signature, string revision, bool alone)
    {
        // Given
        var advisory = Shipped.Value.Single(s => s.Advisory.Id == id).Advisory;
        Assert.True(SignatureMatch.TryParse(signature, out var sig));
        var host = HostWith(sig!.Family, sig.Models!.Ranges[0].Low, sig.Steppings!.Ranges[0].Low);
        var fixedAt = Convert.ToInt64(revision, 16);
        static HostFacts Facts(long rev)
        {
            var text = "0x" + rev.ToString("x", CultureInfo.InvariantCulture);
            Assert.True(MicrocodeRevision.TryParse(text, out var parsed));
            return new HostFacts([], "test", []) { Microcode = new MicrocodeFact(parsed, text, "test") };
        }

        // When
        var below = AdvisoryEvaluator.Evaluate(advisory, host, Facts(fixedAt - 1), new IdentificationCache());
        var at = AdvisoryEvaluator.Evaluate(advisory, host, Facts(fixedAt), new IdentificationCache());

        // Then
        Assert.Equal((Verdict.Affected, Stage.Microcode), (below.Verdict, below.Stage));
        Assert.Equal((alone ? Verdict.Fixed : Verdict.NeedsConfirmation, Stage.Microcode), (at.Verdict, at.Stage));
    }

    // Lines of /sys/devices/system/cpu/vulnerabilities as Linux writes them (cpu-advisories.md §5, bugs.c@43704e993ae5).
    [Theory]
    [InlineData("INTEL-SA-00233", "mds", "Mitigation: Clear CPU buffers; SMT vulnerable", "fixed")]
    [InlineData("INTEL-SA-00233", "mds", "Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable", "affected")]
    [InlineData("INTEL-SA-00233", "mds", "Vulnerable; SMT Host state unknown", "affected")]
    [InlineData("INTEL-SA-00233", "mds", "Not affected", "needs_confirmation")]
    [InlineData("INTEL-SA-00161", "l1tf", "Mitigation: PTE Inversion; VMX: conditional cache flushes, SMT vulnerable", "fixed")]
    [InlineData("INTEL-SA-00270", "tsx_async_abort", "Mitigation: TSX disabled", "fixed")]
    [InlineData("INTEL-SA-00270", "tsx_async_abort", "Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable", "affected")]
    [InlineData("INTEL-SA-00115", "spec_store_bypass", "Mitigation: Speculative Store Bypass disabled via prctl and seccomp", "fixed")]
    [InlineData("INTEL-SA-00115", "spec_store_bypass", "Vulnerable", "affected")]
    [InlineData("INTEL-SA-00828", "gather_data_sampling", "Mitigation: Microcode (locked)", "fixed")]
    [InlineData("INTEL-SA-00828", "gather_data_sampling", "Mitigation: AVX disabled, no microcode", "affected")]
    [InlineData("INTEL-SA-00828", "gather_data_sampling", "Unknown: Dependent on hypervisor status", "unknown")]
    [InlineData("INTEL-SA-00898", "reg_file_data_sampling", "Mitigation: Clear Register File", "fixed")]
    [InlineData("INTEL-SA-00898", "reg_file_data_sampling", "Vulnerable: No microcode", "affected")]
    [InlineData("INTEL-SA-00088", "spectre_v2", "Mitigation: None", "affected")]
    public void Should_Take_The_Kernels_Verdict_When_Its_Line_Is_Known(string id, string file, string line, string expected)
    {
        // Given: a processor the table lists for the advisory, with every other file of the advisory mitigated
        var advisory = Shipped.Value.Single(s => s.Advisory.Id == id).Advisory;
        var host = id == "INTEL-SA-00898" ? HostWith(6, 0x9C, 0, "Intel(R) Celeron(R) N5105 @ 2.00GHz") : HostWith(6, 0x55, 4, "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz");
        var kernel = advisory.KernelRules.Select(r => KernelVulnerabilityStatus.Classify(r.File, r.File == file ? line : "Mitigation: test", "test")).ToImmutableArray();
        var facts = new HostFacts([], "test", []) { Kernel = kernel };

        // When
        var finding = AdvisoryEvaluator.Evaluate(advisory, host, facts, new IdentificationCache());

        // Then: the kernel's line, with the safer verdict when it disagrees with the table
        Assert.Equal(expected, finding.Verdict.ToWire());
        Assert.Contains(finding.Evidence, e => e.Kind == EvidenceKind.Kernel && e.Subject == line);
        if (expected == "needs_confirmation")
        {
            Assert.Contains(finding.Evidence, e => e.Kind == EvidenceKind.SourcesDisagree);
            Assert.Contains(finding.Evidence, e => e.Kind == EvidenceKind.CandidateCpu);
        }
    }

    public sealed class Importer
    {
        private const string Header = "CPUID Family_Model,Stepping,Code Name(s) / Microarchitecture(s),Segment,CPUID,MCU Update,";
        private const string Block = "  # >>> intel-table\n  # columns: GDS = CVE-2022-40982\n  # <<< intel-table\n";

        private static string Advisory(string block) => "id: TEST-SA-00001\ncpu_rules:\n" + block + "examples: []\n";

        private static IntelAffectedTable Read(string csv) => IntelTableReader.Read(new StringReader(csv), "t.csv");

        private static ImportResult Import(string csv, string block = Block, IntelAffectedTable? retired = null) =>
            IntelTableImporter.Import(Read(csv), retired, [("TEST-SA-00001.yaml", Advisory(block))], "r2", new DateOnly(2026, 1, 1));

        [Fact]
        public void Should_Correct_Old_Header_Typos_And_Cell_Spellings_When_Reading_An_Old_Revision()
        {
            // Given: the 2024 spellings ("Samping", the truncated UMH CVE, "Not affected", "Hardware + Software")
            var csv = Header + "\"Gather Data Samping (GDS) - CVE-2022-40982 - INTEL-SA-00828\",Undefined MMIO Hang (UMH) - CVE-2022-2118 - INTEL-SA-00645\n"
                + "06_55H,4,Skylake Server,Server,50654,0x2007006,MCU,Not affected\n"
                + "06_97H,2,Alder Lake S,Desktop,90672,0x3e,Not affected,Hardware + Software\n";

            // When
            var table = Read(csv);

            // Then
            Assert.Equal("Gather Data Sampling (GDS)", table.Columns[0].Label);
            Assert.Equal(["CVE-2022-21180"], table.Columns[1].Cves);
            Assert.Equal(["INTEL-SA-00645"], table.Columns[1].Advisories);
            Assert.Equal("Not Affected", table.Rows[0].Values[1]);
            Assert.Equal("Hardware+Software", table.Rows[1].Values[1]);
            Assert.Equal((6, 0x55, 4), (table.Rows[0].Cpuids[0].Family, table.Rows[0].Cpuids[0].Model, table.Rows[0].Cpuids[0].Stepping));
        }

        [Fact]
        public void Should_Rewrite_Only_The_Block_And_Draft_Every_Other_Column_When_Importing()
        {
            // Given
            var csv = Header + "Gather Data Sampling (GDS) - CVE-2022-40982 - INTEL-SA-00828,Bus Lock Regulator - CVE-2023-39368 - INTEL-SA-00972\n"
                + "06_55H,4,Skylake Server,Server,50654,0x2007006,MCU,Not Affected\n"
                + "06_97H,2,Alder Lake S,Desktop,90672,0x3e,Not Affected,MCU\n";

            // When
            var result = Import(csv);

            // Then: the curated text around the block is kept; the GDS rows are in it; the other column is a draft that loads
            var updated = Assert.Single(result.Files, f => f.Kind == ImportFileKind.Updated);
            Assert.StartsWith("id: TEST-SA-00001\ncpu_rules:\n  # >>> intel-table", updated.Text, StringComparison.Ordinal);
            Assert.EndsWith("  # <<< intel-table\nexamples: []\n", updated.Text, StringComparison.Ordinal);
            Assert.Contains("cpu.signature: [06_55_4]", updated.Text, StringComparison.Ordinal);
            Assert.Contains("- id: table-na", updated.Text, StringComparison.Ordinal);
            var draft = Assert.Single(result.Files, f => f.Kind == ImportFileKind.Draft);
            Assert.Equal("INTEL-SA-00972.yaml", draft.Name);
            var loaded = AdvisoryYamlLoader.Load(draft.Text, draft.Name);
            Assert.Equal(AdvisoryStatus.Draft, loaded.Status);
            Assert.Empty(AdvisoryVerifier.Verify(loaded, new IdentificationCache()));
        }

        [Fact]
        public void Should_Keep_A_Dropped_Row_With_Its_Last_Values_When_A_Later_Revision_Leaves_It_Out()
        {
            // Given: revision r1 lists Cascade Lake 50657; r2 does not
            var r1 = Header + "Gather Data Sampling (GDS) - CVE-2022-40982 - INTEL-SA-00828\n06_55H,7,Cascade Lake,Server,50657,0x5003707,MCU\n06_97H,2,Alder Lake S,Desktop,90672,0x3e,Not Affected\n";
            var r2 = Header + "Gather Data Sampling (GDS) - CVE-2022-40982 - INTEL-SA-00828\n06_97H,2,Alder Lake S,Desktop,90672,0x3e,Not Affected\n";
            var first = IntelTableImporter.Import(Read(r1), null, [("TEST-SA-00001.yaml", Advisory(Block))], "r1", new DateOnly(2026, 1, 1));
            var afterFirst = first.Files.Single(f => f.Kind == ImportFileKind.Updated).Text;

            // When
            var second = IntelTableImporter.Import(Read(r2), null, [("TEST-SA-00001.yaml", afterFirst)], "r2", new DateOnly(2026, 1, 1));

            // Then: a retired rule names both revisions, and the retired-rows file records the row
            var text = second.Files.Single(f => f.Kind == ImportFileKind.Updated).Text;
            Assert.Contains("- id: retired-mcu", text, StringComparison.Ordinal);
            Assert.Contains("a row dropped in r2 (last published in r1)", text, StringComparison.Ordinal);
            Assert.Contains("cpu.signature: [06_55_7]", text, StringComparison.Ordinal);
            var retired = Assert.Single(second.Files, f => f.Kind == ImportFileKind.Retired);
            Assert.Contains("50657,Cascade Lake,Server,7,r1,r2", retired.Text, StringComparison.Ordinal);
            Assert.Contains(second.Messages, m => m.Contains("50657", StringComparison.Ordinal) && m.Contains("no longer in the table", StringComparison.Ordinal));
        }

        [Fact]
        public void Should_Keep_The_Rows_As_Unknown_When_A_Revision_Drops_A_Column()
        {
            // Given: a revision without the GDS column
            var csv = Header + "Bus Lock Regulator - CVE-2023-39368 - INTEL-SA-00972\n06_97H,2,Alder Lake S,Desktop,90672,0x3e,MCU\n";

            // When
            var result = Import(csv);

            // Then: no rule can say anything for GDS, and the importer says so
            Assert.Contains(result.Messages, m => m.Contains("has no column for GDS", StringComparison.Ordinal));
            var text = result.Files.Single(f => f.Kind == ImportFileKind.Updated).Text;
            Assert.DoesNotContain("- id:", text, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("CPUID Family_Model,Stepping\n06_55H,4\n", DiagnosticCodes.IntelTableNoCpuidColumn, 1)]
        [InlineData("", DiagnosticCodes.IntelTableNoCpuidColumn, 1)]
        [InlineData("{\"hosts\": []}\n", DiagnosticCodes.IntelTableNoCpuidColumn, 1)]
        [InlineData("CPUID,GDS - CVE-2022-40982\n50654,MCU\n5065Z,MCU\n", DiagnosticCodes.IntelTableBadCpuid, 3)]
        [InlineData("CPUID,GDS - CVE-2022-40982\n,MCU\n", DiagnosticCodes.IntelTableBadCpuid, 2)]
        [InlineData("CPUID,GDS - CVE-2022-40982\n\"50654,MCU\n", DiagnosticCodes.IntelTableNotCsv, 2)]
        [InlineData("CPUID,GDS\n50654,\0\0\n", DiagnosticCodes.IntelTableNotCsv, 2)]
        public void Should_Fail_With_One_Located_Diagnostic_When_The_Input_Is_Bad(string csv, string code, int line)
        {
            // When
            var e = Assert.Throws<InputException>(() => Read(csv));

            // Then
            var d = Assert.Single(e.Diagnostics);
            Assert.Equal(code, d.Code);
            Assert.Equal("t.csv", d.Location.Source);
            Assert.Equal(line, d.Location.Line);
        }

        [Fact]
        public void Should_Skip_A_Row_With_A_Warning_When_Its_CPUID_Contradicts_Its_Family_Model()
        {
            // Given: the kind of row the first revisions had (CPUID for model 0x55 under 06_56H)
            var csv = Header + "GDS - CVE-2022-40982\n06_56H,4,Broadwell DE,Server,50654,0x1,MCU\n";

            // When
            var table = Read(csv);

            // Then: absence is not safety, so the row is left out rather than trusted either way
            Assert.Empty(table.Rows);
            Assert.Equal(DiagnosticCodes.IntelTableRowMismatch, Assert.Single(table.Warnings).Code);
        }

        [Fact]
        public void Should_Reproduce_The_Shipped_Blocks_When_Importing_The_Shared_Table_Again()
        {
            // Given: the shipped files and the retired rows they were generated with
            var folder = Path.Combine(AppContext.BaseDirectory, "advisories", "intel");
            var existing = Directory.EnumerateFiles(folder, "*.yaml").Select(f => (Path.GetFileName(f), File.ReadAllText(f))).ToList();
            var retired = IntelTableReader.Read(new StringReader(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", "intel-table-retired.csv"))), "retired");

            // When
            var result = IntelTableImporter.Import(Table.Value, retired, existing, "IPU 26.1", new DateOnly(2026, 1, 1));

            // Then: a new import of the same revision changes nothing (the blocks are the importer's own output)
            Assert.DoesNotContain(result.Files, f => f.Kind == ImportFileKind.Updated);
        }
    }
}
