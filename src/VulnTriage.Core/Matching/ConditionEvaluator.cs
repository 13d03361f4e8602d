using System.Collections.Immutable;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Matching;

/// <summary>What a condition is evaluated against: one host, its facts, and (for <c>cpu.*</c> predicates) one of its processors.</summary>
/// <param name="Host">The host (environment predicates).</param>
/// <param name="Facts">Its facts (firmware, microcode, kernel predicates).</param>
/// <param name="Processor">The processor's identity, or <c>null</c> when the host has no CPU facts (every <c>cpu.*</c> predicate is then unknown).</param>
public sealed record RuleContext(Host Host, HostFacts Facts, ProcessorIdentity? Processor);

/// <summary>A condition's answer and the predicate results it rests on.</summary>
/// <param name="Truth">True, false or unknown.</param>
/// <param name="Trace">
/// The leaf results that decided the answer: for false, the predicates that were false; for unknown, those that were
/// unknown (what was missing); for true, those that held.
/// </param>
public sealed record ConditionResult(Truth Truth, ImmutableArray<PredicateResult> Trace);

/// <summary>
/// Three-valued evaluation of condition trees (Kleene logic). A known fact that contradicts a predicate makes it false;
/// only a fact that is truly unknown makes it unknown, and the result names it. Pure.
/// </summary>
public static class ConditionEvaluator
{
    /// <summary>Evaluates <paramref name="condition"/> in <paramref name="context"/>.</summary>
    public static ConditionResult Evaluate(Condition condition, RuleContext context)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(context);
        switch (condition)
        {
            case AllOf all:
                {
                    var results = all.Items.Select(i => Evaluate(i, context)).ToList();
                    var truth = results.Aggregate(Truth.True, (t, r) => TruthLogic.And(t, r.Truth));
                    return new ConditionResult(truth, Relevant(results, truth));
                }

            case AnyOf any:
                {
                    var results = any.Items.Select(i => Evaluate(i, context)).ToList();
                    var truth = results.Aggregate(Truth.False, (t, r) => TruthLogic.Or(t, r.Truth));
                    return new ConditionResult(truth, Relevant(results, truth));
                }

            case NotOf not:
                {
                    var inner = Evaluate(not.Item, context);
                    return new ConditionResult(TruthLogic.Not(inner.Truth), inner.Trace);
                }

            case Predicate p:
                {
                    var r = EvaluatePredicate(p, context);
                    return new ConditionResult(r.Result, [r]);
                }

            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    // The children whose answer equals the result explain it; when none does (e.g. NOT flipped it), keep them all.
    private static ImmutableArray<PredicateResult> Relevant(List<ConditionResult> results, Truth truth)
    {
        var matching = results.Where(r => r.Truth == truth).SelectMany(r => r.Trace).ToImmutableArray();
        return matching.IsEmpty ? [.. results.SelectMany(r => r.Trace)] : matching;
    }

    /// <summary>Evaluates one predicate.</summary>
    public static PredicateResult EvaluatePredicate(Predicate predicate, RuleContext context)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentNullException.ThrowIfNull(context);
        var id = context.Processor;
        switch (predicate)
        {
            case CpuVendorPredicate v when id is not null:
                return Result(v, id.PossibleVendors.ToString(), id.Origins.Vendor, id.PossibleVendors.In(v.Vendors));
            case CpuPropertyPredicate a when id is not null:
                {
                    var (set, origin) = a.Property switch
                    {
                        CpuProperty.ProductLine => (id.PossibleProductLines, id.Origins.ProductLine),
                        CpuProperty.Microarchitecture => (id.PossibleMicroarchitectures, id.Origins.Microarchitecture),
                        _ => (id.PossibleCodenames, id.Origins.Codename),
                    };
                    return Result(a, set.ToString(), origin, set.In(a.Values));
                }

            case CpuGenerationPredicate g when id is not null:
                return Result(g, id.PossibleGenerations.ToString(), id.Origins.Generation, id.PossibleGenerations.All(g.Generations.Contains));
            case CpuSegmentPredicate s when id is not null:
                return Result(s, id.PossibleSegments.ToString(), id.Origins.Segment, id.PossibleSegments.In(s.Segments));
            case CpuModelNumberPredicate m when id is not null:
                return id.ModelNumber is null
                    ? Result(m, "unknown", "brand string", Truth.Unknown)
                    : Result(m, id.ModelNumber, "brand string", TruthLogic.Of(m.Patterns.Any(p => p.IsMatch(id.ModelNumber))));
            case CpuSignaturePredicate sig when id is not null:
                {
                    if (id.HidesPhysicalCpu || id.Signature is not { } signature)
                    {
                        var why = id.Signature is null ? "not in the inventory" : "synthetic (hypervisor model)";
                        return Result(sig, "unknown", "signature " + why, Truth.Unknown);
                    }

                    var truth = Truth.False;
                    foreach (var s in sig.Signatures)
                    {
                        truth = TruthLogic.Or(truth, s.Matches(signature) switch { true => Truth.True, false => Truth.False, null => Truth.Unknown });
                    }

                    return Result(sig, signature.ToString(), "CPUID signature", truth);
                }

            case CpuVirtualPredicate cv when id is not null:
                return Result(cv, id.HidesPhysicalCpu ? "true" : "false", "identification", TruthLogic.Of(id.HidesPhysicalCpu == cv.Virtual));
            case CpuCpePredicate cpe when id is not null:
                return CpeResult(cpe, id);
            case CpuVendorPredicate or CpuPropertyPredicate or CpuGenerationPredicate or CpuSegmentPredicate
                or CpuModelNumberPredicate or CpuSignaturePredicate or CpuVirtualPredicate or CpuCpePredicate:
                return Result(predicate, "unknown", "no CPU facts", Truth.Unknown);
            case EnvCloudPredicate c:
                {
                    var provider = context.Host.Cloud?.Provider ?? CloudProvider.None;
                    return Result(c, EnvCloudPredicate.CloudKey(provider), context.Host.Cloud?.Evidence ?? "inventory", TruthLogic.Of(c.Providers.Contains(provider)));
                }

            case EnvVirtualPredicate ev:
                {
                    bool? isVirtual = context.Facts.Virtual;
                    if (id is { IsVirtual: true } || context.Host.Cloud is { Provider: not CloudProvider.None })
                    {
                        isVirtual = true;
                    }

                    return isVirtual is { } known
                        ? Result(ev, known ? "true" : "false", context.Facts.Virtual is null ? "identification" : context.Facts.Source, TruthLogic.Of(known == ev.Virtual))
                        : Result(ev, "unknown", "no virtualization facts", Truth.Unknown);
                }

            case FirmwarePredicate f:
                return Firmware(f, context.Facts);
            case MicrocodePredicate mc:
                return Microcode(mc, context);
            case KernelPredicate k:
                {
                    var fact = context.Facts.KernelFact(k.File);
                    return fact is null
                        ? Result(k, "unknown", "no kernel line for " + k.File, Truth.Unknown)
                        : Result(k, fact.Status.ToWire() + " (" + fact.Text + ")", fact.Source, TruthLogic.Of(k.Statuses.Contains(fact.Status)));
                }

            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    // cpu.cpe: true when a name the processor goes by is matched (the evidence names the criterion); false when none is,
    // or when the vendor alone rules every criterion out; unknown when the model cannot be named.
    private static PredicateResult CpeResult(CpuCpePredicate p, ProcessorIdentity id)
    {
        var cpes = Cpe.ProcessorCpes.For(id);
        if (cpes.IsKnown)
        {
            foreach (var name in cpes.Names)
            {
                if (p.Index.FirstMatch(name) is { } hit)
                {
                    return new PredicateResult(p.Name, hit.ToString(), name.ToString(), "brand string", Truth.True);
                }
            }

            return new PredicateResult(p.Name, p.Expected, cpes.Names[0].ToString(), "brand string", Truth.False);
        }

        if (cpes.Vendor is { } vendor && p.Index.Vendors is { } vendors && !vendors.Contains(vendor))
        {
            return new PredicateResult(p.Name, p.Expected, "cpe:2.3:h:" + vendor + ":*", "vendor id", Truth.False);
        }

        var source = cpes.Reason switch
        {
            Cpe.ProcessorCpes.HiddenReason => "synthetic (hypervisor model)",
            Cpe.ProcessorCpes.NoVendorReason => "identification",
            _ => "brand string",
        };
        return new PredicateResult(p.Name, p.Expected, "unknown", source, Truth.Unknown);
    }

    private static PredicateResult Firmware(FirmwarePredicate f, HostFacts facts)
    {
        var ofKind = facts.Firmware.IsDefaultOrEmpty ? [] : facts.Firmware.Where(x => x.Kind == f.Kind).ToList();
        if (ofKind.Count == 0)
        {
            return Result(f, "unknown", "no " + FirmwareKinds.Display(f.Kind) + " firmware fact", Truth.Unknown);
        }

        var truth = Truth.False;
        foreach (var fact in ofKind)
        {
            var inRange = fact.Version != default && f.Match.Matches(fact.Version);
            var t = fact.Version == default ? Truth.Unknown : TruthLogic.Of(inRange);
            if (inRange && f.Amt is { } amt)
            {
                t = fact.Amt is { } isAmt ? TruthLogic.Of(isAmt == amt) : Truth.Unknown;
            }

            truth = TruthLogic.Or(truth, t);
        }

        var first = ofKind[0];
        return Result(f, string.Join(", ", ofKind.Select(x => x.Display)), first.Source, truth);
    }

    private static PredicateResult Microcode(MicrocodePredicate mc, RuleContext context)
    {
        if (context.Facts.Microcode is not { } fact)
        {
            return Result(mc, "unknown", "no microcode fact", Truth.Unknown);
        }

        if (context.Processor is not { Signature: { } signature } || context.Processor.HidesPhysicalCpu)
        {
            return Result(mc, fact.Revision.ToString(), fact.Source + "; signature unknown", Truth.Unknown);
        }

        var threshold = mc.For(signature);
        return threshold is null
            ? Result(mc, fact.Revision.ToString(), fact.Source + "; no threshold for " + signature, Truth.Unknown)
            : Result(mc, fact.Revision + " (" + signature + ")", fact.Source, TruthLogic.Of(fact.Revision >= threshold.Revision));
    }

    private static PredicateResult Result(Predicate p, string value, string source, Truth truth) =>
        new(p.Name, p.Expected, value, string.IsNullOrEmpty(source) ? "identification" : source, truth);
}
