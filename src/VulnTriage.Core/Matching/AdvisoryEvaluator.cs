using System.Collections.Immutable;
using System.Globalization;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Matching;

/// <summary>
/// Evaluates one advisory against one host: the staged verdict with its evidence. Pure, apart from the
/// identification cache it is given (a memo, not state that changes results).
/// </summary>
/// <remarks>
/// As an expert works (docs/advisory-format.md, "Evaluation"):
/// <list type="number">
/// <item>a cloud instance: the advisory's cloud policy (<see cref="CloudPolicy"/>) — the provider owns the platform
/// firmware (<c>provider_managed</c>), or, for CPU vulnerabilities, the guest kernel's own line decides when it is known;</item>
/// <item>the CPU stage (candidate): each processor against the CPU rules in three-valued logic — a listed or conditional
/// rule that holds makes the host a candidate; an excluded rule that holds, or every rule false, rules it out; a rule
/// that is neither names the attribute that was missing;</item>
/// <item>the confirmation stages the advisory's policy lists (firmware, microcode, kernel), each deciding only when its
/// fact is present; when they disagree the safer verdict wins and the evidence says so;</item>
/// <item>without a confirming fact, the CPU stage's verdict: <c>needs_confirmation</c> for a candidate (never
/// <c>affected</c>), <c>not_affected</c> (or <c>unknown</c>, per policy) for a processor outside every rule, <c>unknown</c>
/// when a rule could not be decided, and the policy's verdict for a VM whose hypervisor hides the physical CPU.</item>
/// </list>
/// </remarks>
public static class AdvisoryEvaluator
{
    /// <summary>Evaluates <paramref name="advisory"/> for <paramref name="host"/>.</summary>
    public static Finding Evaluate(Advisory advisory, Host host, HostFacts facts, IdentificationCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return Evaluate(advisory, host, facts, cache.Identify);
    }

    /// <summary>Evaluates <paramref name="advisory"/> for <paramref name="host"/> with a given identification function.</summary>
    public static Finding Evaluate(Advisory advisory, Host host, HostFacts facts, Func<ProcessorFact, ProcessorIdentity> identify)
    {
        ArgumentNullException.ThrowIfNull(advisory);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(identify);

        var identities = host.Processors.Select(identify).ToImmutableArray();
        var s = new Scope(advisory, host, facts, identities, EnvironmentOf(host), CpuFacts(host, identities));

        Finding finding;
        if (advisory.Source is { Configurations: 0 } unanalysed)
        {
            // The source record states no applicability yet (NVD "Awaiting Analysis"): nothing can be matched, for any host.
            finding = NotAnalysed(s, unanalysed);
        }
        else if (host.Cloud is { Provider: not CloudProvider.None } cloud)
        {
            finding = Cloud(s, cloud);
        }
        else
        {
            var cpu = CpuStage(s);
            var confirmed = ConfirmationStages(s, cpu);
            finding = confirmed ?? cpu.ToFinding(s);
        }

        return facts.Platform is null ? finding : finding with { Platform = facts.Platform };
    }

    /// <summary>The environment a host runs in.</summary>
    public static HostEnvironment EnvironmentOf(Host host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Cloud?.Provider switch
        {
            CloudProvider.Aws => HostEnvironment.Aws,
            CloudProvider.Gcp => HostEnvironment.Gcp,
            CloudProvider.Azure => HostEnvironment.Azure,
            _ => HostEnvironment.OnPremises,
        };
    }

    /// <summary>Evaluates one CPU rule's condition for one processor of a host (used by rule examples and <c>hosts</c>).</summary>
    public static ConditionResult EvaluateRule(Condition when, Host host, HostFacts facts, ProcessorIdentity? processor) =>
        ConditionEvaluator.Evaluate(when, new RuleContext(host, facts, processor));

    private sealed record Scope(
        Advisory Advisory, Host Host, HostFacts Facts, ImmutableArray<ProcessorIdentity> Identities, HostEnvironment Environment, ImmutableArray<EvidenceFact> CpuFacts)
    {
        public string Clause(string stage, string id) => $"{Advisory.Id}#{stage}/{id}";

        // The facts' notes are about the firmware (no MEI device, fw_ver missing): shown only where the firmware decides.
        public ImmutableArray<Evidence> Notes => [.. (Facts.Notes.IsDefault || !Advisory.Policy.Stages.Contains(ConfirmationStage.Firmware) ? [] : Facts.Notes).Select(n =>
            new Evidence(Clause("firmware", "facts-note"), EvidenceKind.FactsNote, [new EvidenceFact("facts.note", n, Facts.Source)]) { Subject = n })];

        public Finding Finding(Verdict verdict, Stage stage, ImmutableArray<Evidence> evidence, IEnumerable<string> cves, FindingAction action) =>
            new(Advisory.Id, Host, verdict, stage, Environment, Identities, evidence, [.. cves.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], action);
    }

    // ---- imported advisories -----------------------------------------------------------------------------------------

    private static Finding NotAnalysed(Scope s, AdvisorySource source)
    {
        var evidence = new Evidence(s.Clause("source", source.Feed), EvidenceKind.SourceNotAnalysed, [.. SourceFacts(source), .. s.CpuFacts])
        {
            Verdict = Verdict.Unknown,
            Subject = source.RecordStatus ?? "",
            Detail = source.Record,
        };
        return s.Finding(Verdict.Unknown, Stage.Cpu, [evidence], [], new FindingAction(ActionKind.ReadVendorAdvisory, Reference: s.Advisory.Id));
    }

    /// <summary>The facts that name the source record an imported advisory was built from, and its revision.</summary>
    private static ImmutableArray<EvidenceFact> SourceFacts(AdvisorySource source)
    {
        var facts = ImmutableArray.CreateBuilder<EvidenceFact>();
        facts.Add(new EvidenceFact("source.record", source.Record, source.Feed));
        facts.Add(new EvidenceFact("source.revision", source.Revision ?? "unknown", source.Feed));
        if (source.RecordStatus is { Length: > 0 } status)
        {
            facts.Add(new EvidenceFact("source.status", status, source.Feed));
        }

        return facts.ToImmutable();
    }

    // ---- cloud ------------------------------------------------------------------------------------------------------

    private static Finding Cloud(Scope s, CloudInfo cloud)
    {
        var statement = s.Advisory.CloudStatements.FirstOrDefault(c => c.Provider == cloud.Provider);
        var facts = ImmutableArray.CreateBuilder<EvidenceFact>();
        facts.Add(new EvidenceFact("cloud.provider", cloud.RawProvider, cloud.Evidence));
        if (cloud.InstanceType is { Length: > 0 } type)
        {
            facts.Add(new EvidenceFact("cloud.instance_type", type, cloud.Evidence));
        }

        var evidence = new Evidence(s.Clause("cloud", EnvCloudPredicate.CloudKey(cloud.Provider)), EvidenceKind.CloudProvider, facts.ToImmutable())
        {
            Verdict = Verdict.ProviderManaged,
            Subject = cloud.Provider.ToString(),
            Note = statement?.Statement,
        };

        if (s.Advisory.Policy.Cloud == CloudPolicy.GuestKernel && s.Advisory.KernelRules.Length > 0)
        {
            // The provider owns microcode and hypervisor; the guest kernel's mitigation is the customer's.
            var cpu = CpuStage(s);
            if (KernelStage(s, cpu) is { Partial: false } kernel && kernel.Verdict is not Verdict.Unknown)
            {
                // A guest kernel saying "…, no microcode" is never "no action", even on a cloud: the finding asks the
                // provider (action check_host_microcode) and quotes its responsibility statement.

                var verdict = kernel.Verdict == Verdict.NotAffected ? Verdict.NotAffected : kernel.Verdict;
                return s.Finding(verdict, Stage.Kernel, [.. kernel.Evidence, evidence], kernel.Cves, kernel.Action);
            }
        }

        return s.Finding(Verdict.ProviderManaged, Stage.Cloud, [evidence], [], FindingAction.None);
    }

    // ---- CPU stage --------------------------------------------------------------------------------------------------

    private sealed record CpuOutcome(Verdict Verdict, ImmutableArray<Evidence> Evidence, ImmutableArray<string> Cves, FindingAction Action, CpuRule? Candidate)
    {
        public bool IsCandidate => Candidate is not null && Candidate.Scope != CpuRuleScope.Excluded && Verdict is Verdict.NeedsConfirmation or Verdict.Affected;

        /// <summary>A listed rule with no planned fix holds: the CPU alone says affected.</summary>
        public bool IsNoFix => Candidate is { NoFix: true } && Verdict == Verdict.Affected;

        public Finding ToFinding(Scope s) => s.Finding(Verdict, Stage.Cpu, [.. Evidence, .. s.Notes], Cves, Action);
    }

    private enum ProcessorAnswer
    {
        Candidate,
        Out,
        Undecided,
        HiddenByHypervisor,
    }

    private sealed record ProcessorOutcome(ProcessorAnswer Answer, ProcessorIdentity Identity, CpuRule? Rule, ConditionResult? Result, ImmutableArray<(CpuRule Rule, ConditionResult Result)> Undecided, ImmutableArray<(CpuRule Rule, ConditionResult Result)> False);

    private static CpuOutcome CpuStage(Scope s)
    {
        if (s.Identities.IsEmpty)
        {
            var note = s.Host.CpuFactsNote ?? "no CPU facts";
            var evidence = new Evidence(s.Clause("cpu", "no-cpu-facts"), EvidenceKind.NoCpuFacts, [new EvidenceFact("meta.cpu", note, "inventory")])
            {
                Verdict = Verdict.Unknown,
                Subject = note,
            };
            return new CpuOutcome(Verdict.Unknown, [evidence], [], FindingAction.CollectFacts, null);
        }

        var outcomes = s.Identities.Select(id => ProcessorStage(s, id)).ToList();

        // Any processor in scope makes the host a candidate.
        if (outcomes.FirstOrDefault(o => o.Answer == ProcessorAnswer.Candidate) is { } candidate)
        {
            var rule = candidate.Rule!;
            var evidence = new Evidence(s.Clause("cpu", rule.Id), EvidenceKind.CandidateCpu, s.CpuFacts)
            {
                Verdict = Verdict.NeedsConfirmation,
                Predicates = candidate.Result!.Trace,
                Subject = candidate.Identity.DisplayName,
                RuleId = rule.Id,
                RuleTitle = rule.Title,
                Detail = rule.ExpectFirmware.IsDefaultOrEmpty ? null : string.Join("/", rule.ExpectFirmware.Select(FirmwareKinds.Display)),
                Scope = rule.Scope,
            };
            var action = s.Advisory.Policy.Stages.Contains(ConfirmationStage.Firmware)
                ? new FindingAction(ActionKind.ConfirmFirmware, rule.Check)
                : new FindingAction(ActionKind.ReadMicrocodeAndKernel, rule.Check);
            if (rule.NoFix)
            {
                // The vendor names the processor as affected and plans no mitigation: affected whatever a later fact says.
                return new CpuOutcome(Verdict.Affected, [evidence with { Verdict = Verdict.Affected }], rule.Cves, new FindingAction(ActionKind.NoFixAvailable, rule.Check, s.Advisory.Id), rule);
            }

            return new CpuOutcome(Verdict.NeedsConfirmation, [evidence], rule.Cves, action, rule);
        }

        // A processor that could not be decided: a hidden physical CPU (policy), or a missing attribute (unknown).
        if (outcomes.FirstOrDefault(o => o.Answer == ProcessorAnswer.HiddenByHypervisor) is { } hidden)
        {
            var verdict = s.Advisory.Policy.VirtualMachine;
            var evidence = new Evidence(s.Clause("cpu", "virtual-machine"), EvidenceKind.VirtualMachine, s.CpuFacts)
            {
                Verdict = verdict,
                Subject = hidden.Identity.NormalizedBrand,
                Detail = hidden.Identity.HypervisorModel,
                Predicates = [.. hidden.Undecided.SelectMany(u => u.Result.Trace)],
            };
            return new CpuOutcome(verdict, [evidence], [], new FindingAction(ActionKind.CheckPhysicalHost), null);
        }

        if (outcomes.FirstOrDefault(o => o.Answer == ProcessorAnswer.Undecided) is { } undecided)
        {
            var (rule, result) = undecided.Undecided[0];
            var missing = result.Trace.Where(t => t.Result == Truth.Unknown).Select(t => t.Predicate).Distinct(StringComparer.Ordinal).ToImmutableArray();
            var evidence = new Evidence(s.Clause("cpu", rule.Id), EvidenceKind.Indeterminate, s.CpuFacts)
            {
                Verdict = Verdict.Unknown,
                Predicates = result.Trace,
                Subject = undecided.Identity.DisplayName,
                RuleId = rule.Id,
                RuleTitle = rule.Title,
                Missing = missing,
            };
            return new CpuOutcome(Verdict.Unknown, [evidence], [], FindingAction.CollectFacts, null);
        }

        // Every processor is out: by an explicit exclusion, or because every rule is false.
        var excluded = outcomes.FirstOrDefault(o => o.Rule is { Scope: CpuRuleScope.Excluded });
        if (excluded is not null && outcomes.All(o => o.Rule is { Scope: CpuRuleScope.Excluded }))
        {
            var rule = excluded.Rule!;
            var evidence = new Evidence(s.Clause("cpu", rule.Id), EvidenceKind.ExcludedCpu, s.CpuFacts)
            {
                Verdict = Verdict.NotAffected,
                Predicates = excluded.Result!.Trace,
                Subject = excluded.Identity.DisplayName,
                RuleId = rule.Id,
                RuleTitle = rule.Title,
            };
            return new CpuOutcome(Verdict.NotAffected, [evidence], [], FindingAction.None, rule);
        }

        var names = string.Join(", ", s.Identities.Select(i => i.DisplayName).Distinct(StringComparer.Ordinal));
        var falsified = outcomes.SelectMany(o => o.False.Select(f => f.Result.Trace.FirstOrDefault(t => t.Result == Truth.False)))
            .OfType<PredicateResult>().Distinct().ToImmutableArray();
        if (s.Advisory.Policy.Outside == OutsidePolicy.Unknown)
        {
            // Absence from a list is not safety. An imported advisory says which list (the record, its revision) and how
            // many processors it names.
            var source = s.Advisory.Source;
            var evidence = new Evidence(s.Clause("cpu", "not-listed"), EvidenceKind.NotListed, source is null ? s.CpuFacts : [.. s.CpuFacts, .. SourceFacts(source)])
            {
                Verdict = Verdict.Unknown,
                Predicates = falsified,
                Subject = names,
                Detail = source?.Processors.ToString(CultureInfo.InvariantCulture),
            };
            var next = source is null ? new FindingAction(ActionKind.ReadMicrocodeAndKernel) : new FindingAction(ActionKind.ReadVendorAdvisory, Reference: s.Advisory.Id);
            return new CpuOutcome(Verdict.Unknown, [evidence], [], next, null);
        }

        var outside = new Evidence(s.Clause("cpu", "outside-listed-families"), EvidenceKind.OutsideRules, s.CpuFacts)
        {
            Verdict = Verdict.NotAffected,
            Predicates = falsified,
            Subject = names,
            Note = s.Advisory.OutOfScope.En.Length > 0 ? s.Advisory.OutOfScope : null,
        };
        return new CpuOutcome(Verdict.NotAffected, [outside], [], FindingAction.None, null);
    }

    private static ProcessorOutcome ProcessorStage(Scope s, ProcessorIdentity identity)
    {
        if (identity.LineWorlds.Length <= 1)
        {
            return ProcessorStageIn(s, identity, identity);
        }

        // The signature allows several product lines, each with its own generations: decide per line. Any line in scope
        // makes the processor a candidate; otherwise a line that cannot be decided leaves it undecided; only when every
        // line is out is the processor out.
        var worlds = identity.LineWorlds.Select(w => ProcessorStageIn(s, identity with
        {
            PossibleProductLines = ValueSet<string>.Of(w.Line),
            PossibleGenerations = w.Generations,
            LineWorlds = [],
        }, identity)).ToList();
        return worlds.FirstOrDefault(w => w.Answer == ProcessorAnswer.Candidate)
            ?? worlds.FirstOrDefault(w => w.Answer is ProcessorAnswer.Undecided or ProcessorAnswer.HiddenByHypervisor)
            ?? worlds.FirstOrDefault(w => w.Rule is null)
            ?? worlds[0];
    }

    private static ProcessorOutcome ProcessorStageIn(Scope s, ProcessorIdentity identity, ProcessorIdentity reported)
    {
        var context = new RuleContext(s.Host, s.Facts, identity);
        var undecided = ImmutableArray.CreateBuilder<(CpuRule, ConditionResult)>();
        var falses = ImmutableArray.CreateBuilder<(CpuRule, ConditionResult)>();
        foreach (var scope in new[] { CpuRuleScope.Listed, CpuRuleScope.Conditional })
        {
            foreach (var rule in s.Advisory.CpuRules.Where(r => r.Scope == scope))
            {
                var result = ConditionEvaluator.Evaluate(rule.When, context);
                switch (result.Truth)
                {
                    case Truth.True:
                        return new ProcessorOutcome(ProcessorAnswer.Candidate, reported, rule, result, [], []);
                    case Truth.Unknown:
                        undecided.Add((rule, result));
                        break;
                    default:
                        falses.Add((rule, result));
                        break;
                }
            }
        }

        foreach (var rule in s.Advisory.CpuRules.Where(r => r.Scope == CpuRuleScope.Excluded))
        {
            var result = ConditionEvaluator.Evaluate(rule.When, context);
            if (result.Truth == Truth.True)
            {
                return new ProcessorOutcome(ProcessorAnswer.Out, reported, rule, result, [], falses.ToImmutable());
            }
        }

        if (undecided.Count == 0)
        {
            return new ProcessorOutcome(ProcessorAnswer.Out, reported, null, null, [], falses.ToImmutable());
        }

        return new ProcessorOutcome(identity.HidesPhysicalCpu ? ProcessorAnswer.HiddenByHypervisor : ProcessorAnswer.Undecided, reported, null, null,
            undecided.ToImmutable(), falses.ToImmutable());
    }

    // ---- confirmation stages ----------------------------------------------------------------------------------------

    private sealed record StageOutcome(Stage Stage, Verdict Verdict, ImmutableArray<Evidence> Evidence, ImmutableArray<string> Cves, FindingAction Action)
    {
        /// <summary>The microcode half is in place but software must act too: not a verdict of its own.</summary>
        public bool Partial { get; init; }
    }

    private static Finding? ConfirmationStages(Scope s, CpuOutcome cpu)
    {
        var outcomes = new List<StageOutcome>();
        foreach (var stage in s.Advisory.Policy.Stages)
        {
            var outcome = stage switch
            {
                ConfirmationStage.Firmware => FirmwareStage(s),
                ConfirmationStage.Microcode => MicrocodeStage(s),
                ConfirmationStage.Kernel => KernelStage(s, cpu),
                _ => null,
            };
            if (outcome is not null)
            {
                outcomes.Add(outcome);
            }
        }

        if (outcomes.Count == 0)
        {
            return null;
        }

        if (cpu.IsNoFix)
        {
            // No fix is planned: the CPU's "affected" takes part like a confirmation stage, so it can never be outvoted.
            outcomes.Insert(0, new StageOutcome(Stage.Cpu, Verdict.Affected, cpu.Evidence, cpu.Cves, cpu.Action));
        }

        var decided = outcomes.Where(o => !o.Partial).ToList();
        if (decided.Count == 0)
        {
            // Half a fix: microcode is fixed but the software half was not read, or the kernel answered for some of the
            // advisory's files only. Until the rest is known the host stays a candidate.
            var partial = outcomes[0];
            return s.Finding(Verdict.NeedsConfirmation, partial.Stage, [.. outcomes.SelectMany(o => o.Evidence), .. cpu.Evidence, .. s.Notes], cpu.Cves, partial.Action);
        }

        var worst = decided.OrderBy(o => Severity(o.Verdict)).First();
        var evidence = ImmutableArray.CreateBuilder<Evidence>();
        foreach (var o in outcomes)
        {
            evidence.AddRange(o.Evidence);
        }

        var distinct = decided.Select(o => o.Verdict).Distinct().ToList();
        if (distinct.Count > 1)
        {
            var detail = string.Join("; ", decided.Select(o => o.Stage.ToWire() + ": " + o.Verdict.ToWire()));
            evidence.Insert(0, new Evidence(s.Clause(worst.Stage.ToWire(), "sources-disagree"), EvidenceKind.SourcesDisagree, [])
            {
                Verdict = worst.Verdict,
                Detail = detail,
            });
        }

        evidence.AddRange(s.Notes);
        return s.Finding(worst.Verdict, worst.Stage, evidence.ToImmutable(), decided.SelectMany(o => o.Cves), worst.Action);
    }

    private static int Severity(Verdict v) => v switch
    {
        Verdict.Affected => 0,
        Verdict.NeedsConfirmation => 1,
        Verdict.Unknown => 2,
        Verdict.Fixed => 3,
        Verdict.NotAffected => 4,
        _ => 5,
    };

    private static StageOutcome? FirmwareStage(Scope s)
    {
        if (s.Facts.Firmware.IsDefaultOrEmpty || s.Advisory.FirmwareRules.IsDefaultOrEmpty)
        {
            return null;
        }

        var evidence = ImmutableArray.CreateBuilder<Evidence>();
        var cves = new SortedSet<string>(StringComparer.Ordinal);
        Verdict? worst = null;
        var action = FindingAction.None;

        foreach (var fact in s.Facts.Firmware)
        {
            var read = ImmutableArray.Create(new EvidenceFact(
                "firmware." + FirmwareKinds.Key(fact.Kind),
                fact.Display + (fact.Amt is { } amt ? (amt ? " (AMT)" : " (no AMT)") : ""),
                fact.Source)).AddRange(s.CpuFacts);
            var subject = FirmwareKinds.Display(fact.Kind) + " " + fact.Display;

            Verdict verdict;
            FindingAction next;
            if (fact.Version == default)
            {
                // An all-zero version is what a firmware interface reports when it could not read the engine
                // (sysfs fw_ver "0:0.0.0.0"): it says nothing, so it must never fall into an "old version" range.
                verdict = Verdict.Unknown;
                next = FindingAction.CollectFacts;
                evidence.Add(new Evidence(s.Clause("firmware", "zero-version"), EvidenceKind.FirmwareZeroVersion, read) { Verdict = verdict, Subject = subject });
            }
            else if (FirstRule(s, fact) is not { } hit)
            {
                verdict = Verdict.Unknown;
                next = FindingAction.CollectFacts;
                evidence.Add(new Evidence(s.Clause("firmware", "no-rule"), EvidenceKind.FirmwareNoRule, read) { Verdict = verdict, Subject = subject });
            }
            else
            {
                var (rule, predicates) = hit;
                verdict = rule.Verdict;
                var kind = EvidenceKind.FirmwareRule;
                if (rule.Amt == AmtCondition.Required && rule.Verdict is Verdict.Affected)
                {
                    switch (fact.Amt)
                    {
                        case false:
                            verdict = Verdict.NotAffected;
                            kind = EvidenceKind.FirmwareAmtAbsent;
                            break;
                        case null:
                            verdict = Verdict.NeedsConfirmation;
                            kind = EvidenceKind.FirmwareAmtUnknown;
                            break;
                    }
                }

                evidence.Add(new Evidence(s.Clause("firmware", rule.Id), kind, read)
                {
                    Verdict = verdict,
                    Subject = subject,
                    RuleId = rule.Id,
                    Detail = rule.Match.Describe(),
                    Note = rule.Note.En.Length > 0 ? rule.Note : null,
                    Predicates = predicates,
                });
                if (verdict is Verdict.Affected or Verdict.NeedsConfirmation)
                {
                    cves.UnionWith(rule.Cves);
                }

                next = verdict switch
                {
                    Verdict.Affected => new FindingAction(ActionKind.UpdateFirmware, Reference: s.Advisory.Id),
                    Verdict.NeedsConfirmation => new FindingAction(ActionKind.CheckAmt),
                    _ => FindingAction.None,
                };
            }

            if (worst is null || Severity(verdict) < Severity(worst.Value))
            {
                worst = verdict;
                action = next;
            }
        }

        return new StageOutcome(Stage.Firmware, worst ?? Verdict.Unknown, evidence.ToImmutable(), [.. cves], action);
    }

    private static (FirmwareRule Rule, ImmutableArray<PredicateResult> Predicates)? FirstRule(Scope s, FirmwareFact fact)
    {
        foreach (var rule in s.Advisory.FirmwareRules)
        {
            if (rule.Kind != fact.Kind || !rule.Match.Matches(fact.Version))
            {
                continue;
            }

            var range = new PredicateResult("firmware." + FirmwareKinds.Key(rule.Kind), rule.Match.Describe(), fact.Display, fact.Source, Truth.True);
            if (rule.When is null)
            {
                return (rule, [range]);
            }

            // An extra condition (e.g. on the processor): it must hold for some processor of the host.
            var contexts = s.Identities.IsEmpty ? [null] : s.Identities.Select(i => (ProcessorIdentity?)i).ToList();
            foreach (var id in contexts)
            {
                var r = ConditionEvaluator.Evaluate(rule.When, new RuleContext(s.Host, s.Facts, id));
                if (r.Truth == Truth.True)
                {
                    return (rule, [range, .. r.Trace]);
                }
            }
        }

        return null;
    }

    private static StageOutcome? MicrocodeStage(Scope s)
    {
        if (s.Facts.Microcode is not { } fact || s.Advisory.MicrocodeRules.IsDefaultOrEmpty)
        {
            return null;
        }

        // A guest sees the revision its hypervisor chooses to show (KVM shows 0x1), not the host's: it decides nothing.
        if (s.Facts.Virtual == true || s.Identities.Any(i => i.IsVirtual))
        {
            return null;
        }

        foreach (var identity in s.Identities)
        {
            var context = new RuleContext(s.Host, s.Facts, identity);
            foreach (var rule in s.Advisory.MicrocodeRules)
            {
                var applies = ConditionEvaluator.Evaluate(rule.When, context);
                if (applies.Truth != Truth.True)
                {
                    continue;
                }

                var read = ImmutableArray.Create(new EvidenceFact("cpu.microcode", fact.Text, fact.Source)).AddRange(s.CpuFacts);
                var threshold = identity.Signature is { } sig ? rule.Fixed.For(sig) : null;
                if (threshold is null)
                {
                    var none = new Evidence(s.Clause("microcode", rule.Id), EvidenceKind.MicrocodeNoThreshold, read)
                    {
                        Verdict = Verdict.Unknown,
                        Subject = fact.Revision.ToString(),
                        RuleId = rule.Id,
                        Detail = identity.Signature?.ToString(),
                        Note = rule.Note.En.Length > 0 ? rule.Note : null,
                        Predicates = applies.Trace,
                    };
                    return new StageOutcome(Stage.Microcode, Verdict.Unknown, [none], rule.Cves, FindingAction.CollectFacts) { Partial = true };
                }

                var predicate = new PredicateResult("microcode.fixed", ">=" + threshold.Revision + " (" + threshold.Signature + ")", fact.Revision.ToString(), fact.Source,
                    TruthLogic.Of(fact.Revision >= threshold.Revision));
                if (fact.Revision < threshold.Revision)
                {
                    var below = new Evidence(s.Clause("microcode", rule.Id), EvidenceKind.MicrocodeBelow, read)
                    {
                        Verdict = Verdict.Affected,
                        Subject = fact.Revision.ToString(),
                        RuleId = rule.Id,
                        Detail = threshold.Revision.ToString(),
                        Note = rule.Note.En.Length > 0 ? rule.Note : null,
                        Predicates = [.. applies.Trace, predicate],
                    };
                    return new StageOutcome(Stage.Microcode, Verdict.Affected, [below], rule.Cves, new FindingAction(ActionKind.UpdateMicrocode, Reference: s.Advisory.Id));
                }

                var ok = new Evidence(s.Clause("microcode", rule.Id), EvidenceKind.MicrocodeFixed, read)
                {
                    Verdict = rule.FixesAlone ? Verdict.Fixed : null,
                    Subject = fact.Revision.ToString(),
                    RuleId = rule.Id,
                    Detail = threshold.Revision.ToString(),
                    Note = rule.Note.En.Length > 0 ? rule.Note : null,
                    Predicates = [.. applies.Trace, predicate],
                };
                return rule.FixesAlone
                    ? new StageOutcome(Stage.Microcode, Verdict.Fixed, [ok], [], FindingAction.None)
                    : new StageOutcome(Stage.Microcode, Verdict.Fixed, [ok], rule.Cves, new FindingAction(ActionKind.ReadMicrocodeAndKernel)) { Partial = true };
            }
        }

        return null;
    }

    /// <summary>
    /// The kernel's own verdicts: every kernel rule whose file the facts carry is read, and the most urgent answer wins
    /// (an advisory with several CVEs has several files: spectre_v1, spectre_v2, meltdown). A "Not affected" line for a
    /// file whose CVEs the listed CPU rule names disagrees with the vendor's list: <c>needs_confirmation</c>. When some of
    /// the advisory's files were not read and those read say fixed or not affected, the answer is partial (the missing
    /// files' CVEs are undecided) and the host stays a candidate.
    /// </summary>
    private static StageOutcome? KernelStage(Scope s, CpuOutcome cpu)
    {
        var evidence = ImmutableArray.CreateBuilder<Evidence>();
        var cves = new SortedSet<string>(StringComparer.Ordinal);
        Verdict? worst = null;
        var action = FindingAction.None;
        var unread = new List<KernelRule>();
        var disagree = false;
        foreach (var rule in s.Advisory.KernelRules)
        {
            if (s.Facts.KernelFact(rule.File) is not { } fact)
            {
                unread.Add(rule);
                continue;
            }

            var read = ImmutableArray.Create(new EvidenceFact("kernel." + rule.File, fact.Text, fact.Source)).AddRange(s.CpuFacts);

            // A mitigation the advisory lists as partial (it leaves some attack vectors open) is not "fixed".
            var partialMitigation = rule.IsPartial(fact);
            var verdict = partialMitigation ? Verdict.NeedsConfirmation : fact.Status switch
            {
                KernelStatus.NotAffected => Verdict.NotAffected,
                KernelStatus.Mitigated => Verdict.Fixed,
                KernelStatus.Vulnerable => Verdict.Affected,
                _ => Verdict.Unknown,
            };

            // A guest kernel cannot see the host's microcode: "…, no microcode" in a VM says the guest's half is in place
            // and the other half is the hypervisor host's, which only the host (or its provider) can confirm.
            var hostHalf = verdict == Verdict.Affected && fact.MicrocodeMissing && (s.Facts.Virtual == true || s.Identities.Any(i => i.IsVirtual));
            if (hostHalf)
            {
                verdict = Verdict.NeedsConfirmation;
            }
            evidence.Add(new Evidence(s.Clause("kernel", rule.Id), EvidenceKind.Kernel, read)
            {
                Verdict = verdict,
                Subject = fact.Text,
                RuleId = rule.Id,
                Detail = partialMitigation ? "partial" : hostHalf ? "microcode_on_host" : fact.Status.ToWire(),
                Note = rule.Note.En.Length > 0 ? rule.Note : null,
                Predicates = [new PredicateResult("kernel." + rule.File, "not_affected|mitigated|vulnerable", fact.Status.ToWire(), fact.Source, Truth.True)],
            });

            // The vendor's list says the silicon is affected but the kernel says "Not affected": show both, keep the safer verdict.
            if (verdict == Verdict.NotAffected && cpu.IsCandidate && cpu.Candidate!.Scope == CpuRuleScope.Listed && SharesCve(cpu.Candidate, rule))
            {
                evidence.Insert(0, new Evidence(s.Clause("kernel", "sources-disagree"), EvidenceKind.SourcesDisagree, [])
                {
                    Verdict = Verdict.NeedsConfirmation,
                    Detail = "cpu: needs_confirmation (" + cpu.Candidate.Id + "); kernel " + rule.File + ": not_affected",
                });
                verdict = Verdict.NeedsConfirmation;
                disagree = true;
            }

            var next = verdict switch
            {
                Verdict.Affected => new FindingAction(fact.MicrocodeMissing ? ActionKind.UpdateMicrocode : ActionKind.UpdateKernel, Reference: s.Advisory.Id),
                Verdict.NeedsConfirmation when hostHalf => new FindingAction(ActionKind.CheckHostMicrocode, Reference: s.Advisory.Id),
                Verdict.NeedsConfirmation when partialMitigation => new FindingAction(ActionKind.UpdateKernel, Reference: s.Advisory.Id),
                Verdict.NeedsConfirmation => cpu.Action,
                Verdict.Unknown => FindingAction.CollectFacts,
                _ => FindingAction.None,
            };
            if (verdict is Verdict.Affected or Verdict.NeedsConfirmation)
            {
                cves.UnionWith(verdict == Verdict.Affected || partialMitigation || hostHalf ? rule.Cves : cpu.Cves);
            }

            if (worst is null || Severity(verdict) < Severity(worst.Value))
            {
                worst = verdict;
                action = next;
            }
        }

        if (worst is not { } result)
        {
            return null;
        }

        if (disagree)
        {
            evidence.AddRange(cpu.Evidence);
        }

        // Files the advisory reads but the facts lack leave their CVEs undecided: fixed or not affected only for the rest.
        var undecided = unread.Where(r => cpu.IsCandidate && SharesCve(cpu.Candidate!, r)).ToList();
        var partial = result is Verdict.Fixed or Verdict.NotAffected && undecided.Count > 0;
        return new StageOutcome(Stage.Kernel, result, evidence.ToImmutable(), [.. cves], partial ? new FindingAction(ActionKind.ReadMicrocodeAndKernel) : action)
        {
            Partial = partial,
        };
    }

    // A rule without CVEs concerns every CVE of the advisory.
    private static bool SharesCve(CpuRule candidate, KernelRule rule) =>
        candidate.Cves.IsDefaultOrEmpty || rule.Cves.IsDefaultOrEmpty || candidate.Cves.Intersect(rule.Cves, StringComparer.Ordinal).Any();

    // ---- facts ------------------------------------------------------------------------------------------------------

    private static ImmutableArray<EvidenceFact> CpuFacts(Host host, ImmutableArray<ProcessorIdentity> identities)
    {
        var builder = ImmutableArray.CreateBuilder<EvidenceFact>();
        for (var i = 0; i < host.Processors.Length; i++)
        {
            var p = host.Processors[i];
            var id = identities[i];
            var prefix = host.Processors.Length == 1 ? "cpu" : string.Create(CultureInfo.InvariantCulture, $"cpu[{i}]");
            if (p.BrandString is not null)
            {
                builder.Add(new EvidenceFact($"{prefix}.model_name", p.BrandString, p.Source));
            }

            if (p.VendorId is not null)
            {
                builder.Add(new EvidenceFact($"{prefix}.vendor_id", p.VendorId, p.Source));
            }

            if (p.Signature is { } sig)
            {
                builder.Add(new EvidenceFact($"{prefix}.signature", $"{sig} ({sig.ToDecimalString()})", p.SignatureSource));
            }

            builder.Add(new EvidenceFact($"{prefix}.identified", id.DisplayName, "identification, confidence " + id.Confidence.ToString().ToLowerInvariant()));
        }

        return builder.ToImmutable();
    }

    internal static string ProviderKey(CloudProvider provider) => EnvCloudPredicate.CloudKey(provider);

    internal static string KindKey(FirmwareKind kind) => FirmwareKinds.Key(kind);
}
