using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Tests.Identification;

public sealed class IdentificationCacheTests
{
    [Fact]
    public void Should_IdentifyEachDistinctKeyOnce_When_KeysRepeat()
    {
        // Given
        var cache = new IdentificationCache();
        var rows = CpuCorpus.All.Values.ToArray();
        var distinct = rows.Select(r => (r.VendorId, r.Brand, r.Signature)).Distinct().Count();

        // When
        var first = rows.Select(r => cache.Identify(r.VendorId, r.Brand, r.Signature)).ToArray();
        var second = rows.Select(r => cache.Identify(r.VendorId, r.Brand, r.Signature)).ToArray();

        // Then
        Assert.Equal(distinct, cache.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Same(first[i], second[i]);
        }
    }

    [Fact]
    public void Should_UseFactFields_When_IdentifyingAProcessorFact()
    {
        // Given
        var cache = new IdentificationCache();
        var signature = new CpuSignature(6, 0x5F, 1);

        // When
        var direct = cache.Identify("GenuineIntel", "Intel(R) Atom(TM) CPU C3758 @ 2.20GHz", signature);
        var again = cache.Identify(new ProcessorFact("GenuineIntel", "Intel(R) Atom(TM) CPU C3758 @ 2.20GHz", signature, 16, 1));

        // Then
        Assert.Same(direct, again);
        Assert.Equal(1, cache.Count);
        Assert.Equal("denverton", direct.Codename);
    }
}
