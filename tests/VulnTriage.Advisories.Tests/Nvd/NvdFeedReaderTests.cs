using System.Text;
using VulnTriage.Advisories.Nvd;
using VulnTriage.Core.Cpe;
using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Advisories.Tests.Nvd;

/// <summary>
/// The NVD reader over the real records of ../shared/data/nvd (per-CVE files of the fkie-cad mirror), an API response
/// built from them, and broken input: not JSON, JSON that is not NVD data, an invalid CPE string — each one located error.
/// </summary>
public sealed class NvdFeedReaderTests
{
    private static List<NvdRecord> ReadText(string json, List<Diagnostic>? warnings = null, int chunk = 0)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        using Stream stream = chunk > 0 ? new ChunkedStream(bytes, chunk) : new MemoryStream(bytes);
        return [.. NvdFeedReader.Read(stream, "input.json", d => warnings?.Add(d), TestContext.Current.CancellationToken)];
    }

    [Fact]
    public void Should_Read_Configurations_And_Revision_When_Reading_The_Downfall_Record()
    {
        // When
        var record = SharedRecords.Read("CVE-2022-40982");

        // Then: shared/docs/reference/nvd-cpe-vex.md §4.3 counts 522 configurations and 1,575 criteria
        Assert.Equal("CVE-2022-40982", record.Id);
        Assert.Equal("2023-11-07T03:52:39.707", record.LastModified);
        Assert.Equal("Modified", record.VulnStatus);
        Assert.Equal(522, record.Configurations.Length);
        Assert.Equal(1575, record.Configurations.SelectMany(c => c.Nodes).Sum(n => n.CpeMatch.Length));
        var microcode = record.Configurations[1].Nodes.SelectMany(n => n.CpeMatch).Single(m => m.Criteria.StartsWith("cpe:2.3:o:intel:microcode:", StringComparison.Ordinal));
        Assert.Equal("20230808", microcode.Range!.EndExcluding);
        Assert.Equal("secure@intel.com", record.SourceIdentifier);
        Assert.Equal("3.1", record.Metrics[0].Version);
    }

    [Fact]
    public void Should_Read_No_Configuration_When_A_Record_Awaits_Analysis()
    {
        // When
        var record = SharedRecords.Read("CVE-2023-23583");

        // Then
        Assert.Equal("Awaiting Analysis", record.VulnStatus);
        Assert.Empty(record.Configurations);
        Assert.Contains("Intel", record.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Stream_Every_Record_When_Reading_An_Api_Response_In_Small_Chunks()
    {
        // Given: an NVD CVE API 2.0 response carrying three real records, read seven bytes at a time
        var records = new[] { "CVE-2017-5705", "CVE-2023-20593", "CVE-2022-40982" }.Select(c => File.ReadAllText(SharedRecords.PathOf(c))).ToList();
        var page = "{\"resultsPerPage\":3,\"startIndex\":0,\"totalResults\":3,\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"timestamp\":\"2026-05-30T00:00:00.000\",\n\"vulnerabilities\":[\n"
            + string.Join(",\n", records.Select(r => "{\"cve\":" + r + "}")) + "]}";

        // When
        var read = ReadText(page, chunk: 7);

        // Then
        Assert.Equal(["CVE-2017-5705", "CVE-2023-20593", "CVE-2022-40982"], read.Select(r => r.Id));
        Assert.Equal(522, read[2].Configurations.Length);
        Assert.Equal(page[..page.IndexOf("{\"cve\":" + records[1], StringComparison.Ordinal)].Count(c => c == '\n') + 1, read[1].Location.Line);
    }

    [Fact]
    public void Should_Read_The_Record_When_It_Is_Wrapped_In_Cve()
    {
        var read = ReadText("{\"cve\":" + File.ReadAllText(SharedRecords.PathOf("CVE-2017-5706")) + "}");
        Assert.Equal("CVE-2017-5706", Assert.Single(read).Id);
    }

    [Fact]
    public void Should_Ignore_Unknown_Fields_When_Reading_A_Record()
    {
        var read = ReadText("""{"id":"CVE-2099-0001","futureField":{"a":[1,2,{"b":null}]},"lastModified":"2099-01-01T00:00:00.000","configurations":[]}""");
        Assert.Equal("2099-01-01T00:00:00.000", Assert.Single(read).LastModified);
    }

    [Theory]
    [InlineData("hello", NvdDiagnosticCodes.InvalidJson, 1, 1)]
    [InlineData("{\"id\": \"CVE-2017-5705\",\n  \"configurations\": [", NvdDiagnosticCodes.InvalidJson, 2, 0)]
    [InlineData("{\"hosts\": []}", NvdDiagnosticCodes.NotARecord, 1, 1)]
    [InlineData("[1, 2]", NvdDiagnosticCodes.NotARecord, 1, 1)]
    [InlineData("{\"id\": \"INTEL-SA-00086\"}", NvdDiagnosticCodes.NotARecord, 1, 8)]
    [InlineData("\"CVE-2017-5705\"", NvdDiagnosticCodes.NotARecord, 1, 1)]
    [InlineData("", NvdDiagnosticCodes.Empty, 1, 1)]
    [InlineData("{\"id\":\"CVE-2017-5705\"} {}", NvdDiagnosticCodes.InvalidJson, 1, 0)]
    public void Should_Fail_With_One_Located_Diagnostic_When_The_Input_Is_Not_Nvd_Json(string json, string code, long line, long column)
    {
        // When
        var e = Assert.Throws<InputException>(() => ReadText(json));

        // Then
        var d = Assert.Single(e.Diagnostics);
        Assert.Equal(code, d.Code);
        Assert.Equal("input.json", d.Location.Source);
        Assert.Equal(line, d.Location.Line);
        if (column > 0)
        {
            Assert.Equal(column, d.Location.Column);
        }
    }

    [Fact]
    public void Should_Locate_The_Criteria_When_A_Cpe_String_Is_Invalid()
    {
        // Given: the real CVE-2017-5706 record with a space in its CPE product
        var text = File.ReadAllText(SharedRecords.PathOf("CVE-2017-5706"))
            .Replace("server_platform_services_firmware:4.0", "server platform services firmware:4.0", StringComparison.Ordinal);
        var line = text[..text.IndexOf("server platform", StringComparison.Ordinal)].Count(c => c == '\n') + 1;

        // When
        var e = Assert.Throws<InputException>(() => ReadText(text));

        // Then
        var d = Assert.Single(e.Diagnostics);
        Assert.Equal(NvdDiagnosticCodes.InvalidCpe, d.Code);
        Assert.Equal(line, d.Location.Line);
        Assert.Contains("space", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Warn_And_Mark_The_Item_When_A_Cpe_Match_Has_No_Criteria()
    {
        // Given
        var warnings = new List<Diagnostic>();
        const string json = """
            {"id":"CVE-2099-0002","configurations":[{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[
              {"vulnerable":true,"matchCriteriaId":"00000000-0000-0000-0000-000000000000"},
              {"vulnerable":true,"criteria":"cpe:2.3:h:amd:epyc_7502:-:*:*:*:*:*:*:*"}]}]}]}
            """;

        // When
        var record = Assert.Single(ReadText(json, warnings));

        // Then: the item is kept as malformed, never silently dropped
        var matches = record.Configurations[0].Nodes[0].CpeMatch;
        Assert.Equal(2, matches.Length);
        Assert.Null(matches[0].Name);
        Assert.Equal(NvdDiagnosticCodes.SkippedItem, Assert.Single(warnings).Code);
        Assert.Equal(2, warnings[0].Location.Line);
    }

    [Fact]
    public void Should_Fail_When_The_Json_Nests_Deeper_Than_The_Cap()
    {
        var json = "{\"id\":\"CVE-2099-0003\",\"x\":" + new string('[', NvdFeedReader.MaxDepth + 4) + new string(']', NvdFeedReader.MaxDepth + 4) + "}";
        var e = Assert.Throws<InputException>(() => ReadText(json));
        Assert.Equal(NvdDiagnosticCodes.InvalidJson, Assert.Single(e.Diagnostics).Code);
    }

    [Theory]
    [InlineData("cpe:2.3:h:intel:xeon_gold_6248:-:*:*:*:*:*:*:*", null)]
    [InlineData("cpe:2.3:o:asus:z170m-plus\\\\/br_firmware:-:*:*:*:*:*:*:*", "z170m-plus/br_firmware")]
    public void Should_Unquote_Cpe_Strings_As_Json_Writes_Them(string jsonCriteria, string? product)
    {
        var json = "{\"id\":\"CVE-2099-0004\",\"configurations\":[{\"nodes\":[{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[{\"vulnerable\":true,\"criteria\":\"" + jsonCriteria + "\"}]}]}]}";
        var name = Assert.Single(ReadText(json)).Configurations[0].Nodes[0].CpeMatch[0].Name!;
        if (product is not null)
        {
            Assert.Equal(product, name.Product.Literal);
        }

        Assert.Equal(CpeValueKind.Text, name.Part.Kind);
    }

    /// <summary>A stream that hands out at most a few bytes per read, as a pipe does.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
    }
}
