using System.Text.Json;

namespace VulnTriage.Cli.Tests;

public sealed class HostsCommandTests
{
    [Fact]
    public void Should_List_Distinct_Processors_With_Counts_When_Reading_The_Samples()
    {
        // When
        var r = CliRunner.Run("hosts", "--inventory", CliRunner.SampleInventory, "--format", "json");

        // Then
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(38, doc.RootElement.GetProperty("hosts").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("hostsWithoutCpu").GetInt32());
        var gold = doc.RootElement.GetProperty("processors").EnumerateArray()
            .Single(p => p.GetProperty("brandString").GetString() == "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz" && p.GetProperty("signature").GetString() == "06_55_4");
        Assert.Equal("xeon-scalable", gold.GetProperty("identification").GetProperty("productLine").GetString());
    }

    [Fact]
    public void Should_Print_A_Table_When_No_Format_Is_Given()
    {
        // When
        var r = CliRunner.Run("hosts", "--inventory", CliRunner.SampleInventory);

        // Then
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("HOSTS", r.Out, StringComparison.Ordinal);
        Assert.Contains("38 hosts,", r.Out, StringComparison.Ordinal);
    }
}

public sealed class AdvisoriesCommandTests
{
    [Fact]
    public void Should_List_The_Shipped_Advisory_When_Listing()
    {
        // When
        var r = CliRunner.Run("advisories", "list");

        // Then
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("INTEL-SA-00086", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "How to fix:")]
    [InlineData("ja", "対処方法:")]
    public void Should_Show_The_Advisory_When_Asked(string lang, string heading)
    {
        // When
        var r = CliRunner.Run("advisories", "show", "INTEL-SA-00086", "--lang", lang);

        // Then
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("CVE-2017-5712", r.Out, StringComparison.Ordinal);
        Assert.Contains(heading, r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Pass_Every_Example_When_Verifying_The_Shipped_Advisories()
    {
        // When
        var r = CliRunner.Run("advisories", "verify");

        // Then
        Assert.True(r.ExitCode == 0, r.Out);
        Assert.Contains("all examples pass", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Exit_3_With_The_File_And_Line_When_A_User_Advisory_Is_Invalid()
    {
        // Given
        var dir = Directory.CreateTempSubdirectory("vt-adv-").FullName;
        File.WriteAllText(Path.Combine(dir, "bad.yaml"), "id: ACME-SA-1\nvendor: acme\nbogus: 1\n");

        // When
        var r = CliRunner.Run("advisories", "list", "--advisories", dir);

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("bad.yaml:3:1", r.Err, StringComparison.Ordinal);
        Assert.Contains("VT2002", r.Err, StringComparison.Ordinal);
    }
}

public sealed class IdentifyCommandTests
{
    [Fact]
    public void Should_Print_One_Json_Object_Per_Line_When_Given_Brand_Strings()
    {
        // Given
        var input = "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz\t6 85 4\nAMD EPYC 7502P 32-Core Processor\t0x17 0x31 0\n\nsome garbage\n"u8.ToArray();

        // When
        var r = CliRunner.RunWithInput(input, "identify", "-");

        // Then
        Assert.Equal(0, r.ExitCode);
        var lines = r.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        using var first = System.Text.Json.JsonDocument.Parse(lines[0]);
        Assert.Equal("06_55_4", first.RootElement.GetProperty("signature").GetString());
        using var second = System.Text.Json.JsonDocument.Parse(lines[1]);
        Assert.Equal("17_31_0", second.RootElement.GetProperty("signature").GetString());
    }

    [Fact]
    public void Should_Exit_3_With_The_Line_When_A_Signature_Is_Malformed()
    {
        // When
        var r = CliRunner.RunWithInput("Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz\tsix ninety-four\n"u8.ToArray(), "identify");

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("-:1:", r.Err, StringComparison.Ordinal);
    }
}
