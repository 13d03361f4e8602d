using System.Collections.Immutable;
using System.Globalization;
using System.Text;
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
    /// <remarks>
    /// Selectors are looked up in indexes built once per run (by host id and name, service, role, platform key and CPU
    /// token run), so the cost per host does not grow with the number of decisions: 1,000 decisions by CPU cost about
    /// what 10 do.
    /// </remarks>
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
            .ToDictionary(g => g.Key, g => new SelectorIndex(g), StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Finding>(list.Count);
        var matched = new List<Decision>();
        foreach (var finding in list)
        {
            Decision? applied = null;
            if (byAdvisory.TryGetValue(finding.AdvisoryId, out var index))
            {
                matched.Clear();
                index.Collect(SelectorTarget.From(finding), matched);
                foreach (var d in matched)
                {
                    used.Add(d.Id);
                    if (AppliesTo(d, finding) && (applied is null || Precedes(d, applied)))
                    {
                        applied = d;
                    }
                }
            }

            result.Add(applied is null ? finding : Decide(finding, applied));
        }

        result.Sort(FindingOrder.Instance);
        var stale = byAdvisory.Values.SelectMany(v => v.All).Where(d => !used.Contains(d.Id))
            .OrderBy(d => d.AdvisoryId, StringComparer.Ordinal).ThenBy(d => d.DecidedAt).ThenBy(d => d.Id, StringComparer.Ordinal);
        return new DecisionOutcome([.. result], [.. stale]);
    }

    /// <summary>
    /// Whether a decision whose selector matched takes effect on <paramref name="finding"/>: a host decision always; a
    /// selector decision (cpu, platform, service, role) only where the machine verdict needs action (affected,
    /// needs_confirmation, unknown), unless recorded with <see cref="Decision.AllVerdicts"/>. "Fixed for role Shop:web"
    /// must not turn the role's cloud instance or an out-of-scope host into "fixed".
    /// </summary>
    public static bool AppliesTo(Decision decision, Finding finding)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(finding);
        return decision.Selector.Kind == SelectorKind.Host || decision.AllVerdicts || NeedsAction((finding.Machine?.Verdict) ?? finding.Verdict);
    }

    /// <summary>
    /// The hosts among <paramref name="targets"/> that <paramref name="decision"/> would decide, each with the verdict
    /// it had and whether the decision takes effect there (see <see cref="AppliesTo"/>): what <c>decide</c> previews.
    /// </summary>
    public static ImmutableArray<(SelectorTarget Target, Verdict MachineVerdict, bool Applies)> Preview(Decision decision, IEnumerable<(SelectorTarget Target, Verdict MachineVerdict)> targets)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(targets);
        var index = new SelectorIndex([decision]);
        var matched = new List<Decision>();
        var result = ImmutableArray.CreateBuilder<(SelectorTarget, Verdict, bool)>();
        foreach (var (target, verdict) in targets)
        {
            matched.Clear();
            index.Collect(target, matched);
            if (matched.Count > 0)
            {
                result.Add((target, verdict, decision.Selector.Kind == SelectorKind.Host || decision.AllVerdicts || NeedsAction(verdict)));
            }
        }

        return result.ToImmutable();
    }

    /// <summary>The machine verdicts a selector decision is meant for: affected, needs_confirmation, unknown.</summary>
    public static bool NeedsAction(Verdict verdict) => verdict is Verdict.Affected or Verdict.NeedsConfirmation or Verdict.Unknown;

    /// <summary>The most specific selector wins (host, platform, cpu, role, service), then the latest, then the larger id.</summary>
    private static bool Precedes(Decision a, Decision b)
    {
        var bySpecificity = Specificity(a.Selector.Kind).CompareTo(Specificity(b.Selector.Kind));
        if (bySpecificity != 0)
        {
            return bySpecificity < 0;
        }

        var byTime = a.DecidedAt.CompareTo(b.DecidedAt);
        return byTime != 0 ? byTime > 0 : string.CompareOrdinal(a.Id, b.Id) > 0;
    }

    /// <summary>The decisions of one advisory, indexed by what their selectors look up.</summary>
    private sealed class SelectorIndex
    {
        private readonly Dictionary<string, List<Decision>> _hostIds = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Decision>> _hostNames = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, List<Decision>> _services = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Decision>> _roles = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Decision>> _platforms = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Decision>> _labels = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Decision>> _cpuRuns = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Decision>> _cpuModels = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Decision[]> _cpuMemo = new(StringComparer.Ordinal);
        private readonly int _longestCpuRun;

        public SelectorIndex(IEnumerable<Decision> decisions)
        {
            All = [.. decisions];
            foreach (var d in All)
            {
                var value = d.Selector.Value.Trim();
                switch (d.Selector.Kind)
                {
                    case SelectorKind.Host:
                        Add(_hostIds, value, d);
                        Add(_hostNames, value, d);
                        break;
                    case SelectorKind.Service:
                        Add(_services, value, d);
                        break;
                    case SelectorKind.Role:
                        Add(_roles, value, d);
                        break;
                    case SelectorKind.Platform:
                        if (PlatformKey(value) is { } key)
                        {
                            Add(_platforms, key, d);
                        }

                        break;
                    case SelectorKind.Label:
                        if (LabelKey(value) is { } label)
                        {
                            Add(_labels, label, d);
                        }

                        break;
                    case SelectorKind.Cpu:
                        var tokens = Tokens(value);
                        if (tokens.Length > 0)
                        {
                            Add(_cpuRuns, string.Join(' ', tokens), d);
                            Add(_cpuModels, string.Join(' ', tokens), d);
                            _longestCpuRun = Math.Max(_longestCpuRun, tokens.Length);
                        }

                        break;
                }
            }
        }

        public List<Decision> All { get; }

        /// <summary>Adds every decision whose selector selects the host (unordered, possibly repeated).</summary>
        public void Collect(SelectorTarget host, List<Decision> into)
        {
            Lookup(_hostIds, host.HostId, into);
            Lookup(_hostNames, host.HostName, into);
            if (_services.Count > 0 || _roles.Count > 0)
            {
                foreach (var role in host.Roles.IsDefault ? [] : host.Roles)
                {
                    var colon = role.IndexOf(':', StringComparison.Ordinal);
                    Lookup(_services, colon < 0 ? role : role[..colon], into);
                    Lookup(_roles, role, into);
                }
            }

            if (_platforms.Count > 0 && (host.SystemVendor is not null || host.ProductName is not null))
            {
                var vendor = Normalize(host.SystemVendor);
                var product = Normalize(host.ProductName);
                Lookup(_platforms, vendor + "/" + product, into);
                Lookup(_platforms, vendor + "/", into);
                Lookup(_platforms, "/" + product, into);
                if (vendor.Length > 0)
                {
                    Lookup(_platforms, "=" + vendor, into);
                }

                if (product.Length > 0)
                {
                    Lookup(_platforms, "=" + product, into);
                }

                Lookup(_platforms, "=" + Normalize(host.SystemVendor + " " + host.ProductName), into);
            }

            if (_labels.Count > 0)
            {
                foreach (var label in host.Labels.IsDefault ? [] : host.Labels)
                {
                    Lookup(_labels, label, into);
                }
            }

            if (_cpuRuns.Count > 0)
            {
                into.AddRange(CpuMatches(host));
            }
        }

        /// <summary>CPU decisions matching the host's processors; memoised per distinct processor set (fleets repeat hardware).</summary>
        private Decision[] CpuMatches(SelectorTarget host)
        {
            var models = host.CpuModelNumbers.IsDefault ? [] : host.CpuModelNumbers;
            var names = host.CpuNames.IsDefault ? [] : host.CpuNames;
            var key = string.Join('\u0001', models) + "\u0002" + string.Join('\u0001', names);
            if (_cpuMemo.TryGetValue(key, out var cached))
            {
                return cached;
            }

            var found = new List<Decision>();
            foreach (var model in models)
            {
                Lookup(_cpuModels, string.Join(' ', Tokens(model)), found);
            }

            foreach (var name in names)
            {
                Runs(Tokens(name), found);
            }

            var result = found.Distinct().ToArray();
            _cpuMemo[key] = result;
            return result;
        }

        /// <summary>Looks up every contiguous run of whole tokens (up to the longest selector) in the CPU index.</summary>
        private void Runs(string[] tokens, List<Decision> into)
        {
            for (var i = 0; i < tokens.Length; i++)
            {
                for (var n = 1; n <= _longestCpuRun && i + n <= tokens.Length; n++)
                {
                    Lookup(_cpuRuns, string.Join(' ', tokens, i, n), into);
                }
            }
        }

        private static void Add(Dictionary<string, List<Decision>> index, string key, Decision d)
        {
            if (!index.TryGetValue(key, out var list))
            {
                index[key] = list = [];
            }

            list.Add(d);
        }

        private static void Lookup(Dictionary<string, List<Decision>> index, string? key, List<Decision> into)
        {
            if (key is not null && index.TryGetValue(key, out var list))
            {
                into.AddRange(list);
            }
        }

        /// <summary><c>vendor/product</c> (either side may be empty, not both) or <c>=value</c> for a single word.</summary>
        private static string? PlatformKey(string value)
        {
            var slash = value.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                var v = Normalize(value[..slash]);
                var pr = Normalize(value[(slash + 1)..]);
                return v.Length + pr.Length > 0 ? v + "/" + pr : null;
            }

            var want = Normalize(value);
            return want.Length > 0 ? "=" + want : null;
        }
    }

    /// <summary>Whether <paramref name="selector"/> selects the host of <paramref name="finding"/>.</summary>
    public static bool Matches(DecisionSelector selector, Finding finding)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(finding);
        var probe = new Decision("-", finding.AdvisoryId, selector, Verdict.NotAffected, null, "-", null, "-", default);
        var matched = new List<Decision>();
        new SelectorIndex([probe]).Collect(SelectorTarget.From(finding), matched);
        return matched.Count > 0;
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

        var evidence = new Evidence($"{finding.AdvisoryId}#decision/{decision.Id}", EvidenceKind.Decision, facts.ToImmutable())
        {
            Verdict = decision.Verdict,
            Decision = decision,
            Subject = decision.Selector.ToString(),
            Detail = machine.Verdict.ToWire() + " (" + machine.Stage.ToWire() + ")",
        };
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

    private static FindingAction ActionFor(Decision decision, Finding finding, MachineVerdict machine) => decision.Verdict switch
    {
        Verdict.NotAffected => new FindingAction(ActionKind.DecidedNotAffected, Reference: decision.Id),
        Verdict.Fixed => new FindingAction(ActionKind.DecidedFixed, Reference: decision.Id),
        Verdict.AcceptedRisk => new FindingAction(ActionKind.DecidedAcceptedRisk, Reference: decision.Id),
        Verdict.Affected => machine.Verdict == Verdict.Affected
            ? finding.Action
            : new FindingAction(ActionKind.DecidedAffected, Reference: decision.Id),
        _ => finding.Action,
    };

    /// <summary><c>key=value</c> as a label selector indexes it: key lower-case (case-insensitive), value exact; <c>null</c> when malformed.</summary>
    internal static string? LabelKey(string value)
    {
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        return eq <= 0 ? null : value[..eq].Trim().ToLowerInvariant() + "=" + value[(eq + 1)..].Trim();
    }

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
}
