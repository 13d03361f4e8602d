using Microsoft.AspNetCore.Http;

namespace VulnTriage.Web.Security;

/// <summary>
/// Headers on every response: a Content-Security-Policy with no script at all and styles only from the server's own
/// stylesheet (no inline script, no style attributes), no framing, no MIME sniffing, no referrer to other sites (page URLs carry host names), and no caching of pages
/// that show a fleet's weak spots.
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static Task Apply(HttpContext context, Func<Task> next)
    {
        var h = context.Response.Headers;
        h.ContentSecurityPolicy = ContentSecurityPolicy;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" on its own form posts, which the same-origin check must refuse.
        h["Referrer-Policy"] = "same-origin";
        h["Cross-Origin-Opener-Policy"] = "same-origin";
        h["Cross-Origin-Resource-Policy"] = "same-origin";
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        if (!context.Request.Path.StartsWithSegments("/static", StringComparison.Ordinal))
        {
            h.CacheControl = "no-store";
        }

        return next();
    }
}

/// <summary>
/// Refuses a state-changing request from another site before anything else looks at it: an <c>Origin</c> header naming
/// another origin, or <c>Sec-Fetch-Site: cross-site</c>. Forms also carry an antiforgery token; this is the second lock.
/// </summary>
internal static class SameOrigin
{
    public static bool IsCrossSite(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return false;
        }

        if (string.Equals(request.Headers["Sec-Fetch-Site"].ToString(), "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        // "null" (a sandboxed frame, a file: page) is never this server.
        return !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || !string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
