using System.Net;
using System.Text;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Inventory.MackerelApi;

namespace VulnTriage.Inventory.Tests.MackerelApi;

public sealed class MackerelApiInventorySourceTests
{
    private const string Key = "unit-test-key";

    [Fact]
    public void Should_Keep_The_Api_Host_Order_When_Metadata_Answers_Arrive_Out_Of_Order()
    {
        // Given: 200 hosts; metadata for even hosts, answered after a delay that decreases with the index
        var ids = Enumerable.Range(0, 200).Select(i => $"h{i:D3}").ToList();
        var hosts = string.Join(',', ids.Select(id => $"{{\"id\":\"{id}\",\"name\":\"{id}.example\",\"status\":\"working\",\"isRetired\":false,\"roles\":{{}},\"meta\":{{}}}}"));
        using var http = new HttpClient(new StubHandler(async (request, ct) =>
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path == "/api/v0/hosts")
            {
                return Json(HttpStatusCode.OK, $$"""{"hosts":[{{hosts}}]}""");
            }

            var id = path.Split('/')[4];
            var index = int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay(index % 7, ct);
            return index % 2 == 0
                ? Json(HttpStatusCode.OK, """{"firmware":[{"kind":"me","version":"11.8.50.3425"}]}""")
                : Json(HttpStatusCode.NotFound, """{"error":{"message":"Metadata not found"}}""");
        }));
        var options = new MackerelApiOptions { BaseAddress = new Uri("https://api.example"), MaxConcurrency = 5, ReadServices = false };
        var source = new MackerelApiInventorySource(new MackerelApiClient(http, Key, options, TimeProvider.System), options);
        var diagnostics = new List<Diagnostic>();

        // When
        var entries = source.Open(diagnostics.Add, TestContext.Current.CancellationToken).Entries.ToList();

        // Then
        Assert.Equal(ids, entries.Select(e => e.Host.Id));
        Assert.All(entries, e => Assert.Equal(int.Parse(e.Host.Id[1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0, e.Facts is not null));
        Assert.All(entries.Where(e => e.Facts is not null), e => Assert.Equal($"mackerel:/api/v0/hosts/{e.Host.Id}/metadata/vulntriage", e.Facts!.Firmware.Single().Source));
        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task Should_Give_Up_At_Once_When_Retry_After_Exceeds_The_Retry_Budget()
    {
        // Given: a 429 asking to come back in an hour; the budget is 2 s (back-off alone would retry)
        var calls = 0;
        using var http = new HttpClient(new StubHandler((_, _) =>
        {
            Interlocked.Increment(ref calls);
            var response = Json((HttpStatusCode)429, """{"error":"Too Many Requests"}""");
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromHours(1));
            return Task.FromResult(response);
        }));
        var options = new MackerelApiOptions { BaseAddress = new Uri("https://api.example"), RetryBudget = TimeSpan.FromSeconds(2), InitialBackoff = TimeSpan.FromMilliseconds(1) };
        var client = new MackerelApiClient(http, Key, options, TimeProvider.System);

        // When
        var e = await Assert.ThrowsAsync<InputException>(() => client.GetServicesAsync(TestContext.Current.CancellationToken));

        // Then
        Assert.Equal(1, calls);
        var d = Assert.Single(e.Diagnostics);
        Assert.Equal(MackerelApiDiagnosticCodes.HttpError, d.Code);
        Assert.Equal("mackerel:/api/v0/services", d.Location.Source);
        Assert.Contains("HTTP 429", d.Message, StringComparison.Ordinal);
        Assert.Contains("\"Too Many Requests\"", d.Message, StringComparison.Ordinal);
        Assert.Contains("gave up after 1 attempt", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_Send_The_Key_Only_In_The_Header_When_Requesting()
    {
        // Given
        var seen = new List<HttpRequestMessage>();
        using var http = new HttpClient(new StubHandler((request, _) =>
        {
            lock (seen)
            {
                seen.Add(request);
            }

            return Task.FromResult(Json(HttpStatusCode.OK, """{"services":[{"name":"Payments","memo":"team: pay","roles":["db"]}]}"""));
        }));
        var options = new MackerelApiOptions { BaseAddress = new Uri("https://api.example/") };

        // When
        var services = await new MackerelApiClient(http, Key, options, TimeProvider.System).GetServicesAsync(TestContext.Current.CancellationToken);

        // Then
        var request = Assert.Single(seen);
        Assert.Equal(Key, request.Headers.GetValues("X-Api-Key").Single());
        Assert.DoesNotContain(Key, request.RequestUri!.ToString(), StringComparison.Ordinal);
        Assert.Equal("https://api.example/api/v0/services", request.RequestUri.ToString());
        Assert.Equal(new ServiceInfo("Payments", "team: pay", "pay", ["db"]).ToString(), services.Single().ToString());
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private sealed class StubHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => respond(request, cancellationToken);
    }
}
