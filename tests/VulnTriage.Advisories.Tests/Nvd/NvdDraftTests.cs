using System.Collections.Immutable;
using VulnTriage.Advisories.Nvd;
using VulnTriage.Advisories.Yaml;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Cpe;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Versions;

namespace VulnTriage.Advisories.Tests.Nvd;

/// <summary>
/// Drafts built from the real NVD records of ../shared/data/nvd: every one loads strictly, matches the published schema
/// and passes its own examples; and the verdicts the issue names (issue 12, "Done when") hold. Brand strings and
/// signatures are rows of tests/VulnTriage.Core.Tests/testdata/cpu/corpus.tsv.
/// </summary>
public sealed class NvdDraftTests
{
    private static readonly IdentificationCache Cache = new();

    private static readonly Dictionary<string, Advisory> Drafts = [];

    private static Advisory Draft(string cve)
    {
        lock (Drafts)
        {
            if (!Drafts.TryGetValue(cve, out var advisory))
            {
                var draft = NvdDraftBuilder.Build(SharedRecords.Read(cve), Cache);
                advisory = AdvisoryYamlLoader.Load(draft.Yaml, cve + ".yaml");
                Drafts[cve] = advisory;
            }

            return advisory;
        }
    }

    private static Host Host(string vendorId, string brand, string signature, CloudProvider cloud = CloudProvider.None)
    {
        var n = signature.Split(' ').Select(int.Parse).ToArray();
        return new Host("h1", "db01.example.com", null, HostStatus.Working, false, [],
            cloud == CloudProvider.None ? null : new CloudInfo(cloud, "ec2", null, "meta.cloud.provider"),
            [new ProcessorFact(vendorId, brand, new CpuSignature(n[0], n[1], n[2]), 8, 1)], "Linux", null);
    }

    private static Finding Evaluate(string cve, Host host, HostFacts? facts = null)
    {
        lock (Cache)
        {
            return AdvisoryEvaluator.Evaluate(Draft(cve), host, facts ?? HostFacts.None, Cache);
        }
    }

    public static TheoryData<string> Records() => [.. SharedRecords.All];

    [Theory]
    [MemberData(nameof(Records))]
    public void Should_Load_Strictly_Match_The_Schema_And_Pass_Its_Examples_When_Drafting_A_Shared_Record(string cve)
    {
        // Given
        var draft = NvdDraftBuilder.Build(SharedRecords.Read(cve), new IdentificationCache());

        // When
        var advisory = AdvisoryYamlLoader.Load(draft.Yaml, cve + ".yaml");

        // Then
        Assert.Empty(AdvisorySchema.Check(draft.Yaml, cve + ".yaml"));
        Assert.Equal(cve, advisory.Id);
        Assert.Equal(AdvisoryStatus.Draft, advisory.Status);
        Assert.Equal("nvd", advisory.Source!.Feed);
        Assert.Equal(OutsidePolicy.Unknown, advisory.Policy.Outside);
        Assert.Empty(AdvisoryVerifier.Verify(advisory, new IdentificationCache()));
        Assert.All(advisory.CpuRules, r => Assert.False(r.Examples.Match.IsEmpty || r.Examples.NoMatch.IsEmpty));
    }

    [Theory]
    [InlineData("AuthenticAMD", "AMD EPYC 7502 32-Core Processor", "23 49 0", "cpe:2.3:h:amd:epyc_7502:-:*:*:*:*:*:*:*")]
    [InlineData("AuthenticAMD", "AMD Ryzen 7 3700X 8-Core Processor", "23 113 0", "cpe:2.3:h:amd:ryzen_7_3700x:-:*:*:*:*:*:*:*")]
    public void Should_Flag_Zen_2_Parts_With_The_Cpe_Match_As_Evidence_When_Triaging_Zenbleed(string vendorId, string brand, string signature, string cpe)
    {
        // When
        var finding = Evaluate("CVE-2023-20593", Host(vendorId, brand, signature));

        // Then
        Assert.Equal(Verdict.NeedsConfirmation, finding.Verdict);
        Assert.Equal(Stage.Cpu, finding.Stage);
        var evidence = finding.Evidence[0];
        Assert.Equal(EvidenceKind.CandidateCpu, evidence.Kind);
        Assert.Equal("CVE-2023-20593#cpu/nvd-processor-firmware", evidence.Clause);
        var predicate = Assert.Single(evidence.Predicates);
        Assert.Equal("cpu.cpe", predicate.Predicate);
        Assert.Equal(cpe, predicate.Expected);
        Assert.Equal(Truth.True, predicate.Result);
    }

    [Theory]
    [InlineData("AuthenticAMD", "AMD EPYC 7763 64-Core Processor", "25 1 1")] // Zen 3
    [InlineData("GenuineIntel", "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "6 85 7")]
    [InlineData("GenuineIntel", "12th Gen Intel(R) Core(TM) i7-12700", "6 151 2")]
    [InlineData("GenuineIntel", "Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz", "6 158 10")]
    public void Should_Not_Flag_And_Never_Call_Unaffected_When_Nvd_Does_Not_List_The_Processor_For_Zenbleed(string vendorId, string brand, string signature)
    {
        // When
        var finding = Evaluate("CVE-2023-20593", Host(vendorId, brand, signature));

        // Then: unknown, naming how many processors NVD lists and which revision of the record was read
        Assert.Equal(Verdict.Unknown, finding.Verdict);
        var evidence = Assert.Single(finding.Evidence);
        Assert.Equal(EvidenceKind.NotListed, evidence.Kind);
        Assert.Equal("CVE-2023-20593#cpu/not-listed", evidence.Clause);
        Assert.Equal("69", evidence.Detail);
        Assert.Contains(evidence.Facts, f => f is { Name: "source.revision", Value: "2023-09-25T18:15:10.333" });
        Assert.Contains(evidence.Facts, f => f is { Name: "source.record", Value: "CVE-2023-20593", Source: "nvd" });
        Assert.Equal(ActionKind.ReadVendorAdvisory, finding.Action.Kind);
    }

    [Fact]
    public void Should_Flag_Cascade_Lake_And_Not_Alder_Lake_When_Triaging_Downfall()
    {
        // When
        var gold = Evaluate("CVE-2022-40982", Host("GenuineIntel", "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "6 85 7"));
        var alder = Evaluate("CVE-2022-40982", Host("GenuineIntel", "12th Gen Intel(R) Core(TM) i7-12700", "6 151 2"));

        // Then
        Assert.Equal(Verdict.NeedsConfirmation, gold.Verdict);
        Assert.Equal("cpe:2.3:h:intel:xeon_gold_6248:-:*:*:*:*:*:*:*", gold.Evidence[0].Predicates.Single().Expected);
        Assert.Equal(Verdict.Unknown, alder.Verdict);
        Assert.Equal("518", alder.Evidence[0].Detail);
    }

    [Theory]
    [InlineData("11.0.18.1002", Verdict.Affected, "nvd-me-1")] // Intel's user guide example: 11.0.18.1002, SVN 1, vulnerable (shared/docs/reference/intel-sa-00086.md §2)
    [InlineData("11.6.12.3202", Verdict.Affected, "nvd-me-3")] // an SA-00075 build on the 11.6 branch
    [InlineData("11.8.50.3425", Verdict.Fixed, "nvd-me-11-not-listed")] // HP's SA-00086 fix (§2)
    [InlineData("11.21.50.1424", Verdict.Fixed, "nvd-me-11-not-listed")]
    [InlineData("12.0.35.1427", Verdict.Unknown, "no-rule")] // CSME 12: a line the record does not cover is not judged
    public void Should_Decide_By_The_Firmware_Version_When_Triaging_Cve_2017_5705(string version, Verdict expected, string clause)
    {
        // Given
        var facts = new HostFacts([new FirmwareFact(FirmwareKind.Me, FirmwareVersion.Parse(version), null, "facts/db01.json")], "facts/db01.json", []);

        // When
        var finding = Evaluate("CVE-2017-5705", Host("GenuineIntel", "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz", "6 94 3"), facts);

        // Then
        Assert.Equal(expected, finding.Verdict);
        Assert.Equal(Stage.Firmware, finding.Stage);
        Assert.EndsWith("/" + clause, finding.Evidence[0].Clause, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Ask_For_The_Firmware_Version_When_An_Intel_Host_Has_No_Firmware_Fact_For_Cve_2017_5705()
    {
        var finding = Evaluate("CVE-2017-5705", Host("GenuineIntel", "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz", "6 94 3"));
        Assert.Equal(Verdict.NeedsConfirmation, finding.Verdict);
        Assert.Equal(ActionKind.ConfirmFirmware, finding.Action.Kind);
    }

    [Theory]
    [InlineData("CVE-2023-23583")]
    [InlineData("CVE-2023-20569")]
    [InlineData("CVE-2024-36350")]
    public void Should_Give_Unknown_To_Every_Host_When_The_Record_Awaits_Analysis(string cve)
    {
        // Given: an Intel host, an AMD host, and a cloud instance
        Host[] hosts =
        [
            Host("GenuineIntel", "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "6 85 7"),
            Host("AuthenticAMD", "AMD EPYC 7502 32-Core Processor", "23 49 0"),
            Host("GenuineIntel", "Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz", "6 106 6", CloudProvider.Aws),
        ];

        // When
        var findings = hosts.Select(h => Evaluate(cve, h)).ToList();

        // Then
        Assert.All(findings, f =>
        {
            Assert.Equal(Verdict.Unknown, f.Verdict);
            var evidence = Assert.Single(f.Evidence);
            Assert.Equal(EvidenceKind.SourceNotAnalysed, evidence.Kind);
            Assert.Equal("Awaiting Analysis", evidence.Subject);
            Assert.Equal(cve + "#source/nvd", evidence.Clause);
        });
    }

    [Fact]
    public void Should_List_And_Warn_About_What_It_Cannot_Map_When_Drafting_Zenbleed()
    {
        // When
        var draft = NvdDraftBuilder.Build(SharedRecords.Read("CVE-2023-20593"), new IdentificationCache());
        var advisory = AdvisoryYamlLoader.Load(draft.Yaml, "CVE-2023-20593.yaml");

        // Then: Xen (configuration 1) and Debian (configuration 2) are software, listed with the reason, never dropped
        var unmapped = advisory.Source!.Unmapped;
        Assert.Equal(7, unmapped.Length);
        Assert.All(unmapped, u => Assert.Equal("software", u.Reason));
        Assert.Contains(unmapped, u => u is { Location: "configurations[0]", Criteria: "cpe:2.3:o:xen:xen:4.14.0:*:*:*:*:*:x86:*" });
        Assert.Contains(unmapped, u => u is { Location: "configurations[1]", Criteria: "cpe:2.3:o:debian:debian_linux:12.0:*:*:*:*:*:*:*" });
        var warning = Assert.Single(draft.Diagnostics);
        Assert.Equal(NvdDiagnosticCodes.Unmapped, warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(69, advisory.Source.Processors);
        Assert.Equal(71, advisory.Source.Configurations);
    }

    [Fact]
    public void Should_Not_Call_An_Unlisted_Firmware_Version_Fixed_When_Part_Of_The_Record_Could_Not_Be_Mapped()
    {
        // Given: CVE-2017-5711 lists ME ranges, AMT firmware without a version and ASUS/Siemens boards (unmapped)
        var facts = new HostFacts([new FirmwareFact(FirmwareKind.Me, FirmwareVersion.Parse("11.8.50.3425"), null, "facts/db01.json")], "facts/db01.json", []);

        // When
        var finding = Evaluate("CVE-2017-5711", Host("GenuineIntel", "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz", "6 94 3"), facts);
        var ranged = Evaluate("CVE-2017-5711", Host("GenuineIntel", "Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz", "6 60 3"),
            new HostFacts([new FirmwareFact(FirmwareKind.Me, FirmwareVersion.Parse("9.1.41.3024"), null, "f")], "f", []));

        // Then: an unread alternative could still cover it — unknown, not fixed; a version in a listed range is affected
        Assert.Equal(Verdict.Unknown, finding.Verdict);
        Assert.Equal(Verdict.Affected, ranged.Verdict);
        Assert.DoesNotContain(Draft("CVE-2017-5711").FirmwareRules, r => r.Verdict == Verdict.Fixed);
    }

    [Fact]
    public void Should_Keep_And_Or_And_Negate_When_A_Configuration_Combines_Processor_Nodes()
    {
        // Given: a configuration "EPYC 7502 or 7502P, and not 7502P" — real CPE strings of CVE-2023-20593 in a synthetic tree
        const string json = """
            {"id":"CVE-2099-0100","lastModified":"2099-01-01T00:00:00.000","vulnStatus":"Analyzed","published":"2099-01-01T00:00:00.000",
             "descriptions":[{"lang":"en","value":"Synthetic record to exercise AND, OR and negate."}],
             "configurations":[{"operator":"AND","nodes":[
               {"operator":"OR","negate":false,"cpeMatch":[
                 {"vulnerable":true,"criteria":"cpe:2.3:h:amd:epyc_7502:-:*:*:*:*:*:*:*"},
                 {"vulnerable":true,"criteria":"cpe:2.3:h:amd:epyc_7502p:-:*:*:*:*:*:*:*"}]},
               {"operator":"OR","negate":true,"cpeMatch":[
                 {"vulnerable":false,"criteria":"cpe:2.3:h:amd:epyc_7502p:-:*:*:*:*:*:*:*"}]}]}]}
            """;
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        var record = Assert.Single(NvdFeedReader.Read(stream, "synthetic.json", _ => { }, TestContext.Current.CancellationToken));

        // When
        var draft = NvdDraftBuilder.Build(record, new IdentificationCache());
        var advisory = AdvisoryYamlLoader.Load(draft.Yaml, "synthetic.yaml");

        // Then
        var rule = Assert.Single(advisory.CpuRules);
        var all = Assert.IsType<AllOf>(rule.When);
        Assert.IsType<CpuCpePredicate>(all.Items[0]);
        Assert.IsType<NotOf>(all.Items[1]);
        Assert.Empty(AdvisoryVerifier.Verify(advisory, new IdentificationCache()));
        lock (Cache)
        {
            var plain = AdvisoryEvaluator.Evaluate(advisory, Host("AuthenticAMD", "AMD EPYC 7502 32-Core Processor", "23 49 0"), HostFacts.None, Cache);
            var p = AdvisoryEvaluator.Evaluate(advisory, Host("AuthenticAMD", "AMD EPYC 7502P 32-Core Processor", "23 49 0"), HostFacts.None, Cache);
            Assert.Equal(Verdict.NeedsConfirmation, plain.Verdict);
            Assert.Equal(Verdict.Unknown, p.Verdict);
        }
    }

    [Fact]
    public void Should_Escape_Hostile_Text_When_Writing_A_Draft()
    {
        // Given: a description with quotes, a line break, a YAML document marker and a right-to-left override
        const string json = """
            {"id":"CVE-2099-0101","descriptions":[{"lang":"en","value":"Evil \"quote\"\n--- !!python/object:os.system\n\u202eknil"}],"configurations":[]}
            """;
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        var record = Assert.Single(NvdFeedReader.Read(stream, "evil.json", _ => { }, TestContext.Current.CancellationToken));

        // When
        var draft = NvdDraftBuilder.Build(record, new IdentificationCache());
        var advisory = AdvisoryYamlLoader.Load(draft.Yaml, "evil.yaml");

        // Then: one document, the text as data
        Assert.Contains("!!python/object", advisory.Cves[0].Description.En, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202e', draft.Yaml);
    }

    [Fact]
    public void Should_Name_The_Same_Criteria_The_Record_Lists_When_Merging_Configurations()
    {
        // Given
        var record = SharedRecords.Read("CVE-2023-20593");
        var listed = record.Configurations.SelectMany(c => c.Nodes).SelectMany(n => n.CpeMatch)
            .Where(m => m.Criteria.StartsWith("cpe:2.3:h:", StringComparison.Ordinal)).Select(m => m.Criteria).ToImmutableHashSet();

        // When
        var rule = Assert.Single(Draft("CVE-2023-20593").CpuRules);

        // Then
        var predicate = Assert.IsType<CpuCpePredicate>(rule.When);
        Assert.Equal(listed, predicate.Criteria.Select(c => c.Criteria.ToString()).ToImmutableHashSet());
        Assert.All(predicate.Criteria, c => Assert.Equal(CpeValueKind.NotApplicable, c.Criteria.Version.Kind));
    }

    [Fact]
    public void Should_Rule_Out_Other_Vendors_Only_When_A_Reviewer_Enables_The_Suggested_Rule()
    {
        // Given: the Zenbleed draft with its commented "other-vendors" rule enabled, as a reviewer would
        var yaml = NvdDraftBuilder.Build(SharedRecords.Read("CVE-2023-20593"), new IdentificationCache()).Yaml;
        var start = yaml.IndexOf("  # - id: other-vendors", StringComparison.Ordinal);
        Assert.True(start > 0);
        var lines = yaml[start..].Split('\n').Take(5).ToList();
        var enabled = yaml.Replace(string.Join('\n', lines), string.Join('\n', lines.Select(l => "  " + l["  # ".Length..])), StringComparison.Ordinal);

        // When
        var advisory = AdvisoryYamlLoader.Load(enabled, "reviewed.yaml");
        var intel = AdvisoryEvaluator.Evaluate(advisory, Host("GenuineIntel", "12th Gen Intel(R) Core(TM) i7-12700", "6 151 2"), HostFacts.None, new IdentificationCache());
        var zen3 = AdvisoryEvaluator.Evaluate(advisory, Host("AuthenticAMD", "AMD EPYC 7763 64-Core Processor", "25 1 1"), HostFacts.None, new IdentificationCache());

        // Then: the person's rule, named in the evidence, rules Intel out; an unlisted AMD part stays unknown
        Assert.Empty(AdvisoryVerifier.Verify(advisory, new IdentificationCache()));
        Assert.Equal(Verdict.NotAffected, intel.Verdict);
        Assert.Equal("CVE-2023-20593#cpu/other-vendors", intel.Evidence[0].Clause);
        Assert.Equal(Verdict.Unknown, zen3.Verdict);
    }
}
