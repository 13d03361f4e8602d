using System.Collections.Immutable;
using VulnTriage.Core.Advisories;
using VulnTriage.Storage;
using VulnTriage.Web.Notifications;
using VulnTriage.Web.Scheduling;

namespace VulnTriage.Web;

/// <summary>Everything <c>vulntriage serve</c> was given: read once in the CLI and passed in (no environment reads here).</summary>
/// <param name="Store">Where the state is.</param>
/// <param name="Urls">Kestrel URLs to listen on (already checked: loopback, or https).</param>
/// <param name="Advisories">The advisory catalog (embedded plus <c>--advisories DIR</c>).</param>
/// <param name="Clock">The clock (tests inject a fake one).</param>
/// <param name="Ids">Decision and run ids.</param>
/// <param name="Log">Where the server writes its log lines (one line each, never a secret).</param>
/// <param name="ToolVersion">The VulnTriage version.</param>
public sealed record ServeOptions(
    StateLocation Store,
    ImmutableArray<string> Urls,
    ImmutableArray<Advisory> Advisories,
    TimeProvider Clock,
    IIdGenerator Ids,
    TextWriter Log,
    string ToolVersion)
{
    /// <summary>The scheduled triage (<c>--triage-every</c>), when configured.</summary>
    public ScheduleOptions? Schedule { get; init; }

    /// <summary>Where notifications go when a saved run changes things (none by default).</summary>
    public NotificationOptions Notifications { get; init; } = NotificationOptions.None;

    /// <summary>How long an authenticated token is trusted before the store is asked again (revocation delay).</summary>
    public TimeSpan TokenCacheTime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many loaded runs are kept in memory (a saved run never changes, so it is cached by id).</summary>
    public int CachedRuns { get; init; } = 4;

    /// <summary>How long the list of runs and the progress per advisory are reused before the store is asked again.</summary>
    public TimeSpan SnapshotTime { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The advisory with this id or CVE id, or <c>null</c>.</summary>
    public Advisory? FindAdvisory(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        foreach (var a in Advisories)
        {
            if (string.Equals(a.Id, id, StringComparison.OrdinalIgnoreCase))
            {
                return a;
            }
        }

        foreach (var a in Advisories)
        {
            if (!a.Cves.IsDefaultOrEmpty && a.Cves.Any(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase)))
            {
                return a;
            }
        }

        return null;
    }
}
