using VulnTriage.Core.Identification.Catalog;

namespace VulnTriage.Core.Tests.Identification;

public sealed class CpuCatalogTests
{
    public sealed class Loading
    {
        [Fact]
        public void Should_LoadEveryRow_When_TheEmbeddedCatalogIsRead()
        {
            // Given / When
            var entries = CpuCatalog.Entries;

            // Then
            Assert.True(entries.Length >= 250, $"catalog has {entries.Length} rows");
            Assert.All(entries, e => Assert.False(string.IsNullOrWhiteSpace(e.Source), $"line {e.CatalogLine} has no source"));
            Assert.Contains("skylake", (IReadOnlySet<string>)CpuCatalog.Microarchitectures);
            Assert.Contains("apollo-lake", (IReadOnlySet<string>)CpuCatalog.Codenames);
        }
    }
}
