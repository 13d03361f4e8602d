using System.Collections.Immutable;

namespace VulnTriage.Core.Access;

/// <summary>
/// What an API token may do. Ordered: each role may do everything the roles below it may
/// (<see cref="Viewer"/> &lt; <see cref="Decider"/> &lt; <see cref="Admin"/>); compare with <see cref="Roles.Allows"/>.
/// </summary>
public enum Role
{
    /// <summary>Reads pages and the API: runs, findings, hosts, decisions.</summary>
    Viewer = 0,

    /// <summary>A viewer that may also record and revoke decisions.</summary>
    Decider = 1,

    /// <summary>A decider that may also manage tokens and settings.</summary>
    Admin = 2,
}

/// <summary>Wire names and ordering of <see cref="Role"/>.</summary>
public static class Roles
{
    /// <summary>All roles, lowest first.</summary>
    public static ImmutableArray<Role> All { get; } = [Role.Viewer, Role.Decider, Role.Admin];

    /// <summary>Lower-case wire name: <c>viewer</c>, <c>decider</c>, <c>admin</c>.</summary>
    public static string ToWire(this Role role) => role switch
    {
        Role.Viewer => "viewer",
        Role.Decider => "decider",
        Role.Admin => "admin",
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>Parses a wire name (exact, lower-case).</summary>
    public static bool TryParse(string? text, out Role role)
    {
        foreach (var r in All)
        {
            if (string.Equals(r.ToWire(), text, StringComparison.Ordinal))
            {
                role = r;
                return true;
            }
        }

        role = default;
        return false;
    }

    /// <summary>Whether a principal holding <paramref name="held"/> may do what needs <paramref name="required"/>.</summary>
    public static bool Allows(this Role held, Role required) => held >= required;
}

/// <summary>Who a request is: the token's name (the author of what it records) and its role.</summary>
/// <param name="TokenId">The token's id (<c>t-…</c>), for audit logs.</param>
/// <param name="Name">The token's name, e.g. <c>alice</c>.</param>
/// <param name="Role">What it may do.</param>
public sealed record Principal(string TokenId, string Name, Role Role);

/// <summary>
/// An API token as the state store keeps it: never the secret, only who it is for, what it may do and its times.
/// </summary>
/// <param name="Id">Stable id, e.g. <c>t-3f9a1c0b7e</c> (shown by <c>tokens list</c>, accepted by <c>tokens revoke</c>).</param>
/// <param name="Name">Whom it is for; unique among tokens that are not revoked.</param>
/// <param name="Role">What it may do.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="LastUsedAt">When it last authenticated a request (to the minute), if ever.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
public sealed record ApiToken(string Id, string Name, Role Role, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    /// <summary>Whether the token still authenticates.</summary>
    public bool IsActive => RevokedAt is null;

    /// <summary>
    /// Whether <paramref name="name"/> is a valid token name: 1–64 characters of ASCII letters, digits, <c>.</c>,
    /// <c>_</c>, <c>-</c> and <c>@</c>, and not shaped like a token id (<c>t-</c> and hex digits: <c>tokens revoke</c>
    /// takes a name or an id). The name becomes the author of decisions recorded with the token, so it is kept to
    /// characters that need no escaping anywhere.
    /// </summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 64 }
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@')
        && !(name.StartsWith("t-", StringComparison.Ordinal) && name.Length > 2 && name[2..].All(char.IsAsciiHexDigit));
}
