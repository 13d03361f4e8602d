using System.Collections.Immutable;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;

namespace VulnTriage.Advisories;

/// <summary>One example an advisory file carries that did not get what it says.</summary>
/// <param name="AdvisoryId">The advisory.</param>
/// <param name="Where">The rule (<c>cpu/core-6th-7th-8th-gen match[0]</c>) or <c>examples</c>, and the example's location.</param>
/// <param name="Name">The example's name.</param>
/// <param name="Expected">What it says it must get.</param>
/// <param name="Got">What it got, with the clauses or predicates that explain it.</param>
public sealed record ExampleFailure(string AdvisoryId, string Where, string Name, string Expected, string Got);

/// <summary>
/// Runs an advisory's examples: the advisory-level ones (a host and the verdict it must get) and every rule's own
/// <c>match</c> / <c>no_match</c> hosts (the rule's condition must be true / false — indeterminate fails both).
/// Used by <c>vulntriage advisories verify</c> and by the tests over every shipped file.
/// </summary>
public static class AdvisoryVerifier
{
    /// <summary>Every failing example of <paramref name="advisory"/>; empty when all pass.</summary>
    public static ImmutableArray<ExampleFailure> Verify(Advisory advisory, IdentificationCache cache)
    {
        ArgumentNullException.ThrowIfNull(advisory);
        ArgumentNullException.ThrowIfNull(cache);
        var failures = ImmutableArray.CreateBuilder<ExampleFailure>();
        foreach (var example in advisory.Examples)
        {
            var finding = AdvisoryEvaluator.Evaluate(advisory, example.Host, example.Facts, cache);
            var ok = finding.Verdict == example.Expect
                && (example.ExpectStage is not { } st || st == finding.Stage)
                && (example.ExpectClause is not { } cl || finding.Evidence.Any(e => e.Clause.EndsWith("/" + cl, StringComparison.Ordinal)));
            if (!ok)
            {
                var expected = example.Expect.ToWire() + (example.ExpectStage is { } s ? " (stage " + s.ToWire() + ")" : "") + (example.ExpectClause is { } c ? " via " + c : "");
                var got = $"{finding.Verdict.ToWire()} (stage {finding.Stage.ToWire()}; {string.Join(", ", finding.Evidence.Select(e => e.Clause))})";
                failures.Add(new ExampleFailure(advisory.Id, "examples", example.Name, expected, got));
            }
        }

        foreach (var rule in advisory.CpuRules)
        {
            Check(failures, advisory, "cpu/" + rule.Id, rule.Examples, cache, (host, facts, ids) => Any(rule.When, host, facts, ids));
        }

        foreach (var rule in advisory.FirmwareRules)
        {
            Check(failures, advisory, "firmware/" + rule.Id, rule.Examples, cache, (host, facts, ids) => FirmwareHolds(rule, host, facts, ids));
        }

        foreach (var rule in advisory.MicrocodeRules)
        {
            Check(failures, advisory, "microcode/" + rule.Id, rule.Examples, cache, (host, facts, ids) => MicrocodeHolds(rule, host, facts, ids));
        }

        foreach (var rule in advisory.KernelRules)
        {
            Check(failures, advisory, "kernel/" + rule.Id, rule.Examples, cache, (_, facts, _) => KernelHolds(rule, facts));
        }

        return failures.ToImmutable();
    }

    private static void Check(
        ImmutableArray<ExampleFailure>.Builder failures, Advisory advisory, string rule, RuleExamples examples, IdentificationCache cache,
        Func<Host, HostFacts, ImmutableArray<ProcessorIdentity>, ConditionResult> evaluate)
    {
        void Run(ImmutableArray<RuleExample> list, Truth want, string key)
        {
            for (var i = 0; i < list.Length; i++)
            {
                var ex = list[i];
                var ids = ex.Host.Processors.Select(cache.Identify).ToImmutableArray();
                var result = evaluate(ex.Host, ex.Facts, ids);
                if (result.Truth != want)
                {
                    var why = string.Join("; ", result.Trace.Take(4).Select(t => $"{t.Predicate} {t.Value} [{t.Source}] vs {t.Expected}: {t.Result.ToWire()}"));
                    failures.Add(new ExampleFailure(advisory.Id, $"{rule} {key}[{i}] ({ex.Location})", ex.Name, want.ToWire(), $"{result.Truth.ToWire()} ({why})"));
                }
            }
        }

        Run(examples.Match, Truth.True, "match");
        Run(examples.NoMatch, Truth.False, "no_match");
    }

    // A CPU condition holds for a host when it holds for one of its processors, and is false when false for all.
    private static ConditionResult Any(Condition when, Host host, HostFacts facts, ImmutableArray<ProcessorIdentity> ids)
    {
        if (ids.IsEmpty)
        {
            return AdvisoryEvaluator.EvaluateRule(when, host, facts, null);
        }

        var results = ids.Select(id => AdvisoryEvaluator.EvaluateRule(when, host, facts, id)).ToList();
        var truth = results.Aggregate(Truth.False, (t, r) => TruthLogic.Or(t, r.Truth));
        return new ConditionResult(truth, [.. results.Where(r => r.Truth == truth).SelectMany(r => r.Trace)]);
    }

    private static ConditionResult FirmwareHolds(FirmwareRule rule, Host host, HostFacts facts, ImmutableArray<ProcessorIdentity> ids)
    {
        var range = ConditionEvaluator.EvaluatePredicate(new FirmwarePredicate(rule.Kind, rule.Match), new RuleContext(host, facts, null));
        if (rule.When is null || range.Result != Truth.True)
        {
            return new ConditionResult(range.Result, [range]);
        }

        var extra = Any(rule.When, host, facts, ids);
        return new ConditionResult(extra.Truth, [range, .. extra.Trace]);
    }

    private static ConditionResult MicrocodeHolds(MicrocodeRule rule, Host host, HostFacts facts, ImmutableArray<ProcessorIdentity> ids)
    {
        var applies = Any(rule.When, host, facts, ids);
        if (applies.Truth != Truth.True)
        {
            return applies;
        }

        // A host the rule covers must also be judged by it: a first fixed revision for its exact signature.
        var signature = ids.FirstOrDefault(i => i.Signature is not null)?.Signature;
        var threshold = signature is { } s ? rule.Fixed.For(s) : null;
        var judged = new PredicateResult("microcode.fixed", rule.Fixed.Expected, signature?.ToString() ?? "unknown", "example",
            threshold is null ? Truth.Unknown : Truth.True);
        return new ConditionResult(judged.Result, [.. applies.Trace, judged]);
    }

    // A kernel rule "matches" a line the kernel reports as vulnerable, and not one it reports as mitigated or not affected.
    private static ConditionResult KernelHolds(KernelRule rule, HostFacts facts)
    {
        var fact = facts.KernelFact(rule.File);
        var truth = fact?.Status switch
        {
            null or KernelStatus.Unknown => Truth.Unknown,
            KernelStatus.Vulnerable => Truth.True,
            _ => Truth.False,
        };
        return new ConditionResult(truth, [new PredicateResult("kernel." + rule.File, "vulnerable", fact is null ? "no line" : fact.Status.ToWire() + " (" + fact.Text + ")", "example", truth)]);
    }
}
