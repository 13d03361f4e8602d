using System.Collections.Immutable;
using VulnTriage.Core.Reporting;
using VulnTriage.Storage;

namespace VulnTriage.Cli.Application;

/// <summary>Brings the state database into a triage: applies recorded decisions, saves the run, adds remediation progress.</summary>
internal static class DecisionState
{
    /// <summary>
    /// Applies the database's decisions to <paramref name="report"/> (stale ones listed), saves the run when
    /// <paramref name="save"/>, and attaches the progress over saved runs when there are any.
    /// </summary>
    public static TriageReport Apply(TriageReport report, IStateStore state, bool save, IIdGenerator ids)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(ids);
        report = SavedRuns.ApplyAndSave(report, state, save ? ids.NewId("r") : null);
        var progress = report.Advisories.SelectMany(a => state.Progress(a.Id)).ToImmutableArray();
        return progress.IsEmpty ? report : report with { Progress = progress };
    }
}
