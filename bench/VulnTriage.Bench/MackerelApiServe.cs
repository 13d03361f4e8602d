using System.Globalization;
using System.Net;
using System.Text;

namespace VulnTriage.Bench;

/// <summary>
/// <c>serve-mackerel</c>: a local stand-in for the Mackerel API on 127.0.0.1 serving a generated fleet
/// (<c>{"hosts":[...]}</c> streamed from a file made by <c>generate</c>), <c>/api/v0/services</c>, and
/// <c>vulntriage</c> metadata for every <c>--metadata-every</c>-th host id (404 for the others), so
/// <c>vulntriage triage … --inventory mackerel --apibase http://127.0.0.1:PORT</c> can be timed end to end.
/// Runs until Ctrl+C or stdin closes; prints the base URL first.
/// </summary>
internal static class MackerelApiServe
{
    public const string ApiKey = "bench-key";

    private static readonly byte[] Facts = """{"schema":"vulntriage-probe/1","firmware":[{"kind":"me","version":"11.8.50.3425"}],"notes":["bench"]}"""u8.ToArray();
    private static readonly byte[] NotFound = """{"error":{"message":"Metadata not found"}}"""u8.ToArray();
    private static readonly byte[] Services = """{"services":[{"name":"Shop","memo":"team: shop-sre","roles":["web","db"]}]}"""u8.ToArray();

    public static int Run(string inventory, int port, int metadataEvery)
    {
        using var listener = new HttpListener();
        listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        listener.Start();
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"serving {inventory} at http://127.0.0.1:{port} (X-Api-Key: {ApiKey}); metadata on every {metadataEvery}th host"));
        Console.Out.Flush();
        var stats = new int[2];
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => HandleAsync(context, inventory, metadataEvery, stats));
            }
        });

        // Until stdin closes (e.g. `serve-mackerel ... < /dev/null &` stays up with `sleep infinity |`).
        while (Console.In.ReadLine() is not null)
        {
        }

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"served {stats[0]} metadata documents, {stats[1]} not found"));
        return 0;
    }

    private static async Task HandleAsync(HttpListenerContext context, string inventory, int metadataEvery, int[] stats)
    {
        try
        {
            var response = context.Response;
            response.ContentType = "application/json";
            if (context.Request.Headers["X-Api-Key"] != ApiKey)
            {
                await WriteAsync(response, 401, """{"error":{"message":"Authentication failed"}}"""u8.ToArray()).ConfigureAwait(false);
                return;
            }

            var path = context.Request.Url!.AbsolutePath;
            if (path == "/api/v0/hosts")
            {
                // Stream the generated array inside {"hosts": ...} (chunked), never holding it whole.
                response.StatusCode = 200;
                response.SendChunked = true;
                var output = response.OutputStream;
                await output.WriteAsync("{\"hosts\":"u8.ToArray()).ConfigureAwait(false);
                await using (var file = new FileStream(inventory, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
                {
                    await file.CopyToAsync(output).ConfigureAwait(false);
                }

                await output.WriteAsync("}"u8.ToArray()).ConfigureAwait(false);
                response.Close();
            }
            else if (path == "/api/v0/services")
            {
                await WriteAsync(response, 200, Services).ConfigureAwait(false);
            }
            else if (path.StartsWith("/api/v0/hosts/", StringComparison.Ordinal) && path.EndsWith("/metadata/vulntriage", StringComparison.Ordinal))
            {
                var id = path["/api/v0/hosts/".Length..^"/metadata/vulntriage".Length];
                var hash = 0u;
                foreach (var b in Encoding.UTF8.GetBytes(id))
                {
                    hash = unchecked((hash * 31) + b);
                }

                var has = metadataEvery > 0 && hash % (uint)metadataEvery == 0;
                Interlocked.Increment(ref stats[has ? 0 : 1]);
                await WriteAsync(response, has ? 200 : 404, has ? Facts : NotFound).ConfigureAwait(false);
            }
            else
            {
                await WriteAsync(response, 404, """{"error":"not found"}"""u8.ToArray()).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, byte[] body)
    {
        response.StatusCode = status;
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        response.Close();
    }
}
