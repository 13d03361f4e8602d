using VulnTriage.Advisories.Nvd;
using VulnTriage.Advisories.Yaml;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;

namespace VulnTriage.Advisories.Tests.Nvd;

/// <summary>
/// The format additions drafts use (docs/advisory-format.md): <c>cpu.cpe</c> criteria are checked as CPE 2.3 names,
/// <c>source</c> is read strictly, and a draft's hosts that must not match may expect <c>unknown</c>.
/// </summary>
public sealed class DraftFormatTests
{
    private static string Zenbleed => NvdDraftBuilder.Build(SharedRecords.Read("CVE-2023-20593"), new IdentificationCache()).Yaml;

    private static InputException LoadFails(string text) =>
        Assert.Throws<InputException>(() => AdvisoryYamlLoader.Load(text, "draft.yaml"));

    private static int LineOf(string text, string fragment) => text[..text.IndexOf(fragment, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    [Fact]
    public void Should_Name_The_Line_When_A_Cpu_Cpe_Criterion_Is_Not_A_Cpe_Name()
    {
        // Given
        var text = Zenbleed.Replace("\"cpe:2.3:h:amd:epyc_7502:-:*:*:*:*:*:*:*\"", "\"cpe:2.3:h:amd:epyc 7502:-:*:*:*:*:*:*:*\"", StringComparison.Ordinal);

        // When
        var d = Assert.Single(LoadFails(text).Diagnostics);

        // Then
        Assert.Equal(DiagnosticCodes.AdvisoryBadValue, d.Code);
        Assert.Equal(LineOf(text, "epyc 7502"), d.Location.Line);
        Assert.Contains("not a CPE 2.3 name", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Refuse_Software_Cpes_When_Reading_Cpu_Cpe()
    {
        var text = Zenbleed.Replace("\"cpe:2.3:h:amd:epyc_7502:-:*:*:*:*:*:*:*\"", "\"cpe:2.3:o:amd:epyc_7502_firmware:-:*:*:*:*:*:*:*\"", StringComparison.Ordinal);
        var d = Assert.Single(LoadFails(text).Diagnostics);
        Assert.Contains("hardware CPEs", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Read_A_Version_Range_When_A_Criterion_Is_A_Mapping()
    {
        // Given
        var text = Zenbleed.Replace("- \"cpe:2.3:h:amd:epyc_7502:-:*:*:*:*:*:*:*\"",
            "- { criteria: \"cpe:2.3:h:amd:epyc_7502:*:*:*:*:*:*:*:*\", start_including: \"1.0\", end_excluding: \"2.0\" }", StringComparison.Ordinal);

        // When
        var advisory = AdvisoryYamlLoader.Load(text, "draft.yaml");

        // Then
        var predicate = Assert.IsType<CpuCpePredicate>(advisory.CpuRules[0].When);
        var ranged = Assert.Single(predicate.Criteria, c => c.Range is not null);
        Assert.Equal("1.0", ranged.Range!.StartIncluding);
        Assert.Equal("2.0", ranged.Range.EndExcluding);
        Assert.Empty(AdvisorySchema.Check(text, "draft.yaml"));
    }

    [Fact]
    public void Should_Report_An_Unknown_Key_When_Source_Has_One()
    {
        var text = Zenbleed.Replace("  feed: nvd\n", "  feed: nvd\n  feeed: nvd\n", StringComparison.Ordinal);
        var d = Assert.Single(LoadFails(text).Diagnostics);
        Assert.Equal(DiagnosticCodes.AdvisoryUnknownKey, d.Code);
        Assert.Equal(LineOf(text, "feeed"), d.Location.Line);
    }

    [Fact]
    public void Should_Require_A_Host_That_Must_Not_Match_When_A_Draft_Lists_Processors()
    {
        // Given: the draft without its "unknown" example
        var text = Zenbleed;
        text = text[..text.LastIndexOf("  - name:", StringComparison.Ordinal)];

        // When
        var d = Assert.Single(LoadFails(text).Diagnostics);

        // Then
        Assert.Equal(DiagnosticCodes.AdvisoryMissingKey, d.Code);
        Assert.Contains("must not (unknown or not_affected)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Still_Require_A_Not_Affected_Example_When_An_Advisory_Is_Curated()
    {
        // Given: the same file, not marked draft: "unknown" is not a host that must not match
        var text = Zenbleed.Replace("status: draft\n", "", StringComparison.Ordinal);

        // When
        var d = Assert.Single(LoadFails(text).Diagnostics);

        // Then
        Assert.Contains("not_affected", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Keep_The_Source_When_Loading_A_Draft()
    {
        var advisory = AdvisoryYamlLoader.Load(Zenbleed, "draft.yaml");
        Assert.Equal(new AdvisorySource("nvd", "CVE-2023-20593", "2023-09-25T18:15:10.333", "Modified", 71, 69, advisory.Source!.Unmapped), advisory.Source);
    }
}
