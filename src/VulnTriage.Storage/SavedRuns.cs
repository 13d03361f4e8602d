using System.Collections.Immutable;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Reporting;

namespace VulnTriage.Storage;

/// <summary>Brings a triage into the store: the recorded decisions applied, the run saved (the CLI's <c>triage --save</c> and <c>serve</c>'s scheduled runs).</summary>
public static class SavedRuns
{
    /// <summary>
    /// Applies the store's active decisions to <paramref name="report"/> (stale ones listed) and, when
    /// <paramref name="runId"/> is given, saves the run in one transaction. Returns the report with decisions applied.
    /// </summary>
    public static TriageReport ApplyAndSave(TriageReport report, IStateStore state, string? runId)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(state);
        var outcome = DecisionApplier.Apply(report.Findings, state.Decisions());
        report = report with { Findings = outcome.Findings, StaleDecisions = outcome.Stale };
        if (runId is not null)
        {
            state.SaveRun(From(report, runId));
        }

        return report;
    }

    /// <summary>The saved form of a report.</summary>
    public static SavedRun From(TriageReport report, string runId)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new SavedRun(
            runId,
            report.GeneratedAt,
            report.Inventory.Source,
            report.ToolVersion,
            [.. report.Advisories.Select(a => a.Id)],
            [.. report.Findings.Select(SavedFinding.From)])
        {
            ServiceTeams = report.ServiceTeams ?? ImmutableDictionary<string, string>.Empty,
        };
    }
}
