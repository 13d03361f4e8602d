using System.Collections.Immutable;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Mackerel;

namespace VulnTriage.Inventory.MackerelApi;

/// <summary>
/// The few read-only Mackerel API calls VulnTriage makes, with the faults handled once: 401/403 explained, 429 and 5xx
/// (and timeouts and connection failures) retried with exponential back-off and jitter within a bounded total time
/// (<c>Retry-After</c> honoured), a per-request timeout, both error-body shapes understood. Every failure is an
/// <see cref="InputException"/> naming the endpoint path; the API key is sent only in the <c>X-Api-Key</c> header and
/// never appears in a message.
/// </summary>
public sealed class MackerelApiClient
{
    /// <summary>The host list endpoint.</summary>
    public const string HostsPath = "/api/v0/hosts";

    /// <summary>The service list endpoint.</summary>
    public const string ServicesPath = "/api/v0/services";

    private const int MaxErrorBodyBytes = 64 << 10;
    private const int MaxServicesBytes = 16 << 20;

    private readonly HttpClient _http;
    private readonly string _apiKey;
    private readonly MackerelApiOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly Uri _base;

    /// <summary>Creates the client.</summary>
    /// <param name="http">The HTTP client (owned by the caller). It should not follow redirects: a redirect would carry the key elsewhere.</param>
    /// <param name="apiKey">The organization API key (Read permission is enough).</param>
    /// <param name="options">What to read and the timeouts.</param>
    /// <param name="time">Time source for timeouts and back-off.</param>
    /// <param name="random">Jitter source in [0, 1); <see cref="Random.Shared"/> when <c>null</c>.</param>
    /// <exception cref="ArgumentException">The key is empty or has characters an HTTP header cannot carry (the message does not show it).</exception>
    public MackerelApiClient(HttpClient http, string apiKey, MackerelApiOptions options, TimeProvider time, Func<double>? random = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(apiKey);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (!IsValidApiKey(apiKey))
        {
            throw new ArgumentException("the API key is empty or contains characters that cannot be sent in an HTTP header", nameof(apiKey));
        }

        _http = http;
        _apiKey = apiKey;
        _options = options;
        _time = time;
#pragma warning disable CA5394 // Jitter, not security.
        _random = random ?? (() => Random.Shared.NextDouble());
#pragma warning restore CA5394
        var b = options.BaseAddress.ToString();
        _base = new Uri(b.EndsWith('/') ? b : b + "/", UriKind.Absolute);
    }

    /// <summary>Whether <paramref name="apiKey"/> can be sent as a header value: non-empty, visible ASCII only.</summary>
    public static bool IsValidApiKey(string? apiKey) =>
        !string.IsNullOrEmpty(apiKey) && apiKey.All(c => c is > ' ' and < '\u007f');

    /// <summary>The metadata path of one host.</summary>
    public static string MetadataPath(string hostId, string metadataNamespace) =>
        $"{HostsPath}/{Uri.EscapeDataString(hostId)}/metadata/{Uri.EscapeDataString(metadataNamespace)}";

    /// <summary><c>GET /api/v0/services</c>: every service with its memo and roles.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The services, in the order the API gives them.</returns>
    public async Task<ImmutableArray<ServiceInfo>> GetServicesAsync(CancellationToken cancellationToken)
    {
        var bytes = await GetBytesAsync(ServicesPath, ServicesPath, notFoundIsNone: false, MaxServicesBytes, cancellationToken).ConfigureAwait(false)
            ?? throw Fail(MackerelApiDiagnosticCodes.InvalidBody, ServicesPath, "no body");
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("services", out var services)
                || services.ValueKind != JsonValueKind.Array)
            {
                throw Fail(MackerelApiDiagnosticCodes.InvalidBody, ServicesPath, "expected {\"services\":[...]}");
            }

            var result = ImmutableArray.CreateBuilder<ServiceInfo>();
            foreach (var s in services.EnumerateArray())
            {
                if (s.ValueKind != JsonValueKind.Object || !s.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    throw Fail(MackerelApiDiagnosticCodes.InvalidBody, ServicesPath, "a service without a string 'name'");
                }

                var memo = s.TryGetProperty("memo", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : "";
                var roles = s.TryGetProperty("roles", out var r) && r.ValueKind == JsonValueKind.Array
                    ? r.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToImmutableArray()
                    : [];
                result.Add(new ServiceInfo(name.GetString()!, memo, ServiceTeams.FromMemo(memo), roles));
            }

            return result.ToImmutable();
        }
        catch (JsonException e)
        {
            throw Fail(MackerelApiDiagnosticCodes.InvalidBody, ServicesPath, "invalid JSON: " + e.Message);
        }
    }

    /// <summary><c>GET /api/v0/hosts/&lt;id&gt;/metadata/&lt;namespace&gt;</c>: the stored JSON, or <c>null</c> for 404 (none).</summary>
    /// <param name="hostId">The host id.</param>
    /// <param name="retired">The host is retired: 400 (retired more than a week ago) also means none.</param>
    /// <param name="maxBytes">Largest body accepted.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The body bytes, or <c>null</c>.</returns>
    public Task<byte[]?> GetMetadataAsync(string hostId, bool retired, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hostId);
        var path = MetadataPath(hostId, _options.MetadataNamespace);
        return GetBytesAsync(path, path, notFoundIsNone: true, maxBytes, cancellationToken, badRequestIsNone: retired);
    }

    /// <summary>
    /// <c>GET /api/v0/hosts</c> with the options' filters, streamed through <see cref="MackerelInventoryReader"/>:
    /// hosts arrive while the body is still downloading, and only one host is buffered at a time.
    /// </summary>
    /// <param name="report">Receives non-fatal diagnostics from the reader.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The hosts in response order.</returns>
    public async IAsyncEnumerable<Host> GetHostsAsync(Action<Diagnostic> report, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var response = await SendAsync(_options.HostsPathAndQuery(), HostsPath, notFoundIsNone: false, badRequestIsNone: false, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            var body = await response!.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var stream = new TimedReadStream(body, _options.RequestTimeout, _time, HostsPath);
            await foreach (var host in MackerelInventoryReader.ReadAsync(stream, "mackerel:" + HostsPath, report, null, cancellationToken).ConfigureAwait(false))
            {
                yield return host;
            }
        }
    }

    /// <summary>Extracts the message of a Mackerel error body: <c>{"error":{"message":"…"}}</c> or <c>{"error":"…"}</c>.</summary>
    /// <returns>The message, or <c>null</c> when the body has neither shape.</returns>
    public static string? ErrorMessage(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("error", out var error))
            {
                return null;
            }

            return error.ValueKind switch
            {
                JsonValueKind.String => error.GetString(),
                JsonValueKind.Object when error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String => m.GetString(),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static InputException Fail(string code, string endpoint, string message) =>
        new(new Diagnostic(code, DiagnosticSeverity.Error, new SourceLocation("mackerel:" + endpoint), message));

    private async Task<byte[]?> GetBytesAsync(
        string pathAndQuery, string endpoint, bool notFoundIsNone, int maxBytes, CancellationToken cancellationToken, bool badRequestIsNone = false)
    {
        using var response = await SendAsync(pathAndQuery, endpoint, notFoundIsNone, badRequestIsNone, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return null;
        }

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await ReadLimitedAsync(response.Content, maxBytes, endpoint, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Fail(MackerelApiDiagnosticCodes.Timeout, endpoint, $"the response body did not arrive within {Seconds(_options.RequestTimeout)} s");
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw Fail(MackerelApiDiagnosticCodes.InvalidBody, endpoint, "the response body was cut off: " + e.Message);
        }
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, int maxBytes, string endpoint, CancellationToken ct)
    {
        if (content.Headers.ContentLength is long declared && declared > maxBytes)
        {
            throw Fail(MackerelApiDiagnosticCodes.InvalidBody, endpoint, string.Create(CultureInfo.InvariantCulture, $"the response is larger than {maxBytes} bytes"));
        }

        var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 << 10];
            int n;
            while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > maxBytes)
                {
                    throw Fail(MackerelApiDiagnosticCodes.InvalidBody, endpoint, string.Create(CultureInfo.InvariantCulture, $"the response is larger than {maxBytes} bytes"));
                }

                buffer.Write(chunk, 0, n);
            }

            return buffer.ToArray();
        }
    }

    /// <summary>Sends one GET with retries. Returns the successful response (headers read), or <c>null</c> for a tolerated 404/400.</summary>
    private async Task<HttpResponseMessage?> SendAsync(
        string pathAndQuery, string endpoint, bool notFoundIsNone, bool badRequestIsNone, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var uri = new Uri(_base, pathAndQuery.TrimStart('/'));
        for (var attempt = 1; ; attempt++)
        {
            string code;
            string failure;
            TimeSpan? retryAfter = null;
            using (var timeout = new CancellationTokenSource(_options.RequestTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                HttpResponseMessage? response = null;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                    request.Headers.TryAddWithoutValidation("X-Api-Key", _apiKey);
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    code = MackerelApiDiagnosticCodes.Timeout;
                    failure = $"no response within {Seconds(_options.RequestTimeout)} s";
                    goto Retry;
                }
                catch (HttpRequestException e) when (PermanentFailure(e) is { } why)
                {
                    // Retrying cannot help: fail at once instead of backing off for the whole retry budget.
                    throw Fail(MackerelApiDiagnosticCodes.Unreachable, endpoint, $"the API cannot be reached: {Redact(e.Message)} ({why}; not retried)");
                }
                catch (HttpRequestException e)
                {
                    code = MackerelApiDiagnosticCodes.Unreachable;
                    failure = "the API cannot be reached: " + Redact(e.Message);
                    goto Retry;
                }

                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    return response;
                }

                using (response)
                {
                    if ((status == 404 && notFoundIsNone) || (status == 400 && badRequestIsNone))
                    {
                        return null;
                    }

                    var serverMessage = await ReadErrorMessageAsync(response, linked.Token).ConfigureAwait(false);
                    var detail = serverMessage is null ? "" : $" (server: \"{Redact(serverMessage)}\")";
                    switch (status)
                    {
                        case 401:
                            throw Fail(MackerelApiDiagnosticCodes.Unauthorized, endpoint,
                                "401 Unauthorized: the API key was rejected; check MACKEREL_APIKEY (or apikey in the mackerel-agent config)" + detail);
                        case 403:
                            throw Fail(MackerelApiDiagnosticCodes.Unauthorized, endpoint,
                                "403 Forbidden: the API key lacks Read permission, or this machine's IP address is outside the organization's allowed IP range" + detail);
                        case 408 or 429 or >= 500:
                            code = MackerelApiDiagnosticCodes.HttpError;
                            failure = string.Create(CultureInfo.InvariantCulture, $"HTTP {status} {Redact(response.ReasonPhrase ?? "")}{detail}");
                            retryAfter = RetryAfter(response.Headers.RetryAfter);
                            break;
                        case >= 300 and < 400:
                            throw Fail(MackerelApiDiagnosticCodes.HttpError, endpoint,
                                string.Create(CultureInfo.InvariantCulture, $"HTTP {status}: redirects are not followed (the API key must not go elsewhere); check --apibase"));
                        default:
                            throw Fail(MackerelApiDiagnosticCodes.HttpError, endpoint, string.Create(CultureInfo.InvariantCulture, $"HTTP {status} {Redact(response.ReasonPhrase ?? "")}{detail}"));
                    }
                }
            }

        Retry:
            var elapsed = _time.GetElapsedTime(started);
            var delay = retryAfter ?? Backoff(attempt);
            if (elapsed + delay > _options.RetryBudget)
            {
                throw Fail(code, endpoint, string.Create(CultureInfo.InvariantCulture,
                    $"{failure}; gave up after {attempt} attempt{(attempt == 1 ? "" : "s")} in {Seconds(elapsed)} s (retry budget {Seconds(_options.RetryBudget)} s)"));
            }

            _options.RetryNotice?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"{endpoint}: {failure}; retrying in {Seconds(delay)} s (attempt {attempt + 1})"));
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Why a transport failure cannot succeed on retry — connection refused (nothing listens there), a name that does
    /// not resolve, a TLS certificate that is not trusted — or <c>null</c> when it might (reset, timeout).
    /// </summary>
    internal static string? PermanentFailure(HttpRequestException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
            {
                return "connection refused: check --apibase";
            }
        }

        return e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "the host name does not resolve: check --apibase",
            HttpRequestError.SecureConnectionError => "the TLS connection failed (certificate or protocol)",
            _ => null,
        };
    }

    /// <summary>Replaces the API key wherever a server echoed it back into data (host names, statuses, memos, notes).</summary>
    internal string RedactData(string text) => Redact(text);

    private TimeSpan Backoff(int attempt)
    {
        var exp = _options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var cap = Math.Min(exp, _options.MaxBackoff.TotalMilliseconds);

        // "Equal jitter": half fixed, half random, so retries of concurrent requests spread out.
        return TimeSpan.FromMilliseconds((cap / 2) + (_random() * cap / 2));
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static async Task<string?> ReadErrorMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var bytes = await ReadLimitedAsync(response.Content, MaxErrorBodyBytes, "", ct).ConfigureAwait(false);
            return ErrorMessage(bytes);
        }
#pragma warning disable CA1031 // The error body only decorates the message; failing to read it must not hide the status.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>A server (or proxy) that echoes the key must not make us print it.</summary>
    private string Redact(string text) => text.Replace(_apiKey, "***", StringComparison.Ordinal);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>
    /// The hosts body, with the per-request timeout applied to each read (a stalled stream fails; a long healthy
    /// download does not) and a stall reported as a timeout naming the endpoint.
    /// </summary>
    private sealed class TimedReadStream(Stream inner, TimeSpan timeout, TimeProvider time, string endpoint) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var cts = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cts.Token);
            try
            {
                return await inner.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Fail(MackerelApiDiagnosticCodes.Timeout, endpoint, $"the response body stalled for more than {Seconds(timeout)} s");
            }
            catch (HttpRequestException e)
            {
                throw new IOException(e.Message, e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
