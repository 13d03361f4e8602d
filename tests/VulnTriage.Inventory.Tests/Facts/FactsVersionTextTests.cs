using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Facts;

namespace VulnTriage.Inventory.Tests.Facts;

public sealed class FactsVersionTextTests
{
    [Fact]
    public void Should_Keep_The_Version_As_Written_When_It_Is_Zero_Padded()
    {
        // Given: SPS versions are written zero-padded by Intel's tools
        var dir = Directory.CreateTempSubdirectory("vt-facts-").FullName;
        File.WriteAllText(Path.Combine(dir, "srv1.json"), """{"firmware":[{"kind":"sps","version":"04.00.03.237"}]}""");

        // When
        var facts = FactsDirectory.Load(dir, _ => { });
        var host = new Host("h1", "srv1", null, HostStatus.Working, false, [], null, [], null, null);
        var fw = Assert.Single(facts.Find(host)!.Firmware);

        // Then: compared numerically, shown as read
        Assert.Equal(new Core.Versions.FirmwareVersion(4, 0, 3, 237), fw.Version);
        Assert.Equal("04.00.03.237", fw.Display);
    }
}
