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
        Assert.True(example.Expect == finding.Verdict, $"{example.Name}: expected {example.Expect.ToWire()}, got {finding.Verdict.ToWire()} ({clauses}: {finding.Evidence[0].Reason.En})");
        if (example.ExpectStage is { } stage)
        {
            Assert.Equal(stage, finding.Stage);
        }

        if (example.ExpectClause is { } clause)
        {
            Assert.Contains(finding.Evidence, e => e.Clause.EndsWith("/" + clause, StringComparison.Ordinal));
        }
    }
}
