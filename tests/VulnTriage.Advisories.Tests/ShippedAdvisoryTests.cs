using VulnTriage.Advisories.Yaml;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Matching;

namespace VulnTriage.Advisories.Tests;

/// <summary>One test per shipped advisory file, enumerated from the embedded resources (never hand-listed).</summary>
public sealed class ShippedAdvisoryTests
{
    public static TheoryData<string> ShippedFiles() => [.. AdvisoryCatalog.EmbeddedNames];

    public static TheoryData<string, int> ShippedExamples()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in AdvisoryCatalog.EmbeddedNames)
        {
            var advisory = AdvisoryYamlLoader.Load(AdvisoryCatalog.ReadEmbedded(name), name);
            for (var i = 0; i < advisory.Examples.Length; i++)
            {
                data.Add(name, i);
            }
        }

        return data;
    }

    [Fact]
    public void Should_Embed_Every_File_Under_Advisories_When_Built()
    {
        // Given: the repository's advisories folder, copied beside the tests
        var folder = Path.Combine(AppContext.BaseDirectory, "advisories");
        var onDisk = Directory.EnumerateFiles(folder, "*.yaml", SearchOption.AllDirectories)
            .Select(f => "advisories/" + Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

        // Then
        Assert.NotEmpty(onDisk);
        Assert.Equal(onDisk, AdvisoryCatalog.EmbeddedNames.ToArray());
    }

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void Should_Load_With_References_Examples_And_Guidance_When_Shipped(string name)
    {
        // When
        var advisory = AdvisoryYamlLoader.Load(AdvisoryCatalog.ReadEmbedded(name), name);

        // Then
        Assert.EndsWith($"/{advisory.Id}.yaml", name, StringComparison.Ordinal);
        Assert.NotEmpty(advisory.References);
        Assert.NotEmpty(advisory.Cves);
        Assert.Contains(advisory.Examples, e => e.Expect is Verdict.Affected or Verdict.NeedsConfirmation);
        Assert.Contains(advisory.Examples, e => e.Expect is Verdict.NotAffected);
        Assert.False(string.IsNullOrWhiteSpace(advisory.Summary.Ja));
        Assert.False(string.IsNullOrWhiteSpace(advisory.Remediation.Ja));
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "docs", "advisories", advisory.Id + ".md")), $"docs/advisories/{advisory.Id}.md is missing");
    }

    [Theory]
    [MemberData(nameof(ShippedExamples))]
    public void Should_Give_The_Expected_Verdict_When_Evaluating_An_Example(string name, int index)
    {
        // Given
        var advisory = AdvisoryYamlLoader.Load(AdvisoryCatalog.ReadEmbedded(name), name);
        var example = advisory.Examples[index];

        // When
        var finding = AdvisoryEvaluator.Evaluate(advisory, example.Host, example.Facts, new IdentificationCache());

        // Then
        var clauses = string.Join(", ", finding.Evidence.Select(e => e.Clause));
        Assert.True(example.Expect == finding.Verdict, $"{example.Name}: expected {example.Expect.ToWire()}, got {finding.Verdict.ToWire()} ({clauses}: {finding.Evidence[0].Kind} {string.Join("; ", finding.Evidence[0].Predicates.Select(x => $"{x.Predicate}={x.Value}:{x.Result}"))})");
        if (example.ExpectStage is { } stage)
        {
            Assert.Equal(stage, finding.Stage);
        }

        if (example.ExpectClause is { } clause)
        {
            Assert.Contains(finding.Evidence, e => e.Clause.EndsWith("/" + clause, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void Should_Pass_Every_Rule_Example_When_Verifying_A_Shipped_Advisory(string name)
    {
        // Given
        var advisory = AdvisoryYamlLoader.Load(AdvisoryCatalog.ReadEmbedded(name), name);

        // When
        var failures = AdvisoryVerifier.Verify(advisory, new IdentificationCache());

        // Then
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Select(f => $"{f.Where}: {f.Name}: expected {f.Expected}, got {f.Got}")));
        Assert.All(advisory.CpuRules, r => Assert.True(r.Examples.Match.Length > 0 && r.Examples.NoMatch.Length > 0, r.Id));
        Assert.All(advisory.FirmwareRules, r => Assert.True(r.Examples.Match.Length > 0 && r.Examples.NoMatch.Length > 0, r.Id));
    }

    [Fact]
    public void Should_Report_A_Rule_Example_That_Does_Not_Match_When_Verifying()
    {
        // Given: the Apollo Lake rule claims a Bay Trail Celeron matches it
        var text = AdvisoryCatalog.ReadEmbedded("advisories/intel/INTEL-SA-00086.yaml").Replace(
            "        - { vendor_id: GenuineIntel, model_name: \"Intel(R) Celeron(R) CPU N3450 @ 1.10GHz\", signature: \"6 92 9\" }",
            "        - { vendor_id: GenuineIntel, model_name: \"Intel(R) Celeron(R) CPU  J1900  @ 1.99GHz\", signature: \"6 55 8\" }",
            StringComparison.Ordinal);
        var advisory = AdvisoryYamlLoader.Load(text, "test.yaml");

        // When
        var failures = AdvisoryVerifier.Verify(advisory, new IdentificationCache());

        // Then
        var f = Assert.Single(failures);
        Assert.StartsWith("cpu/apollo-lake match[0]", f.Where, StringComparison.Ordinal);
        Assert.Equal("true", f.Expected);
        Assert.StartsWith("false", f.Got, StringComparison.Ordinal);
        Assert.Contains("cpu.codename", f.Got, StringComparison.Ordinal);
    }
}
