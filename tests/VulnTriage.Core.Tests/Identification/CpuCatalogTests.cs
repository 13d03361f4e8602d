using System.Globalization;
using System.Text;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Identification.Catalog;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Tests.Identification;

/// <summary>
/// The CPU catalog (src/VulnTriage.Core/Identification/Catalog/cpus.tsv) checked against its own format, the kernel's
/// model list (testdata/cpu/intel-family.tsv) and the identification corpus (testdata/cpu/corpus.tsv, unverified.tsv).
/// </summary>
public sealed class CpuCatalogTests
{
    private const string Header = "vendor\tfamily\tmodel\tstepping\tmicroarchitecture\tcodenames\tsegments\tproduct_lines\tsource\n";

    /// <summary>
    /// Corpus rows whose signature is real hardware's: a vendor the catalog covers, not a hypervisor model, not a
    /// deliberately contradicting (synthetic) signature and not the BSD lscpu's nonsense family 111 (corpus README).
    /// </summary>
    private static IEnumerable<CpuCorpusRow> HardwareRows() =>
        CpuCorpus.All.Values.Where(r => r.Signature is not null
            && r.Virtual != "true"
            && r.Vendor is "intel" or "amd" or "hygon" or "via" or "zhaoxin"
            && !r.Source.StartsWith("synthetic", StringComparison.OrdinalIgnoreCase)
            && !r.Source.Contains("nonsense signature", StringComparison.Ordinal));

    private static CpuVendor VendorOf(CpuCorpusRow row) => Enum.Parse<CpuVendor>(row.Vendor, ignoreCase: true);

    /// <summary>The catalog rows identification consults for a corpus row (the decoder's vendor fallbacks included).</summary>
    private static System.Collections.Immutable.ImmutableArray<CpuCatalogEntry> RowsFor(CpuCorpusRow row)
    {
        var signature = row.Signature!.Value;
        var rows = CpuCatalog.Find(VendorOf(row), signature);
        if (rows.IsEmpty && row.Vendor is "via")
        {
            rows = CpuCatalog.Find(CpuVendor.Zhaoxin, signature);
        }
        else if (rows.IsEmpty && row.Vendor is "zhaoxin")
        {
            rows = CpuCatalog.Find(CpuVendor.Via, signature);
        }

        return rows;
    }

    public sealed class Loading
    {
        [Fact]
        public void Should_LoadEveryRowWithASource_When_TheEmbeddedCatalogIsRead()
        {
            // Given / When
            var entries = CpuCatalog.Entries;

            // Then
            Assert.True(entries.Length >= 250, $"catalog has {entries.Length} rows");
            Assert.All(entries, e => Assert.False(string.IsNullOrWhiteSpace(e.Source), $"line {e.CatalogLine} has no source"));
            Assert.All(entries, e => Assert.True(CpuCatalogParser.IsKebab(e.Microarchitecture), $"line {e.CatalogLine}: {e.Microarchitecture}"));
        }

        [Fact]
        public void Should_HaveNoTwoRowsOfOneMicroarchitectureForOneSignature_When_TheCatalogIsLoaded()
        {
            // Given
            var entries = CpuCatalog.Entries;

            // When
            var clashes = new List<string>();
            for (var i = 0; i < entries.Length; i++)
            {
                for (var j = i + 1; j < entries.Length; j++)
                {
                    var (a, b) = (entries[i], entries[j]);
                    if (a.Vendor == b.Vendor && a.Family == b.Family && a.FirstModel <= b.LastModel && b.FirstModel <= a.LastModel
                        && a.Steppings.Overlaps(b.Steppings) && a.Microarchitecture == b.Microarchitecture)
                    {
                        clashes.Add($"lines {a.CatalogLine} and {b.CatalogLine} ({b.SignatureText} {b.Microarchitecture})");
                    }
                }
            }

            // Then
            Assert.True(clashes.Count == 0, string.Join("\n", clashes));
        }

        [Fact]
        public void Should_UseEveryHardwareProductLine_When_TheCatalogIsLoaded()
        {
            // Given: "virtual" names hypervisor models, which no CPUID signature identifies.
            var hardware = ProductLines.All.Where(l => l != ProductLines.Virtual);

            // When
            var missing = hardware.Where(l => !CpuCatalog.ProductLineNames.Contains(l)).Order(StringComparer.Ordinal).ToList();

            // Then
            Assert.True(missing.Count == 0, "product lines no catalog row names: " + string.Join(", ", missing));
        }

        [Fact]
        public void Should_KnowEveryModelTheKernelNames_When_TheCatalogIsLoaded()
        {
            // Given
            var path = Path.Combine(AppContext.BaseDirectory, "testdata/cpu/intel-family.tsv");
            var models = File.ReadAllLines(path, Encoding.UTF8)
                .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("family", StringComparison.Ordinal))
                .Select(l => l.Split('\t'))
                .ToList();

            // When
            var missing = models
                .Where(f => CpuCatalog.Find(CpuVendor.Intel, Hex(f[0]), Hex(f[1]), null).IsEmpty)
                .Select(f => $"{f[0]}_{f[1]} {f[2]}")
                .ToList();

            // Then
            Assert.True(models.Count >= 99, $"intel-family.tsv has {models.Count} models");
            Assert.True(missing.Count == 0, "kernel models not in the catalog: " + string.Join(", ", missing));
        }

        [Theory]
        [InlineData(0x17, "zen", "00-2F,50-5F")]
        [InlineData(0x17, "zen+", "08,18")]
        [InlineData(0x17, "zen2", "30-4F,60-7F,84,90-91,A0-AF")]
        [InlineData(0x19, "zen3", "00-0F,20-5F")]
        [InlineData(0x19, "zen4", "10-1F,60-AF")]
        [InlineData(0x1A, "zen5", "00-2F,40-4F,60-7F")]
        [InlineData(0x1A, "zen6", "50-5F,80-AF,C0-CF")]
        public void Should_CoverExactlyTheKernelsZenRanges_When_AnAmdFamilyIsLookedUp(int family, string march, string ranges)
        {
            // Given: arch/x86/kernel/cpu/amd.c bsp_init_amd() (Zen+ is the kernel's ZEN1 at 08 and 18; 17_84 is the 4800S
            // desktop kit, issue 10, outside the kernel's ranges)
            var expected = ExpandRanges(ranges);
            if (march == "zen")
            {
                expected.ExceptWith(ExpandRanges("08,18"));
            }

            // When
            var actual = Enumerable.Range(0, 256)
                .Where(m => CpuCatalog.Find(CpuVendor.Amd, family, m, null).Any(e => e.Microarchitecture == march))
                .ToHashSet();

            // Then
            Assert.Equal(expected.Order(), actual.Order());
        }
    }

    public sealed class Format
    {
        [Fact]
        public void Should_Throw_When_TwoRowsGiveOneSignatureTheSameMicroarchitecture()
        {
            // Given
            var text = Header
                + "intel\t06\t55\t0-4\tskylake\tskylake-sp\tserver\txeon-scalable:1\tx\n"
                + "intel\t06\t50-5F\t4\tskylake\tskylake-x\tdesktop\tcore:7\tx\n";

            // When
            var error = Assert.Throws<InvalidDataException>(() => CpuCatalogParser.Parse(text, "t.tsv"));

            // Then: the second row's line is named
            Assert.StartsWith("t.tsv:3:", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_AcceptTwoMicroarchitecturesForOneSignature_When_TheyAreDifferent()
        {
            // Given: 06_8E_9 is sold as Kaby Lake and as Amber Lake
            var text = Header
                + "intel\t06\t8E\t9\tkaby-lake\tkaby-lake\tmobile\tcore:7\tx\n"
                + "intel\t06\t8E\t9\tamber-lake\tamber-lake\tmobile\tcore:8\tx\n";

            // When
            var rows = CpuCatalogParser.Parse(text, "t.tsv");

            // Then
            Assert.Equal(["kaby-lake", "amber-lake"], rows.Select(r => r.Microarchitecture));
        }

        [Theory]
        [InlineData("arm\t06\t55\t*\tx\t\t\t\tsrc", "vendor")]
        [InlineData("intel\t6\t55\t*\tx\t\t\t\tsrc", "family")]
        [InlineData("intel\t06\t5e\t*\tx\t\t\t\tsrc", "model")]
        [InlineData("intel\t06\t5F-50\t*\tx\t\t\t\tsrc", "reversed")]
        [InlineData("intel\t06\t55\t16\tx\t\t\t\tsrc", "stepping")]
        [InlineData("intel\t06\t55\t0-4,4\tx\t\t\t\tsrc", "twice")]
        [InlineData("intel\t06\t55\t*\tSkylake\t\t\t\tsrc", "kebab")]
        [InlineData("intel\t06\t55\t*\tx\tskylake_sp\t\t\tsrc", "kebab")]
        [InlineData("intel\t06\t55\t*\tx\t\tcloud\t\tsrc", "segment")]
        [InlineData("intel\t06\t55\t*\tx\t\t\txeon-platinum\tsrc", "product line")]
        [InlineData("intel\t06\t55\t*\tx\t\t\tcore:0\tsrc", "generation")]
        [InlineData("intel\t06\t55\t*\tx\t\t\tcore:7|core:9\tsrc", "twice")]
        [InlineData("intel\t06\t55\t*\tx\t\t\t\t ", "source")]
        [InlineData("intel\t06\t55\t*\tx\t\t\t", "columns")]
        public void Should_ThrowNamingTheLine_When_ARowIsMalformed(string row, string what)
        {
            // Given
            var text = "# comment\n" + Header + row + "\n";

            // When
            var error = Assert.Throws<InvalidDataException>(() => CpuCatalogParser.Parse(text, "t.tsv"));

            // Then
            Assert.StartsWith("t.tsv:3:", error.Message, StringComparison.Ordinal);
            Assert.Contains(what, error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Throw_When_TheHeaderIsMissing()
        {
            // Given / When
            var error = Assert.Throws<InvalidDataException>(() => CpuCatalogParser.Parse("intel\t06\t55\t*\tx\t\t\t\tsrc\n", "t.tsv"));

            // Then
            Assert.StartsWith("t.tsv:1:", error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("*", "*", new[] { 0, 7, 15 })]
        [InlineData("0-4", "0-4", new[] { 0, 4 })]
        [InlineData("A-D", "A-D", new[] { 10, 13 })]
        [InlineData("10,11", "A-B", new[] { 10, 11 })]
        [InlineData("2,3,8,C-D", "2-3,8,C-D", new[] { 2, 3, 8, 12, 13 })]
        public void Should_ReadHexAndDecimalSteppings_When_TheNotationIsParsed(string notation, string written, int[] contained)
        {
            // Given
            var text = Header + $"intel\t06\t55\t{notation}\tx\t\t\t\tsrc\n";

            // When
            var steppings = CpuCatalogParser.Parse(text, "t.tsv")[0].Steppings;

            // Then
            Assert.Equal(written, steppings.ToString());
            Assert.All(contained, s => Assert.True(steppings.Contains(s), $"{notation} should contain {s}"));
        }

        [Fact]
        public void Should_KeepGenerationsAndBareLines_When_ProductLinesAreParsed()
        {
            // Given: 13th gen Core and Core parts without a generation (Core 7 150U) on one row
            var text = Header + "intel\t06\tBA\t*\traptor-lake\traptor-lake\tmobile\tcore:13|core|intel-processor|xeon-e3:5-6\tsrc\n";

            // When
            var lines = CpuCatalogParser.Parse(text, "t.tsv")[0].ProductLines;

            // Then
            Assert.Equal(["core:13|core", "intel-processor", "xeon-e3:5,6"], lines.Select(l => l.ToString()));
            Assert.True(lines[0].AlsoWithoutGeneration);
            Assert.False(lines[2].AlsoWithoutGeneration);
        }
    }

    public sealed class Lookup
    {
        [Theory]
        [InlineData("intel", 0x06, 0x0E, 8, "yonah", "yonah")]
        [InlineData("intel", 0x06, 0x08, 3, "p6", "coppermine")]
        [InlineData("intel", 0x0F, 0x02, 7, "netburst", "northwood")]
        [InlineData("intel", 0x0F, 0x04, 1, "netburst", "prescott")]
        [InlineData("intel", 0x06, 0xBE, 0, "gracemont", "alder-lake-n")]
        [InlineData("intel", 0x06, 0x4F, 1, "broadwell", "broadwell-e")]
        [InlineData("amd", 0x17, 0x84, 0, "zen2", "")]
        [InlineData("amd", 0x17, 0x31, 0, "zen2", "rome")]
        [InlineData("amd", 0x06, 0x0A, 0, "k7", "barton")]
        [InlineData("hygon", 0x18, 0x00, 1, "zen", "dhyana")]
        [InlineData("zhaoxin", 0x07, 0x3B, 1, "lujiazui", "lujiazui")]
        public void Should_FindTheMicroarchitectureAndCodename_When_ASignatureFromIssue10IsLookedUp(
            string vendor, int family, int model, int stepping, string march, string codename)
        {
            // Given
            var v = Enum.Parse<CpuVendor>(vendor, ignoreCase: true);

            // When
            var rows = CpuCatalog.Find(v, new CpuSignature(family, model, stepping));

            // Then: one microarchitecture, and (when the catalog records one) the codename among the row's
            var row = Assert.Single(rows);
            Assert.Equal(march, row.Microarchitecture);
            if (codename.Length > 0)
            {
                Assert.Contains(codename, row.Codenames);
            }
        }

        [Fact]
        public void Should_ReturnEveryRowOfTheModel_When_TheSteppingIsUnknown()
        {
            // Given / When
            var all = CpuCatalog.Find(CpuVendor.Intel, 0x06, 0x55, null);
            var stepping4 = CpuCatalog.Find(CpuVendor.Intel, 0x06, 0x55, 4);

            // Then
            Assert.Equal(["skylake", "skylake", "cascade-lake", "cooper-lake"], all.Select(e => e.Microarchitecture));
            Assert.Equal(["skylake-sp", "skylake-x", "skylake-w", "skylake-d"], Assert.Single(stepping4).Codenames);
        }

        [Theory]
        [InlineData(9, "kaby-lake,amber-lake")]
        [InlineData(10, "kaby-lake,coffee-lake,whiskey-lake")]
        [InlineData(11, "whiskey-lake")]
        [InlineData(12, "comet-lake,whiskey-lake,amber-lake")]
        public void Should_ListEveryMicroarchitecture_When_TheSteppingCannotDecide(int stepping, string marches)
        {
            // Given / When
            var rows = CpuCatalog.Find(CpuVendor.Intel, 0x06, 0x8E, stepping);

            // Then
            Assert.Equal(marches.Split(','), rows.Select(r => r.Microarchitecture));
        }

        [Theory]
        [InlineData("intel", 0x06, 0xFA, 1)]
        [InlineData("intel", 0x06, 0x55, 8)]
        [InlineData("intel", 0x04, 0x08, 0)]
        [InlineData("amd", 0x6F, 0x02, 0)]
        [InlineData("amd", 0x1A, 0x30, 0)]
        [InlineData("unknown", 0x06, 0x55, 4)]
        [InlineData("arm", 0x06, 0x55, 4)]
        public void Should_FindNothing_When_TheCatalogDoesNotKnowTheSignature(string vendor, int family, int model, int stepping)
        {
            // Given
            var v = Enum.Parse<CpuVendor>(vendor, ignoreCase: true);

            // When
            var rows = CpuCatalog.Find(v, family, model, stepping);

            // Then
            Assert.Empty(rows);
        }

        [Fact]
        public void Should_PairCodenamesWithMicroarchitectures_When_TheVocabularyIsQueried()
        {
            // Given / When / Then
            Assert.Equal(["gracemont"], CpuCatalog.MicroarchitecturesOf("alder-lake-n"));
            Assert.Equal(["tremont"], CpuCatalog.MicroarchitecturesOf("jasper-lake"));
            Assert.Equal(["goldmont"], CpuCatalog.MicroarchitecturesOf("apollo-lake"));
            Assert.Superset(new HashSet<string>(["apollo-lake", "denverton"], StringComparer.Ordinal), CpuCatalog.CodenamesOf("goldmont").ToHashSet(StringComparer.Ordinal));
            Assert.Empty(CpuCatalog.CodenamesOf("kabylake"));
            Assert.Empty(CpuCatalog.MicroarchitecturesOf("kabylake"));
            Assert.Equal([1, 2, 3, 4, 5], CpuCatalog.GenerationsOf(ProductLines.XeonScalable).Order());
        }
    }

    public sealed class Decoding
    {
        [Theory]
        [InlineData("intel", 6, 14, 8, "yonah", "yonah,sossaman")]
        [InlineData("intel", 6, 8, 3, "p6", "coppermine,cascades")]
        [InlineData("intel", 15, 2, 7, "netburst", "northwood,prestonia,gallatin")]
        [InlineData("intel", 6, 190, 0, "gracemont", "alder-lake-n,twin-lake")]
        [InlineData("intel", 6, 79, 1, "broadwell", "broadwell-ep,broadwell-ex,broadwell-e")]
        [InlineData("amd", 23, 132, 0, "zen2", "")]
        [InlineData("amd", 24, 0, 1, "zen", "dhyana")]
        [InlineData("via", 7, 59, 1, "lujiazui", "lujiazui")]
        public void Should_DecodeSignaturesTheOldTableDidNotKnow_When_TheCatalogKnowsThem(
            string vendor, int family, int model, int stepping, string march, string codenames)
        {
            // Given: AMD vendor with family 18h (a hypervisor's Hygon) and VIA's vendor id with a Zhaoxin signature
            var v = Enum.Parse<CpuVendor>(vendor, ignoreCase: true);

            // When
            var info = SignatureDecoder.Decode(v, new CpuSignature(family, model, stepping));

            // Then
            Assert.Equal(march, info.March);
            Assert.Equal(codenames.Length == 0 ? [] : codenames.Split(','), info.CodenameCandidates);
        }

        [Theory]
        [InlineData(6, 85, 4, "skylake-sp", "xeon-scalable", 1)]
        [InlineData(6, 85, 7, null, "xeon-scalable", 2)]
        [InlineData(6, 106, 6, "ice-lake-sp", "xeon-scalable", 3)]
        [InlineData(6, 79, 0, "broadwell-ep", "xeon-e5", 4)]
        [InlineData(6, 173, 1, null, "xeon-6", null)]
        [InlineData(6, 7, 3, null, "xeon", null)]
        public void Should_NameTheServerPlatformOnlyForXeonRows_When_ASignatureHasSeveralCodenames(
            int family, int model, int stepping, string? codename, string hiddenLine, int? hiddenGeneration)
        {
            // Given / When
            var info = SignatureDecoder.Decode(CpuVendor.Intel, new CpuSignature(family, model, stepping));

            // Then: 06_07 (Katmai or Tanner) is a Pentium III row: no platform is claimed for it
            Assert.Equal(codename, info.Codename);
            Assert.Equal(hiddenLine, info.HiddenXeonLine);
            Assert.Equal(hiddenGeneration, info.HiddenXeonGeneration);
        }

        [Theory]
        [InlineData(6, 85)]
        [InlineData(6, 142)]
        [InlineData(6, 158)]
        public void Should_StayUnknown_When_TheSteppingDecidesAndIsMissing(int family, int model)
        {
            // Given / When
            var info = SignatureDecoder.Decode(CpuVendor.Intel, new CpuSignature(family, model, null));

            // Then
            Assert.False(info.Known);
            Assert.Contains("without a stepping", info.Description, StringComparison.Ordinal);
        }
    }

    public sealed class Corpus
    {
        [Fact]
        public void Should_FindTheExpectedMicroarchitecture_When_ACorpusRowHasASignature()
        {
            // Given
            var rows = HardwareRows().Where(r => r.Microarchitecture.Length > 0).ToList();

            // When
            var misses = rows
                .Where(r => !RowsFor(r).Any(e => e.Microarchitecture == r.Microarchitecture))
                .Select(r => $"{r.Location} {r.Signature} {r.Brand.Trim()}: expected {r.Microarchitecture}, catalog has [{string.Join(", ", RowsFor(r).Select(e => e.Microarchitecture).Distinct())}]")
                .ToList();

            // Then
            Assert.True(rows.Count >= 1000, $"only {rows.Count} corpus rows with a signature and a microarchitecture");
            Assert.True(misses.Count == 0, $"{misses.Count} corpus rows:\n" + string.Join("\n", misses));
        }

        [Fact]
        public void Should_FindTheExpectedCodename_When_ACorpusRowHasASignatureAndACodename()
        {
            // Given
            var rows = HardwareRows().Where(r => r.Codename.Length > 0).ToList();

            // When
            var misses = rows
                .Where(r => !RowsFor(r).Any(e => e.Codenames.Contains(r.Codename)))
                .Select(r => $"{r.Location} {r.Signature} {r.Brand.Trim()}: expected {r.Codename}, catalog has [{string.Join(", ", RowsFor(r).SelectMany(e => e.Codenames).Distinct())}]")
                .ToList();

            // Then
            Assert.True(misses.Count == 0, $"{misses.Count} corpus rows:\n" + string.Join("\n", misses));
        }

        [Fact]
        public void Should_KnowEveryMicroarchitectureAndCodenameTheCorpusExpects_When_TheVocabularyIsChecked()
        {
            // Given: every row, with or without a signature (hypervisor models excepted: "Cascadelake" is QEMU's name)
            var rows = CpuCorpus.All.Values.Where(r => r.Virtual != "true" && r.Vendor != "arm").ToList();

            // When
            var marches = rows.Select(r => r.Microarchitecture).Where(m => m.Length > 0 && !CpuCatalog.Microarchitectures.Contains(m)).Distinct().ToList();
            var codenames = rows.Select(r => r.Codename).Where(c => c.Length > 0 && !CpuCatalog.Codenames.Contains(c)).Distinct().ToList();

            // Then
            Assert.True(marches.Count == 0, "microarchitectures the catalog does not know: " + string.Join(", ", marches));
            Assert.True(codenames.Count == 0, "codenames the catalog does not know: " + string.Join(", ", codenames));
        }

        [Fact]
        public void Should_KnowEveryNameIdentificationProduces_When_TheCorpusIsIdentified()
        {
            // Given: the brand parsers' own vocabulary, as it comes out on real strings
            var identities = CpuCorpus.All.Values
                .Select(r => CpuIdentifier.Identify(r.VendorId, r.Brand, r.Signature))
                .Where(id => !id.IsVirtual && id.Vendor is not (CpuVendor.Arm or CpuVendor.Unknown))
                .ToList();

            // When
            var marches = identities.Select(i => i.Microarchitecture).OfType<string>().Where(m => !CpuCatalog.Microarchitectures.Contains(m)).Distinct().ToList();
            var codenames = identities.Select(i => i.Codename).OfType<string>().Where(c => !CpuCatalog.Codenames.Contains(c)).Distinct().ToList();

            // Then
            Assert.True(marches.Count == 0, "microarchitectures identification produces that the catalog does not know: " + string.Join(", ", marches));
            Assert.True(codenames.Count == 0, "codenames identification produces that the catalog does not know: " + string.Join(", ", codenames));
        }

        [Fact]
        public void Should_ListTheExpectedProductLineGenerationAndSegment_When_ACorpusRowHasASignature()
        {
            // Given: rows whose catalog entries record product lines and segments
            var rows = HardwareRows().ToList();

            // When
            var misses = new List<string>();
            foreach (var row in rows)
            {
                var entries = RowsFor(row);
                if (entries.IsEmpty)
                {
                    continue;
                }

                if (row.ProductLine.Length > 0 && entries.Any(e => !e.ProductLines.IsEmpty))
                {
                    var lines = entries.SelectMany(e => e.ProductLines).Where(l => l.Line == row.ProductLine).ToList();
                    if (lines.Count == 0)
                    {
                        misses.Add($"{row.Location} {row.Signature} {row.Brand.Trim()}: product line {row.ProductLine} not in [{string.Join(", ", entries.SelectMany(e => e.ProductLines).Select(l => l.Line).Distinct())}]");
                    }
                    else if (row.Generation.Length > 0 && !lines.Any(l => l.Generations.Contains(int.Parse(row.Generation, CultureInfo.InvariantCulture))))
                    {
                        misses.Add($"{row.Location} {row.Signature} {row.Brand.Trim()}: {row.ProductLine} generation {row.Generation} not in [{string.Join(", ", lines)}]");
                    }
                }

                if (row.Segment.Length > 0 && row.Segment != "unknown" && entries.Any(e => !e.Segments.IsEmpty)
                    && !entries.SelectMany(e => e.Segments).Contains(Enum.Parse<MarketSegment>(row.Segment, ignoreCase: true)))
                {
                    misses.Add($"{row.Location} {row.Signature} {row.Brand.Trim()}: segment {row.Segment} not in [{string.Join(", ", entries.SelectMany(e => e.Segments).Distinct())}]");
                }
            }

            // Then
            Assert.True(misses.Count == 0, $"{misses.Count} corpus rows:\n" + string.Join("\n", misses));
        }
    }

    private static int Hex(string text) => int.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static HashSet<int> ExpandRanges(string ranges)
    {
        var set = new HashSet<int>();
        foreach (var part in ranges.Split(','))
        {
            var bounds = part.Split('-');
            var first = Hex(bounds[0]);
            var last = bounds.Length == 2 ? Hex(bounds[1]) : first;
            for (var m = first; m <= last; m++)
            {
                set.Add(m);
            }
        }

        return set;
    }
}
