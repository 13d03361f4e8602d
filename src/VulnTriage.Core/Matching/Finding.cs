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
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>Parses a stage wire name.</summary>
    public static bool TryParseStage(string? text, out Stage stage)
    {
        foreach (var s in new[] { Stage.Cpu, Stage.Firmware, Stage.Cloud, Stage.Decision })
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

/// <summary>One step of the reasoning: the rule clause applied, why, and the facts it read.</summary>
/// <param name="Clause">Stable clause id: <c>&lt;ADVISORY&gt;#cpu/&lt;rule&gt;</c>, <c>#firmware/&lt;rule&gt;</c>, <c>#cloud/&lt;provider&gt;</c>, or a built-in clause like <c>#cpu/no-cpu-facts</c>.</param>
/// <param name="Reason">Why, in each report language.</param>
/// <param name="Facts">What was read.</param>
public sealed record Evidence(string Clause, LocalizedText Reason, ImmutableArray<EvidenceFact> Facts);

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
/// <param name="AdvisoryId">Advisory id.</param>
/// <param name="Host">The host.</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="Stage">The stage it rests on.</param>
/// <param name="Environment">Cloud provider or on-premises.</param>
/// <param name="Processors">The identified processors of the host (empty when no CPU facts).</param>
/// <param name="Evidence">The reasoning, in order.</param>
/// <param name="Cves">The CVEs the verdict concerns (for affected/needs_confirmation: those that may apply).</param>
/// <param name="Action">What to do next, in each language (check, update, nothing).</param>
/// <param name="Platform">The host's platform (DMI vendor/product) when facts gave it; selects vendor pages.</param>
/// <param name="Machine">
/// When a recorded decision set <paramref name="Verdict"/> (stage <see cref="Stage.Decision"/>): what the machine said
/// before it (verdict, stage), so reports show both. <c>null</c> for machine findings.
/// </param>
/// <param name="Decision">The decision applied to this finding, when one was.</param>
public sealed record Finding(
    string AdvisoryId,
    Host Host,
    Verdict Verdict,
    Stage Stage,
    HostEnvironment Environment,
    ImmutableArray<ProcessorIdentity> Processors,
    ImmutableArray<Evidence> Evidence,
    ImmutableArray<string> Cves,
    LocalizedText Action,
    PlatformInfo? Platform = null,
    MachineVerdict? Machine = null,
    Decisions.Decision? Decision = null);

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

        c = string.CompareOrdinal(x.Host.Name, y.Host.Name);
        return c != 0 ? c : string.CompareOrdinal(x.Host.Id, y.Host.Id);
    }
}
