using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VulnTriage.Web.Tests;

/// <summary>A Slack-compatible incoming webhook on 127.0.0.1: records each POST body and answers with the next status of <see cref="Statuses"/> (then 200).</summary>
internal sealed class FakeWebhook : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public FakeWebhook()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = new Uri($"http://127.0.0.1:{port}/services/T000/B000/XXXXsecretXXXX");
            try
            {
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

    public ConcurrentQueue<string> Bodies { get; } = new();

    public ConcurrentQueue<int> Statuses { get; } = new();

    public void Dispose()
    {
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (HttpListenerException)
        {
        }

        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
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

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            Bodies.Enqueue(await reader.ReadToEndAsync());
            context.Response.StatusCode = Statuses.TryDequeue(out var status) ? status : 200;
            var ok = Encoding.UTF8.GetBytes("ok");
            await context.Response.OutputStream.WriteAsync(ok);
            context.Response.Close();
        }
    }
}
