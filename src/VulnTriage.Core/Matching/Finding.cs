using System.Collections.Immutable;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Matching;

/// <summary>
/// The closed set of verdicts. The numeric order is the report order: most urgent first.
/// Wire names (JSON, CSV, CLI) are the snake_case names from <see cref="Verdicts.ToWire(Verdict)"/>.
/// </summary>
public enum Verdict
{
    /// <summary>The firmware (or CPU, for advisories decided by CPU) is in an affected range.</summary>
    Affected = 0,

    /// <summary>The CPU puts the host in scope; the firmware version has not been seen. Says what to check.</summary>
    NeedsConfirmation = 1,

    /// <summary>Nothing can be said: facts missing or unreadable. Never read as "not affected".</summary>
    Unknown = 2,

    /// <summary>The firmware is in a fixed range.</summary>
    Fixed = 3,

    /// <summary>A cloud instance: the provider owns the platform firmware.</summary>
    ProviderManaged = 4,

    /// <summary>The identified CPU or the firmware is outside every affected range.</summary>
    NotAffected = 5,

    /// <summary>
    /// Set only by a recorded human decision: the host is (or may be) affected and the team accepted the risk.
    /// Appended so the numeric values of the other members never change; its report position is given by
    /// <see cref="Verdicts.ReportRank(Verdict)"/> (after <see cref="Unknown"/>).
    /// </summary>
    AcceptedRisk = 6,
}

/// <summary>What a verdict rests on.</summary>
public enum Stage
{
    /// <summary>The processor identification (candidate stage).</summary>
    Cpu,

    /// <summary>A firmware version (confirmed stage).</summary>
    Firmware,

    /// <summary>The host is a cloud instance.</summary>
    Cloud,

    /// <summary>A recorded human decision (<c>vulntriage decide</c>) outranks the machine verdict.</summary>
    Decision,

    /// <summary>The microcode revision against the first fixed revision (confirmed stage).</summary>
    Microcode,

    /// <summary>The kernel's own verdict in sysfs (confirmed stage).</summary>
    Kernel,
}

/// <summary>Wire names and ordering helpers for <see cref="Verdict"/> and <see cref="Stage"/>.</summary>
public static class Verdicts
{
    /// <summary>All verdicts in report order.</summary>
    public static ImmutableArray<Verdict> All { get; } =
        [Verdict.Affected, Verdict.NeedsConfirmation, Verdict.Unknown, Verdict.AcceptedRisk, Verdict.Fixed, Verdict.ProviderManaged, Verdict.NotAffected];

    /// <summary>The verdict's position in report order (0 = most urgent): its index in <see cref="All"/>.</summary>
    public static int ReportRank(this Verdict verdict) => verdict switch
    {
        Verdict.Affected => 0,
        Verdict.NeedsConfirmation => 1,
        Verdict.Unknown => 2,
        Verdict.AcceptedRisk => 3,
        Verdict.Fixed => 4,
        Verdict.ProviderManaged => 5,
        Verdict.NotAffected => 6,
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>snake_case wire name, e.g. <c>needs_confirmation</c>.</summary>
    public static string ToWire(this Verdict verdict) => verdict switch
    {
        Verdict.Affected => "affected",
        Verdict.NeedsConfirmation => "needs_confirmation",
        Verdict.Unknown => "unknown",
        Verdict.Fixed => "fixed",
        Verdict.ProviderManaged => "provider_managed",
        Verdict.NotAffected => "not_affected",
        Verdict.AcceptedRisk => "accepted_risk",
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>Parses a wire name.</summary>
    public static bool TryParse(string? text, out Verdict verdict)
    {
        foreach (var v in All)
        {
            if (string.Equals(v.ToWire(), text, StringComparison.Ordinal))
            {
                verdict = v;
                return true;
            }
        }

        verdict = default;
        return false;
    }

    /// <summary>lower-case wire name of a stage.</summary>
    public static string ToWire(this Stage stage) => stage switch
    {
        Stage.Cpu => "cpu",
        Stage.Firmware => "firmware",
        Stage.Cloud => "cloud",
        Stage.Decision => "decision",
        Stage.Microcode => "microcode",
        Stage.Kernel => "kernel",
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>Parses a stage wire name.</summary>
    public static bool TryParseStage(string? text, out Stage stage)
    {
        foreach (var s in new[] { Stage.Cpu, Stage.Firmware, Stage.Cloud, Stage.Decision, Stage.Microcode, Stage.Kernel })
        {
            if (string.Equals(s.ToWire(), text, StringComparison.Ordinal))
            {
                stage = s;
                return true;
            }
        }

        stage = default;
        return false;
    }

    /// <summary>
    /// The <c>--fail-on</c> threshold order: affected (highest), needs_confirmation, unknown (lowest).
    /// Returns 3 for verdicts that never fail a run (including <see cref="Verdict.AcceptedRisk"/>: the risk was accepted).
    /// </summary>
    public static int FailRank(this Verdict verdict) => verdict switch
    {
        Verdict.Affected => 0,
        Verdict.NeedsConfirmation => 1,
        Verdict.Unknown => 2,
        _ => 3,
    };
}

/// <summary>One fact a verdict read: a name, its value, and where it came from.</summary>
/// <param name="Name">Field name, e.g. <c>cpu.model_name</c>, <c>firmware.me</c>.</param>
/// <param name="Value">The value as read (not escaped; writers escape).</param>
/// <param name="Source">Where: <c>meta.cpu[0]</c>, <c>facts/db01.json</c>, <c>identification</c>.</param>
public sealed record EvidenceFact(string Name, string Value, string Source);

/// <summary>What kind of reasoning step an <see cref="Evidence"/> is. The report writers turn each kind into a sentence per language.</summary>
public enum EvidenceKind
{
    /// <summary>A cloud instance: the advisory's statement for the provider (<see cref="Evidence.Note"/>) or the default.</summary>
    CloudProvider,

    /// <summary>The inventory has no CPU facts for the host (<see cref="Evidence.Subject"/>: why).</summary>
    NoCpuFacts,

    /// <summary>A listed or conditional CPU rule holds: the host is a candidate.</summary>
    CandidateCpu,

    /// <summary>A CPU rule of scope <c>excluded</c> holds: the vendor states the processor is not affected.</summary>
    ExcludedCpu,

    /// <summary>Every CPU rule is false for every processor: the known facts rule the host out.</summary>
    OutsideRules,

    /// <summary>Every CPU rule is false, but the advisory's rules come from a list that leaves parts out: absence is not safety.</summary>
    NotListed,

    /// <summary>A CPU rule could be neither confirmed nor ruled out: <see cref="Evidence.Missing"/> names the attributes that were unknown.</summary>
    Indeterminate,

    /// <summary>A hypervisor's synthetic CPU model hides the physical processor; the physical host decides.</summary>
    VirtualMachine,

    /// <summary>A firmware rule decided the fact's verdict.</summary>
    FirmwareRule,

    /// <summary>An AMT-only firmware rule's range holds, but the facts say the image is not AMT.</summary>
    FirmwareAmtAbsent,

    /// <summary>An AMT-only firmware rule's range holds, and whether the image is AMT is not known.</summary>
    FirmwareAmtUnknown,

    /// <summary>No firmware rule covers the version.</summary>
    FirmwareNoRule,

    /// <summary>The firmware interface reported 0.0.0.0 (it could not read the engine).</summary>
    FirmwareZeroVersion,

    /// <summary>The microcode revision is below the first fixed revision for the signature.</summary>
    MicrocodeBelow,

    /// <summary>The microcode revision is at or above the first fixed revision.</summary>
    MicrocodeFixed,

    /// <summary>A microcode rule covers the processor but lists no revision for its exact signature, or the signature lacks a stepping.</summary>
    MicrocodeNoThreshold,

    /// <summary>The kernel's own line for the vulnerability (<see cref="Evidence.Subject"/>) decided.</summary>
    Kernel,

    /// <summary>Two sources disagree; the safer verdict was chosen (<see cref="Evidence.Detail"/>: which sources).</summary>
    SourcesDisagree,

    /// <summary>A statement from the facts source (probe note), shown as is.</summary>
    FactsNote,

    /// <summary>A recorded human decision (<see cref="Evidence.Decision"/>).</summary>
    Decision,

    /// <summary>
    /// The advisory was imported from a record that states no applicability yet (NVD "Awaiting Analysis": no
    /// configurations): nothing can be matched, every host is unknown (<see cref="Evidence.Subject"/>: the record's status;
    /// facts: the record and its revision).
    /// </summary>
    SourceNotAnalysed,
}

/// <summary>The result of one predicate of a rule, as evidence: which predicate, what it allows, the fact's value, where it came from, and the answer.</summary>
/// <param name="Predicate">The predicate's name, e.g. <c>cpu.microarchitecture</c>.</param>
/// <param name="Expected">What the predicate allows, in the advisory notation.</param>
/// <param name="Value">The value read (<c>unknown</c> when missing; values are untrusted, writers escape them).</param>
/// <param name="Source">Where the value came from, e.g. <c>signature 06_4F_1</c>, <c>brand string</c>, <c>facts/db01.json</c>.</param>
/// <param name="Result">The predicate's answer.</param>
public sealed record PredicateResult(string Predicate, string Expected, string Value, string Source, Truth Result);

/// <summary>
/// One step of the reasoning, as data: the rule clause applied, what kind of step it is, the predicates it evaluated
/// and the facts it read. It holds no sentences: the report writers render <see cref="Kind"/> with these fields per
/// language. <see cref="Note"/> and <see cref="RuleTitle"/> are text from the advisory file (data), not from code.
/// </summary>
/// <param name="Clause">Stable clause id: <c>&lt;ADVISORY&gt;#cpu/&lt;rule&gt;</c>, <c>#firmware/&lt;rule&gt;</c>, <c>#microcode/…</c>, <c>#kernel/…</c>, <c>#cloud/&lt;provider&gt;</c>, or a built-in clause like <c>#cpu/no-cpu-facts</c>.</param>
/// <param name="Kind">What kind of step.</param>
/// <param name="Facts">What was read.</param>
public sealed record Evidence(string Clause, EvidenceKind Kind, ImmutableArray<EvidenceFact> Facts)
{
    /// <summary>The verdict this step gives, when it gives one.</summary>
    public Verdict? Verdict { get; init; }

    /// <summary>The predicate results this step rests on (the ones that decided the rule's answer).</summary>
    public ImmutableArray<PredicateResult> Predicates { get; init; } = [];

    /// <summary>What the step is about, as a value: a processor's name, <c>ME 11.8.50.3425</c>, a kernel line (untrusted).</summary>
    public string? Subject { get; init; }

    /// <summary>The rule's id (without the advisory prefix), when the step applies a rule.</summary>
    public string? RuleId { get; init; }

    /// <summary>The rule's title from the advisory file.</summary>
    public LocalizedText? RuleTitle { get; init; }

    /// <summary>Text from the advisory file (a rule's note, a cloud statement, the out-of-scope text) or a facts source.</summary>
    public LocalizedText? Note { get; init; }

    /// <summary>Names of the attributes or facts that were unknown (for <see cref="EvidenceKind.Indeterminate"/>).</summary>
    public ImmutableArray<string> Missing { get; init; } = [];

    /// <summary>A short machine-readable detail: expected firmware kinds (<c>me/sps</c>), disagreeing sources, a kernel status.</summary>
    public string? Detail { get; init; }

    /// <summary>The CPU rule's scope, for <see cref="EvidenceKind.CandidateCpu"/>.</summary>
    public CpuRuleScope? Scope { get; init; }

    /// <summary>The decision, for <see cref="EvidenceKind.Decision"/>.</summary>
    public Decisions.Decision? Decision { get; init; }
}

/// <summary>What the team should do next about a finding. The writers render it per language; <see cref="FindingAction.Detail"/> is advisory text.</summary>
public enum ActionKind
{
    /// <summary>No action.</summary>
    None,

    /// <summary>Collect the host's CPU and firmware facts (probe) and triage again.</summary>
    CollectFacts,

    /// <summary>Read the firmware version the CPU rule expects (the rule's check text is the detail).</summary>
    ConfirmFirmware,

    /// <summary>Find out whether the firmware is a corporate AMT image.</summary>
    CheckAmt,

    /// <summary>Check the physical host that runs this VM.</summary>
    CheckPhysicalHost,

    /// <summary>The guest's half of the fix is in place; check the host's microcode (and that the hypervisor passes it through).</summary>
    CheckHostMicrocode,

    /// <summary>Apply the system vendor's firmware update.</summary>
    UpdateFirmware,

    /// <summary>Load the fixed microcode (BIOS update or OS microcode package).</summary>
    UpdateMicrocode,

    /// <summary>Update or configure the kernel so that it mitigates the issue.</summary>
    UpdateKernel,

    /// <summary>
    /// The vendor plans no mitigation for this processor (Intel's table: "No planned mitigation"): isolate the workload or
    /// replace the part; the rule's check text is the detail.
    /// </summary>
    NoFixAvailable,

    /// <summary>Read the running microcode revision and the kernel's vulnerability files (probe) to decide.</summary>
    ReadMicrocodeAndKernel,

    /// <summary>None: decided not affected (a recorded decision).</summary>
    DecidedNotAffected,

    /// <summary>None: decided fixed (a recorded decision).</summary>
    DecidedFixed,

    /// <summary>None for now: the risk was accepted (a recorded decision).</summary>
    DecidedAcceptedRisk,

    /// <summary>Fix as the advisory says: a person decided the host is affected.</summary>
    DecidedAffected,

    /// <summary>
    /// An imported (draft) advisory cannot decide: read the vendor's advisory for this processor (its references) and
    /// review the draft (<see cref="FindingAction.Reference"/>: the advisory id).
    /// </summary>
    ReadVendorAdvisory,
}

/// <summary>The next action for a finding.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Detail">Advisory text that goes with it (the rule's check text), when any.</param>
/// <param name="Reference">An identifier the sentence names (the advisory id for updates, the decision id for decisions).</param>
public sealed record FindingAction(ActionKind Kind, LocalizedText? Detail = null, string? Reference = null)
{
    /// <summary>No action.</summary>
    public static FindingAction None { get; } = new(ActionKind.None);

    /// <summary>Collect facts.</summary>
    public static FindingAction CollectFacts { get; } = new(ActionKind.CollectFacts);
}

/// <summary>The environment a host runs in: a cloud provider or on-premises.</summary>
public enum HostEnvironment
{
    /// <summary>Not in a known cloud.</summary>
    OnPremises,

    /// <summary>Amazon Web Services.</summary>
    Aws,

    /// <summary>Google Cloud.</summary>
    Gcp,

    /// <summary>Microsoft Azure.</summary>
    Azure,
}

/// <summary>The verdict for one host and one advisory, with the evidence it rests on.</summary>
/// <remarks>
/// Hosts with the same hardware get the same finding, re-addressed to each (<c>finding with { Host = host }</c>): all
/// but the host is kept in one shared, immutable body, so a copy is two references, not twelve (a 20,000-host fleet
/// checked for 14 advisories holds 280,000 findings). Setting any other property in a <c>with</c> expression makes a
/// new body; equality compares the values, as for any record.
/// </remarks>
public sealed record Finding
{
    private Body _body;

    /// <summary>A finding.</summary>
    /// <param name="AdvisoryId">Advisory id.</param>
    /// <param name="Host">The host.</param>
    /// <param name="Verdict">The verdict.</param>
    /// <param name="Stage">The stage it rests on.</param>
    /// <param name="Environment">Cloud provider or on-premises.</param>
    /// <param name="Processors">The identified processors of the host (empty when no CPU facts).</param>
    /// <param name="Evidence">The reasoning, in order.</param>
    /// <param name="Cves">The CVEs the verdict concerns (for affected/needs_confirmation: those that may apply).</param>
    /// <param name="Action">What to do next (check, update, nothing); the writers render it.</param>
    /// <param name="Platform">The host's platform (DMI vendor/product) when facts gave it; selects vendor pages.</param>
    /// <param name="Machine">
    /// When a recorded decision set <paramref name="Verdict"/> (stage <see cref="Stage.Decision"/>): what the machine said
    /// before it (verdict, stage), so reports show both. <c>null</c> for machine findings.
    /// </param>
    /// <param name="Decision">The decision applied to this finding, when one was.</param>
    public Finding(
        string AdvisoryId,
        Host Host,
        Verdict Verdict,
        Stage Stage,
        HostEnvironment Environment,
        ImmutableArray<ProcessorIdentity> Processors,
        ImmutableArray<Evidence> Evidence,
        ImmutableArray<string> Cves,
        FindingAction Action,
        PlatformInfo? Platform = null,
        MachineVerdict? Machine = null,
        Decisions.Decision? Decision = null)
    {
        this.Host = Host;
        _body = new Body(AdvisoryId, Verdict, Stage, Environment, Processors, Evidence, Cves, Action, Platform, Machine, Decision);
    }

    /// <summary>Advisory id.</summary>
    public string AdvisoryId { get => _body.AdvisoryId; init => _body = _body with { AdvisoryId = value }; }

    /// <summary>The host.</summary>
    public Host Host { get; init; }

    /// <summary>The verdict.</summary>
    public Verdict Verdict { get => _body.Verdict; init => _body = _body with { Verdict = value }; }

    /// <summary>The stage it rests on.</summary>
    public Stage Stage { get => _body.Stage; init => _body = _body with { Stage = value }; }

    /// <summary>Cloud provider or on-premises.</summary>
    public HostEnvironment Environment { get => _body.Environment; init => _body = _body with { Environment = value }; }

    /// <summary>The identified processors of the host (empty when no CPU facts).</summary>
    public ImmutableArray<ProcessorIdentity> Processors { get => _body.Processors; init => _body = _body with { Processors = value }; }

    /// <summary>The reasoning, in order.</summary>
    public ImmutableArray<Evidence> Evidence { get => _body.Evidence; init => _body = _body with { Evidence = value }; }

    /// <summary>The CVEs the verdict concerns (for affected/needs_confirmation: those that may apply).</summary>
    public ImmutableArray<string> Cves { get => _body.Cves; init => _body = _body with { Cves = value }; }

    /// <summary>What to do next (check, update, nothing); the writers render it.</summary>
    public FindingAction Action { get => _body.Action; init => _body = _body with { Action = value }; }

    /// <summary>The host's platform (DMI vendor/product) when facts gave it; selects vendor pages.</summary>
    public PlatformInfo? Platform { get => _body.Platform; init => _body = _body with { Platform = value }; }

    /// <summary>
    /// When a recorded decision set <see cref="Verdict"/> (stage <see cref="Stage.Decision"/>): what the machine said
    /// before it (verdict, stage), so reports show both. <c>null</c> for machine findings.
    /// </summary>
    public MachineVerdict? Machine { get => _body.Machine; init => _body = _body with { Machine = value }; }

    /// <summary>The decision applied to this finding, when one was.</summary>
    public Decisions.Decision? Decision { get => _body.Decision; init => _body = _body with { Decision = value }; }

    /// <summary>Everything but the host: shared by the copies of one finding.</summary>
    private sealed record Body(
        string AdvisoryId,
        Verdict Verdict,
        Stage Stage,
        HostEnvironment Environment,
        ImmutableArray<ProcessorIdentity> Processors,
        ImmutableArray<Evidence> Evidence,
        ImmutableArray<string> Cves,
        FindingAction Action,
        PlatformInfo? Platform,
        MachineVerdict? Machine,
        Decisions.Decision? Decision);
}

/// <summary>The machine's verdict and stage, kept beside a human decision that outranks it.</summary>
/// <param name="Verdict">The machine verdict.</param>
/// <param name="Stage">The stage it rested on.</param>
public sealed record MachineVerdict(Verdict Verdict, Stage Stage);

/// <summary>The total order of findings in every report: verdict, advisory, host name, host id.</summary>
public sealed class FindingOrder : IComparer<Finding>
{
    /// <summary>The one instance.</summary>
    public static FindingOrder Instance { get; } = new();

    /// <inheritdoc />
    public int Compare(Finding? x, Finding? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var c = x.Verdict.ReportRank().CompareTo(y.Verdict.ReportRank());
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(x.AdvisoryId, y.AdvisoryId);
        if (c != 0)
        {
            return c;
        }

        return HostOrder.Instance.Compare(x.Host, y.Host);
    }
}

/// <summary>The order of hosts in every report: name, then id (ordinal).</summary>
public sealed class HostOrder : IComparer<Host>
{
    /// <summary>The one instance.</summary>
    public static HostOrder Instance { get; } = new();

    /// <inheritdoc />
    public int Compare(Host? x, Host? y)
    {
        var c = string.CompareOrdinal(x?.Name, y?.Name);
        return c != 0 ? c : string.CompareOrdinal(x?.Id, y?.Id);
    }
}
