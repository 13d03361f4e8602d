using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using VulnTriage.Advisories;
using VulnTriage.Core.Access;
using VulnTriage.Storage;
using VulnTriage.Storage.Tests;
using TestCli = VulnTriage.Storage.Tests.Cli;

namespace VulnTriage.Web.Tests;

/// <summary>
/// A real <c>serve</c> (Kestrel on a random 127.0.0.1 port) over a test store holding saved runs of the sample fleet
/// (samples/mackerel/hosts.json with samples/facts), with one token per role.
/// </summary>
internal sealed partial class RunningServer : IAsyncDisposable
{
    private readonly StringWriter _log;
    private readonly TextWriter _syncLog;

    private RunningServer(TestStore store, WebApplication app, string baseUrl, StringWriter log, TextWriter syncLog, IReadOnlyDictionary<Role, string> tokens)
    {
        Store = store;
        App = app;
        BaseUrl = baseUrl;
        _log = log;
        _syncLog = syncLog;
        Tokens = tokens;
    }

    public TestStore Store { get; }

    public WebApplication App { get; }

    public string BaseUrl { get; }

    /// <summary>What the server logged so far (read under the lock its writers take: the scheduler and the notifier write from other threads).</summary>
    public string Log
    {
        get
        {
            lock (_syncLog)
            {
                return _log.ToString();
            }
        }
    }

    public IReadOnlyDictionary<Role, string> Tokens { get; }

    public string Viewer => Tokens[Role.Viewer];

    public string Decider => Tokens[Role.Decider];

    public string Admin => Tokens[Role.Admin];

    /// <summary>Seeds the store with a saved run of <paramref name="inventory"/> (default: the sample fleet) and starts the server.</summary>
    public static async Task<RunningServer> StartAsync(StoreKind kind, string? inventory = null, Func<ServeOptions, ServeOptions>? configure = null, HttpMessageHandler? notificationHandler = null)
    {
        var store = TestStore.Create(kind);
        var cli = new TestCli(store);
        var triage = cli.Run("triage", "INTEL-SA-00086", "--inventory", inventory ?? TestCli.Inventory, "--facts", TestCli.Facts, "--save");
        Assert.True(triage.ExitCode is 0 or 1, triage.Err);
        var tokens = new Dictionary<Role, string>();
        using (var db = store.Open())
        {
            foreach (var role in Roles.All)
            {
                tokens[role] = db.CreateToken("t-000000000" + (int)role, role.ToWire() + "-user", role, TestStore.Now).Secret;
            }
        }

        var log = new StringWriter();
        var syncLog = TextWriter.Synchronized(log);
        var options = new ServeOptions(store.Location, ["http://127.0.0.1:0"], AdvisoryCatalog.Load(null).Advisories, TimeProvider.System, new SequentialIdGenerator(), syncLog, "0.1.0-test");
        options = configure?.Invoke(options) ?? options;
        var app = DashboardServer.Build(options, notificationHandler);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new RunningServer(store, app, app.Urls.First().TrimEnd('/'), log, syncLog, tokens);
    }

    /// <summary>A client that follows no redirect and keeps no cookie unless given a container.</summary>
    public HttpClient Client(string? bearer = null, CookieContainer? cookies = null)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer() };
        var client = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>Logs in through the form (as a browser does) and returns the client holding the session cookie.</summary>
    public async Task<HttpClient> LoginAsync(string token)
    {
        var cookies = new CookieContainer();
        var client = Client(cookies: cookies);
        var form = await client.GetStringAsync("/login", TestContext.Current.CancellationToken);
        using var post = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__vt_af"] = Antiforgery(form),
            ["token"] = token,
            ["returnUrl"] = "/",
        }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        return client;
    }

    /// <summary>The antiforgery token of the first form on a page.</summary>
    public static string Antiforgery(string html) => WebUtility.HtmlDecode(AntiforgeryField().Match(html).Groups[1].Value);

    [GeneratedRegex("name=\"__vt_af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        Store.Dispose();
    }
}
