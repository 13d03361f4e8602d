using System.Text;
using VulnTriage.Inventory.Sources;

namespace VulnTriage.Inventory.Tests.Sources;

/// <summary>Content detection over real files of every format, and the KIND:PATH argument.</summary>
public sealed class InventoryDetectorTests
{
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "testdata");

    private static InventoryFormat? Detect(byte[] bytes) =>
        InventoryDetector.Detect(bytes.AsSpan(0, Math.Min(bytes.Length, InventoryDetector.PrefixBytes)), bytes.Length <= InventoryDetector.PrefixBytes);

    [Theory]
    [InlineData("mackerel/mkr-hosts-verbose.json", InventoryFormat.MackerelHosts)]
    [InlineData("mackerel/api-list-extra-keys.json", InventoryFormat.MackerelHosts)]
    [InlineData("mackerel/api-host-ec2.json", InventoryFormat.MackerelHosts)]
    [InlineData("osquery/results.log", InventoryFormat.OsqueryResultsLog)]
    [InlineData("osquery/osqueryi-system_info.json", InventoryFormat.OsqueryShellJson)]
    [InlineData("fleet/hosts-list.json", InventoryFormat.FleetHosts)]
    [InlineData("fleet/host-single.json", InventoryFormat.FleetHosts)]
    [InlineData("ansible/cache-2.18/ansicli01.fen9.li", InventoryFormat.AnsibleFactsFile)]
    [InlineData("ansible/cache-2.19/s1_ansicli01.fen9.li", InventoryFormat.AnsibleFactsFile)]
    [InlineData("ansible/tree/ansicli01.fen9.li", InventoryFormat.AnsibleFactsFile)]
    [InlineData("ansible/setup-minimal.txt", InventoryFormat.AnsibleSetupOutput)]
    [InlineData("ansible/setup-oneline.txt", InventoryFormat.AnsibleSetupOutput)]
    [InlineData("ansible/inventory-list.json", InventoryFormat.AnsibleInventoryList)]
    [InlineData("csv/cmdb.csv", InventoryFormat.Csv)]
    [InlineData("csv/netbox-export.csv", InventoryFormat.Csv)]
    [InlineData("probe/good/amd-host.json", InventoryFormat.ProbeFile)]
    public void Should_Tell_The_Format_When_Given_A_Real_File(string file, InventoryFormat expected)
    {
        // Then
        Assert.Equal(expected, Detect(File.ReadAllBytes(Path.Combine(Data, file))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world")]
    [InlineData("{\"foo\": 1}")]
    [InlineData("42")]
    [InlineData("facts/good/db01.dc1.example.com.json")]
    public void Should_Claim_Nothing_When_The_Content_Is_No_Known_Format(string content)
    {
        // Given: a path under testdata, or literal content
        var path = Path.Combine(Data, content);
        var bytes = content.Length > 0 && File.Exists(path) ? File.ReadAllBytes(path) : Encoding.UTF8.GetBytes(content);

        // Then
        Assert.Null(Detect(bytes));
    }

    [Theory]
    [InlineData("mackerel", null, InventoryKind.MackerelApi, "")]
    [InlineData("-", null, null, "-")]
    [InlineData("hosts.json", null, null, "hosts.json")]
    [InlineData("csv:cmdb.csv", null, InventoryKind.Csv, "cmdb.csv")]
    [InlineData("fleet:hosts.json", null, InventoryKind.Osquery, "hosts.json")]
    [InlineData("ansible:-", null, InventoryKind.Ansible, "-")]
    [InlineData("./a:b.json", null, null, "./a:b.json")]
    [InlineData("ftp:x", null, null, "ftp:x")]
    public void Should_Split_Kind_And_Path_Only_For_Known_Kinds(string argument, string? display, InventoryKind? kind, string path)
    {
        // When
        var spec = InventorySpec.Parse(argument)!;

        // Then
        Assert.Equal((kind, path), (spec.Kind, spec.Path));
        Assert.Equal(display ?? argument, spec.Display);
    }

    [Fact]
    public void Should_Refuse_A_Kind_Without_A_Path()
    {
        // Then
        Assert.Null(InventorySpec.Parse("csv:"));
    }
}
