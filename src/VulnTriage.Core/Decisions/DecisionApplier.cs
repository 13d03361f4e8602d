using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Matching;

namespace VulnTriage.Core.Decisions;

/// <summary>Findings after recorded decisions were applied, and the decisions that matched nothing.</summary>
/// <param name="Findings">The findings, re-sorted by <see cref="FindingOrder"/>; decided ones carry stage <see cref="Stage.Decision"/>.</param>
/// <param name="Stale">Active decisions for an advisory of this run whose selector matched no host.</param>
public sealed record DecisionOutcome(ImmutableArray<Finding> Findings, ImmutableArray<Decision> Stale);

/// <summary>
/// Applies recorded decisions to machine findings. Pure. A decided finding takes the human verdict with stage
/// <see cref="Stage.Decision"/>; its machine verdict and stage stay in <see cref="Finding.Machine"/>; the decision becomes
/// the first evidence item (clause <c>&lt;ADVISORY&gt;#decision/&lt;id&gt;</c>) followed by the machine's own evidence.
/// </summary>
/// <remarks>
/// When several active decisions match one host, the most specific selector wins — host, then platform, then cpu,
/// then role, then service, then label — and among equals the latest (time, then id).
/// </remarks>
public static class DecisionApplier
{
    /// <summary>Applies the active decisions among <paramref name="decisions"/> (revocations and revoked records are ignored).</summary>
    public static DecisionOutcome Apply(IEnumerable<Finding> findings, IEnumerable<Decision> decisions)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(decisions);
        var active = DecisionVocabulary.Active(decisions);
        var list = findings.ToList();
        var advisories = list.Select(f => f.AdvisoryId).ToHashSet(StringComparer.Ordinal);
        var byAdvisory = active
            .Where(d => advisories.Contains(d.AdvisoryId))
            .GroupBy(d => d.AdvisoryId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(d => Specificity(d.Selector.Kind)).ThenByDescending(d => d.DecidedAt).ThenByDescending(d => d.Id, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Finding>(list.Count);
        foreach (var finding in list)
        {
            Decision? applied = null;
            if (byAdvisory.TryGetValue(finding.AdvisoryId, out var candidates))
            {
                foreach (var d in candidates)
                {
                    if (Matches(d.Selector, finding))
                    {
                        used.Add(d.Id);
                        applied ??= d;
                    }
                }
            }

            result.Add(applied is null ? finding : Decide(finding, applied));
        }

        result.Sort(FindingOrder.Instance);
        var stale = byAdvisory.Values.SelectMany(v => v).Where(d => !used.Contains(d.Id))
            .OrderBy(d => d.AdvisoryId, StringComparer.Ordinal).ThenBy(d => d.DecidedAt).ThenBy(d => d.Id, StringComparer.Ordinal);
        return new DecisionOutcome([.. result], [.. stale]);
    }

    /// <summary>Whether <paramref name="selector"/> selects the host of <paramref name="finding"/>.</summary>
    public static bool Matches(DecisionSelector selector, Finding finding)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(finding);
        var value = selector.Value.Trim();
        var host = finding.Host;
        return selector.Kind switch
        {
            SelectorKind.Host => string.Equals(host.Id, value, StringComparison.Ordinal)
                || string.Equals(host.Name, value, StringComparison.OrdinalIgnoreCase),
            SelectorKind.Service => host.Roles.Any(r => string.Equals(r.Service, value, StringComparison.Ordinal)),
            SelectorKind.Role => host.Roles.Any(r => string.Equals(r.ToString(), value, StringComparison.Ordinal)),
            SelectorKind.Platform => MatchesPlatform(value, finding),
            SelectorKind.Cpu => MatchesCpu(value, finding),
            SelectorKind.Label => MatchesLabel(value, host),
            _ => false,
        };
    }

    /// <summary>
    /// A decision's effect on a finding: the human verdict, stage decision, the decision as first evidence, the machine
    /// verdict kept beside it.
    /// </summary>
    public static Finding Decide(Finding finding, Decision decision)
    {
        ArgumentNullException.ThrowIfNull(finding);
        ArgumentNullException.ThrowIfNull(decision);
        var machine = finding.Machine ?? new MachineVerdict(finding.Verdict, finding.Stage);
        var facts = ImmutableArray.CreateBuilder<EvidenceFact>();
        var source = "decision " + decision.Id;
        facts.Add(new EvidenceFact("decision.selector", decision.Selector.ToString(), source));
        facts.Add(new EvidenceFact("decision.verdict", decision.Verdict.ToWire(), source));
        if (decision.VexJustification is { } vex)
        {
            facts.Add(new EvidenceFact("decision.vex_justification", vex.ToWire(), source));
        }

        facts.Add(new EvidenceFact("decision.justification", decision.Justification, source));
        if (decision.EvidenceUrl is { Length: > 0 } url)
        {
            facts.Add(new EvidenceFact("decision.evidence", url, source));
        }

        facts.Add(new EvidenceFact("decision.author", decision.Author, source));
        facts.Add(new EvidenceFact("decision.time", decision.DecidedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), source));
        facts.Add(new EvidenceFact("machine.verdict", machine.Verdict.ToWire(), "machine (" + machine.Stage.ToWire() + ")"));

        var date = decision.DecidedAt.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var why = decision.Justification.TrimEnd();
        if (why.Length > 0 && !".!?。".Contains(why[^1], StringComparison.Ordinal))
        {
            why += ".";
        }

        var reason = new LocalizedText(
            $"Recorded decision {decision.Id} by {decision.Author} ({date}) for {decision.Selector}: {decision.Verdict.ToWire()}. {why} The machine verdict was {machine.Verdict.ToWire()} (stage {machine.Stage.ToWire()}).",
            $"{date} に {decision.Author} が記録した判断 {decision.Id}（対象 {decision.Selector}）: {Messages.VerdictJa(decision.Verdict)}。{why} 機械判定は {Messages.VerdictJa(machine.Verdict)}（段階 {machine.Stage.ToWire()}）でした。");
        var evidence = new Evidence($"{finding.AdvisoryId}#decision/{decision.Id}", reason, facts.ToImmutable());
        return finding with
        {
            Verdict = decision.Verdict,
            Stage = Stage.Decision,
            Evidence = [evidence, .. finding.Evidence.IsDefault ? [] : finding.Evidence],
            Action = ActionFor(decision, finding, machine),
            Machine = machine,
            Decision = decision,
        };
    }

    /// <summary>
    /// Sentences for the conclusion about decided findings of one advisory, e.g.
    /// "1 host looked in scope; the vendor page confirms it is not affected." Empty when no finding was decided.
    /// </summary>
    public static ImmutableArray<string> ConclusionLines(IEnumerable<Finding> findings, string lang)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var ja = string.Equals(lang, "ja", StringComparison.OrdinalIgnoreCase);
        var decided = findings.Where(f => f.Decision is not null && f.Machine is not null).ToList();
        var lines = ImmutableArray.CreateBuilder<string>();
        foreach (var verdict in DecisionVocabulary.DecisionVerdicts)
        {
            var group = decided.Where(f => f.Verdict == verdict).ToList();
            if (group.Count == 0)
            {
                continue;
            }

            var inScope = group.Count(f => f.Machine!.Verdict is Verdict.Affected or Verdict.NeedsConfirmation or Verdict.Unknown);
            var withUrl = group.All(f => !string.IsNullOrEmpty(f.Decision!.EvidenceUrl));
            lines.Add(ja ? LineJa(verdict, group.Count, inScope, withUrl) : LineEn(verdict, group.Count, inScope, withUrl));
        }

        return lines.ToImmutable();
    }

    private static string LineEn(Verdict verdict, int n, int inScope, bool withUrl)
    {
        var hosts = n == 1 ? "1 host" : string.Create(CultureInfo.InvariantCulture, $"{n} hosts");
        var it = n == 1 ? "it is" : "they are";
        var who = withUrl ? "the vendor page confirms" : "a recorded decision says";
        var head = inScope == n
            ? hosts + (n == 1 ? " looked in scope; " : " looked in scope; ")
            : inScope == 0
                ? hosts + (n == 1 ? " has a recorded decision; " : " have a recorded decision; ")
                : string.Create(CultureInfo.InvariantCulture, $"{hosts} have a recorded decision ({inScope} looked in scope); ");
        return verdict switch
        {
            Verdict.NotAffected => head + $"{who} {it} not affected.",
            Verdict.Fixed => head + $"{who} {it} fixed.",
            Verdict.Affected => head + $"{who} {it} affected.",
            Verdict.AcceptedRisk => head + $"the risk was accepted{(withUrl ? " on recorded evidence" : "")}.",
            _ => throw new System.Diagnostics.UnreachableException(),
        };
    }

    private static string LineJa(Verdict verdict, int n, int inScope, bool withUrl)
    {
        var head = inScope == n
            ? string.Create(CultureInfo.InvariantCulture, $"対象と見られたホスト{n}台について、")
            : string.Create(CultureInfo.InvariantCulture, $"判断が記録されたホスト{n}台について、");
        var who = withUrl ? "ベンダーの情報により" : "記録された判断により";
        return verdict switch
        {
            Verdict.NotAffected => head + who + "影響がないことを確認しました。",
            Verdict.Fixed => head + who + "修正済みであることを確認しました。",
            Verdict.Affected => head + who + "影響があることを確認しました。",
            Verdict.AcceptedRisk => head + "リスクを受容しました。",
            _ => throw new System.Diagnostics.UnreachableException(),
        };
    }

    private static LocalizedText ActionFor(Decision decision, Finding finding, MachineVerdict machine) => decision.Verdict switch
    {
        Verdict.NotAffected => new LocalizedText($"None: decided not affected ({decision.Id}).", $"対応不要: 影響なしと判断済み（{decision.Id}）。"),
        Verdict.Fixed => new LocalizedText($"None: decided fixed ({decision.Id}).", $"対応不要: 修正済みと判断済み（{decision.Id}）。"),
        Verdict.AcceptedRisk => new LocalizedText(
            $"None for now: the risk was accepted ({decision.Id}); review the decision when the platform or its use changes.",
            $"当面は対応なし: リスク受容（{decision.Id}）。プラットフォームや用途が変わったら判断を見直してください。"),
        Verdict.Affected => machine.Verdict == Verdict.Affected
            ? finding.Action
            : new LocalizedText(
                $"Update the firmware as the advisory says (decided affected, {decision.Id}).",
                $"アドバイザリーに従いファームウェアを更新してください（影響ありと判断済み、{decision.Id}）。"),
        _ => finding.Action,
    };

    private static int Specificity(SelectorKind kind) => kind switch
    {
        SelectorKind.Host => 0,
        SelectorKind.Platform => 1,
        SelectorKind.Cpu => 2,
        SelectorKind.Role => 3,
        SelectorKind.Service => 4,
        SelectorKind.Label => 5,
        _ => 6,
    };

    /// <summary><c>key=value</c>: the host carries that label (key case-insensitive, value exact).</summary>
    private static bool MatchesLabel(string value, Core.Inventory.Host host)
    {
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || host.Labels.IsDefaultOrEmpty)
        {
            return false;
        }

        var key = value[..eq].Trim();
        var want = value[(eq + 1)..].Trim();
        return host.Labels.Any(l => string.Equals(l.Key, key, StringComparison.OrdinalIgnoreCase) && string.Equals(l.Value, want, StringComparison.Ordinal));
    }

    private static bool MatchesPlatform(string value, Finding finding)
    {
        if (finding.Platform is not { } p)
        {
            return false;
        }

        var vendor = Normalize(p.SystemVendor);
        var product = Normalize(p.ProductName);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var v = Normalize(value[..slash]);
            var pr = Normalize(value[(slash + 1)..]);
            return (v.Length == 0 || v == vendor) && (pr.Length == 0 || pr == product) && (v.Length + pr.Length > 0);
        }

        var want = Normalize(value);
        return want.Length > 0 && (want == vendor || want == product || want == Normalize(p.SystemVendor + " " + p.ProductName));
    }

    private static bool MatchesCpu(string value, Finding finding)
    {
        var want = Tokens(value);
        if (want.Length == 0)
        {
            return false;
        }

        foreach (var identity in finding.Processors.IsDefault ? [] : finding.Processors)
        {
            if (identity.ModelNumber is { } model && Tokens(model).SequenceEqual(want))
            {
                return true;
            }

            if (ContainsRun(Tokens(identity.DisplayName), want) || ContainsRun(Tokens(identity.NormalizedBrand), want))
            {
                return true;
            }
        }

        foreach (var processor in finding.Host.Processors.IsDefault ? [] : finding.Host.Processors)
        {
            if (processor.BrandString is { } brand && ContainsRun(Tokens(brand), want))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Lower-case, trademark marks removed, whitespace collapsed.</summary>
    private static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var sb = new StringBuilder(text.Length);
        var cleaned = text.Replace("(R)", " ", StringComparison.OrdinalIgnoreCase)
            .Replace("(TM)", " ", StringComparison.OrdinalIgnoreCase)
            .Replace('®', ' ').Replace('™', ' ');
        foreach (var part in cleaned.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(part.ToUpperInvariant());
        }

        return sb.ToString();
    }

    private static string[] Tokens(string? text)
    {
        var normalized = Normalize(text);
        return normalized.Length == 0 ? [] : normalized.Split(' ');
    }

    /// <summary>Whether <paramref name="want"/> occurs as a contiguous run of whole tokens in <paramref name="tokens"/>.</summary>
    private static bool ContainsRun(string[] tokens, string[] want)
    {
        for (var i = 0; i + want.Length <= tokens.Length; i++)
        {
            var all = true;
            for (var j = 0; j < want.Length; j++)
            {
                if (!string.Equals(tokens[i + j], want[j], StringComparison.Ordinal))
                {
                    all = false;
                    break;
                }
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }
}
