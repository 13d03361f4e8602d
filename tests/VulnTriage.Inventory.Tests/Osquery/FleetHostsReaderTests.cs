using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Osquery;

namespace VulnTriage.Inventory.Tests.Osquery;

/// <summary>Fleet's host export (testdata/fleet, sources in SOURCES.md).</summary>
public sealed class FleetHostsReaderTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "testdata", "fleet");

    private static List<Host> Read(string file) =>
        [.. FleetHostsReader.Read(new NonSeekableStream(File.ReadAllBytes(Path.Combine(Dir, file)), 11), file, _ => { }).Select(e => e.Host)];

    [Fact]
    public void Should_Read_The_Documented_List_Example_When_Given_The_Hosts_Array()
    {
        // When
        var hosts = Read("hosts-list.json");

        // Then
        Assert.Equal(["2ceca32fe484", "4cc885c20110"], hosts.Select(h => h.Name));
        Assert.Equal(["fleet-1", "fleet-2"], hosts.Select(h => h.Id));
        Assert.All(hosts, h => Assert.Equal("Intel(R) Core(TM) i5-8279U CPU @ 2.40GHz", Assert.Single(h.Processors).BrandString));
        Assert.All(hosts, h => Assert.Null(Assert.Single(h.Processors).Signature));
        Assert.All(hosts, h => Assert.Null(h.Cloud));
    }

    [Fact]
    public void Should_Label_The_Team_And_Spot_Ec2_When_Given_A_Single_Host()
    {
        // When
        var host = Assert.Single(Read("host-single.json"));

        // Then
        Assert.Equal("team=payments-sre", Assert.Single(host.Labels).ToString());
        Assert.Equal(CloudProvider.Aws, host.Cloud!.Provider);
        Assert.Equal("m5.large", host.Cloud.InstanceType);
        Assert.Equal("Amazon Linux 2023", host.OsName);
    }

    [Fact]
    public void Should_Fail_At_The_Host_When_A_Host_Has_No_Hostname()
    {
        // When
        var ex = Assert.Throws<InputException>(() => Read("bad-no-hostname.json"));

        // Then
        var d = Assert.Single(ex.Diagnostics);
        Assert.Equal("VT1006", d.Code);
        Assert.Equal(40, d.Location.Line);
    }
}
