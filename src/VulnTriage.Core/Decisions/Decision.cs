using System.Collections.Immutable;
using VulnTriage.Core.Matching;

namespace VulnTriage.Core.Decisions;

/// <summary>What a decision applies to.</summary>
public enum SelectorKind
{
    /// <summary>One host, by Mackerel host name or host id.</summary>
    Host,

    /// <summary>Every host with a processor whose brand string or identified model matches.</summary>
    Cpu,

    /// <summary>Every host whose DMI platform (system vendor and/or product name) matches.</summary>
    Platform,

    /// <summary>Every host in a Mackerel service.</summary>
    Service,

    /// <summary>Every host in a Mackerel role, written <c>service:role</c>.</summary>
    Role,

    /// <summary>Every host carrying a label, written <c>key=value</c> (osquery decoration, Ansible group, CSV column).</summary>
    Label,
}

/// <summary>
/// The VEX status justifications (OpenVEX vocabulary) a <c>not_affected</c> decision may carry.
/// Wire names are the snake_case OpenVEX names, e.g. <c>vulnerable_code_not_present</c>.
/// </summary>
public enum VexJustification
{
    /// <summary><c>component_not_present</c>: the vulnerable component is not in the product.</summary>
    ComponentNotPresent,

    /// <summary><c>vulnerable_code_not_present</c>: the component is present but not the vulnerable code.</summary>
    VulnerableCodeNotPresent,

    /// <summary><c>vulnerable_code_not_in_execute_path</c>: the vulnerable code cannot be executed.</summary>
    VulnerableCodeNotInExecutePath,

    /// <summary><c>vulnerable_code_cannot_be_controlled_by_adversary</c>: an attacker cannot reach or control it.</summary>
    VulnerableCodeCannotBeControlledByAdversary,

    /// <summary><c>inline_mitigations_already_exist</c>: built-in protections prevent exploitation.</summary>
    InlineMitigationsAlreadyExist,
}

/// <summary>A decision's target: a selector kind and its value.</summary>
/// <param name="Kind">Which kind of selector.</param>
/// <param name="Value">The host name or id, CPU model, platform (<c>vendor/product</c>, vendor, or product), service, <c>service:role</c>, or label <c>key=value</c>.</param>
public sealed record DecisionSelector(SelectorKind Kind, string Value)
{
    /// <summary><c>kind:value</c>, e.g. <c>cpu:Xeon Gold 6130</c>.</summary>
    public override string ToString() => $"{Kind.ToWire()}:{Value}";
}

/// <summary>
/// A recorded human decision about an advisory, or the revocation of one. Nothing is ever deleted: a revocation is a new
/// record whose <paramref name="Revokes"/> names the decision it withdraws (and copies its advisory, selector and verdict).
/// </summary>
/// <param name="Id">Stable id, e.g. <c>d-3f9a1c0b7e</c>.</param>
/// <param name="AdvisoryId">The advisory the decision is about.</param>
/// <param name="Selector">Which hosts it applies to.</param>
/// <param name="Verdict">The human verdict: <see cref="Verdict.NotAffected"/>, <see cref="Verdict.Affected"/>, <see cref="Verdict.Fixed"/> or <see cref="Verdict.AcceptedRisk"/>.</param>
/// <param name="VexJustification">The OpenVEX justification, when one fits.</param>
/// <param name="Justification">Free text: why (for a revocation: the reason it is withdrawn).</param>
/// <param name="EvidenceUrl">Where the evidence is (a vendor page, a ticket), when given.</param>
/// <param name="Author">Who decided.</param>
/// <param name="DecidedAt">When (injected clock).</param>
/// <param name="Revokes">For a revocation: the id of the decision it withdraws; otherwise <c>null</c>.</param>
/// <param name="AllVerdicts">
/// A selector decision (cpu, platform, service, role) applies only to hosts whose machine verdict needs action
/// (affected, needs_confirmation, unknown) unless this is set (<c>decide --all-verdicts</c>); a host decision applies
/// to its host whatever the machine said.
/// </param>
public sealed record Decision(
    string Id,
    string AdvisoryId,
    DecisionSelector Selector,
    Verdict Verdict,
    VexJustification? VexJustification,
    string Justification,
    string? EvidenceUrl,
    string Author,
    DateTimeOffset DecidedAt,
    string? Revokes = null,
    bool AllVerdicts = false)
{
    /// <summary>Whether this record is a revocation of another decision.</summary>
    public bool IsRevocation => Revokes is not null;
}

/// <summary>A decision with its standing in the audit trail.</summary>
/// <param name="Decision">The record.</param>
/// <param name="RevokedBy">The revocation that withdrew it, when one did.</param>
public sealed record DecisionStatus(Decision Decision, Decision? RevokedBy)
{
    /// <summary>Whether the decision applies (not a revocation and not revoked).</summary>
    public bool IsActive => !Decision.IsRevocation && RevokedBy is null;
}

/// <summary>Wire names and parsing for the decision vocabulary.</summary>
public static class DecisionVocabulary
{
    /// <summary>The verdicts a human may record.</summary>
    public static ImmutableArray<Verdict> DecisionVerdicts { get; } =
        [Verdict.NotAffected, Verdict.Affected, Verdict.Fixed, Verdict.AcceptedRisk];

    /// <summary>All selector kinds.</summary>
    public static ImmutableArray<SelectorKind> SelectorKinds { get; } =
        [SelectorKind.Host, SelectorKind.Cpu, SelectorKind.Platform, SelectorKind.Service, SelectorKind.Role, SelectorKind.Label];

    /// <summary>All VEX justifications.</summary>
    public static ImmutableArray<VexJustification> VexJustifications { get; } =
    [
        VexJustification.ComponentNotPresent,
        VexJustification.VulnerableCodeNotPresent,
        VexJustification.VulnerableCodeNotInExecutePath,
        VexJustification.VulnerableCodeCannotBeControlledByAdversary,
        VexJustification.InlineMitigationsAlreadyExist,
    ];

    /// <summary>Wire name of a selector kind: <c>host</c>, <c>cpu</c>, <c>platform</c>, <c>service</c>, <c>role</c>.</summary>
    public static string ToWire(this SelectorKind kind) => kind switch
    {
        SelectorKind.Host => "host",
        SelectorKind.Cpu => "cpu",
        SelectorKind.Platform => "platform",
        SelectorKind.Service => "service",
        SelectorKind.Role => "role",
        SelectorKind.Label => "label",
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>OpenVEX wire name of a justification.</summary>
    public static string ToWire(this VexJustification justification) => justification switch
    {
        VexJustification.ComponentNotPresent => "component_not_present",
        VexJustification.VulnerableCodeNotPresent => "vulnerable_code_not_present",
        VexJustification.VulnerableCodeNotInExecutePath => "vulnerable_code_not_in_execute_path",
        VexJustification.VulnerableCodeCannotBeControlledByAdversary => "vulnerable_code_cannot_be_controlled_by_adversary",
        VexJustification.InlineMitigationsAlreadyExist => "inline_mitigations_already_exist",
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>Parses a selector kind wire name.</summary>
    public static bool TryParseSelectorKind(string? text, out SelectorKind kind)
    {
        foreach (var k in SelectorKinds)
        {
            if (string.Equals(k.ToWire(), text, StringComparison.Ordinal))
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>Parses an OpenVEX justification wire name.</summary>
    public static bool TryParseVexJustification(string? text, out VexJustification justification)
    {
        foreach (var j in VexJustifications)
        {
            if (string.Equals(j.ToWire(), text, StringComparison.Ordinal))
            {
                justification = j;
                return true;
            }
        }

        justification = default;
        return false;
    }

    /// <summary>Parses a decision verdict (<c>not_affected</c>, <c>affected</c>, <c>fixed</c>, <c>accepted_risk</c>).</summary>
    public static bool TryParseDecisionVerdict(string? text, out Verdict verdict) =>
        Verdicts.TryParse(text, out verdict) && DecisionVerdicts.Contains(verdict);

    /// <summary>
    /// The standing of every record in an audit trail, in the order given: which decisions are active, which revoked
    /// (and by what), which records are revocations.
    /// </summary>
    public static ImmutableArray<DecisionStatus> Standing(IEnumerable<Decision> trail)
    {
        ArgumentNullException.ThrowIfNull(trail);
        var all = trail.ToList();
        var revocations = new Dictionary<string, Decision>(StringComparer.Ordinal);
        foreach (var d in all)
        {
            if (d.Revokes is { } target)
            {
                revocations.TryAdd(target, d);
            }
        }

        return [.. all.Select(d => new DecisionStatus(d, revocations.GetValueOrDefault(d.Id)))];
    }

    /// <summary>The active decisions of an audit trail (neither revocations nor revoked).</summary>
    public static ImmutableArray<Decision> Active(IEnumerable<Decision> trail) =>
        [.. Standing(trail).Where(s => s.IsActive).Select(s => s.Decision)];
}
