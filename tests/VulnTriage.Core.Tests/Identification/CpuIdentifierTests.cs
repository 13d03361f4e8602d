using System.Text;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Tests.Identification;

public sealed class CpuIdentifierTests
{
    [Fact]
    public void Should_CapConfidenceAtMedium_When_BrandAndSignatureDisagree()
    {
        // Given: a Cascade Lake name with a Skylake-SP signature
        var signature = new CpuSignature(6, 0x55, 4);

        // When
        var id = CpuIdentifier.Identify("GenuineIntel", "Intel(R) Xeon(R) Platinum 8280 CPU @ 2.70GHz", signature);

        // Then
        Assert.Equal(IdentificationConfidence.Medium, id.Confidence);
        Assert.Equal("skylake", id.Microarchitecture);
        Assert.Equal("Platinum 8280", id.ModelNumber);
        Assert.Contains("DISAGREE", id.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Common KVM processor", "GenuineIntel", 15, 6, 1)]
    [InlineData("QEMU Virtual CPU version 2.5+", "AuthenticAMD", 6, 6, 3)]
    [InlineData("Common 32-bit KVM processor", "GenuineIntel", 15, 6, 1)]
    public void Should_NotDecodeSyntheticSignature_When_GenericVirtualModel(string brand, string vendorId, int family, int model, int stepping)
    {
        // Given
        var signature = new CpuSignature(family, model, stepping);

        // When
        var id = CpuIdentifier.Identify(vendorId, brand, signature);

        // Then
        Assert.True(id.IsVirtual);
        Assert.Equal(ProductLines.Virtual, id.ProductLine);
        Assert.Null(id.Microarchitecture);
        Assert.NotEqual(ProductLines.Pentium, id.ProductLine);
        Assert.NotEqual(ProductLines.Athlon, id.ProductLine);
    }

    [Fact]
    public void Should_ReportHypervisorModel_When_QemuNamedModel()
    {
        // When
        var id = CpuIdentifier.Identify("GenuineIntel", "Intel Xeon Processor (Skylake, IBRS)", new CpuSignature(6, 0x55, 4));

        // Then
        Assert.True(id.IsVirtual);
        Assert.Equal("Skylake, IBRS", id.HypervisorModel);
        Assert.Equal("skylake", id.Microarchitecture);
        Assert.Equal(IdentificationConfidence.Low, id.Confidence);
    }

    [Theory]
    [InlineData("Intel(R) Xeon(R) 6787P", 6, 0xAD, 1, "granite-rapids-sp")]
    [InlineData("Intel(R) Xeon(R) 6980P", 6, 0xAD, 1, "granite-rapids-ap")]
    [InlineData("INTEL(R) XEON(R) 6716P-B", 6, 0xAE, 1, "granite-rapids-d")]
    public void Should_NameGraniteRapidsPlatformFromTheBrand_When_SignatureIsSharedBySpAndAp(string brand, int family, int model, int stepping, string codename)
    {
        // Given: CPUID model ADh is both Granite Rapids-SP (6700P/6500P) and -AP (6900P)
        var signature = new CpuSignature(family, model, stepping);

        // When
        var id = CpuIdentifier.Identify("GenuineIntel", brand, signature);

        // Then
        Assert.Equal("granite-rapids", id.Microarchitecture);
        Assert.Equal(codename, id.Codename);
        Assert.Equal(IdentificationConfidence.High, id.Confidence);
    }

    [Fact]
    public void Should_NotGuessGraniteRapidsPlatform_When_OnlyTheSignatureIsKnown()
    {
        // When
        var id = CpuIdentifier.Identify("GenuineIntel", null, new CpuSignature(6, 0xAD, 1));

        // Then
        Assert.Equal("granite-rapids", id.Microarchitecture);
        Assert.Null(id.Codename);
    }

    [Fact]
    public void Should_ReturnEqualIdentities_When_CalledTwiceWithSameInput()
    {
        // Given
        const string brand = "Intel(R) Celeron(R) CPU N3350 @ 1.10GHz";

        // When
        var a = CpuIdentifier.Identify("GenuineIntel", brand, new CpuSignature(6, 0x5C, 9));
        var b = CpuIdentifier.Identify("GenuineIntel", brand, new CpuSignature(6, 0x5C, 9));

        // Then
        Assert.Equal(a, b);
    }

    [Fact]
    public void Should_NeverThrow_When_GivenRandomBytes()
    {
        // Given
        var random = new Random(86);
        var vendors = new[] { null, "", "GenuineIntel", "AuthenticAMD", "HygonGenuine", "CentaurHauls", "  Shanghai  ", "GenuineIotel", "\0\0\0" };

        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 120)];
            random.NextBytes(bytes);
            var brand = i % 2 == 0 ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
            CpuSignature? signature = random.Next(3) == 0 ? null
                : new CpuSignature(random.Next(-5, 0x30), random.Next(-5, 0x200), random.Next(4) == 0 ? null : random.Next(-3, 20));

            // When
            var id = CpuIdentifier.Identify(vendors[random.Next(vendors.Length)], brand, signature);

            // Then
            Assert.False(string.IsNullOrEmpty(id.Reason));
        }
    }

    [Fact]
    public void Should_NeverThrow_When_GivenCorpusFragmentsAndMutations()
    {
        // Given: real strings cut, spliced and mutated, with extreme signatures
        var random = new Random(2017);
        var brands = CpuCorpus.All.Values.Select(r => r.Brand).ToArray();
        int[] extremes = [int.MinValue, -1, 0, 6, 0x55, 0xFF, 0x100, int.MaxValue];

        for (var i = 0; i < 5000; i++)
        {
            var a = brands[random.Next(brands.Length)];
            var b = brands[random.Next(brands.Length)];
            var chars = (a[..random.Next(a.Length + 1)] + b[random.Next(b.Length + 1)..]).ToCharArray();
            for (var m = random.Next(4); m > 0 && chars.Length > 0; m--)
            {
                chars[random.Next(chars.Length)] = (char)random.Next(0, 0x3000);
            }

            var signature = new CpuSignature(extremes[random.Next(extremes.Length)], extremes[random.Next(extremes.Length)], random.Next(2) == 0 ? null : extremes[random.Next(extremes.Length)]);

            // When
            var id = CpuIdentifier.Identify("GenuineIntel", new string(chars), random.Next(2) == 0 ? signature : null);

            // Then
            Assert.False(string.IsNullOrEmpty(id.Reason));
        }
    }

    [Fact]
    public void Should_ReturnUnknown_When_BrandIsOneMegabyte()
    {
        // Given (throughput is measured in bench/, never asserted here)
        var brand = "Intel(R) Xeon(R) " + new string('9', 1024 * 1024);

        // When
        var id = CpuIdentifier.Identify("GenuineIntel", brand, null);

        // Then
        Assert.Equal(IdentificationConfidence.Unknown, id.Confidence);
        Assert.True(id.NormalizedBrand.Length <= 300, $"normalized brand kept {id.NormalizedBrand.Length} characters");
    }

    [Fact]
    public void Should_NeverThrow_When_BrandIsControlCharacters()
    {
        // Given
        var all = new string(Enumerable.Range(0, 0x20).Select(i => (char)i).Concat("\u007f\u0085\u00a0\u2028\u2029\ufeff\ud800").ToArray());

        // When
        var id = CpuIdentifier.Identify("GenuineIntel", all, new CpuSignature(6, 0x5C, 9));
        var padded = CpuIdentifier.Identify(null, "\u0001Intel(R) Celeron(R) CPU\u0000 N3350 \u0007@ 1.10GHz\n", null);

        // Then
        Assert.Equal("goldmont", id.Microarchitecture);
        Assert.Equal("apollo-lake", padded.Codename);
        Assert.Equal("N3350", padded.ModelNumber);
    }

    [Theory]
    [InlineData("AMD Ryzen 7 <script>alert(1)</script> 5800X")]
    [InlineData("Intel(R) Core(TM) i7-<img src=x> CPU")]
    public void Should_KeepMarkupOutOfTheModelNumber_When_BrandStringCarriesIt(string brand)
    {
        // When
        var id = CpuIdentifier.Identify(null, brand, null);

        // Then
        Assert.DoesNotContain('<', id.ModelNumber ?? "");
        Assert.DoesNotContain('<', id.Reason);
    }
}
