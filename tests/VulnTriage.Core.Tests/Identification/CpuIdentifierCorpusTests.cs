using System.Globalization;
using VulnTriage.Core.Identification;

namespace VulnTriage.Core.Tests.Identification;

public sealed class CpuIdentifierCorpusTests
{
    public static TheoryData<string, string> Rows()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in CpuCorpus.All.Values)
        {
            data.Add(row.Location, row.Brand.Length > 60 ? row.Brand[..60] : row.Brand);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Should_MatchCorpusExpectations_When_IdentifyingRealBrandStrings(string location, string brand)
    {
        // Given
        var row = CpuCorpus.All[location];
        _ = brand; // shown in the test name only

        // When
        var id = CpuIdentifier.Identify(row.VendorId, row.Brand, row.Signature);

        // Then
        var errors = new List<string>();
        void Check(string column, string expected, string? actual)
        {
            if (expected.Length > 0 && !string.Equals(expected, actual ?? "", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{column}: expected '{expected}', got '{actual}'");
            }
        }

        Check("vendor", row.Vendor, id.Vendor.ToString());
        Check("product_line", row.ProductLine, id.ProductLine);
        if (row.ModelNumber.Length > 0 && !string.Equals(row.ModelNumber, id.ModelNumber, StringComparison.Ordinal))
        {
            errors.Add($"model_number: expected '{row.ModelNumber}', got '{id.ModelNumber}'");
        }

        Check("generation", row.Generation, id.Generation?.ToString(CultureInfo.InvariantCulture));
        Check("microarchitecture", row.Microarchitecture, id.Microarchitecture);
        Check("codename", row.Codename, id.Codename);
        Check("segment", row.Segment, id.Segment.ToString());
        Check("virtual", row.Virtual, id.IsVirtual ? "true" : "false");
        if (row.Confidence.Length > 0)
        {
            var floor = Enum.Parse<IdentificationConfidence>(row.Confidence, ignoreCase: true);
            if (floor == IdentificationConfidence.Unknown ? id.Confidence != IdentificationConfidence.Unknown : id.Confidence < floor)
            {
                errors.Add($"confidence: expected {(floor == IdentificationConfidence.Unknown ? "==" : ">=")} {floor}, got {id.Confidence}");
            }
        }

        if (string.IsNullOrWhiteSpace(id.Reason))
        {
            errors.Add("reason is empty");
        }

        Assert.True(errors.Count == 0,
            $"{location} [{row.Brand}] ({row.Source}): {string.Join("; ", errors)}\n  reason: {id.Reason}");
    }

    [Fact]
    public void Should_HoldEnoughRealRows_When_CorpusIsLoaded()
    {
        // Given
        var rows = CpuCorpus.All.Values.ToList();

        // When
        var withSource = rows.Count(r => r.Source.Trim().Length > 0);

        // Then
        Assert.True(rows.Count >= 400, $"corpus has {rows.Count} rows");
        Assert.Equal(rows.Count, withSource);
    }

    [Fact]
    public void Should_HoldAThousandCapturedBrandStringsWithSignatures_When_CorpusIsLoaded()
    {
        // Given: the issue's acceptance criterion — at least 1,000 real brand strings with signatures from captures
        var rows = CpuCorpus.All.Values.Where(r => r.IsReal).ToList();

        // When
        var captured = rows.Where(r => r.HasCapturedSignature && r.Brand.Trim().Length > 0).ToList();
        var brands = captured.Select(r => r.Brand).Distinct(StringComparer.Ordinal).Count();
        var vendors = captured.Select(r => r.VendorId).Where(v => v is not null).Distinct(StringComparer.Ordinal).Count();

        // Then
        Assert.True(captured.Count >= 1000, $"only {captured.Count} real rows carry a brand string and a captured signature");
        Assert.True(brands >= 1000, $"only {brands} distinct real brand strings carry a captured signature");
        Assert.True(vendors >= 5, $"captured rows cover only {vendors} CPUID vendor ids");
    }

    [Fact]
    public void Should_KeepUnverifiedBrandStringsOutOfTheRealCorpus_When_CorpusIsLoaded()
    {
        // Given: corpus.tsv holds real strings only; ark: rows (written from the vendor's naming) live in unverified.tsv
        // until a capture confirms the exact brand string ("brand and signature:")
        var rows = CpuCorpus.All.Values.ToList();

        // When
        var misplaced = rows.Where(r => r.IsReal && r.Source.StartsWith("ark:", StringComparison.Ordinal)
                && !r.Source.Contains("; brand and signature:", StringComparison.Ordinal))
            .Concat(rows.Where(r => !r.IsReal && !r.Source.StartsWith("ark:", StringComparison.Ordinal)))
            .Select(r => r.Location)
            .ToList();

        // Then
        Assert.True(misplaced.Count == 0, "rows in the wrong file: " + string.Join(", ", misplaced));
        Assert.Contains(rows, r => !r.IsReal);
    }

    [Fact]
    public void Should_CoverEveryProductLine_When_CorpusIsLoaded()
    {
        // Given
        var lines = CpuCorpus.All.Values.Where(r => r.IsReal).Select(r => r.ProductLine).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal);

        // When
        var missing = ProductLines.All.Where(l => !lines.Contains(l)).Order(StringComparer.Ordinal).ToList();

        // Then
        Assert.True(missing.Count == 0, "product lines without a corpus row: " + string.Join(", ", missing));
        Assert.All(lines, l => Assert.True(ProductLines.All.Contains(l), $"unknown product line {l}"));
    }
}
