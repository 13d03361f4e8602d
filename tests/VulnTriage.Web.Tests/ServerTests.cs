using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VulnTriage.Storage.Tests;

namespace VulnTriage.Web.Tests;

/// <summary>
/// The server's contract over HTTP: authentication, roles, antiforgery, headers, encoding, the API's shapes — against a
/// real Kestrel over SQLite and PostgreSQL alike (one sealed subclass per store).
/// </summary>
public abstract class ServerTests
{
    protected abstract StoreKind Kind { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] ApiGets =
    [
        "/api/v1/advisories", "/api/v1/advisories/INTEL-SA-00086", "/api/v1/advisories/INTEL-SA-00086/findings",
        "/api/v1/hosts/api02.dc1.example.com", "/api/v1/runs", "/api/v1/decisions", "/api/v1/runs/diff?advisory=INTEL-SA-00086",
    ];

    private static readonly string[] Pages = ["/", "/advisories/INTEL-SA-00086", "/hosts/api02.dc1.example.com", "/runs"];

    // docs/report.schema.json with its root pointed at #/$defs/finding (built once: the schema registry is global).
    private static readonly Lazy<JsonSchema> FindingSchema = new(() =>
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "report.schema.json")))!.AsObject();
        root["$ref"] = "#/$defs/finding";
        root.Remove("required");
        root.Remove("properties");
        root.Remove("additionalProperties");
        root["$id"] = "https://vulntriage.invalid/web-tests/finding.schema.json";
        return JsonSchema.FromText(root.ToJsonString());
    });

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private const string GoodDecision = """
        {"advisory": "INTEL-SA-00086", "selector": {"host": "api02.dc1.example.com"}, "verdict": "not_affected",
         "justification": "Dell lists this SPS image as fixed", "evidence": "https://www.dell.com/support/kbdoc/000177138"}
        """;

    [Fact]
    public async Task Should_Answer_401_With_A_Bearer_Challenge_When_An_Api_Request_Has_No_Or_A_Bad_Token()
    {
        // Given
        await using var server = await RunningServer.StartAsync(Kind);
        using var anonymous = server.Client();
        using var forged = server.Client(bearer: "vt_t-0000000001_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        foreach (var path in ApiGets)
        {
            // When
            using var none = await anonymous.GetAsync(path, Ct);
            using var bad = await forged.GetAsync(path, Ct);

            // Then
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
            Assert.Contains("Bearer", none.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        }

        using var post = await anonymous.PostAsync("/api/v1/decisions", Json(GoodDecision), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
    }

    [Fact]
    public async Task Should_Send_Pages_To_The_Login_Form_And_Never_Take_A_Cookie_For_The_Api()
    {
        // Given
        await using var server = await RunningServer.StartAsync(Kind);
        using var anonymous = server.Client();

        // When / Then: every page asks for a login, coming back to itself
        foreach (var path in Pages)
        {
            using var r = await anonymous.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.StartsWith("/login?returnUrl=", r.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        // A logged-in browser's cookie opens the pages, never the API (a browser sends cookies cross-site; it never sends a bearer header)
        using var browser = await server.LoginAsync(server.Admin);
        using (var page = await browser.GetAsync("/", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using var api = await browser.GetAsync("/api/v1/advisories", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task Should_Answer_403_When_A_Viewer_Posts_And_201_With_The_Token_Name_As_Author_When_A_Decider_Does()
    {
        // Given
        await using var server = await RunningServer.StartAsync(Kind);
        using var viewer = server.Client(server.Viewer);
        using var decider = server.Client(server.Decider);

        // When
        using var refused = await viewer.PostAsync("/api/v1/decisions", Json(GoodDecision), Ct);
        using var created = await decider.PostAsync("/api/v1/decisions", Json(GoodDecision), Ct);

        // Then
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.OriginalString;
        Assert.StartsWith("/api/v1/decisions/d-", location, StringComparison.Ordinal);
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("decider-user", (string?)body["decision"]!["author"]);
        var again = JsonNode.Parse(await viewer.GetStringAsync(location, Ct))!;
        Assert.Equal("decider-user", (string?)again["decision"]!["author"]);
        Assert.Equal("host", (string?)again["decision"]!["selector"]!["kind"]);

        // A viewer cannot revoke either; the decider can, once
        var id = location["/api/v1/decisions/".Length..];
        using var viewerRevoke = await viewer.PostAsync($"/api/v1/decisions/{id}/revoke", Json("""{"reason":"x"}"""), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, viewerRevoke.StatusCode);
        using var revoke = await decider.PostAsync($"/api/v1/decisions/{id}/revoke", Json("""{"reason":"BIOS downgraded"}"""), Ct);
        Assert.Equal(HttpStatusCode.Created, revoke.StatusCode);
        using var twice = await decider.PostAsync($"/api/v1/decisions/{id}/revoke", Json("""{"reason":"again"}"""), Ct);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        // Starting a run is an admin's: a decider gets 403
        using var run = await decider.PostAsync("/api/v1/runs", null, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, run.StatusCode);
    }

    [Theory]
    [InlineData("""{"advisory":"INTEL-SA-99999","selector":{"host":"a"},"verdict":"fixed","justification":"x"}""", "advisory")]
    [InlineData("""{"advisory":"INTEL-SA-00086","selector":{"host":"a"},"verdict":"maybe","justification":"x"}""", "verdict")]
    [InlineData("""{"advisory":"INTEL-SA-00086","selector":{"role":"web"},"verdict":"fixed","justification":"x"}""", "selector.role")]
    [InlineData("""{"advisory":"INTEL-SA-00086","selector":{"host":"a","cpu":"b"},"verdict":"fixed","justification":"x"}""", "selector")]
    [InlineData("""{"advisory":"INTEL-SA-00086","selector":{"rack":"a"},"verdict":"fixed","justification":"x"}""", "selector.rack")]
    [InlineData("""{"advisory":"INTEL-SA-00086","selector":{"host":"a"},"verdict":"fixed","justification":"x","evidence":"javascript:alert(1)"}""", "evidence")]
    [InlineData("""{"advisory":"INTEL-SA-00086","selector":{"host":"a"},"verdict":"fixed"}""", "justification")]
    [InlineData("""{"advisory":"INTEL-SA-00086","selector":{"host":"a"},"verdict":"fixed","justification":"x","author":"mallory"}""", "author")]
    [InlineData("""{"advisory":"INTEL-SA-00086","selector":{"host":"a"},"verdict":"fixed","justification":"x","vexJustification":"component_not_present"}""", "vexJustification")]
    [InlineData("""{"advisory":"INTEL-SA-00086",""", "body")]
    [InlineData("""[1,2]""", "body")]
    public async Task Should_Answer_400_Problem_Json_Naming_The_Field_When_A_Decision_Is_Bad(string body, string field)
    {
        // Given
        await using var server = await RunningServer.StartAsync(Kind);
        using var decider = server.Client(server.Decider);

        // When
        using var r = await decider.PostAsync("/api/v1/decisions", Json(body), Ct);

        // Then
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await r.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(field, (string?)problem["field"]);
        Assert.Equal(400, (int?)problem["status"]);
        using var check = server.Store.OpenReadOnly();
        Assert.Empty(check.Decisions());
    }

    [Fact]
    public async Task Should_Refuse_A_Cross_Site_Form_Post_Without_Or_With_A_Foreign_Antiforgery_Token_Or_Origin()
    {
        // Given: a logged-in decider, and the decide form with its antiforgery token
        await using var server = await RunningServer.StartAsync(Kind);
        using var browser = await server.LoginAsync(server.Decider);
        var form = await browser.GetStringAsync("/decide", Ct);
        var token = RunningServer.Antiforgery(form);
        Dictionary<string, string> Fields(string? af) => new()
        {
            ["advisory"] = "INTEL-SA-00086",
            ["kind"] = "host",
            ["value"] = "api02.dc1.example.com",
            ["verdict"] = "fixed",
            ["justification"] = "BIOS 2.8.1 applied",
            ["action"] = "record",
            ["__vt_af"] = af ?? "",
        };

        // Another session's token (an attacker's own, valid for the attacker only)
        using var attacker = await server.LoginAsync(server.Viewer);
        var foreign = RunningServer.Antiforgery(await attacker.GetStringAsync("/", Ct));

        // When
        using var none = await browser.PostAsync("/decide", new FormUrlEncodedContent(Fields(null)), Ct);
        using var wrong = await browser.PostAsync("/decide", new FormUrlEncodedContent(Fields(foreign)), Ct);
        using var crossOrigin = new HttpRequestMessage(HttpMethod.Post, "/decide") { Content = new FormUrlEncodedContent(Fields(token)) };
        crossOrigin.Headers.Add("Origin", "https://evil.example");
        using var fromEvil = await browser.SendAsync(crossOrigin, Ct);
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/decide") { Content = new FormUrlEncodedContent(Fields(token)) };
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var fetchedCrossSite = await browser.SendAsync(crossSite, Ct);

        // Then: all refused, nothing recorded
        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, fromEvil.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, fetchedCrossSite.StatusCode);
        using (var check = server.Store.OpenReadOnly())
        {
            Assert.Empty(check.Decisions());
        }

        // And the same form from the page itself, same origin, is recorded with the session's name as author
        using var sameOrigin = new HttpRequestMessage(HttpMethod.Post, "/decide") { Content = new FormUrlEncodedContent(Fields(token)) };
        sameOrigin.Headers.Add("Origin", server.BaseUrl);
        using var ok = await browser.SendAsync(sameOrigin, Ct);
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        using var after = server.Store.OpenReadOnly();
        var recorded = Assert.Single(after.Decisions());
        Assert.Equal("decider-user", recorded.Author);
    }

    [Fact]
    public async Task Should_Take_The_Dashboards_Own_Form_Post_Behind_A_Local_Tls_Proxy_Only_When_The_Proxy_Says_Https()
    {
        // Given: a decider's session, and the decide form as a browser at https://<the proxy> posts it
        await using var server = await RunningServer.StartAsync(Kind);
        using var browser = await server.LoginAsync(server.Decider);
        var token = RunningServer.Antiforgery(await browser.GetStringAsync("/decide", Ct));
        var httpsOrigin = "https://" + new Uri(server.BaseUrl).Authority;
        HttpRequestMessage Post(bool forwardedHttps)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/decide")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["advisory"] = "INTEL-SA-00086",
                    ["kind"] = "host",
                    ["value"] = "api02.dc1.example.com",
                    ["verdict"] = "fixed",
                    ["justification"] = "BIOS 2.8.1 applied",
                    ["action"] = "record",
                    ["__vt_af"] = token,
                }),
            };
            request.Headers.Add("Origin", httpsOrigin);
            if (forwardedHttps)
            {
                request.Headers.Add("X-Forwarded-Proto", "https");
            }

            return request;
        }

        // When: without the proxy's X-Forwarded-Proto the https origin is another origin; with it (from loopback) it is this one
        using var plain = Post(forwardedHttps: false);
        using var refused = await browser.SendAsync(plain, Ct);
        using var proxied = Post(forwardedHttps: true);
        using var accepted = await browser.SendAsync(proxied, Ct);

        // Then
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        using var check = server.Store.OpenReadOnly();
        Assert.Single(check.Decisions());
    }

    [Fact]
    public async Task Should_Answer_403_When_A_Viewer_Posts_A_Decision_Form_With_A_Valid_Token()
    {
        // Given
        await using var server = await RunningServer.StartAsync(Kind);
        using var viewer = await server.LoginAsync(server.Viewer);
        var token = RunningServer.Antiforgery(await viewer.GetStringAsync("/", Ct));

        // When
        using var get = await viewer.GetAsync("/decide", Ct);
        using var post = await viewer.PostAsync("/decide", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["advisory"] = "INTEL-SA-00086",
            ["kind"] = "host",
            ["value"] = "x",
            ["verdict"] = "fixed",
            ["justification"] = "x",
            ["action"] = "record",
            ["__vt_af"] = token,
        }), Ct);

        // Then
        Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
    }

    [Fact]
    public async Task Should_Send_The_Security_Headers_On_Every_Page_And_Api_Answer()
    {
        // Given
        await using var server = await RunningServer.StartAsync(Kind);
        using var browser = await server.LoginAsync(server.Viewer);
        using var api = server.Client(server.Viewer);

        foreach (var (client, path) in Pages.Select(p => (browser, p)).Concat(ApiGets.Select(p => (api, p))).Append((server.Client(), "/login")))
        {
            // When
            using var r = await client.GetAsync(path, Ct);

            // Then
            Assert.True(r.IsSuccessStatusCode, $"{path}: {r.StatusCode}");
            var csp = string.Join(";", r.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", r.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("same-origin", r.Headers.GetValues("Referrer-Policy").Single());
            if (r.Content.Headers.ContentType?.MediaType == "text/html")
            {
                var html = await r.Content.ReadAsStringAsync(Ct);
                Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("style=", html, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotMatch("<[^>]*\\son[a-z]+\\s*=", html);
            }
        }
    }

    [Fact]
    public async Task Should_Set_An_HttpOnly_SameSite_Strict_Session_Cookie_And_Refuse_A_Bad_Token_At_Login()
    {
        // Given
        await using var server = await RunningServer.StartAsync(Kind);
        using var client = server.Client(cookies: new CookieContainer());
        var af = RunningServer.Antiforgery(await client.GetStringAsync("/login", Ct));

        // When
        using var bad = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["__vt_af"] = af, ["token"] = "vt_nope", ["returnUrl"] = "/" }), Ct);
        using var good = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["__vt_af"] = af, ["token"] = server.Viewer, ["returnUrl"] = "//evil.example/" }), Ct);

        // Then
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.False(bad.Headers.TryGetValues("Set-Cookie", out var none) && none.Any(c => c.StartsWith("vt_session=", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal("/", good.Headers.Location?.OriginalString); // never off-site
        var cookie = good.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("vt_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(server.Viewer, cookie, StringComparison.Ordinal); // encrypted, not the token
    }

    [Fact]
    public async Task Should_Keep_Hostile_Host_Names_And_Brand_Strings_As_Text_On_Every_Page_And_In_The_Api()
    {
        // Given: an inventory whose host names and brand string carry markup, quotes, a bidi override and a NUL
        var hostile = "evil\"><script>alert(1)</script>'\u202Egnp.exe";
        var inventory = Path.Combine(Path.GetTempPath(), $"vt-hostile-{Path.GetRandomFileName()}.json");
        File.WriteAllText(inventory, JsonSerializer.Serialize(new[]
        {
            new Dictionary<string, object?>
            {
                ["id"] = "x1", ["name"] = hostile, ["status"] = "working", ["isRetired"] = false,
                ["roles"] = new Dictionary<string, string[]> { ["Shop\"<b>"] = ["web'<i>"] },
                ["meta"] = new Dictionary<string, object>
                {
                    ["cpu"] = new[] { new Dictionary<string, string> { ["vendor_id"] = "GenuineIntel", ["family"] = "6", ["model"] = "94", ["stepping"] = "3", ["model_name"] = "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz <img src=x onerror=alert(2)>" } },
                },
            },
        }));
        await using var server = await RunningServer.StartAsync(Kind, inventory);
        using var browser = await server.LoginAsync(server.Decider);
        using var api = server.Client(server.Viewer);

        // When
        var pages = new List<string>();
        foreach (var path in new[] { "/", "/advisories/INTEL-SA-00086", "/advisories/INTEL-SA-00086?verdict=all", "/hosts/" + Uri.EscapeDataString(hostile), "/runs", "/decide?kind=host&value=" + Uri.EscapeDataString(hostile) })
        {
            using var r = await browser.GetAsync(path, Ct);
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{path}: {r.StatusCode}");
            pages.Add(await r.Content.ReadAsStringAsync(Ct));
        }

        var json = await api.GetStringAsync("/api/v1/hosts/" + Uri.EscapeDataString(hostile), Ct);

        // Then: no element or attribute came from the data; the override is neutralised; the text is there, encoded
        foreach (var html in pages)
        {
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<i>", html, StringComparison.Ordinal);
            Assert.DoesNotContain("\u202E", html, StringComparison.Ordinal);
            Assert.DoesNotMatch("<[^>]*\\son[a-z]+\\s*=", html);
        }

        Assert.Contains(pages, p => p.Contains("evil&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;", StringComparison.Ordinal));
        Assert.Contains(pages, p => p.Contains("&lt;img src=x onerror=alert(2)&gt;", StringComparison.Ordinal));
        Assert.DoesNotContain("<script", json, StringComparison.Ordinal);
        Assert.Contains("\\u003Cscript\\u003E", json, StringComparison.Ordinal);
        Assert.Equal(hostile, (string?)JsonNode.Parse(json)!["name"]);
    }

    [Fact]
    public async Task Should_Page_And_Filter_Findings_As_The_Report_Json_Schema_Defines_Them()
    {
        // Given
        await using var server = await RunningServer.StartAsync(Kind);
        using var api = server.Client(server.Viewer);

        // When
        var all = JsonNode.Parse(await api.GetStringAsync("/api/v1/advisories/INTEL-SA-00086/findings?limit=1000", Ct))!;
        var first = JsonNode.Parse(await api.GetStringAsync("/api/v1/advisories/INTEL-SA-00086/findings?limit=5", Ct))!;
        var second = JsonNode.Parse(await api.GetStringAsync((string)first["next"]!, Ct))!;
        var affected = JsonNode.Parse(await api.GetStringAsync("/api/v1/advisories/INTEL-SA-00086/findings?verdict=affected&service=Payments", Ct))!;
        using var badVerdict = await api.GetAsync("/api/v1/advisories/INTEL-SA-00086/findings?verdict=maybe", Ct);
        using var badLimit = await api.GetAsync("/api/v1/advisories/INTEL-SA-00086/findings?limit=100000", Ct);

        // Then: 38 hosts in the sample run (docs: samples/README.md), 5 per page, next page continues
        Assert.Equal(38, (int)all["total"]!);
        Assert.Equal(38, all["findings"]!.AsArray().Count);
        Assert.Equal(5, first["findings"]!.AsArray().Count);
        Assert.Equal(5, (int)second["offset"]!);
        Assert.Equal((string?)all["findings"]![5]!["host"]!["name"], (string?)second["findings"]![0]!["host"]!["name"]);
        Assert.NotEmpty(affected["findings"]!.AsArray());
        Assert.All(affected["findings"]!.AsArray(), f =>
        {
            Assert.Equal("affected", (string?)f!["verdict"]);
            Assert.Contains(f["host"]!["services"]!.AsArray(), s => (string?)s == "Payments");
        });
        Assert.Equal(HttpStatusCode.BadRequest, badVerdict.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);

        // Every finding is the report's finding object (docs/report.schema.json #/$defs/finding)
        var findingSchema = FindingSchema.Value;
        foreach (var f in all["findings"]!.AsArray())
        {
            var result = findingSchema.Evaluate(JsonDocument.Parse(f!.ToJsonString()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        }
    }

    [Fact]
    public async Task Should_List_Every_Api_Route_In_The_OpenApi_Document()
    {
        // Given
        await using var server = await RunningServer.StartAsync(Kind);
        using var anonymous = server.Client();

        // When
        var doc = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json", Ct))!;
        var schema = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/report.schema.json", Ct))!;

        // Then: the document's paths are exactly the mapped /api/v1 routes, with their methods
        var mapped = server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: e.RoutePattern.RawText!, Method: m.ToLowerInvariant())))
            .OrderBy(x => x.Path, StringComparer.Ordinal).ThenBy(x => x.Method, StringComparer.Ordinal).ToList();
        var documented = doc["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => (Path: p.Key, Method: m.Key)))
            .Where(x => x.Method is "get" or "post")
            .OrderBy(x => x.Path, StringComparer.Ordinal).ThenBy(x => x.Method, StringComparer.Ordinal).ToList();
        Assert.Equal(mapped, documented);
        Assert.StartsWith("3.1", (string?)doc["openapi"], StringComparison.Ordinal);
        Assert.NotNull(doc["components"]!["securitySchemes"]!["bearer"]);
        Assert.NotNull(doc["paths"]!["/api/v1/decisions"]!["post"]!["requestBody"]);
        Assert.NotNull(schema["$defs"]!["finding"]);
    }

    [Fact]
    public async Task Should_Show_The_Report_Grouping_And_Filter_The_Advisory_Page()
    {
        // Given
        await using var server = await RunningServer.StartAsync(Kind);
        using var browser = await server.LoginAsync(server.Viewer);

        // When
        var page = await browser.GetStringAsync("/advisories/INTEL-SA-00086", Ct);
        var payments = await browser.GetStringAsync("/advisories/INTEL-SA-00086?verdict=all&service=Payments", Ct);
        var ja = await browser.GetStringAsync("/advisories/INTEL-SA-00086?lang=ja", Ct);

        // Then: the report's conclusion, grouped by service; the filter narrows; Japanese with the report's labels
        Assert.Contains("6 hosts are affected, 13 need confirmation and 1 could not be assessed.", page, StringComparison.Ordinal);
        Assert.Contains("<h3>Payments", page, StringComparison.Ordinal);
        Assert.Contains("api02.dc1.example.com", payments, StringComparison.Ordinal);
        Assert.DoesNotContain("<h3>Shop", payments, StringComparison.Ordinal);
        Assert.Contains("lang=\"ja\"", ja, StringComparison.Ordinal);
        Assert.Contains("結論", ja, StringComparison.Ordinal);
        Assert.Contains("影響あり", ja, StringComparison.Ordinal);
    }
}

public sealed class SqliteServerTests : ServerTests
{
    protected override StoreKind Kind => StoreKind.Sqlite;
}

public sealed class PostgresServerTests : ServerTests
{
    protected override StoreKind Kind => StoreKind.Postgres;
}
