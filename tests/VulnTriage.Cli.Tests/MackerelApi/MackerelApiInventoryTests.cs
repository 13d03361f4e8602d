using System.Net;
using System.Text.Json;

namespace VulnTriage.Cli.Tests.MackerelApi;

public sealed class MackerelApiInventoryTests
{
    private const string AllStatusesQuery = "status=working&status=standby&status=maintenance&status=poweroff";

    [Fact]
    public void Should_Give_Every_Host_The_Verdict_Of_The_File_And_Facts_Run_When_A_400_Host_Fleet_With_Metadata_Is_Read_From_The_Api()
    {
        // Given: the 40 sample hosts ten times over; metadata = the sample facts files for the hosts that have one
        using var server = new FakeMackerelServer();
        var originals = SampleFleet.Load(server, copies: 10);
        var fromFiles = Verdicts(CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--facts", CliRunner.SampleFacts, "--format", "json"));
        var retired = SampleExpectations.Load().Where(e => e.Value == "excluded").Select(e => e.Key).ToHashSet();

        // When
        var r = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--format", "json", "--api-concurrency", "6");

        // Then: the same verdict as the file + facts run for every copy; retired hosts excluded
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Err);
        var actual = Verdicts(r);
        Assert.Equal(400, originals.Count);
        Assert.Equal(2, retired.Count);
        foreach (var (copy, original) in originals)
        {
            if (retired.Contains(original))
            {
                Assert.False(actual.ContainsKey(copy), $"{copy} is retired and must be excluded");
                continue;
            }

            Assert.True(actual.TryGetValue(copy, out var got), $"{copy} missing from the report");
            Assert.True(fromFiles[original] == got, $"{copy}: expected {fromFiles[original]} as from files, got {got}");
        }

        Assert.Equal(380, actual.Count);
        Assert.Contains("affected", actual.Values);
        Assert.Contains("fixed", actual.Values);
        Assert.Equal(["/api/v0/hosts?" + AllStatusesQuery], server.RequestsTo("/api/v0/hosts?"));
        Assert.Single(server.RequestsTo("/api/v0/services"));

        // Metadata is asked for every non-retired host, never for retired ones, at most 6 at a time.
        Assert.Equal(380, server.RequestsTo("/api/v0/hosts/").Count());
        Assert.InRange(server.MaxMetadataInFlight, 1, 6);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal("mackerel", doc.RootElement.GetProperty("inventory").GetProperty("source").GetString());
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Cite_The_Metadata_Endpoint_As_Evidence_When_Firmware_Comes_From_Metadata()
    {
        // Given
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        var id = SampleFleet.IdOf(server, "db01.dc1.example.com");

        // When
        var r = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--format", "json");

        // Then
        Assert.Equal(1, r.ExitCode);
        var finding = Finding(r, "db01.dc1.example.com");
        Assert.Contains($"mackerel:/api/v0/hosts/{id}/metadata/vulntriage", finding.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Prefer_The_Local_Facts_File_When_A_Host_Has_Both_A_Facts_File_And_Metadata()
    {
        // Given: metadata says SPS 4.0.3.237 (affected); the local file says 4.0.4.294 (fixed)
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        var dir = Directory.CreateTempSubdirectory("vt-facts-").FullName;
        File.WriteAllText(Path.Combine(dir, "db01.dc1.example.com.json"), """{"firmware":[{"kind":"sps","version":"4.0.4.294"}]}""");

        // When
        var withFile = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--facts", dir, "--format", "json");
        var metadataOnly = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--format", "json");

        // Then
        Assert.Equal("affected", Finding(metadataOnly, "db01.dc1.example.com").GetProperty("verdict").GetString());
        var finding = Finding(withFile, "db01.dc1.example.com");
        Assert.Equal("fixed", finding.GetProperty("verdict").GetString());
        Assert.Contains("db01.dc1.example.com.json", finding.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Send_Filters_As_Repeated_Query_Keys_When_Service_Role_And_Status_Are_Given()
    {
        // Given
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);

        // When
        var r = ApiRunner.Run(server, "hosts", "--inventory", "mackerel", "--service", "Payments", "--role", "db", "--role", "api",
            "--status", "working", "--status", "maintenance", "--format", "json");

        // Then
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["/api/v0/hosts?service=Payments&role=db&role=api&status=working&status=maintenance"], server.Requests);
        var expected = server.Hosts.Count(h => (string)h["status"]! is "working" or "maintenance" && !(bool)h["isRetired"]!
            && h["roles"]?["Payments"]?.AsArray().Any(x => (string)x! is "db" or "api") == true);
        Assert.True(expected > 0);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(expected, doc.RootElement.GetProperty("hosts").GetInt32());
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Read_Hosts_Of_All_Four_Statuses_When_No_Status_Is_Given()
    {
        // Given: the samples hold working, standby, maintenance and poweroff hosts
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        Assert.Equal(4, server.Hosts.Select(h => (string)h["status"]!).Distinct().Count());

        // When
        var r = ApiRunner.Run(server, "hosts", "--inventory", "mackerel", "--format", "json", "--include-retired");

        // Then: one list request, no metadata or services requests for `hosts`
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["/api/v0/hosts?" + AllStatusesQuery], server.Requests);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(server.Hosts.Count, doc.RootElement.GetProperty("hosts").GetInt32());
    }

    [Fact]
    public void Should_Leave_Out_Retired_Hosts_When_Include_Retired_Is_Not_Given()
    {
        // Given
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);

        // When
        var r = ApiRunner.Run(server, "hosts", "--inventory", "mackerel", "--format", "json");

        // Then
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(server.Hosts.Count(h => !(bool)h["isRetired"]!), doc.RootElement.GetProperty("hosts").GetInt32());
    }

    [Fact]
    public void Should_Name_The_Owning_Team_When_The_Service_Memo_Has_A_Team_Line()
    {
        // Given: Payments' memo says "team: payments-sre"; Shop's memo names no team
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);

        // When
        var en = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel");
        var ja = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--lang", "ja");

        // Then
        Assert.Contains("Payments (team: payments-sre)", en.Out, StringComparison.Ordinal);
        Assert.Contains("Payments（担当: payments-sre）", ja.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Shop (team:", en.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Triage_The_Host_Without_Facts_And_Warn_When_Its_Metadata_Is_Not_Usable()
    {
        // Given: a candidate host whose metadata has an unparseable version
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        var id = SampleFleet.IdOf(server, "db01.dc1.example.com");
        server.Metadata[id] = """{"firmware":[{"kind":"sps","version":"four"}]}""";

        // When
        var r = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--format", "json");

        // Then: never a verdict from a bad fact (the host is judged as if it had no facts); the run goes on
        Assert.Equal(1, r.ExitCode);
        var withoutFacts = Verdicts(CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--format", "json"));
        var finding = Finding(r, "db01.dc1.example.com");
        Assert.Equal(withoutFacts["db01.dc1.example.com"], finding.GetProperty("verdict").GetString());
        Assert.NotEqual("not_affected", finding.GetProperty("verdict").GetString());
        Assert.Contains("metadata could not be used", finding.GetRawText(), StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Contains(doc.RootElement.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("code").GetString() == "VT1206"
            && d.GetProperty("location").GetProperty("source").GetString() == $"mackerel:/api/v0/hosts/{id}/metadata/vulntriage");
    }

    [Fact]
    public void Should_Exit_3_With_A_Bad_Key_Message_When_The_Api_Answers_401()
    {
        // Given: the server rejects the key and (badly) echoes it back
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        server.Fault = async (ctx, _, _) =>
        {
            await FakeMackerelServer.WriteJsonAsync(ctx, 401, $$$"""{"error":{"message":"invalid api key {{{FakeMackerelServer.ApiKey}}}"}}""");
            return true;
        };

        // When
        var r = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel");

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.Contains("VT1201", r.Err, StringComparison.Ordinal);
        Assert.Contains("401", r.Err, StringComparison.Ordinal);
        Assert.Contains("MACKEREL_APIKEY", r.Err, StringComparison.Ordinal);
        Assert.Contains("invalid api key ***", r.Err, StringComparison.Ordinal);
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Exit_3_Naming_Permission_And_Ip_Restriction_When_The_Api_Answers_403_With_A_String_Error()
    {
        // Given: the {"error":"..."} shape
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        server.Fault = async (ctx, path, _) =>
        {
            if (!path.StartsWith("/api/v0/hosts?", StringComparison.Ordinal))
            {
                return false;
            }

            await FakeMackerelServer.WriteJsonAsync(ctx, 403, """{"error":"Permission denied"}""");
            return true;
        };

        // When
        var r = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel");

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("mackerel:/api/v0/hosts: error VT1201: 403 Forbidden", r.Err, StringComparison.Ordinal);
        Assert.Contains("Read permission", r.Err, StringComparison.Ordinal);
        Assert.Contains("IP address", r.Err, StringComparison.Ordinal);
        Assert.Contains("\"Permission denied\"", r.Err, StringComparison.Ordinal);
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Retry_And_Succeed_When_The_Host_List_Answers_429_Once()
    {
        // Given
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        server.Fault = async (ctx, path, before) =>
        {
            if (!path.StartsWith("/api/v0/hosts?", StringComparison.Ordinal) || before > 0)
            {
                return false;
            }

            await FakeMackerelServer.WriteJsonAsync(ctx, 429, """{"error":{"message":"Too many requests"}}""", new Dictionary<string, string> { ["Retry-After"] = "0" });
            return true;
        };

        // When
        var r = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--format", "json");

        // Then
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("vulntriage: /api/v0/hosts: HTTP 429", r.Err, StringComparison.Ordinal);
        Assert.Equal(2, server.RequestsTo("/api/v0/hosts?").Count());
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(38, doc.RootElement.GetProperty("findings").GetArrayLength());
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Announce_The_Retry_On_Stderr_When_Stderr_Is_A_Terminal()
    {
        // Given
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        server.Fault = async (ctx, path, before) =>
        {
            if (path != "/api/v0/services" || before > 0)
            {
                return false;
            }

            await FakeMackerelServer.WriteJsonAsync(ctx, 429, """{"error":"Too many requests"}""", new Dictionary<string, string> { ["Retry-After"] = "0" });
            return true;
        };

        // When
        var r = ApiRunner.RunOnTerminal(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--format", "json");

        // Then
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("vulntriage: /api/v0/services: HTTP 429 Too Many Requests (server: \"Too many requests\"); retrying in 0 s (attempt 2)", r.Err, StringComparison.Ordinal);
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Retry_And_Use_The_Metadata_When_A_Metadata_Request_Answers_500_Once()
    {
        // Given
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        var path = $"/api/v0/hosts/{SampleFleet.IdOf(server, "db01.dc1.example.com")}/metadata/vulntriage";
        server.Fault = async (ctx, p, before) =>
        {
            if (p != path || before > 0)
            {
                return false;
            }

            await FakeMackerelServer.WriteJsonAsync(ctx, 500, """{"error":{"message":"Internal Server Error"}}""");
            return true;
        };

        // When
        var r = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--format", "json");

        // Then
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(2, server.Requests.Count(x => x == path));
        Assert.Equal("affected", Finding(r, "db01.dc1.example.com").GetProperty("verdict").GetString());
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Exit_3_After_Bounded_Retries_When_The_Api_Keeps_Answering_503()
    {
        // Given
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        server.Fault = async (ctx, path, _) =>
        {
            if (path != "/api/v0/services")
            {
                return false;
            }

            await FakeMackerelServer.WriteJsonAsync(ctx, 503, "<html>Service Unavailable</html>");
            return true;
        };

        // When
        var r = ApiRunner.RunWith(
            new Dictionary<string, string> { ["MACKEREL_APIKEY"] = FakeMackerelServer.ApiKey },
            o => o with { RetryBudget = TimeSpan.FromMilliseconds(300) },
            "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--apibase", server.BaseUrl);

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("mackerel:/api/v0/services: error VT1202: HTTP 503", r.Err, StringComparison.Ordinal);
        Assert.Contains("gave up after", r.Err, StringComparison.Ordinal);
        Assert.True(server.Requests.Count(x => x == "/api/v0/services") >= 2, "a 503 is retried");
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Exit_3_Naming_The_Endpoint_When_A_Metadata_Request_Times_Out()
    {
        // Given: one host's metadata never answers
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        var path = $"/api/v0/hosts/{SampleFleet.IdOf(server, "db02.dc1.example.com")}/metadata/vulntriage";
        using var release = new CancellationTokenSource();
        server.Fault = async (ctx, p, _) =>
        {
            if (p != path)
            {
                return false;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, release.Token);
            }
            catch (OperationCanceledException)
            {
            }

            ctx.Response.Abort();
            return true;
        };

        // When
        var r = ApiRunner.RunWith(
            new Dictionary<string, string> { ["MACKEREL_APIKEY"] = FakeMackerelServer.ApiKey },
            o => o with { RequestTimeout = TimeSpan.FromMilliseconds(200), RetryBudget = TimeSpan.FromMilliseconds(500) },
            "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--apibase", server.BaseUrl);
        release.Cancel();

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.Contains($"mackerel:{path}: error VT1203: no response within 0.2 s", r.Err, StringComparison.Ordinal);
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Exit_3_Naming_The_Endpoint_When_The_Host_List_Is_Cut_Off()
    {
        // Given: Content-Length promises more than is sent, then the connection drops
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        server.Fault = async (ctx, path, _) =>
        {
            if (!path.StartsWith("/api/v0/hosts?", StringComparison.Ordinal))
            {
                return false;
            }

            var body = System.Text.Encoding.UTF8.GetBytes("""{"hosts":[{"id":"a1","name":"x","status":"working","isRetired":false,"meta":{""");
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength64 = body.Length + 5000;
            await ctx.Response.OutputStream.WriteAsync(body);
            await ctx.Response.OutputStream.FlushAsync();
            ctx.Response.Abort();
            return true;
        };

        // When
        var r = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel");

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.StartsWith("vulntriage: mackerel:/api/v0/hosts", r.Err, StringComparison.Ordinal);
        Assert.Contains("error VT1007", r.Err, StringComparison.Ordinal);
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Exit_3_With_The_Position_When_The_Host_List_Is_Invalid_Json()
    {
        // Given: a complete response whose JSON ends in the middle of a host
        using var server = new FakeMackerelServer();
        server.Fault = async (ctx, path, _) =>
        {
            if (!path.StartsWith("/api/v0/hosts?", StringComparison.Ordinal))
            {
                return false;
            }

            await FakeMackerelServer.WriteJsonAsync(ctx, 200, """{"hosts":[{"id":"a1","name":"x","status":"working" """);
            return true;
        };

        // When
        var r = ApiRunner.Run(server, "hosts", "--inventory", "mackerel");

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Matches(@"^vulntriage: mackerel:/api/v0/hosts:1:\d+ \(byte \d+\): error VT1001", r.Err);
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Exit_3_Naming_The_Endpoint_When_A_Metadata_Body_Is_Cut_Off()
    {
        // Given
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        var path = $"/api/v0/hosts/{SampleFleet.IdOf(server, "db01.dc1.example.com")}/metadata/vulntriage";
        server.Fault = async (ctx, p, _) =>
        {
            if (p != path)
            {
                return false;
            }

            ctx.Response.StatusCode = 200;
            ctx.Response.ContentLength64 = 400;
            await ctx.Response.OutputStream.WriteAsync("""{"firmware":[{"kind":"""u8.ToArray());
            await ctx.Response.OutputStream.FlushAsync();
            ctx.Response.Abort();
            return true;
        };

        // When
        var r = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel");

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains($"mackerel:{path}: error VT1204: the response body was cut off", r.Err, StringComparison.Ordinal);
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Exit_3_When_The_Api_Cannot_Be_Reached()
    {
        // Given: a port nobody listens on
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        // When
        var r = ApiRunner.RunWith(
            new Dictionary<string, string> { ["MACKEREL_APIKEY"] = FakeMackerelServer.ApiKey },
            o => o with { RetryBudget = TimeSpan.FromMilliseconds(200) },
            "hosts", "--inventory", "mackerel", "--apibase", $"http://127.0.0.1:{port}");

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("error VT1205: the API cannot be reached", r.Err, StringComparison.Ordinal);
        ApiRunner.AssertKeyAbsent(r);
    }

    [Theory]
    [InlineData("--apikey")]
    [InlineData("--apikey=")]
    [InlineData("--api-key")]
    public void Should_Refuse_With_Exit_2_And_Not_Echo_It_When_A_Key_Is_Passed_On_The_Command_Line(string option)
    {
        // Given
        using var server = new FakeMackerelServer();
        string[] args = option.EndsWith('=')
            ? ["triage", "INTEL-SA-00086", "--inventory", "mackerel", option + FakeMackerelServer.ApiKey]
            : ["triage", "INTEL-SA-00086", "--inventory", "mackerel", option, FakeMackerelServer.ApiKey];

        // When
        var r = ApiRunner.Run(server, args);

        // Then
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("set MACKEREL_APIKEY", r.Err, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Fail_Explaining_Where_The_Key_Comes_From_When_No_Key_Is_Found()
    {
        // Given
        using var server = new FakeMackerelServer();
        var missingConf = Path.Combine(Path.GetTempPath(), "vt-no-such-dir", "mackerel-agent.conf");

        // When
        var r = ApiRunner.RunWith(new Dictionary<string, string>(), o => o, "hosts", "--inventory", "mackerel", "--apibase", server.BaseUrl, "--conf", missingConf);
        var noConf = ApiRunner.RunWith(new Dictionary<string, string>(), o => o, "hosts", "--inventory", "mackerel", "--apibase", server.BaseUrl);

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("VT1207", r.Err, StringComparison.Ordinal);
        if (!File.Exists("/etc/mackerel-agent/mackerel-agent.conf"))
        {
            Assert.Equal(2, noConf.ExitCode);
            Assert.Contains("no Mackerel API key: set MACKEREL_APIKEY", noConf.Err, StringComparison.Ordinal);
        }

        Assert.Empty(server.Requests);
    }

    [Fact]
    public void Should_Use_The_Agent_Config_Key_And_Apibase_When_Mackerel_Apikey_Is_Not_Set()
    {
        // Given: a config shaped like mackerel-agent's (mkr: mackerelclient/testdata/mackerel-agent.conf)
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        var conf = CliRunner.TempFile($"""
            pidfile = "./pid"
            root = "./testdata"
            verbose = false
            apikey = "{FakeMackerelServer.ApiKey}"   # organization key, Read permission
            apibase = "{server.BaseUrl}"

            [plugin.metadata.vulntriage]
            command = ["/usr/local/bin/vulntriage", "probe"]
            """, ".conf");

        // When
        var r = ApiRunner.RunWith(new Dictionary<string, string>(), o => o, "hosts", "--inventory", "mackerel", "--conf", conf);

        // Then
        Assert.Equal(0, r.ExitCode);
        Assert.Single(server.Requests);
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Refuse_Plain_Http_To_A_Remote_Host_When_The_Apibase_Is_Not_Loopback()
    {
        // When
        var r = ApiRunner.RunWith(
            new Dictionary<string, string> { ["MACKEREL_APIKEY"] = FakeMackerelServer.ApiKey },
            o => o,
            "hosts", "--inventory", "mackerel", "--apibase", "http://api.example.com");

        // Then
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("plain HTTP", r.Err, StringComparison.Ordinal);
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Exit_2_When_Role_Is_Given_Without_Service_Or_Filters_With_A_File()
    {
        // Given
        using var server = new FakeMackerelServer();

        // When
        var role = ApiRunner.Run(server, "hosts", "--inventory", "mackerel", "--role", "db");
        var file = CliRunner.Run("hosts", "--inventory", CliRunner.SampleInventory, "--service", "Shop");

        // Then
        Assert.Equal(2, role.ExitCode);
        Assert.Contains("--role needs --service", role.Err, StringComparison.Ordinal);
        Assert.Equal(2, file.ExitCode);
        Assert.Contains("--inventory mackerel only", file.Err, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Verdicts(CliRunner.Result r)
    {
        using var doc = JsonDocument.Parse(r.Out);
        return doc.RootElement.GetProperty("findings").EnumerateArray()
            .ToDictionary(f => f.GetProperty("host").GetProperty("name").GetString()!, f => f.GetProperty("verdict").GetString()!);
    }

    private static JsonElement Finding(CliRunner.Result r, string host)
    {
        using var doc = JsonDocument.Parse(r.Out);
        return doc.RootElement.GetProperty("findings").EnumerateArray()
            .First(f => f.GetProperty("host").GetProperty("name").GetString() == host).Clone();
    }
}
