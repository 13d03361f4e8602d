using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VulnTriage.Core.Access;
using VulnTriage.Web.Data;

namespace VulnTriage.Web.Security;

/// <summary>
/// One authentication scheme for the API and the pages. The API takes only <c>Authorization: Bearer TOKEN</c> (a cookie
/// is never accepted there: a browser sends cookies on cross-site requests, a bearer header it does not). The pages take
/// the session cookie set by the login form: the token itself, encrypted with the server's data-protection key, so every
/// request is checked against the store again and a revoked token stops working within <see cref="ServeOptions.TokenCacheTime"/>.
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenValidator validator,
    SessionCookie session)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public new const string Scheme = "vulntriage";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? token = null;
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
        }
        else if (!Paths.IsApi(Request.Path))
        {
            token = session.Read(Request);
        }

        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        var principal = await validator.ValidateAsync(token).ConfigureAwait(false);
        if (principal is null)
        {
            return AuthenticateResult.Fail("invalid or revoked token");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, principal.TokenId),
                new Claim(ClaimTypes.Name, principal.Name),
                new Claim(ClaimTypes.Role, principal.Role.ToWire()),
            ],
            Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Paths.IsApi(Request.Path))
        {
            Response.Headers.WWWAuthenticate = "Bearer realm=\"vulntriage\"";
            await Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized", "send Authorization: Bearer TOKEN (vulntriage tokens create)").ConfigureAwait(false);
            return;
        }

        // A page: to the login form, coming back here afterwards (a local path only).
        var back = Request.Path + Request.QueryString;
        Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(back.ToString()));
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (Paths.IsApi(Request.Path))
        {
            await Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "this token's role may not do this").ConfigureAwait(false);
            return;
        }

        Response.StatusCode = StatusCodes.Status403Forbidden;
        Response.ContentType = "text/plain; charset=utf-8";
        await Response.WriteAsync("403 Forbidden: your role may not do this.\n").ConfigureAwait(false);
    }
}

/// <summary>The authenticated caller of a request.</summary>
internal static class Caller
{
    public static Principal? Of(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true
            || user.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id
            || user.FindFirstValue(ClaimTypes.Name) is not { } name
            || !Roles.TryParse(user.FindFirstValue(ClaimTypes.Role), out var role))
        {
            return null;
        }

        return new Principal(id, name, role);
    }
}

/// <summary>
/// Checks tokens against the store, remembering a good one for a few seconds (by its SHA-256, never the text) so 50
/// clients do not cost a database round trip and an HMAC per request. Bad tokens are not remembered.
/// </summary>
internal sealed class TokenValidator(StoreAccess store, ServeOptions options)
{
    private readonly ConcurrentDictionary<string, (Principal Principal, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async Task<Principal?> ValidateAsync(string token)
    {
        var key = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var now = options.Clock.GetUtcNow();
        if (_cache.TryGetValue(key, out var hit) && hit.Until > now)
        {
            return hit.Principal;
        }

        var principal = await store.RunAsync(s => s.Authenticate(token, now)).ConfigureAwait(false);
        if (principal is null)
        {
            _cache.TryRemove(key, out _);
            return null;
        }

        if (_cache.Count > 10_000)
        {
            _cache.Clear();
        }

        _cache[key] = (principal, now + options.TokenCacheTime);
        return principal;
    }

    /// <summary>Forgets every remembered token (after a revocation from the server itself).</summary>
    public void Forget() => _cache.Clear();
}

/// <summary>
/// The pages' session: an HttpOnly, SameSite=Strict cookie (Secure on HTTPS) holding the token encrypted with the
/// server's data-protection key. A restart with a new key logs everybody out; nothing else is kept on the server.
/// </summary>
internal sealed class SessionCookie(IDataProtectionProvider protection)
{
    public const string Name = "vt_session";

    private readonly IDataProtector _protector = protection.CreateProtector("VulnTriage.Web.Session.v1");

    public string? Read(HttpRequest request)
    {
        if (!request.Cookies.TryGetValue(Name, out var value) || string.IsNullOrEmpty(value))
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(value);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public void Write(HttpResponse response, string token, bool https) =>
        response.Cookies.Append(Name, _protector.Protect(token), Options(https));

    public static void Clear(HttpResponse response, bool https) => response.Cookies.Delete(Name, Options(https));

    private static CookieOptions Options(bool https) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = https,
        Path = "/",
        IsEssential = true,
    };
}

/// <summary>Which paths are the API.</summary>
internal static class Paths
{
    public static bool IsApi(PathString path) => path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
}
