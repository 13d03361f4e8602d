using System.Text;
using System.Text.Json;

namespace VulnTriage.Cli.Tests;

/// <summary>
/// <c>advisories import nvd</c>, <c>triage --nvd</c> and <c>hosts --cpe</c> end to end, over the real NVD records of
/// ../shared/data/nvd (copied to the build output as shared/nvd) and the sample fleet.
/// </summary>
public sealed class NvdCommandsTests
{
    private static string Nvd => Path.Combine(AppContext.BaseDirectory, "shared", "nvd");

    private static string Record(string cve) => Path.Combine(Nvd, cve + ".json");

    private static string TempDir() => Directory.CreateTempSubdirectory("vt-nvd-").FullName;

    [Fact]
    public void Should_Write_One_Draft_Per_Record_That_Verify_Accepts_When_Importing_The_Shared_Records()
    {
        // Given
        var output = TempDir();

        // When
        var r = CliRunner.Run("advisories", "import", "nvd", Nvd, "--out", output);

        // Then
        Assert.Equal(0, r.ExitCode);
        var files = Directory.GetFiles(output, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Directory.GetFiles(Nvd, "CVE-*.json").Length, files.Count);
        Assert.Contains("CVE-2023-20593.yaml", files);
        Assert.Contains("CVE-2023-20593: ", r.Out, StringComparison.Ordinal);
        Assert.Contains("warning VT2605: CVE-2023-20593: 7 criteria in 2 of 71 configurations could not be mapped", r.Err, StringComparison.Ordinal);
        var verify = CliRunner.Run("advisories", "verify", "--advisories", output);
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("all examples pass", verify.Out, StringComparison.Ordinal);
        Assert.Contains("status: draft", File.ReadAllText(Path.Combine(output, "CVE-2022-40982.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Read_An_Api_Response_From_Standard_Input_When_The_Input_Is_A_Dash()
    {
        // Given: an NVD CVE API 2.0 response carrying two real records
        var page = "{\"resultsPerPage\":2,\"startIndex\":0,\"totalResults\":2,\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"timestamp\":\"2026-05-30T00:00:00.000\",\"vulnerabilities\":["
            + "{\"cve\":" + File.ReadAllText(Record("CVE-2017-5706")) + "},{\"cve\":" + File.ReadAllText(Record("CVE-2023-23583")) + "}]}";
        var output = TempDir();

        // When
        var r = CliRunner.RunWithInput(Encoding.UTF8.GetBytes(page), "advisories", "import", "nvd", "-", "--out", output);

        // Then
        Assert.Equal(0, r.ExitCode);
        Assert.True(File.Exists(Path.Combine(output, "CVE-2017-5706.yaml")));
        Assert.True(File.Exists(Path.Combine(output, "CVE-2023-23583.yaml")));
        Assert.Contains("not analysed by NVD: every host unknown", r.Out, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BadInputs() => new()
    {
        { "hello, this is not JSON", "VT2601", ":1:1" },
        { "{\"hosts\": [{\"id\": \"4HCxyz\"}]}", "VT2602", ":1:1" },
        { "[{\"id\": \"INTEL-SA-00086\"}]", "VT2602", ":1:9" },
        { "{\"id\":\"CVE-2099-0001\",\n\"configurations\":[{\"nodes\":[{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[\n{\"vulnerable\":true,\"criteria\":\"cpe:2.3:h:intel:xeon gold 6248:-:*:*:*:*:*:*:*\"}]}]}]}", "VT2603", ":3:31" },
        { "{\"id\":\"CVE-2099-0002\",\"configurations\":[", "VT2601", ":1:" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Should_Print_One_Located_Line_And_Exit_3_When_The_Input_Is_Bad(string content, string code, string location)
    {
        // Given
        var file = CliRunner.TempFile(content);

        // When
        var r = CliRunner.Run("advisories", "import", "nvd", file, "--out", TempDir());

        // Then
        Assert.Equal(3, r.ExitCode);
        var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("vulntriage: " + file + location, line, StringComparison.Ordinal);
        Assert.Contains("error " + code, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Exit_3_Naming_The_File_When_An_Input_Does_Not_Exist()
    {
        var r = CliRunner.Run("advisories", "import", "nvd", "/nonexistent/CVE-2023-20593.json", "--out", TempDir());
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("/nonexistent/CVE-2023-20593.json", Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Leave_A_Reviewed_File_As_Is_When_Importing_Again()
    {
        // Given: a draft someone reviewed (no longer status: draft)
        var output = TempDir();
        Assert.Equal(0, CliRunner.Run("advisories", "import", "nvd", Record("CVE-2023-20593"), "--out", output).ExitCode);
        var path = Path.Combine(output, "CVE-2023-20593.yaml");
        var reviewed = File.ReadAllText(path).Replace("status: draft\n", "status: curated\n", StringComparison.Ordinal);
        File.WriteAllText(path, reviewed);

        // When
        var r = CliRunner.Run("advisories", "import", "nvd", Record("CVE-2023-20593"), "--out", output);

        // Then
        Assert.Equal(reviewed, File.ReadAllText(path));
        Assert.Contains("is not a draft", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Flag_Zen_2_Hosts_And_Mark_The_Draft_When_Triaging_Zenbleed_From_The_Record()
    {
        // When
        var r = CliRunner.Run("triage", "CVE-2023-20593", "--inventory", CliRunner.SampleInventory, "--nvd", Record("CVE-2023-20593"), "--format", "json");

        // Then: exit 1 (hosts need confirmation); the report says the advisory is a draft and where it came from
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        var advisory = doc.RootElement.GetProperty("advisories")[0];
        Assert.Equal("draft", advisory.GetProperty("status").GetString());
        Assert.Equal("2023-09-25T18:15:10.333", advisory.GetProperty("source").GetProperty("revision").GetString());
        Assert.Equal(69, advisory.GetProperty("source").GetProperty("processors").GetInt32());
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        var flagged = findings.Where(f => f.GetProperty("verdict").GetString() == "needs_confirmation").ToList();
        Assert.Equal(2, flagged.Count);
        Assert.All(flagged, f => Assert.Contains("cpe:2.3:h:amd:", f.GetProperty("evidence")[0].GetProperty("reason").GetString(), StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.GetProperty("verdict").GetString() == "not_affected");
        var intel = findings.First(f => f.GetProperty("verdict").GetString() == "unknown" && f.GetProperty("evidence")[0].GetProperty("kind").GetString() == "not_listed");
        Assert.Contains("is not among the 69 processors NVD lists for CVE-2023-20593 (record lastModified 2023-09-25T18:15:10.333)", intel.GetProperty("evidence")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("warning VT2605", r.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("markdown", "en", "**Draft:** Draft advisory imported from NVD record CVE-2023-20593")]
    [InlineData("html", "en", "Draft advisory imported from NVD record CVE-2023-20593")]
    [InlineData("csv", "en", "Draft advisory imported from NVD record CVE-2023-20593")]
    [InlineData("markdown", "ja", "ドラフトのアドバイザリーです。NVD のレコード CVE-2023-20593")]
    [InlineData("markdown", "ja", "は、NVD が CVE-2023-20593 について挙げている 69 件のプロセッサーに含まれていません（レコードの最終更新 2023-09-25T18:15:10.333）")]
    public void Should_Say_The_Advisory_Is_A_Draft_When_Writing_Any_Report(string format, string lang, string expected)
    {
        var r = CliRunner.Run("triage", "CVE-2023-20593", "--inventory", CliRunner.SampleInventory, "--nvd", Record("CVE-2023-20593"), "--format", format, "--lang", lang);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(expected, r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Give_Every_Host_Unknown_When_Triaging_A_Record_Awaiting_Analysis()
    {
        // When
        var r = CliRunner.Run("triage", "CVE-2023-23583", "--inventory", CliRunner.SampleInventory, "--nvd", Record("CVE-2023-23583"), "--format", "json", "--fail-on", "unknown");

        // Then: cloud instances too — nothing in the record says what is affected
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal("unknown", f.GetProperty("verdict").GetString()));
        Assert.Contains("NVD has not analysed CVE-2023-23583 yet (status \"Awaiting Analysis\"", findings[0].GetProperty("evidence")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Decide_By_The_Me_Version_When_Triaging_Cve_2017_5705_From_The_Record()
    {
        // When: the sample facts give ws-sky01 ME 11.0.18.1002 and ws-kbr01 ME 11.8.50.3425
        var r = CliRunner.Run("triage", "CVE-2017-5705", "--inventory", CliRunner.SampleInventory, "--facts", CliRunner.SampleFacts, "--nvd", Record("CVE-2017-5705"), "--format", "json");

        // Then: the draft, not INTEL-SA-00086 (which also carries CVE-2017-5705), was evaluated
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal("CVE-2017-5705", Assert.Single(doc.RootElement.GetProperty("advisories").EnumerateArray()).GetProperty("id").GetString());
        string Verdict(string host) => doc.RootElement.GetProperty("findings").EnumerateArray()
            .Single(f => f.GetProperty("host").GetProperty("name").GetString() == host).GetProperty("verdict").GetString()!;
        Assert.Equal("affected", Verdict("ws-sky01.corp.example.com"));
        Assert.Equal("fixed", Verdict("ws-kbr01.corp.example.com"));
    }

    [Fact]
    public void Should_Refuse_When_Nvd_And_Inventory_Both_Read_Standard_Input()
    {
        var r = CliRunner.Run("triage", "CVE-2023-20593", "--inventory", "-", "--nvd", "-");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("standard input", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Exit_3_With_One_Located_Line_When_A_Triage_Nvd_File_Is_Not_Nvd_Json()
    {
        var file = CliRunner.TempFile("{\"hosts\": []}");
        var r = CliRunner.Run("triage", "CVE-2023-20593", "--inventory", CliRunner.SampleInventory, "--nvd", file);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("error VT2602", Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_List_The_Cpes_Of_Each_Processor_When_Asked()
    {
        // When
        var table = CliRunner.Run("hosts", "--inventory", CliRunner.SampleInventory, "--cpe");
        var json = CliRunner.Run("hosts", "--inventory", CliRunner.SampleInventory, "--cpe", "--format", "json");

        // Then: both naming styles
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("  cpe:2.3:h:intel:xeon_gold_6130:-:*:*:*:*:*:*:*", table.Out, StringComparison.Ordinal);
        Assert.Contains("  cpe:2.3:h:intel:core_i7:8700k:*:*:*:*:*:*:*", table.Out, StringComparison.Ordinal);
        Assert.Contains("  cpe:2.3:h:amd:ryzen_7_3700x:-:*:*:*:*:*:*:*", table.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json.Out);
        var kvm = doc.RootElement.GetProperty("processors").EnumerateArray().FirstOrDefault(p => p.GetProperty("cpes").GetArrayLength() == 0);
        Assert.NotEqual(JsonValueKind.Undefined, kvm.ValueKind);
        Assert.NotNull(kvm.GetProperty("cpeReason").GetString());
    }
}
