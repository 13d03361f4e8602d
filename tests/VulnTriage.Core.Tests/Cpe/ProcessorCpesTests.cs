using System.Text.Json;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Cpe;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;

namespace VulnTriage.Core.Tests.Cpe;

/// <summary>
/// Host → CPE: real processors (testdata/cpu/nvd-cpe-names.tsv: brand strings of corpus.tsv, CPEs of the real NVD records
/// in ../shared/data/nvd) are named so that NVD's criteria match them, in both naming styles; the <c>cpu.cpe</c> predicate
/// is three-valued.
/// </summary>
public sealed class ProcessorCpesTests
{
    private static readonly string SharedNvd = Path.Combine(AppContext.BaseDirectory, "shared", "nvd");

    private static readonly Lazy<Dictionary<string, HashSet<string>>> RecordCriteria = new(() =>
        Directory.EnumerateFiles(SharedNvd, "CVE-*.json").ToDictionary(
            f => Path.GetFileNameWithoutExtension(f),
            f =>
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(f));
                var set = new HashSet<string>(StringComparer.Ordinal);
                if (doc.RootElement.TryGetProperty("configurations", out var configurations))
                {
                    foreach (var m in configurations.EnumerateArray().SelectMany(c => c.GetProperty("nodes").EnumerateArray()).SelectMany(n => n.GetProperty("cpeMatch").EnumerateArray()))
                    {
                        set.Add(m.GetProperty("criteria").GetString()!);
                    }
                }

                return set;
            }));

    public static TheoryData<string, string, string, string, string> Named()
    {
        var data = new TheoryData<string, string, string, string, string>();
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "testdata", "cpu", "nvd-cpe-names.tsv")).Where(l => l.Length > 0 && l[0] != '#').Skip(1))
        {
            var f = line.Split('\t');
            data.Add(f[0], f[1], f[2], f[3], f[4]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Named))]
    public void Should_Be_Matched_By_The_Nvd_Criterion_When_A_Real_Processor_Is_Listed(string brand, string vendorId, string signature, string cpe, string record)
    {
        // Given: a CPE the real record holds
        Assert.Contains(cpe, RecordCriteria.Value[record]);
        var identity = CpuIdentifier.Identify(vendorId.Length > 0 ? vendorId : null, brand, Signature(signature));

        // When
        var names = ProcessorCpes.For(identity);

        // Then
        var criterion = new CpeMatchCriterion(CpeName.Parse(cpe));
        Assert.True(names.Names.Any(criterion.Matches), $"{brand} -> {string.Join(" ", names.Names)} ({names.Reason}); not matched by {cpe}");
    }

    [Theory]
    [InlineData("Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz", "cpe:2.3:h:intel:core_i7-8700k:-:*:*:*:*:*:*:*", "cpe:2.3:h:intel:core_i7:8700k:*:*:*:*:*:*:*")]
    [InlineData("Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "cpe:2.3:h:intel:xeon_gold_6248:-:*:*:*:*:*:*:*", "cpe:2.3:h:intel:xeon:gold_6248:*:*:*:*:*:*:*")]
    [InlineData("Intel(R) Atom(TM) CPU C3758 @ 2.20GHz", "cpe:2.3:h:intel:atom_c3758:-:*:*:*:*:*:*:*", "cpe:2.3:h:intel:atom_c:c3758:*:*:*:*:*:*:*")]
    [InlineData("Intel(R) Celeron(R) CPU J3455 @ 1.50GHz", "cpe:2.3:h:intel:celeron_j3455:-:*:*:*:*:*:*:*", "cpe:2.3:h:intel:celeron_j:j3455:*:*:*:*:*:*:*")]
    [InlineData("Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", "cpe:2.3:h:intel:xeon_e5-2680_v4:-:*:*:*:*:*:*:*", "cpe:2.3:h:intel:xeon_e5:2680_v4:*:*:*:*:*:*:*")]
    [InlineData("Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", "cpe:2.3:h:intel:xeon_e5_2680_v4:-:*:*:*:*:*:*:*", "cpe:2.3:h:intel:xeon:e5-2680_v4:*:*:*:*:*:*:*")]
    [InlineData("AMD EPYC 7502 32-Core Processor", "cpe:2.3:h:amd:epyc_7502:-:*:*:*:*:*:*:*", "cpe:2.3:h:amd:epyc_7502:-:*:*:*:*:*:*:*")]
    [InlineData("AMD Athlon Gold 7220U with Radeon Graphics", "cpe:2.3:h:amd:athlon_gold_7220u:-:*:*:*:*:*:*:*", "cpe:2.3:h:amd:athlon_7220u:-:*:*:*:*:*:*:*")]
    [InlineData("Intel(R) Pentium(R) Gold 6405U CPU @ 2.40GHz", "cpe:2.3:h:intel:pentium_gold_6405u:-:*:*:*:*:*:*:*", "cpe:2.3:h:intel:pentium_6405u:-:*:*:*:*:*:*:*")]
    public void Should_Name_The_Part_In_Both_Naming_Styles_When_The_Model_Is_Known(string brand, string current, string older)
    {
        // When
        var names = ProcessorCpes.For(CpuIdentifier.Identify(null, brand, null)).Names.Select(n => n.ToString()).ToList();

        // Then
        Assert.Contains(current, names);
        Assert.Contains(older, names);
    }

    [Theory]
    [InlineData("GenuineIntel", "Intel(R) Xeon(R) CPU @ 2.20GHz", "6 85 7", ProcessorCpes.NoModelReason)] // a cloud's hidden brand string
    [InlineData("GenuineIntel", "Common KVM processor", "15 6 1", ProcessorCpes.HiddenReason)]
    [InlineData(null, "", null, ProcessorCpes.NoVendorReason)]
    public void Should_Name_Nothing_When_The_Model_Is_Not_Known(string? vendorId, string brand, string? signature, string reason)
    {
        // When
        var names = ProcessorCpes.For(CpuIdentifier.Identify(vendorId, brand, Signature(signature ?? "")));

        // Then: never a guess from another part
        Assert.False(names.IsKnown);
        Assert.Equal(reason, names.Reason);
    }

    [Theory]
    [InlineData("GenuineIntel", "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "6 85 7", Truth.True)] // listed
    [InlineData("GenuineIntel", "12th Gen Intel(R) Core(TM) i7-12700", "6 151 2", Truth.False)] // same vendor, not listed
    [InlineData("AuthenticAMD", "AMD EPYC 7763 64-Core Processor", "25 1 1", Truth.False)] // another vendor
    [InlineData("AuthenticAMD", "AMD EPYC-Rome Processor", "23 49 0", Truth.False)] // a KVM model on an AMD host: the vendor rules it out
    [InlineData("GenuineIntel", "Intel(R) Xeon(R) CPU @ 2.20GHz", "6 85 7", Truth.Unknown)] // the model is hidden
    [InlineData("GenuineIntel", "Common KVM processor", "15 6 1", Truth.Unknown)] // a synthetic model on an Intel host
    public void Should_Answer_In_Three_Values_When_Evaluating_Cpu_Cpe(string vendorId, string brand, string signature, Truth expected)
    {
        // Given: Downfall's hardware criteria (CVE-2022-40982)
        var criteria = RecordCriteria.Value["CVE-2022-40982"].Where(c => c.StartsWith("cpe:2.3:h:intel:", StringComparison.Ordinal))
            .Select(c => new CpeMatchCriterion(CpeName.Parse(c))).ToList();
        var predicate = new CpuCpePredicate([.. criteria]);
        var host = new Host("h", "h", null, HostStatus.Working, false, [], null, [new ProcessorFact(vendorId, brand, Signature(signature), 1, 1)], "Linux", null);
        var identity = CpuIdentifier.Identify(vendorId, brand, Signature(signature));

        // When
        var result = ConditionEvaluator.EvaluatePredicate(predicate, new RuleContext(host, HostFacts.None, identity));

        // Then
        Assert.Equal(expected, result.Result);
        if (expected == Truth.True)
        {
            Assert.Equal("cpe:2.3:h:intel:xeon_gold_6248:-:*:*:*:*:*:*:*", result.Expected); // the evidence names the criterion that matched
        }
    }

    private static CpuSignature? Signature(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length < 2 ? null : new CpuSignature(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture),
            parts.Length > 2 ? int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) : null);
    }
}
