using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using VulnTriage.Cli;
using VulnTriage.Storage;
using VulnTriage.Storage.Tests;
using TestCli = VulnTriage.Storage.Tests.Cli;

namespace VulnTriage.Web.Tests;

/// <summary>
/// The dashboard in a real browser: Debian's Chromium (/usr/bin/chromium) driven by Microsoft.Playwright, with
/// JavaScript turned off (everything must work without it), against the real <c>vulntriage serve</c> command on a random
/// loopback port with a scheduled triage of the sample fleet. Log in, filter, preview and record a decision, run the
/// triage again and see the decision applied. Screenshots are kept in the test output folder (artifacts/browser).
/// Nothing is downloaded: the driver ships in the package, the browser is Debian's. .ci/run installs Chromium; on a
/// machine without it the test is skipped, never passed silently (and fails in CI).
/// </summary>
public sealed partial class BrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static string? Chromium()
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("VULNTRIAGE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Debian's Chromium under Playwright: headless, no sandbox (CI runs as root), nothing fetched.</summary>
    internal static async Task<IBrowser> LaunchAsync(IPlaywright playwright, string chromium) =>
        await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
            Timeout = 60_000,
        });

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Should_Log_In_Filter_Record_A_Decision_And_See_It_In_The_Next_Triage_When_Using_The_Dashboard(StoreKind kind)
    {
        // Given: `vulntriage serve` with a scheduled triage of the sample fleet over a new store
        var chromium = Chromium();
        if (chromium is null)
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "CI must have Chromium (.ci/run installs it)");
            Assert.Skip("Chromium is not installed (apt-get install chromium)");
        }

        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts", "browser", kind.ToString().ToLowerInvariant())).FullName;
        using var store = TestStore.Create(kind);
        await using var serve = await ServeProcess.StartAsync(
            ["serve", "--db", store.Db, "--urls", "http://127.0.0.1:0", "--triage-every", "1h", "--inventory", TestCli.Inventory, "--facts", TestCli.Facts, "--advisory", "INTEL-SA-00086"]);
        await serve.UntilAsync(() => Runs(store) >= 1, "the first scheduled run");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright, chromium);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false, Locale = "en-US", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        async Task Shot(string name) => await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, name + ".png"), FullPage = true });

        // When: log in with the admin token `serve` printed (the store had none)
        await page.GotoAsync(serve.BaseUrl + "/");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("input[name=token]", serve.AdminToken);
        await Shot("01-login");
        await page.ClickAsync("form.login button[type=submit]");
        await Shot("02-overview");
        Assert.Equal("Overview — VulnTriage", await page.TitleAsync());
        Assert.Contains("6 hosts are affected, 13 need confirmation and 1 could not be assessed.", await page.InnerTextAsync("main"), StringComparison.Ordinal);

        // Filter the advisory page: affected hosts of the Payments service
        await page.ClickAsync("text=INTEL-SA-00086");
        await page.SelectOptionAsync("select[name=verdict]", "affected");
        await page.SelectOptionAsync("select[name=service]", "Payments");
        await page.ClickAsync("form.filter button[type=submit]");
        await Shot("03-filtered");
        var verdicts = await page.Locator("table.hosts .verdict").AllInnerTextsAsync();
        Assert.NotEmpty(verdicts);
        Assert.All(verdicts, v => Assert.Equal("Affected", v));
        Assert.Contains("api02.dc1.example.com", await page.InnerTextAsync("main"), StringComparison.Ordinal);

        // Open the host, preview a decision, record it
        await page.ClickAsync("table.hosts a:text('api02.dc1.example.com')");
        Assert.Contains("Intel(R) Xeon(R) CPU E3-1230 v5 @ 3.40GHz", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await page.ClickAsync("a.action");
        await page.SelectOptionAsync("select[name=verdict]", "not_affected");
        await page.FillAsync("textarea[name=justification]", "Dell lists this SPS image as fixed");
        await page.FillAsync("input[name=evidence]", "https://www.dell.com/support/kbdoc/000177138");
        await page.ClickAsync("button[value=preview]");
        await Shot("04-preview");
        Assert.Contains("host:api02.dc1.example.com matches 1 host", await page.InnerTextAsync("p.preview"), StringComparison.Ordinal);
        await page.ClickAsync("button[value=record]");
        await Shot("05-recorded");
        var recorded = await page.InnerTextAsync("p.notice");
        Assert.Matches(RecordedNotice(), recorded);
        Assert.Contains("Dell lists this SPS image as fixed", await page.InnerTextAsync("table.decisions"), StringComparison.Ordinal);

        // Run the triage now (admin), and see the decision applied in the new run
        var before = Runs(store);
        await page.ClickAsync("a.brand");
        await page.ClickAsync("text=Run the scheduled triage now");
        Assert.Contains("The scheduled triage was started.", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await serve.UntilAsync(() => Runs(store) > before, "the triage started from the page");
        await page.GotoAsync(serve.BaseUrl + "/hosts/api02.dc1.example.com");
        await Shot("06-after-triage");

        // Then
        var main = await page.InnerTextAsync("main");
        Assert.Contains("Not affected Decision — Machine verdict: Affected, Firmware", main, StringComparison.Ordinal);
        Assert.Contains("None: decided not affected", main, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(artifacts, "06-after-triage.png")));
    }

    [GeneratedRegex("^Recorded d-[0-9a-f]{10}\\. It applies from the next triage run\\.$")]
    private static partial Regex RecordedNotice();

    private static int Runs(TestStore store)
    {
        if (store.Kind == StoreKind.Sqlite && !File.Exists(store.Db))
        {
            return 0;
        }

        try
        {
            using var db = store.OpenReadOnly();
            return db.Runs().Length;
        }
        catch (StateDatabaseException)
        {
            return 0;
        }
    }

    /// <summary>The real <c>vulntriage serve</c>, run in-process on a thread until disposed (Ctrl+C is the cancellation token).</summary>
    private sealed partial class ServeProcess : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly StringWriter _out = new();
        private readonly StringWriter _err = new();
        private readonly TextWriter _syncOut;
        private readonly TextWriter _syncErr;
        private Task<int>? _run;

        private ServeProcess()
        {
            // TextWriter.Synchronized locks on the wrapper: reads lock on it too.
            _syncOut = TextWriter.Synchronized(_out);
            _syncErr = TextWriter.Synchronized(_err);
        }

        public string BaseUrl { get; private set; } = "";

        public string AdminToken { get; private set; } = "";

        public static async Task<ServeProcess> StartAsync(string[] args)
        {
            var p = new ServeProcess();
            var env = new CliEnvironment(p._syncOut, p._syncErr, () => Stream.Null, new FakeTimeProvider(TestStore.Now), _ => null);
            p._run = Task.Run(() => VulnTriageCli.Run(args, env, p._stop.Token));
            await p.UntilAsync(() => Listening().IsMatch(p.Error) || p._run.IsCompleted, "serve to listen");
            Assert.False(p._run.IsCompleted, "serve exited: " + p.Error);
            p.BaseUrl = Listening().Match(p.Error).Groups[1].Value;
            p.AdminToken = p.Output.Trim().Split('\n')[^1].Trim();
            Assert.StartsWith("vt_", p.AdminToken, StringComparison.Ordinal);
            return p;
        }

        private string Output
        {
            get
            {
                lock (_syncOut)
                {
                    return _out.ToString();
                }
            }
        }

        private string Error
        {
            get
            {
                lock (_syncErr)
                {
                    return _err.ToString();
                }
            }
        }

        public async Task UntilAsync(Func<bool> done, string what)
        {
            // A bounded wait for an outcome, not a timing assertion.
            for (var i = 0; i < 1200 && !done(); i++)
            {
                await Task.Delay(50, Ct);
            }

            Assert.True(done(), $"timed out waiting for {what}; serve said: {Error}");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_run is not null)
            {
                Assert.Equal(0, await _run);
            }

            _stop.Dispose();
        }

        [GeneratedRegex("listening on (http://127\\.0\\.0\\.1:[0-9]+)")]
        private static partial Regex Listening();
    }
}
