using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace VulnTriage.Bench;

/// <summary>What <c>load</c> was asked for.</summary>
/// <param name="BaseUrl">The running <c>vulntriage serve</c>, e.g. http://127.0.0.1:18080.</param>
/// <param name="Token">A token with the decider role or above (the preview is a POST); read from the environment, never an argument.</param>
/// <param name="Advisory">The advisory whose saved run is read.</param>
/// <param name="Clients">Concurrent clients, each sending one request at a time.</param>
/// <param name="PerEndpoint">Requests per endpoint (after one warm-up request each).</param>
internal sealed record LoadSettings(Uri BaseUrl, string Token, string Advisory, int Clients, int PerEndpoint);

/// <summary>
/// Issue 15's load test: <see cref="LoadSettings.Clients"/> concurrent clients over a running <c>vulntriage serve</c>
/// whose store holds a large saved run. Every page and API endpoint is requested <see cref="LoadSettings.PerEndpoint"/>
/// times, all endpoints interleaved in a shuffled order (seeded), each client taking the next request when its last one
/// is answered. Reports the latency of each endpoint (p50, p95, p99, max), the errors (any status but 200/201), and the
/// first request of each endpoint apart (the first one loads the run into the server's cache).
/// </summary>
internal static class LoadBench
{
    private sealed record Endpoint(string Name, HttpMethod Method, string Path, string? Body = null);

    public static async Task<int> RunAsync(LoadSettings settings, TextWriter output)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = settings.Clients,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var http = new HttpClient(handler) { BaseAddress = settings.BaseUrl, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);

        // Discover a real host, its service and CPU from the saved run (an affected one when there is one).
        var advisory = Uri.EscapeDataString(settings.Advisory);
        var started = Stopwatch.GetTimestamp();
        using var first = JsonDocument.Parse(await GetAsync(http, $"/api/v1/advisories/{advisory}/findings?verdict=affected&limit=1").ConfigureAwait(false));
        var firstLoad = Stopwatch.GetElapsedTime(started);
        var total = first.RootElement.GetProperty("total").GetInt32();
        using var any = total > 0 ? null : JsonDocument.Parse(await GetAsync(http, $"/api/v1/advisories/{advisory}/findings?limit=1").ConfigureAwait(false));
        var finding = (any ?? first).RootElement.GetProperty("findings")[0];
        var host = finding.GetProperty("host");
        var hostName = host.GetProperty("name").GetString()!;
        var service = host.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("service").GetString()).FirstOrDefault() ?? "";
        var h = Uri.EscapeDataString(hostName);
        var s = Uri.EscapeDataString(service);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load: {settings.BaseUrl} {settings.Advisory}: first request {firstLoad.TotalMilliseconds:0} ms (loads the saved run); host {hostName}, service {service}; {settings.Clients} clients, {settings.PerEndpoint} requests per endpoint"));

        var preview = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["advisory"] = settings.Advisory,
            ["selector"] = new Dictionary<string, string> { ["cpu"] = "Xeon" },
            ["verdict"] = "not_affected",
            ["justification"] = "load benchmark (preview only, nothing recorded)",
        });
        Endpoint[] endpoints =
        [
            new("page /", HttpMethod.Get, "/"),
            new("page /advisories/{id}", HttpMethod.Get, $"/advisories/{advisory}"),
            new("page /advisories/{id}?verdict&service", HttpMethod.Get, $"/advisories/{advisory}?verdict=affected&service={s}"),
            new("page /advisories/{id}?offset=5000", HttpMethod.Get, $"/advisories/{advisory}?verdict=all&offset=5000"),
            new("page /hosts/{name}", HttpMethod.Get, $"/hosts/{h}"),
            new("page /runs", HttpMethod.Get, "/runs"),
            new("page /runs?from&to (diff)", HttpMethod.Get, "/runs?advisory=" + advisory + "&from={from}&to={to}"),
            new("api GET /advisories", HttpMethod.Get, "/api/v1/advisories"),
            new("api GET /advisories/{id}", HttpMethod.Get, $"/api/v1/advisories/{advisory}"),
            new("api GET …/findings", HttpMethod.Get, $"/api/v1/advisories/{advisory}/findings"),
            new("api GET …/findings?verdict&service", HttpMethod.Get, $"/api/v1/advisories/{advisory}/findings?verdict=affected&service={s}"),
            new("api GET …/findings?limit=1000", HttpMethod.Get, $"/api/v1/advisories/{advisory}/findings?limit=1000&offset=50000"),
            new("api GET /hosts/{name}", HttpMethod.Get, $"/api/v1/hosts/{h}"),
            new("api GET /runs", HttpMethod.Get, "/api/v1/runs"),
            new("api GET /runs/diff", HttpMethod.Get, $"/api/v1/runs/diff?advisory={advisory}"),
            new("api GET /decisions", HttpMethod.Get, "/api/v1/decisions"),
            new("api POST /decisions/preview", HttpMethod.Post, "/api/v1/decisions/preview", preview),
        ];

        // The diff page needs two run ids: the last two saved runs.
        using (var runs = JsonDocument.Parse(await GetAsync(http, "/api/v1/runs").ConfigureAwait(false)))
        {
            var ids = (runs.RootElement.ValueKind == JsonValueKind.Array ? runs.RootElement : runs.RootElement.GetProperty("runs"))
                .EnumerateArray().Where(r => !r.TryGetProperty("error", out var e) || e.ValueKind == JsonValueKind.Null).Select(r => r.GetProperty("id").GetString()!).ToList();
            if (ids.Count < 2)
            {
                throw new ArgumentException("the store needs at least two saved runs (for the diff endpoints)");
            }

            endpoints = [.. endpoints.Select(e => e with { Path = e.Path.Replace("{from}", ids[^2], StringComparison.Ordinal).Replace("{to}", ids[^1], StringComparison.Ordinal) })];
        }

        // Warm-up: each endpoint once, alone (the first request of a run pays its loading; pages and API share the cache).
        var warm = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var e in endpoints)
        {
            var (ms, status) = await SendAsync(http, e).ConfigureAwait(false);
            if (status is not (HttpStatusCode.OK or HttpStatusCode.Created))
            {
                output.WriteLine($"load: {e.Name} ({e.Method} {e.Path}) answered {(int)status} on its warm-up request");
                return 1;
            }

            warm[e.Name] = ms;
        }

        // The measured part: every endpoint PerEndpoint times, shuffled, by Clients concurrent clients.
        var random = new Random(15);
        var queue = Enumerable.Range(0, endpoints.Length * settings.PerEndpoint).Select(i => endpoints[i % endpoints.Length]).ToArray();
        random.Shuffle(queue);
        var next = -1;
        var samples = endpoints.ToDictionary(e => e.Name, _ => new List<double>(settings.PerEndpoint), StringComparer.Ordinal);
        var errors = endpoints.ToDictionary(e => e.Name, _ => 0, StringComparer.Ordinal);
        var all = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, settings.Clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < queue.Length)
            {
                var e = queue[i];
                var (ms, status) = await SendAsync(http, e).ConfigureAwait(false);
                lock (samples)
                {
                    samples[e.Name].Add(ms);
                    if (status is not (HttpStatusCode.OK or HttpStatusCode.Created))
                    {
                        errors[e.Name]++;
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll(clients).ConfigureAwait(false);
        all.Stop();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load: {queue.Length} requests in {all.Elapsed.TotalSeconds:0.0} s ({queue.Length / all.Elapsed.TotalSeconds:0} requests/s)"));
        output.WriteLine($"| {"Endpoint",-40} | {"warm-up",8} | {"p50",7} | {"p95",7} | {"p99",7} | {"max",7} | errors |");
        output.WriteLine($"|{new string('-', 42)}|{new string('-', 10)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 9)}|--------|");
        var worst = 0.0;
        foreach (var e in endpoints)
        {
            var list = samples[e.Name];
            list.Sort();
            var p95 = Percentile(list, 0.95);
            worst = Math.Max(worst, p95);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {e.Name,-40} | {warm[e.Name],5:0} ms | {Percentile(list, 0.50),4:0} ms | {p95,4:0} ms | {Percentile(list, 0.99),4:0} ms | {list[^1],4:0} ms | {errors[e.Name],6} |"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load: worst p95 {worst:0} ms (goal < 200 ms)"));
        return errors.Values.Sum() > 0 ? 1 : 0;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task<string> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return response.IsSuccessStatusCode ? body : throw new ArgumentException($"GET {path}: {(int)response.StatusCode} {body[..Math.Min(200, body.Length)]}");
    }

    /// <summary>One request, its body read to the end; the time from sending to the last byte.</summary>
    private static async Task<(double Ms, HttpStatusCode Status)> SendAsync(HttpClient http, Endpoint e)
    {
        using var request = new HttpRequestMessage(e.Method, new Uri(e.Path, UriKind.Relative));
        if (e.Body is not null)
        {
            request.Content = new StringContent(e.Body, Encoding.UTF8, "application/json");
        }

        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        await response.Content.CopyToAsync(Stream.Null).ConfigureAwait(false);
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, response.StatusCode);
    }
}
