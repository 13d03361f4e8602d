using System.Text;
using System.Text.Json;

namespace VulnTriage.Cli.Tests;

public sealed class TriageCommandTests
{
    [Fact]
    public void Should_Give_Every_Sample_Host_Its_Expected_Verdict_When_Triaging_The_Samples()
    {
        // Given
        var expected = SampleExpectations.Load();
        Assert.True(expected.Count >= 38, "the samples table should list every host");

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--facts", CliRunner.SampleFacts, "--format", "json");

        // Then
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        var actual = doc.RootElement.GetProperty("findings").EnumerateArray()
            .ToDictionary(f => f.GetProperty("host").GetProperty("name").GetString()!, f => f.GetProperty("verdict").GetString()!);
        foreach (var (host, verdict) in expected)
        {
            if (verdict == "excluded")
            {
                Assert.False(actual.ContainsKey(host), $"{host} is retired and must be excluded");
            }
            else
            {
                Assert.True(actual.TryGetValue(host, out var got), $"{host} missing from the report");
                Assert.True(verdict == got, $"{host}: expected {verdict}, got {got}");
            }
        }

        Assert.Equal(expected.Count(e => e.Value != "excluded"), actual.Count);
    }

    [Fact]
    public void Should_Write_A_Conclusion_First_Markdown_Report_When_No_Format_Is_Given()
    {
        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory);

        // Then
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Err);
        var conclusion = r.Out.IndexOf("## Conclusion", StringComparison.Ordinal);
        var what = r.Out.IndexOf("## What the vulnerability is", StringComparison.Ordinal);
        Assert.True(conclusion >= 0 && what > conclusion, "the conclusion comes before the explanation");
    }

    [Fact]
    public void Should_Write_Japanese_When_Lang_Is_Ja()
    {
        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--lang", "ja");

        // Then
        Assert.Contains("結論", r.Out, StringComparison.Ordinal);
        Assert.Contains("要確認", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("affected", 1)]
    [InlineData("needs_confirmation", 1)]
    [InlineData("unknown", 1)]
    public void Should_Exit_One_When_Findings_Reach_The_Threshold(string failOn, int code)
    {
        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--facts", CliRunner.SampleFacts, "--fail-on", failOn, "--format", "csv");

        // Then
        Assert.Equal(code, r.ExitCode);
    }

    [Fact]
    public void Should_Exit_Zero_When_Nothing_Reaches_The_Threshold()
    {
        // Given: one AMD host only
        var inventory = CliRunner.TempFile("""[{"id":"a1","name":"amd1","status":"working","isRetired":false,"roles":{},"meta":{"cpu":[{"vendor_id":"AuthenticAMD","family":"23","model":"49","stepping":"0","model_name":"AMD EPYC 7502P 32-Core Processor"}]}}]""");

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", inventory, "--fail-on", "unknown");

        // Then
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public void Should_Read_Standard_Input_When_Inventory_Is_Dash()
    {
        // Given
        var bytes = File.ReadAllBytes(CliRunner.SampleInventory);

        // When
        var r = CliRunner.RunWithInput(bytes, "triage", "INTEL-SA-00086", "--inventory", "-", "--format", "json");

        // Then
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(38, doc.RootElement.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public void Should_Write_The_Report_To_The_Out_File_When_Asked()
    {
        // Given
        var path = Path.Combine(Path.GetTempPath(), $"vt-{Path.GetRandomFileName()}.html");

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--format", "html", "--out", path);

        // Then
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Should_Keep_An_Existing_Out_File_When_The_Input_Is_Bad()
    {
        // Given
        var path = CliRunner.TempFile("previous report", ".md");
        var bad = CliRunner.TempFile("[{\"id\": \"x\", \"name\": ");

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", bad, "--out", path);

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("previous report", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("", "VT1002")]
    [InlineData("   \n", "VT1002")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\"", "VT1001")]
    [InlineData("{\"hosts\": [ {\"id\": \"a\", \"name\": 5} ]}", "VT1004")]
    [InlineData("42", "VT1003")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"meta\":{\"cpu\":{}}}]", "VT1004")]
    public void Should_Print_One_Line_With_The_Location_And_Exit_3_When_The_Inventory_Is_Bad(string content, string code)
    {
        // Given
        var path = CliRunner.TempFile(content);

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", path);

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("", r.Out);
        var line = Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.Contains(code, line, StringComparison.Ordinal);
        Assert.Contains(path, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Reject_A_Ten_Megabyte_String_With_Its_Location_When_Reading()
    {
        // Given
        var sb = new StringBuilder("[{\"id\":\"a\",\"name\":\"b\",\"meta\":{\"cpu\":[{\"model_name\":\"");
        sb.Append('A', 10 * 1024 * 1024).Append("\"}]}}]");
        var path = CliRunner.TempFile(sb.ToString());

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", path);

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("VT1005", r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Should_Exit_3_When_The_Inventory_File_Does_Not_Exist()
    {
        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", "/nonexistent/hosts.json");

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("VT1007", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Exit_3_With_The_File_When_A_Facts_File_Is_Bad()
    {
        // Given
        var dir = Directory.CreateTempSubdirectory("vt-facts-").FullName;
        File.WriteAllText(Path.Combine(dir, "db01.dc1.example.com.json"), """{"firmware":[{"kind":"me","version":"11.8"}]}""");

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--facts", dir);

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("db01.dc1.example.com.json", r.Err, StringComparison.Ordinal);
        Assert.Contains("VT3002", r.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("triage", "NOPE-SA-1", "--inventory", "x.json")]
    [InlineData("triage", "INTEL-SA-00086")]
    [InlineData("triage", "INTEL-SA-00086", "--inventory", "x.json", "--format", "pdf")]
    [InlineData("triage", "INTEL-SA-00086", "--inventory", "x.json", "--lang", "fr")]
    [InlineData("triage", "INTEL-SA-00086", "--inventory", "x.json", "--fail-on", "fixed")]
    [InlineData("triage", "INTEL-SA-00086", "--inventory", "x.json", "--bogus")]
    [InlineData("frobnicate")]
    public void Should_Exit_2_When_The_Command_Line_Is_Wrong(params string[] args)
    {
        // When
        var r = CliRunner.Run(args);

        // Then
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("vulntriage: error:", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Escape_Hostile_Host_Names_When_Writing_Markdown_And_Html()
    {
        // Given
        var inventory = CliRunner.TempFile("""[{"id":"x1","name":"evil|host<script>alert(1)</script>`rm`","status":"working","isRetired":false,"roles":{"Shop":["w|eb"]},"meta":{"cpu":[{"vendor_id":"GenuineIntel","family":"6","model":"94","stepping":"3","model_name":"Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz <img src=x>"}]}}]""");

        // When
        var md = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", inventory);
        var html = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", inventory, "--format", "html");

        // Then
        Assert.DoesNotContain("<script>", md.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("evil|host", md.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x>", html.Out, StringComparison.Ordinal);
    }
}
