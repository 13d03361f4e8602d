using Microsoft.AspNetCore.Authorization;
using VulnTriage.Core.Access;

namespace VulnTriage.Web.Security;

/// <summary>The authorization policies: a role and every role above it (viewer &lt; decider &lt; admin).</summary>
internal static class Policies
{
    public const string Viewer = "viewer";
    public const string Decider = "decider";
    public const string Admin = "admin";

    public static void Add(AuthorizationOptions options)
    {
        foreach (var role in Roles.All)
        {
            options.AddPolicy(role.ToWire(), p => p
                .AddAuthenticationSchemes(TokenAuthenticationHandler.Scheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(ctx => Caller.Of(ctx.User) is { } caller && caller.Role.Allows(role)));
        }

        // Anything not marked otherwise needs a viewer at least: a page added later is never open by accident.
        options.FallbackPolicy = options.GetPolicy(Viewer);
    }
}
