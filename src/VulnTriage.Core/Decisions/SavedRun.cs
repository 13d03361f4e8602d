using System.Collections.Immutable;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;

namespace VulnTriage.Core.Decisions;

/// <summary>One finding as a saved run keeps it.</summary>
/// <param name="AdvisoryId">Advisory id.</param>
/// <param name="HostId">Host id.</param>
/// <param name="HostName">Host name.</param>
/// <param name="Verdict">The verdict shown (the human one when a decision applied).</param>
/// <param name="Stage">Its stage.</param>
/// <param name="Machine">The machine verdict when a decision applied.</param>
/// <param name="DecisionId">The decision applied, if any.</param>
/// <param name="Clauses">The evidence clauses, in order.</param>
/// <param name="Target">What decision selectors look at on the host (runs saved before 0.2 do not have it).</param>
public sealed record SavedFinding(
    string AdvisoryId,
    string HostId,
    string HostName,
    Verdict Verdict,
    Stage Stage,
    MachineVerdict? Machine,
    string? DecisionId,
    ImmutableArray<string> Clauses,
    SelectorTarget? Target = null)
{
    /// <summary>
    /// The finding's structured evidence, as the triage made it (clause, kind, verdict, rule, predicates, facts,
    /// subject, note, decision), so a past run can be explained. Empty for runs saved before schema 4.
    /// </summary>
    public ImmutableArray<Evidence> Evidence { get; init; } = [];

    /// <summary>
    /// What the finding knew of its host and evaluation besides verdict and evidence (status, roles, processors, cloud,
    /// environment, CVEs, next action), so a saved run renders as the report did; <c>null</c> for runs saved before schema 5.
    /// </summary>
    public FindingContext? Context { get; init; }

    /// <summary>
    /// The finding as the triage made it, rebuilt from the saved record: the same <see cref="Finding"/> the report
    /// writers take. <paramref name="decision"/> is the applied decision (<see cref="DecisionId"/>), when known. A run
    /// saved before schema 5 has no <see cref="Context"/>: its host status is unknown, its roles come from the selector
    /// target, and its next action is "collect facts" when the verdict needs action.
    /// </summary>
    public Finding ToFinding(Decision? decision = null)
    {
        var c = Context;
        var roles = c is not null ? c.Roles
            : [.. (Target?.Roles.IsDefault ?? true ? [] : Target.Roles)
                .Select(r => r.IndexOf(':', StringComparison.Ordinal) is var i and > 0 ? new RoleRef(r[..i], r[(i + 1)..]) : new RoleRef(r, ""))];
        var host = new Host(
            HostId,
            HostName,
            c?.DisplayName,
            c?.Status ?? HostStatus.Unknown,
            false,
            roles,
            c?.Cloud,
            c?.HostProcessors ?? [],
            c?.OsName,
            c?.CpuFactsNote,
            c?.Labels ?? [],
            c is null || c.Sources.IsDefaultOrEmpty ? null : new HostProvenance(c.Sources, []));
        var action = c?.Action ?? (DecisionApplier.NeedsAction(Verdict) ? FindingAction.CollectFacts : FindingAction.None);
        return new Finding(
            AdvisoryId,
            host,
            Verdict,
            Stage,
            c?.Environment ?? HostEnvironment.OnPremises,
            c?.Processors ?? [],
            Evidence.IsDefault ? [] : Evidence,
            c?.Cves ?? [],
            action,
            c?.Platform,
            Machine,
            decision is not null && string.Equals(decision.Id, DecisionId, StringComparison.Ordinal) ? decision : null);
    }

    /// <summary>The saved form of a finding.</summary>
    public static SavedFinding From(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return new SavedFinding(
            finding.AdvisoryId,
            finding.Host.Id,
            finding.Host.Name,
            finding.Verdict,
            finding.Stage,
            finding.Machine,
            finding.Decision?.Id,
            [.. (finding.Evidence.IsDefault ? [] : finding.Evidence).Select(e => e.Clause)],
            SelectorTarget.From(finding))
        {
            Evidence = finding.Evidence.IsDefault ? [] : finding.Evidence,
            Context = FindingContext.From(finding),
        };
    }
}

/// <summary>
/// What a saved finding keeps of its host and its evaluation besides the verdict, the stage and the evidence: the host's
/// status, display name, roles, cloud, processors (as the inventory gave them, with their sources), OS, labels and
/// inventory sources; the environment, the identified processors, the CVEs, the next action and the DMI platform. Host
/// id and name are not part of it, so hosts alike share one stored context.
/// </summary>
/// <param name="Status">Mackerel status.</param>
/// <param name="DisplayName">Display name, when set.</param>
/// <param name="Roles">Roles (service and role).</param>
/// <param name="Cloud">Cloud facts, when a cloud instance.</param>
/// <param name="HostProcessors">Processors as the inventory reported them, with where each was read.</param>
/// <param name="OsName">Operating system name.</param>
/// <param name="CpuFactsNote">Why CPU facts are missing, when they are.</param>
/// <param name="Labels">Host labels.</param>
/// <param name="Sources">The inventories the host was read from.</param>
/// <param name="Environment">Where the host runs.</param>
/// <param name="Processors">The identified processors.</param>
/// <param name="Cves">The CVEs the verdict concerns.</param>
/// <param name="Action">The next action.</param>
/// <param name="Platform">The DMI platform, when known.</param>
public sealed record FindingContext(
    HostStatus Status,
    string? DisplayName,
    ImmutableArray<RoleRef> Roles,
    CloudInfo? Cloud,
    ImmutableArray<ProcessorFact> HostProcessors,
    string? OsName,
    string? CpuFactsNote,
    ImmutableArray<HostLabel> Labels,
    ImmutableArray<string> Sources,
    HostEnvironment Environment,
    ImmutableArray<ProcessorIdentity> Processors,
    ImmutableArray<string> Cves,
    FindingAction Action,
    PlatformInfo? Platform)
{
    /// <summary>The context of a finding.</summary>
    public static FindingContext From(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var h = finding.Host;
        return new FindingContext(
            h.Status,
            h.DisplayName,
            h.Roles.IsDefault ? [] : h.Roles,
            h.Cloud,
            h.Processors.IsDefault ? [] : h.Processors,
            h.OsName,
            h.CpuFactsNote,
            h.Labels.IsDefault ? [] : h.Labels,
            h.Provenance?.Sources is { IsDefault: false } sources ? sources : [],
            finding.Environment,
            finding.Processors.IsDefault ? [] : finding.Processors,
            finding.Cves.IsDefault ? [] : finding.Cves,
            finding.Action,
            finding.Platform);
    }
}

/// <summary>A saved triage run.</summary>
/// <param name="Id">Run id, e.g. <c>r-5c1d2e3f4a</c>.</param>
/// <param name="SavedAt">When it was saved (the report's time).</param>
/// <param name="Inventory">The inventory source name.</param>
/// <param name="ToolVersion">The VulnTriage version that made it.</param>
/// <param name="Advisories">The advisories evaluated.</param>
/// <param name="Findings">Every finding of the run.</param>
public sealed record SavedRun(
    string Id,
    DateTimeOffset SavedAt,
    string Inventory,
    string ToolVersion,
    ImmutableArray<string> Advisories,
    ImmutableArray<SavedFinding> Findings)
{
    /// <summary>
    /// Why the run failed, when it did (a scheduled run whose inventory could not be read, say). A failed run is kept
    /// with its error and no findings, never half-saved; diffs and progress skip it.
    /// </summary>
    public string? Error { get; init; }

    /// <summary>The owning team per Mackerel service, as the triage read it from service memos (empty when unknown).</summary>
    public ImmutableDictionary<string, string> ServiceTeams { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Whether the run failed (<see cref="Error"/> is set).</summary>
    public bool Failed => Error is not null;

    /// <summary>A failed run: its error and no findings.</summary>
    public static SavedRun FailedRun(string id, DateTimeOffset at, string inventory, string toolVersion, ImmutableArray<string> advisories, string error)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        return new SavedRun(id, at, inventory, toolVersion, advisories, []) { Error = error };
    }
}

/// <summary>One saved run as a list shows it: without its findings.</summary>
/// <param name="Id">Run id.</param>
/// <param name="SavedAt">When it was saved.</param>
/// <param name="Inventory">The inventory source name.</param>
/// <param name="ToolVersion">The VulnTriage version that made it.</param>
/// <param name="Advisories">The advisories evaluated.</param>
/// <param name="Findings">How many findings it holds (0 for a failed run).</param>
/// <param name="Error">Why it failed, when it did.</param>
public sealed record RunSummary(string Id, DateTimeOffset SavedAt, string Inventory, string ToolVersion, ImmutableArray<string> Advisories, int Findings, string? Error);

/// <summary>Hosts per verdict for one advisory in one saved run (a row of the remediation-progress table).</summary>
/// <param name="RunId">Run id.</param>
/// <param name="SavedAt">When the run was saved.</param>
/// <param name="AdvisoryId">Advisory id.</param>
/// <param name="Counts">Hosts per verdict.</param>
public sealed record RunProgress(string RunId, DateTimeOffset SavedAt, string AdvisoryId, VerdictCounts Counts)
{
    /// <summary>The progress row of a saved run for one advisory.</summary>
    public static RunProgress Of(SavedRun run, string advisoryId)
    {
        ArgumentNullException.ThrowIfNull(run);
        var counts = VerdictCounts.Zero;
        foreach (var f in run.Findings)
        {
            if (string.Equals(f.AdvisoryId, advisoryId, StringComparison.Ordinal))
            {
                counts = counts.Add(f.Verdict);
            }
        }

        return new RunProgress(run.Id, run.SavedAt, advisoryId, counts);
    }
}

/// <summary>How one host's verdict changed between two runs.</summary>
/// <param name="HostId">Host id.</param>
/// <param name="HostName">Host name (latest known).</param>
/// <param name="From">The verdict in the previous run; <c>null</c> for a new host.</param>
/// <param name="To">The verdict in the latest run; <c>null</c> for a host gone.</param>
/// <param name="ToStage">The stage in the latest run, when present.</param>
public sealed record VerdictChange(string HostId, string HostName, Verdict? From, Verdict? To, Stage? ToStage);

/// <summary>What changed for one advisory between two saved runs.</summary>
/// <param name="AdvisoryId">Advisory id.</param>
/// <param name="Previous">The earlier run.</param>
/// <param name="Latest">The later run.</param>
/// <param name="NewlyAffected">Hosts affected now that were not (including new hosts that are affected).</param>
/// <param name="NewlyFixed">Hosts fixed now that were not (present in both runs).</param>
/// <param name="Moved">Other verdict changes of hosts present in both runs.</param>
/// <param name="Gone">Hosts in the previous run and not in the latest.</param>
/// <param name="New">Hosts in the latest run and not in the previous.</param>
public sealed record RunDiff(
    string AdvisoryId,
    RunProgress Previous,
    RunProgress Latest,
    ImmutableArray<VerdictChange> NewlyAffected,
    ImmutableArray<VerdictChange> NewlyFixed,
    ImmutableArray<VerdictChange> Moved,
    ImmutableArray<VerdictChange> Gone,
    ImmutableArray<VerdictChange> New)
{
    /// <summary>Whether nothing changed.</summary>
    public bool IsEmpty => NewlyAffected.IsEmpty && NewlyFixed.IsEmpty && Moved.IsEmpty && Gone.IsEmpty && New.IsEmpty;

    /// <summary>Compares two runs for one advisory. Hosts are matched by host id. Pure.</summary>
    public static RunDiff Compare(SavedRun previous, SavedRun latest, string advisoryId)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(latest);
        var before = Index(previous, advisoryId);
        var after = Index(latest, advisoryId);
        var newlyAffected = new List<VerdictChange>();
        var newlyFixed = new List<VerdictChange>();
        var moved = new List<VerdictChange>();
        var gone = new List<VerdictChange>();
        var added = new List<VerdictChange>();
        foreach (var (id, now) in after)
        {
            before.TryGetValue(id, out var was);
            var change = new VerdictChange(id, now.HostName, was?.Verdict, now.Verdict, now.Stage);
            if (was is null)
            {
                added.Add(change);
                if (now.Verdict == Verdict.Affected)
                {
                    newlyAffected.Add(change);
                }

                continue;
            }

            if (was.Verdict == now.Verdict)
            {
                continue;
            }

            if (now.Verdict == Verdict.Affected)
            {
                newlyAffected.Add(change);
            }
            else if (now.Verdict == Verdict.Fixed)
            {
                newlyFixed.Add(change);
            }
            else
            {
                moved.Add(change);
            }
        }

        foreach (var (id, was) in before)
        {
            if (!after.ContainsKey(id))
            {
                gone.Add(new VerdictChange(id, was.HostName, was.Verdict, null, null));
            }
        }

        return new RunDiff(
            advisoryId,
            RunProgress.Of(previous, advisoryId),
            RunProgress.Of(latest, advisoryId),
            Sorted(newlyAffected),
            Sorted(newlyFixed),
            Sorted(moved),
            Sorted(gone),
            Sorted(added));
    }

    private static SortedDictionary<string, SavedFinding> Index(SavedRun run, string advisoryId)
    {
        var index = new SortedDictionary<string, SavedFinding>(StringComparer.Ordinal);
        foreach (var f in run.Findings)
        {
            if (string.Equals(f.AdvisoryId, advisoryId, StringComparison.Ordinal))
            {
                index[f.HostId] = f;
            }
        }

        return index;
    }

    private static ImmutableArray<VerdictChange> Sorted(List<VerdictChange> changes) =>
        [.. changes.OrderBy(c => c.HostName, StringComparer.Ordinal).ThenBy(c => c.HostId, StringComparer.Ordinal)];
}

/// <summary>
/// What a decision selector looks at on one host: its id and name, its roles, its platform and its processors' names.
/// Built from a finding, or kept with a saved finding so <c>decide</c> can show which hosts a selector will hit.
/// </summary>
/// <param name="HostId">Host id.</param>
/// <param name="HostName">Host name.</param>
/// <param name="Roles">The host's roles as <c>service:role</c>.</param>
/// <param name="SystemVendor">DMI system vendor, when known.</param>
/// <param name="ProductName">DMI product name, when known.</param>
/// <param name="CpuModelNumbers">Identified model numbers (e.g. <c>Gold 6130</c>).</param>
/// <param name="CpuNames">Identified display names, normalised brands and raw brand strings.</param>
public sealed record SelectorTarget(
    string HostId,
    string HostName,
    ImmutableArray<string> Roles,
    string? SystemVendor,
    string? ProductName,
    ImmutableArray<string> CpuModelNumbers,
    ImmutableArray<string> CpuNames)
{
    /// <summary>The host's labels as <c>key=value</c>, key lower-case (what a <c>label</c> selector looks up).</summary>
    public ImmutableArray<string> Labels { get; init; } = [];

    /// <summary>The target of a finding's host.</summary>
    public static SelectorTarget From(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var identities = finding.Processors.IsDefault ? [] : finding.Processors;
        var processors = finding.Host.Processors.IsDefault ? [] : finding.Host.Processors;
        return new SelectorTarget(
            finding.Host.Id,
            finding.Host.Name,
            [.. (finding.Host.Roles.IsDefault ? [] : finding.Host.Roles).Select(r => r.ToString())],
            finding.Platform?.SystemVendor,
            finding.Platform?.ProductName,
            [.. identities.Select(i => i.ModelNumber).OfType<string>().Distinct(StringComparer.Ordinal)],
            [.. identities.SelectMany(i => new[] { i.DisplayName, i.NormalizedBrand })
                .Concat(processors.Select(p => p.BrandString).OfType<string>())
                .Where(s => s.Length > 0)
                .Distinct(StringComparer.Ordinal)])
        {
            Labels = [.. (finding.Host.Labels.IsDefault ? [] : finding.Host.Labels)
                .Select(l => l.Key.Trim().ToLowerInvariant() + "=" + l.Value.Trim()).Distinct(StringComparer.Ordinal)],
        };
    }
}
