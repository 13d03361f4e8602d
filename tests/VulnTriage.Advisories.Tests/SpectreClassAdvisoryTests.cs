using VulnTriage.Advisories.Yaml;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Matching;

namespace VulnTriage.Advisories.Tests;

/// <summary>
/// The advisory format can express Spectre-class rules: CPUID family/model/stepping ranges and microarchitecture
/// lists. testdata/spectre/INTEL-SA-00088-SUBSET.yaml is a cut-down INTEL-SA-00088 (Meltdown only) kept as test
/// data, never shipped.
/// </summary>
public sealed class SpectreClassAdvisoryTests
{
    private const string FileName = "testdata/spectre/INTEL-SA-00088-SUBSET.yaml";

    private static readonly Lazy<Advisory> Subset = new(() =>
        AdvisoryYamlLoader.Load(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, FileName)), FileName));

    public static TheoryData<int> Examples()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Subset.Value.Examples.Length; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Fact]
    public void Should_Load_Signature_Ranges_And_Microarchitecture_Lists_When_Reading_The_Subset()
    {
        // When
        var advisory = Subset.Value;

        // Then
        var server = Assert.Single(advisory.CpuRules, r => r.Id == "skylake-sp-before-cascade-lake");
        var signature = Assert.Single(Assert.Single(server.When.Leaves().OfType<CpuSignaturePredicate>()).Signatures);
        Assert.Equal(6, signature.Family);
        Assert.NotNull(signature.Models);
        Assert.True(signature.Models.Contains(0x55));
        Assert.NotNull(signature.Steppings);
        Assert.True(signature.Steppings.Contains(4));
        Assert.False(signature.Steppings.Contains(5));

        var client = Assert.Single(advisory.CpuRules, r => r.Id == "client-skylake-to-coffee-lake");
        Assert.Equal(3, Assert.Single(client.When.Leaves().OfType<CpuSignaturePredicate>()).Signatures.Length);

        var older = Assert.Single(advisory.CpuRules, r => r.Id == "nehalem-to-broadwell");
        Assert.Contains("haswell", Assert.Single(older.When.Leaves().OfType<CpuPropertyPredicate>()).Values);
        Assert.Empty(older.When.Leaves().OfType<CpuSignaturePredicate>());
    }

    [Fact]
    public void Should_Cover_Both_Sides_Of_A_Stepping_Line_When_Listing_Examples()
    {
        // Given
        var examples = Subset.Value.Examples;

        // Then: the same model (0x55, 0x9E) appears on both sides of the fix, so the stepping range is exercised
        Assert.Contains(examples, e => e.Host.Processors.Any(p => p.Signature is { Model: 0x55, Stepping: 4 }) && e.Expect == Verdict.NeedsConfirmation);
        Assert.Contains(examples, e => e.Host.Processors.Any(p => p.Signature is { Model: 0x55, Stepping: 7 }) && e.Expect == Verdict.NotAffected);
        Assert.Contains(examples, e => e.Host.Processors.Any(p => p.Signature is { Model: 0x9E, Stepping: 10 }) && e.Expect == Verdict.NeedsConfirmation);
        Assert.Contains(examples, e => e.Host.Processors.Any(p => p.Signature is { Model: 0x9E, Stepping: 12 }) && e.Expect == Verdict.NotAffected);
        Assert.Contains(examples, e => e.Expect == Verdict.Unknown);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Should_Give_The_Expected_Verdict_When_Evaluating_A_Spectre_Class_Example(int index)
    {
        // Given
        var advisory = Subset.Value;
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
}
