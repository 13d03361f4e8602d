using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VulnTriage.Advisories;
using VulnTriage.Cli.Application;
using VulnTriage.Cli.Tests.MackerelApi;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Inventory.Sources;
using VulnTriage.Storage.Tests;
using VulnTriage.Web.Notifications;
using VulnTriage.Web.Scheduling;
using TestCli = VulnTriage.Storage.Tests.Cli;

namespace VulnTriage.Web.Tests;

/// <summary>
/// The scheduled triage: runs saved on the injected clock's schedule, failures recorded with their error, one run at a
/// time across servers (the lease), notifications to a local webhook and a local Mackerel API with retries — on SQLite
/// and PostgreSQL. No test sleeps: the fake clock is advanced, and waits are bounded polls for an outcome.
/// </summary>
public abstract class SchedulerTests
{
    protected abstract StoreKind Kind { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The sample fleet triaged (samples/mackerel/hosts.json with samples/facts), as the scheduled job would.</summary>
    private static TriageReport Sample(TimeProvider clock)
    {
        var diagnostics = new List<Diagnostic>();
        var advisories = new[] { AdvisoryCatalog.Load(null).Find("INTEL-SA-00086")! };
        var facts = Inventory.Facts.FactsDirectory.Load(TestCli.Facts, diagnostics.Add);
        var source = InventoryOpener.Create(InventorySpec.Parse(TestCli.Inventory)!, new InventoryOpenOptions(Inventory.Csv.CsvColumnMap.Default, () => Stream.Null));
        return TriageService.Run(advisories, source.Name, source.Open(diagnostics.Add, Ct), facts, diagnostics, clock, Ct);
    }

    /// <summary>The sample, with one host that needed confirmation now affected (a hostile name) and one affected host fixed.</summary>
    private static TriageReport Changed(TimeProvider clock)
    {
        var report = Sample(clock);
        var toAffect = report.Findings.First(f => f.Verdict == Verdict.NeedsConfirmation);
        var toFix = report.Findings.First(f => f.Verdict == Verdict.Affected);
        var findings = report.Findings.Select(f =>
            ReferenceEquals(f, toAffect) ? f with { Verdict = Verdict.Affected, Stage = Stage.Firmware, Host = f.Host with { Name = "<!channel> & <script>" + f.Host.Name } }
            : ReferenceEquals(f, toFix) ? f with { Verdict = Verdict.Fixed }
            : f);
        return report with { Findings = [.. findings] };
    }

    private static async Task Until(Func<bool> done, string what)
    {
        // A bounded wait for an outcome (not a timing assertion): the scheduler runs on the thread pool.
        for (var i = 0; i < 600 && !done(); i++)
        {
            await Task.Delay(50, Ct);
        }

        Assert.True(done(), "timed out waiting for " + what);
    }

    [Fact]
    public async Task Should_Save_Runs_On_Schedule_And_Notify_The_Webhook_And_Mackerel_When_Hosts_Become_Affected_Or_Fixed()
    {
        // Given: a saved baseline run, a webhook and a Mackerel API on 127.0.0.1, a fake clock
        using var webhook = new FakeWebhook();
        using var mackerel = new FakeMackerelServer();
        var clock = new FakeTimeProvider(TestStore.Now.AddDays(1));
        var schedule = new ScheduleOptions(TimeSpan.FromHours(1), "hosts.json", ["INTEL-SA-00086"], _ => Changed(clock));
        var notifications = new NotificationOptions(webhook.Url, new MackerelAnnotationTarget(new Uri(mackerel.BaseUrl), FakeMackerelServer.ApiKey, "Payments", ["db"]))
        {
            RetryDelays = [TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero],
        };

        // When: the server starts (the first scheduled run happens at once), then an hour passes
        await using var server = await RunningServer.StartAsync(Kind, configure: o => o with { Clock = clock, Schedule = schedule, Notifications = notifications });
        await Until(() => Runs(server) == 2, "the first scheduled run");

        // The run is visible in the store before its notifications start: wait for both to be logged as sent.
        await Until(() => webhook.Bodies.Count == 1 && mackerel.Annotations.Count == 1 && server.Log.Contains("notified Slack webhook", StringComparison.Ordinal) && server.Log.Contains("notified Mackerel graph annotation", StringComparison.Ordinal), "the notifications");
        // The scheduler waits for the next hour only after the run and its notifications have started: an hour passed
        // before that wait begins would be missed, so the hour passes again (once a second) until the second run is saved.
        var firstRun = clock.GetUtcNow();
        var polls = 0;
        await Until(
            () =>
            {
                if (Runs(server) >= 3)
                {
                    return true;
                }

                if (polls++ % 20 == 0)
                {
                    clock.Advance(TimeSpan.FromHours(1));
                }

                return false;
            },
            "the second scheduled run");

        // Then: the webhook got one message naming both hosts, mrkdwn-escaped; Mackerel one service-scoped annotation
        var text = (string)JsonNode.Parse(webhook.Bodies.Single())!["text"]!;
        Assert.Contains("INTEL-SA-00086", text, StringComparison.Ordinal);
        Assert.Contains("1 host newly affected: &lt;!channel&gt; &amp; &lt;script&gt;", text, StringComparison.Ordinal);
        Assert.Contains("1 host newly fixed", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", text, StringComparison.Ordinal);
        var annotation = JsonNode.Parse(mackerel.Annotations.Single())!;
        Assert.Equal("Payments", (string?)annotation["service"]);
        Assert.Equal(["db"], annotation["roles"]!.AsArray().Select(r => (string?)r));
        Assert.Equal(firstRun.ToUnixTimeSeconds(), (long)annotation["from"]!);
        Assert.StartsWith("VulnTriage INTEL-SA-00086: 1 host newly affected, 1 host newly fixed", (string?)annotation["title"], StringComparison.Ordinal);
        Assert.Contains("/api/v0/graph-annotations", mackerel.Requests);

        // The second run changed nothing more: no second message; the log never shows the webhook URL or the key
        Assert.Single(webhook.Bodies);
        var log = server.Log;
        Assert.Contains("notified Slack webhook", log, StringComparison.Ordinal);
        Assert.DoesNotContain(webhook.Url.AbsolutePath, log, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeMackerelServer.ApiKey, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_Record_A_Failed_Run_With_Its_Error_And_Nothing_Else_When_The_Triage_Fails()
    {
        // Given
        var clock = new FakeTimeProvider(TestStore.Now.AddDays(1));
        var schedule = new ScheduleOptions(TimeSpan.FromHours(1), "mackerel", ["INTEL-SA-00086"],
            _ => throw new InvalidOperationException("mackerel: GET /api/v0/hosts: 503 Service Unavailable after 4 attempts\nsecond line"));
        await using var server = await RunningServer.StartAsync(Kind, configure: o => o with { Clock = clock, Schedule = schedule });

        // When
        await Until(() => Runs(server) == 2, "the failed run");

        // Then: recorded with its one-line error and no findings; diffs and progress skip it
        using var db = server.Store.OpenReadOnly();
        var failed = db.Runs()[^1];
        Assert.Equal("mackerel: GET /api/v0/hosts: 503 Service Unavailable after 4 attempts second line", failed.Error);
        Assert.Equal(0, failed.Findings);
        Assert.Single(db.RunIds("INTEL-SA-00086"));
        Assert.Single(db.Progress("INTEL-SA-00086"));
        Assert.Contains("scheduled triage failed", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_Skip_The_Run_When_Another_Server_Holds_The_Lease()
    {
        // Given: another server sharing the store is running the triage
        var clock = new FakeTimeProvider(TestStore.Now.AddDays(1));
        var calls = 0;
        var schedule = new ScheduleOptions(TimeSpan.FromHours(1), "hosts.json", ["INTEL-SA-00086"], _ =>
        {
            Interlocked.Increment(ref calls);
            return Sample(clock);
        });
        await using var server = await RunningServer.StartAsync(Kind, configure: o => o with { Clock = clock, Schedule = schedule });
        var scheduler = server.App.Services.GetRequiredService<TriageScheduler>();
        await Until(() => Runs(server) == 2, "the first run");
        using (var other = server.Store.Open())
        {
            // Taken as soon as this server let go of it after its run.
            await Until(() => other.TryTakeLease(TriageScheduler.LeaseName, "serve-other", clock.GetUtcNow(), clock.GetUtcNow().AddHours(2)), "the lease");
        }

        // When
        var outcome = await scheduler.RunOnceAsync(Ct);

        // Then
        Assert.Equal(ScheduledOutcome.LeasedElsewhere, outcome);
        Assert.Equal(1, calls);
        Assert.Equal(2, Runs(server));
    }

    [Fact]
    public async Task Should_Retry_A_Failing_Webhook_With_Backoff_And_Never_Fail_The_Run()
    {
        // Given: a webhook answering 500, 503 and then 200; a Mackerel API that is not there at all
        using var webhook = new FakeWebhook();
        webhook.Statuses.Enqueue(500);
        webhook.Statuses.Enqueue(503);
        var log = new StringWriter();
        var notifier = new Notifier(
            new NotificationOptions(webhook.Url, new MackerelAnnotationTarget(new Uri("http://127.0.0.1:9"), "secretKEY123", "Payments", [])) { RetryDelays = [TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero] },
            new HttpClient(),
            TimeProvider.System,
            TextWriter.Synchronized(log));
        var report = Sample(TimeProvider.System);
        var before = new Core.Decisions.SavedRun("r-1", TestStore.Now, "hosts.json", "0.1.0", ["INTEL-SA-00086"], [.. report.Findings.Select(Core.Decisions.SavedFinding.From)]);
        var after = new Core.Decisions.SavedRun("r-2", TestStore.Now, "hosts.json", "0.1.0", ["INTEL-SA-00086"], [.. Changed(TimeProvider.System).Findings.Select(Core.Decisions.SavedFinding.From)]);
        var diff = Core.Decisions.RunDiff.Compare(before, after, "INTEL-SA-00086");

        // When
        await notifier.NotifyAsync([diff], "r-2", Ct);

        // Then: three attempts at the webhook, the last one delivered; Mackerel given up after four, logged without its key
        Assert.Equal(3, webhook.Bodies.Count);
        var text = log.ToString();
        Assert.Contains("notification to Slack webhook failed (HTTP 500); retrying", text, StringComparison.Ordinal);
        Assert.Contains("notified Slack webhook (200)", text, StringComparison.Ordinal);
        Assert.Contains("failed after 4 attempts", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secretKEY123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("XXXXsecretXXXX", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("db01 & <@U123> <https://evil.example|click>", "db01 &amp; &lt;@U123&gt; &lt;https://evil.example|click&gt;")]
    [InlineData("plain", "plain")]
    public void Should_Escape_Mrkdwn_Control_Characters(string name, string escaped) =>
        Assert.Equal(escaped, Notifier.Mrkdwn(name));

    private static int Runs(RunningServer server)
    {
        using var db = server.Store.OpenReadOnly();
        return db.Runs().Length;
    }
}

public sealed class SqliteSchedulerTests : SchedulerTests
{
    protected override StoreKind Kind => StoreKind.Sqlite;
}

public sealed class PostgresSchedulerTests : SchedulerTests
{
    protected override StoreKind Kind => StoreKind.Postgres;
}
