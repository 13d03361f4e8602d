using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace VulnTriage.Cli.Tests.MackerelApi;

/// <summary>
/// Issue 16: a refused connection fails at once (it used to back off silently for 57 s), the whole API read has a
/// deadline (a server trickling one byte a second kept a run alive for hours), and an API key echoed back as data
/// never reaches a report or the state database.
/// </summary>
public sealed class HostileApiTests
{
    private static readonly Dictionary<string, string> Key = new() { ["MACKEREL_APIKEY"] = FakeMackerelServer.ApiKey };

    [Fact]
    public void Should_Fail_At_Once_Without_Retrying_When_The_Connection_Is_Refused()
    {
        // Given: a port nothing listens on
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        // When: with a retry budget of a minute, as by default
        var r = ApiRunner.RunWith(Key, o => o with { RetryBudget = TimeSpan.FromSeconds(60) },
            "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--apibase", $"http://127.0.0.1:{port}");

        // Then
        Assert.Equal(3, r.ExitCode);
        var line = Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.Contains("connection refused", line, StringComparison.Ordinal);
        Assert.Contains("not retried", line, StringComparison.Ordinal);
        Assert.DoesNotContain("retrying", r.Err, StringComparison.Ordinal);
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Print_A_Line_Per_Retry_When_Stderr_Is_Not_A_Terminal()
    {
        // Given: the services endpoint answers 503 once
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        server.Fault = async (ctx, path, before) =>
        {
            if (path != "/api/v0/services" || before > 0)
            {
                return false;
            }

            await FakeMackerelServer.WriteJsonAsync(ctx, 503, """{"error":"busy"}""", new Dictionary<string, string> { ["Retry-After"] = "0" });
            return true;
        };

        // When
        var r = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--format", "json");

        // Then
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("vulntriage: /api/v0/services: HTTP 503", r.Err, StringComparison.Ordinal);
        Assert.Contains("retrying in 0 s (attempt 2)", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Stop_At_The_Deadline_When_The_Server_Trickles_The_Host_List()
    {
        // Given: the host list arrives one byte every 50 ms — never a stall long enough for the per-request timeout
        using var server = new FakeMackerelServer();
        using var release = new CancellationTokenSource();
        server.Fault = async (ctx, path, _) =>
        {
            if (!path.StartsWith("/api/v0/hosts?", StringComparison.Ordinal))
            {
                return false;
            }

            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            ctx.Response.SendChunked = true;
            try
            {
                foreach (var b in "{\"hosts\":[                                                                                                         "u8.ToArray())
                {
                    await ctx.Response.OutputStream.WriteAsync(new[] { b }, release.Token);
                    await ctx.Response.OutputStream.FlushAsync(release.Token);
                    await Task.Delay(50, release.Token);
                }

                await Task.Delay(Timeout.Infinite, release.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpListenerException or IOException)
            {
            }

            ctx.Response.Abort();
            return true;
        };

        // When
        var r = ApiRunner.RunWith(Key, o => o with { RequestTimeout = TimeSpan.FromSeconds(2), Deadline = TimeSpan.FromSeconds(1) },
            "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--apibase", server.BaseUrl);
        release.Cancel();

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("did not finish within 1 s (--api-deadline)", r.Err, StringComparison.Ordinal);
        ApiRunner.AssertKeyAbsent(r);
    }

    [Fact]
    public void Should_Keep_The_Key_Out_Of_Reports_And_The_Database_When_The_Server_Echoes_It_As_Data()
    {
        // Given: a host whose name and CPU string are the API key, a service memo carrying it
        using var server = new FakeMackerelServer();
        SampleFleet.Load(server, copies: 1);
        var echo = server.Hosts[0].DeepClone().AsObject();
        echo["id"] = "echo1";
        echo["name"] = FakeMackerelServer.ApiKey;
        echo["displayName"] = "key=" + FakeMackerelServer.ApiKey;
        server.Hosts.Add(echo);
        server.Services.Add(new JsonObject { ["name"] = "Echo", ["memo"] = "team: " + FakeMackerelServer.ApiKey, ["roles"] = new JsonArray("x") });
        server.Metadata["echo1"] = $$"""{"firmware":[],"notes":["{{FakeMackerelServer.ApiKey}}"]}""";
        var db = Path.Combine(Path.GetTempPath(), $"vt-{Path.GetRandomFileName()}.db");
        var html = Path.Combine(Path.GetTempPath(), $"vt-{Path.GetRandomFileName()}.html");

        // When
        var json = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--format", "json", "--db", db, "--save");
        var page = ApiRunner.Run(server, "triage", "INTEL-SA-00086", "--inventory", "mackerel", "--out", html);
        var hosts = ApiRunner.Run(server, "hosts", "--inventory", "mackerel", "--format", "json");

        // Then
        Assert.Contains("\"name\": \"***\"", json.Out, StringComparison.Ordinal);
        ApiRunner.AssertKeyAbsent(json);
        ApiRunner.AssertKeyAbsent(page, html);
        ApiRunner.AssertKeyAbsent(hosts);
        foreach (var file in new[] { db, db + "-wal" }.Where(File.Exists))
        {
            Assert.DoesNotContain(FakeMackerelServer.ApiKey, System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(file)), StringComparison.Ordinal);
        }
    }
}
