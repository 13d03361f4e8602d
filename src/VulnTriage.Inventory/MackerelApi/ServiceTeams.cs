using System.Text.RegularExpressions;

namespace VulnTriage.Inventory.MackerelApi;

/// <summary>
/// Mackerel has no owner field; teams write it in the service memo. A memo line <c>team: payments</c> or
/// <c>owner: payments</c> (also <c>チーム:</c>, <c>担当:</c>; any case, ASCII or full-width colon) names the team.
/// A memo without such a line names none: prose is never guessed into a team name.
/// </summary>
public static partial class ServiceTeams
{
    private const int MaxTeamLength = 100;

    /// <summary>The team named by <paramref name="memo"/>, or <c>null</c>.</summary>
    public static string? FromMemo(string? memo)
    {
        if (string.IsNullOrWhiteSpace(memo))
        {
            return null;
        }

        var match = TeamLine().Match(memo);
        if (!match.Success)
        {
            return null;
        }

        var team = match.Groups["team"].Value.Trim();
        if (team.Length == 0)
        {
            return null;
        }

        return team.Length > MaxTeamLength ? team[..MaxTeamLength] + "…" : team;
    }

    [GeneratedRegex(@"^[ \t]*(?:team|owner|チーム|担当)[ \t]*[:：][ \t]*(?<team>[^\r\n]+)", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex TeamLine();
}
