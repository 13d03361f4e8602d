using VulnTriage.Advisories.Yaml;
using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Advisories.Tests;

/// <summary>The published JSON Schema (docs/advisory.schema.json) agrees with the strict loader on the shipped files and on broken ones.</summary>
public sealed class AdvisorySchemaTests
{
    private static string Shipped => AdvisoryCatalog.ReadEmbedded("advisories/intel/INTEL-SA-00086.yaml");

    public static TheoryData<string> ShippedFiles() => [.. AdvisoryCatalog.EmbeddedNames];

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void Should_Conform_When_A_Shipped_Advisory_Is_Checked(string name)
    {
        // When
        var problems = AdvisorySchema.Check(AdvisoryCatalog.ReadEmbedded(name), name);

        // Then
        Assert.True(problems.Count == 0, string.Join("\n", problems.Select(p => p.ToString())));
    }

    [Fact]
    public void Should_Conform_When_The_Test_Advisory_With_Microcode_And_Kernel_Rules_Is_Checked()
    {
        // Given
        var path = Path.Combine(AppContext.BaseDirectory, "testdata", "spectre", "INTEL-SA-00088-SUBSET.yaml");

        // When
        var problems = AdvisorySchema.Check(File.ReadAllText(path), path);

        // Then
        Assert.True(problems.Count == 0, string.Join("\n", problems.Select(p => p.ToString())));
    }

    [Theory]
    [InlineData("- cpu.microarchitecture: [skylake, kaby-lake, coffee-lake]", "- cpu.microarchitectures: [skylake, kaby-lake, coffee-lake]")]
    [InlineData("    scope: listed\n", "    scope: listd\n")]
    [InlineData("verdict: affected", "verdict: broken")]
    [InlineData("      no_match:\n        - { name: \"Avoton", "      nomatch:\n        - { name: \"Avoton")]
    public void Should_Fail_At_The_Line_When_A_File_Breaks_The_Schema(string good, string bad)
    {
        // Given
        Assert.Contains(good, Shipped, StringComparison.Ordinal);
        var text = Shipped.Replace(good, bad, StringComparison.Ordinal);
        var line = text.Split('\n').Select((l, i) => (l, i)).First(x => x.l.Contains(bad.Split('\n')[0].Trim(), StringComparison.Ordinal)).i + 1;

        // When
        var problems = AdvisorySchema.Check(text, "test.yaml");

        // Then
        Assert.NotEmpty(problems);
        Assert.All(problems, p => Assert.Equal(DiagnosticCodes.AdvisorySchema, p.Code));
        Assert.Contains(problems, p => Math.Abs(p.Location.Line - line) <= 2);
    }

    [Fact]
    public void Should_Be_The_File_Published_In_Docs_When_Embedded()
    {
        // Given: docs/advisory.schema.json is copied beside the tests
        var published = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "advisory.schema.json"));

        // Then
        Assert.Equal(published, AdvisorySchema.Text);
    }
}
