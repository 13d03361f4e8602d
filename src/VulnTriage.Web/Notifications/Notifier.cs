using System.Collections.Immutable;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using VulnTriage.Core.Decisions;

namespace VulnTriage.Web.Notifications;

/// <summary>A Mackerel graph annotation target: the API, its key (never printed), a service and optional roles.</summary>
/// <param name="ApiBase">e.g. <c>https://api.mackerelio.com</c>.</param>
/// <param name="ApiKey">An organization API key with write permission.</param>
/// <param name="Service">The service the annotation is shown on.</param>
/// <param name="Roles">Roles of that service to scope it further (empty: the whole service).</param>
public sealed record MackerelAnnotationTarget(Uri ApiBase, string ApiKey, string Service, ImmutableArray<string> Roles)
{
    /// <summary>Never the key.</summary>
    public override string ToString() => $"Mackerel graph annotation (service {Service}) at {ApiBase.GetLeftPart(UriPartial.Authority)}";
}

/// <summary>Where notifications go. URLs and keys are secrets: they are never written to a log or a message.</summary>
/// <param name="SlackWebhook">A Slack-compatible incoming webhook URL.</param>
/// <param name="Mackerel">A Mackerel graph annotation target.</param>
public sealed record NotificationOptions(Uri? SlackWebhook, MackerelAnnotationTarget? Mackerel)
{
    /// <summary>No notification.</summary>
    public static NotificationOptions None { get; } = new(null, null);

    /// <summary>The waits between attempts (so 4 attempts by default); tests pass zeros.</summary>
    public ImmutableArray<TimeSpan> RetryDelays { get; init; } = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The dashboard's address, linked from the messages (optional).</summary>
    public Uri? DashboardUrl { get; init; }

    /// <summary>Never the URL or the key.</summary>
    public override string ToString() =>
        $"NotificationOptions {{ SlackWebhook = {(SlackWebhook is null ? "none" : "set")}, Mackerel = {(Mackerel is null ? "none" : Mackerel.ToString())} }}";
}

/// <summary>
/// Tells people when a saved run changed things: a Slack-compatible incoming webhook (<c>{"text": …}</c>, mrkdwn with
/// <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c> escaped — host names are attacker-controlled) and a Mackerel graph annotation
/// (<c>POST /api/v0/graph-annotations</c>, service-scoped, <c>X-Api-Key</c>). Each is retried with backoff on a network
/// error, a timeout, 429 or 5xx; every failure is one log line naming the target (never its URL or key); nothing is
/// thrown to the caller.
/// </summary>
public sealed class Notifier(NotificationOptions options, HttpClient http, TimeProvider clock, TextWriter log)
{
    private const int MaxHostsListed = 10;

    /// <summary>Sends the notifications for the changes of one saved run (never throws).</summary>
    public async Task NotifyAsync(ImmutableArray<RunDiff> diffs, string runId, CancellationToken cancellationToken)
    {
        if (diffs.IsDefaultOrEmpty)
        {
            return;
        }

        var sends = new List<Task>();
        if (options.SlackWebhook is { } webhook)
        {
            var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["text"] = SlackText(diffs, runId, options.DashboardUrl) });
            sends.Add(SendAsync("Slack webhook", () => Post(webhook, body, null), cancellationToken));
        }

        if (options.Mackerel is { } mackerel)
        {
            var at = clock.GetUtcNow().ToUnixTimeSeconds();
            foreach (var diff in diffs)
            {
                var body = AnnotationBody(diff, runId, mackerel, at);
                var url = new Uri(mackerel.ApiBase, "/api/v0/graph-annotations");
                sends.Add(SendAsync(mackerel.ToString(), () => Post(url, body, mackerel.ApiKey), cancellationToken));
            }
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
    }

    /// <summary>The webhook's text: one line per advisory that changed, host names escaped for mrkdwn.</summary>
    public static string SlackText(IEnumerable<RunDiff> diffs, string runId, Uri? dashboard)
    {
        ArgumentNullException.ThrowIfNull(diffs);
        var sb = new StringBuilder();
        sb.Append("*VulnTriage*: run ").Append(Mrkdwn(runId)).Append(" changed things");
        if (dashboard is not null)
        {
            sb.Append(" (").Append('<').Append(Mrkdwn(dashboard.AbsoluteUri)).Append("|dashboard>)");
        }

        foreach (var d in diffs)
        {
            sb.Append('\n').Append("• *").Append(Mrkdwn(d.AdvisoryId)).Append("*: ").Append(Mrkdwn(Summary(d)));
        }

        return sb.ToString();
    }

    /// <summary>The graph annotation: a short title, the hosts in the description, the run's time, the service (and roles).</summary>
    public static string AnnotationBody(RunDiff diff, string runId, MackerelAnnotationTarget target, long unixSeconds)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(target);
        var title = $"VulnTriage {diff.AdvisoryId}: {Count(diff.NewlyAffected.Length, "newly affected")}, {Count(diff.NewlyFixed.Length, "newly fixed")}";
        var body = new Dictionary<string, object>
        {
            ["title"] = title.Length > 100 ? title[..100] : title,
            ["description"] = $"Run {runId}. {Summary(diff)}",
            ["from"] = unixSeconds,
            ["to"] = unixSeconds,
            ["service"] = target.Service,
        };
        if (!target.Roles.IsDefaultOrEmpty)
        {
            body["roles"] = target.Roles.ToArray();
        }

        return JsonSerializer.Serialize(body);
    }

    /// <summary>Slack mrkdwn's three control characters (https://api.slack.com/reference/surfaces/formatting#escaping).</summary>
    public static string Mrkdwn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
    }

    private static string Summary(RunDiff d)
    {
        var parts = new List<string>();
        if (!d.NewlyAffected.IsEmpty)
        {
            parts.Add($"{Count(d.NewlyAffected.Length, "newly affected")}: {Hosts(d.NewlyAffected)}");
        }

        if (!d.NewlyFixed.IsEmpty)
        {
            parts.Add($"{Count(d.NewlyFixed.Length, "newly fixed")}: {Hosts(d.NewlyFixed)}");
        }

        return string.Join("; ", parts) + string.Create(CultureInfo.InvariantCulture, $" (affected {d.Previous.Counts.Affected} → {d.Latest.Counts.Affected}).");
    }

    private static string Count(int n, string what) => n == 1 ? $"1 host {what}" : string.Create(CultureInfo.InvariantCulture, $"{n} hosts {what}");

    private static string Hosts(ImmutableArray<VerdictChange> changes)
    {
        // Control and bidi characters of a hostile host name are dropped: a notification is one readable line.
        var names = changes.Take(MaxHostsListed).Select(c => new string([.. c.HostName.Where(ch => !char.IsControl(ch) && !Core.Text.UnicodeControls.IsBidiControl(ch))]));
        var more = changes.Length > MaxHostsListed ? string.Create(CultureInfo.InvariantCulture, $" and {changes.Length - MaxHostsListed} more") : "";
        return string.Join(", ", names) + more;
    }

    private async Task<HttpResponseMessage> Post(Uri url, string json, string? apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("vulntriage", "1"));
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        using var timeout = new CancellationTokenSource(options.Timeout, clock);
        return await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
    }

    private async Task SendAsync(string target, Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        var delays = options.RetryDelays.IsDefault ? [] : options.RetryDelays;
        for (var attempt = 0; ; attempt++)
        {
            string failure;
            try
            {
                using var response = await send().ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    Log($"notified {target} ({status})");
                    return;
                }

                failure = string.Create(CultureInfo.InvariantCulture, $"HTTP {status}");
                if (status != 429 && status < 500)
                {
                    Log($"notification to {target} refused: {failure}; not retried");
                    return;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                failure = e is OperationCanceledException ? "timed out" : e.GetType().Name;
            }

            if (attempt >= delays.Length)
            {
                Log($"notification to {target} failed after {attempt + 1} attempts: {failure}");
                return;
            }

            Log($"notification to {target} failed ({failure}); retrying in {delays[attempt].TotalSeconds:0.#} s");
            try
            {
                await Task.Delay(delays[attempt], clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Log(string line)
    {
        lock (log)
        {
            log.WriteLine("vulntriage serve: " + line);
            log.Flush();
        }
    }
}
