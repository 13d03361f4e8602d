using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;
using VulnTriage.Web.Api;
using VulnTriage.Web.Data;
using VulnTriage.Web.Notifications;
using VulnTriage.Web.Pages;
using VulnTriage.Web.Scheduling;
using VulnTriage.Web.Security;

namespace VulnTriage.Web;

/// <summary>
/// <c>vulntriage serve</c>'s web application: Kestrel, the pages, <c>/api/v1</c>, the OpenAPI document, token
/// authentication, antiforgery, security headers, the scheduled triage. Minimal APIs with the server's own HTML writer
/// (<see cref="Html"/>) instead of Razor: one encoder for every page — the report's, which also neutralises bidi
/// overrides and control characters, which Razor's encoder leaves as they are — no view compilation, and pages that
/// are plain functions of the data.
/// </summary>
public static class DashboardServer
{
    /// <summary>Builds the application (not started). The store is opened (and migrated) here: a bad store fails now.</summary>
    public static WebApplication Build(ServeOptions options, HttpMessageHandler? notificationHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "VulnTriage.Web", EnvironmentName = Environments.Production });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 1 << 20;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(options.Clock);
        services.AddSingleton(_ => new StoreAccess(options.Store, options.Clock));
        services.AddSingleton<DashboardData>();
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<SessionCookie>();

        // Keys live in memory: a restart logs everybody out and invalidates open forms; nothing secret is written to disk.
        services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "vt_af";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__vt_af";
            o.HeaderName = null;
            o.SuppressXFrameOptionsHeader = true;
        });
        services.AddAuthentication(TokenAuthenticationHandler.Scheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.Scheme, null);
        services.AddAuthorization(Policies.Add);
        services.Configure<FormOptions>(o =>
        {
            o.ValueCountLimit = 64;
            o.ValueLengthLimit = 64 * 1024;
            o.MultipartBodyLengthLimit = 64 * 1024;
        });
        services.AddOpenApi("v1", o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "VulnTriage API",
                    Version = "v1",
                    Description = "The dashboard's data as JSON. Findings are the report JSON's finding objects and decisions its decision objects: "
                        + "the JSON Schema is served at /openapi/report.schema.json (#/$defs/finding, #/$defs/decision; docs/report.schema.json). "
                        + "Authenticate with Authorization: Bearer TOKEN (vulntriage tokens create). Errors are application/problem+json naming the field.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "A VulnTriage API token (vt_…)." };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
                return Task.CompletedTask;
            });
        });

        if (options.Schedule is { } schedule)
        {
            services.AddSingleton(sp => new Notifier(
                options.Notifications,
                notificationHandler is null ? new HttpClient() : new HttpClient(notificationHandler, disposeHandler: false),
                options.Clock,
                options.Log));
            services.AddSingleton(sp => new TriageScheduler(schedule, sp.GetRequiredService<DashboardData>(), sp.GetRequiredService<Notifier>(), options));
            services.AddHostedService(sp => sp.GetRequiredService<TriageScheduler>());
        }

        var app = builder.Build();

        // Behind a reverse proxy on this machine that terminates TLS: X-Forwarded-Proto is believed from loopback
        // peers only (the default known proxies), so the request is HTTPS for the session and antiforgery cookies
        // (Secure) and for the same-origin check (an Origin of https://dashboard.example.com). The Host header must
        // come through unchanged (docs/serve.md#reverse-proxy).
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto });
        app.Use(SecurityHeaders.Apply);
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Storage.StateDatabaseException e) when (!context.Response.HasStarted)
            {
                // The store is down or refused: one line in the log, 503 to the client, never a stack trace.
                lock (options.Log)
                {
                    options.Log.WriteLine("vulntriage serve: " + TriageScheduler.OneLine(e.Message));
                }

                context.Response.Clear();
                await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "the state store cannot be read now").ConfigureAwait(false);
            }
        });
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/static/site.css", () => Results.Text(Static.Css, "text/css; charset=utf-8")).AllowAnonymous();
        app.MapGet("/openapi/report.schema.json", () => Results.Text(Static.ReportSchema, "application/schema+json")).AllowAnonymous();
        app.MapGet("/healthz", () => Results.Text("ok\n")).AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        DashboardPages.Map(app);
        ApiEndpoints.Map(app);
        return app;
    }

    /// <summary>The start-up check for <c>--urls</c>: loopback or HTTPS; anything else is refused (the message says why).</summary>
    public static string? RefuseUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
        {
            return $"'{url}' is not a URL like http://127.0.0.1:8080";
        }

        var loopback = uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
        if (!loopback && uri.Scheme == "http")
        {
            return $"'{url}' would serve tokens and session cookies over plain HTTP to the network; listen on 127.0.0.1 behind a reverse proxy that terminates TLS, or give an https:// URL with a certificate (docs/serve.md)";
        }

        return null;
    }
}

/// <summary>The embedded stylesheet and report schema.</summary>
internal static class Static
{
    public static string Css { get; } = Read("VulnTriage.Web.Static.site.css");

    public static string ReportSchema { get; } = Read("VulnTriage.Web.report.schema.json");

    private static string Read(string name)
    {
        using var stream = typeof(Static).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException("missing resource " + name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
