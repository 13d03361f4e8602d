using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace VulnTriage.Cli.Tests.MackerelApi;

/// <summary>
/// A local stand-in for the Mackerel API on 127.0.0.1, speaking its wire format (../shared/docs/reference/mackerel.md
/// §1, §4, §6): <c>X-Api-Key</c> auth, <c>GET /api/v0/hosts</c> with repeated <c>status</c>/<c>role</c> filters
/// (default working+standby), <c>{"hosts":[...]}</c>, <c>GET /api/v0/services</c>, host metadata with 404 when absent,
/// error bodies <c>{"error":{"message":…}}</c>. Faults are injected per request.
/// </summary>
internal sealed class FakeMackerelServer : IDisposable
{
    public const string ApiKey = "vtTEST4kEy9ZqX2mW7pL0sN5";

    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _inFlight;
    private int _maxInFlight;

    public FakeMackerelServer()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            BaseUrl = $"http://127.0.0.1:{port}";
            try
            {
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add(BaseUrl + "/");
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    /// <summary>API host objects (the <c>{"hosts":[...]}</c> elements).</summary>
    public List<JsonObject> Hosts { get; } = [];

    /// <summary>Host id → the JSON stored in its <c>vulntriage</c> metadata namespace.</summary>
    public ConcurrentDictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Services as <c>GET /api/v0/services</c> returns them.</summary>
    public List<JsonObject> Services { get; } = [];

    /// <summary>The bodies of <c>POST /api/v0/graph-annotations</c>, in arrival order.</summary>
    public ConcurrentQueue<string> Annotations { get; } = new();

    /// <summary>Every request's path and query, in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>A fault: given the request path+query and how many times that path+query was asked before, write a response and return true, or return false for normal handling.</summary>
    public Func<HttpListenerContext, string, int, Task<bool>>? Fault { get; set; }

    /// <summary>Largest number of metadata requests served at the same time.</summary>
    public int MaxMetadataInFlight => Volatile.Read(ref _maxInFlight);

    private ConcurrentDictionary<string, int> Seen { get; } = new(StringComparer.Ordinal);

    public IEnumerable<string> RequestsTo(string pathPrefix) => Requests.Where(r => r.StartsWith(pathPrefix, StringComparison.Ordinal));

    public static async Task WriteJsonAsync(HttpListenerContext context, int status, string json, IDictionary<string, string>? headers = null)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        foreach (var (k, v) in headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[k] = v;
        }

        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // The managed HttpListener re-binds the port to look its endpoint up while removing the prefix; when another
            // test's socket took the port meanwhile it throws "Address already in use" from Close. The listener is shut
            // either way; failing the test here would make it fail for a reason that has nothing to do with it.
        }
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await HandleAsync(context);
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException or InvalidOperationException or OperationCanceledException)
                {
                    // The client went away (timeouts, aborted reads); nothing to do.
                }
            });
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var url = context.Request.Url!;
        var pathAndQuery = url.PathAndQuery;
        Requests.Enqueue(pathAndQuery);
        var before = Seen.AddOrUpdate(pathAndQuery, 0, (_, n) => n + 1);

        if (context.Request.Headers["X-Api-Key"] != ApiKey)
        {
            await WriteJsonAsync(context, 401, """{"error":{"message":"Authentication failed"}}""");
            return;
        }

        if (Fault is { } fault && await fault(context, pathAndQuery, before))
        {
            return;
        }

        var path = url.AbsolutePath;
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        if (path == "/api/v0/graph-annotations" && context.Request.HttpMethod == "POST")
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            Annotations.Enqueue(body);
            var annotation = JsonNode.Parse(body)!.AsObject();
            annotation["id"] = "3JwREyrZGQ" + Annotations.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteJsonAsync(context, 200, annotation.ToJsonString());
        }
        else if (path == "/api/v0/hosts")
        {
            var statuses = query.GetValues("status") ?? ["working", "standby"];
            var service = query["service"];
            var roles = service is null ? null : query.GetValues("role");
            var selected = Hosts.Where(h =>
                statuses.Contains((string)h["status"]!)
                && (service is null || (h["roles"] is JsonObject r && r[service] is JsonArray rs
                    && (roles is null || rs.Any(x => roles.Contains((string)x!))))));
            await WriteJsonAsync(context, 200, new JsonObject { ["hosts"] = new JsonArray([.. selected.Select(h => h.DeepClone())]) }.ToJsonString());
        }
        else if (path == "/api/v0/services")
        {
            await WriteJsonAsync(context, 200, new JsonObject { ["services"] = new JsonArray([.. Services.Select(s => s.DeepClone())]) }.ToJsonString());
        }
        else if (path.StartsWith("/api/v0/hosts/", StringComparison.Ordinal) && path.EndsWith("/metadata/vulntriage", StringComparison.Ordinal))
        {
            var now = Interlocked.Increment(ref _inFlight);
            try
            {
                var seen = Volatile.Read(ref _maxInFlight);
                while (now > seen && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
                {
                    seen = Volatile.Read(ref _maxInFlight);
                }

                await Task.Yield();
                var id = Uri.UnescapeDataString(path["/api/v0/hosts/".Length..^"/metadata/vulntriage".Length]);
                if (Metadata.TryGetValue(id, out var json))
                {
                    await WriteJsonAsync(context, 200, json, new Dictionary<string, string> { ["Last-Modified"] = "Wed, 25 Nov 2026 08:00:00 GMT" });
                }
                else
                {
                    await WriteJsonAsync(context, 404, """{"error":{"message":"Metadata not found"}}""");
                }
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
        else
        {
            await WriteJsonAsync(context, 404, """{"error":{"message":"Not found"}}""");
        }
    }
}
