using System.Collections.Immutable;
using System.Globalization;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Matching;

/// <summary>
/// Evaluates one advisory against one host: the two-stage verdict with its evidence. Pure, apart from the
/// identification cache it is given (a memo, not state that changes results).
/// </summary>
/// <remarks>
/// Order of decision:
/// <list type="number">
/// <item>a cloud instance → <see cref="Verdict.ProviderManaged"/> (stage cloud);</item>
/// <item>firmware facts → the first firmware rule of the fact's kind decides (stage firmware); a fact no rule covers → unknown;</item>
/// <item>no CPU facts → unknown; a CPU in a listed (or conditional) family → needs_confirmation, saying what to check;</item>
/// <item>a synthetic virtual CPU → needs_confirmation (check the hypervisor host);</item>
/// <item>an identification that is unknown, low-confidence, or that leaves any rule indeterminate → unknown;</item>
/// <item>only then → not_affected, naming the identified part.</item>
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

        var environment = EnvironmentOf(host);
        var identities = host.Processors.Select(identify).ToImmutableArray();
        var cpuFacts = CpuFacts(host, identities);

        Finding finding;
        if (host.Cloud is { Provider: not CloudProvider.None } cloud)
        {
            finding = Cloud(advisory, host, environment, identities, cloud);
        }
        else if (!facts.Firmware.IsDefaultOrEmpty)
        {
            finding = Firmware(advisory, host, facts, environment, identities, cpuFacts);
        }
        else
        {
            finding = Cpu(advisory, host, facts, environment, identities, cpuFacts);
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

    private static Finding Cloud(Advisory advisory, Host host, HostEnvironment environment, ImmutableArray<ProcessorIdentity> identities, CloudInfo cloud)
    {
        var statement = advisory.CloudStatements.FirstOrDefault(s => s.Provider == cloud.Provider);
        var facts = ImmutableArray.CreateBuilder<EvidenceFact>();
        facts.Add(new EvidenceFact("cloud.provider", cloud.RawProvider, cloud.Evidence));
        if (cloud.InstanceType is { Length: > 0 } type)
        {
            facts.Add(new EvidenceFact("cloud.instance_type", type, cloud.Evidence));
        }

        var reason = statement?.Statement ?? Messages.ProviderManagedDefault(cloud.Provider);
        var evidence = new Evidence($"{advisory.Id}#cloud/{ProviderKey(cloud.Provider)}", reason, facts.ToImmutable());
        return new Finding(advisory.Id, host, Verdict.ProviderManaged, Stage.Cloud, environment, identities, [evidence], [], Messages.NoAction);
    }

    private static Finding Firmware(Advisory advisory, Host host, HostFacts facts, HostEnvironment environment, ImmutableArray<ProcessorIdentity> identities, ImmutableArray<EvidenceFact> cpuFacts)
    {
        var evidence = ImmutableArray.CreateBuilder<Evidence>();
        var cves = new SortedSet<string>(StringComparer.Ordinal);
        Verdict? worst = null;
        LocalizedText action = Messages.NoAction;

        foreach (var fact in facts.Firmware)
        {
            var readFacts = ImmutableArray.Create(new EvidenceFact(
                $"firmware.{KindKey(fact.Kind)}",
                fact.Display + (fact.Amt is { } amt ? (amt ? " (AMT)" : " (no AMT)") : ""),
                fact.Source)).AddRange(cpuFacts);

            // An all-zero version is what a firmware interface reports when it could not read the engine
            // (sysfs fw_ver "0:0.0.0.0"): it says nothing, so it must never fall into an "old version" range.
            var unreadable = fact.Version == default;
            var rule = unreadable ? null : advisory.FirmwareRules.FirstOrDefault(r => r.Kind == fact.Kind && r.Match.Matches(fact.Version));
            Verdict verdict;
            if (unreadable)
            {
                verdict = Verdict.Unknown;
                evidence.Add(new Evidence($"{advisory.Id}#firmware/zero-version", Messages.ZeroFirmwareVersion(fact), readFacts));
                action = Worse(verdict, worst) ? Messages.CollectFacts : action;
            }
            else if (rule is null)
            {
                verdict = Verdict.Unknown;
                evidence.Add(new Evidence($"{advisory.Id}#firmware/no-rule", Messages.NoFirmwareRule(fact), readFacts));
                action = Worse(verdict, worst) ? Messages.CollectFacts : action;
            }
            else
            {
                verdict = rule.Verdict;
                var reason = Messages.FirmwareRuleApplied(fact, rule);
                if (rule.Amt == AmtCondition.Required && rule.Verdict is Verdict.Affected)
                {
                    switch (fact.Amt)
                    {
                        case false:
                            verdict = Verdict.NotAffected;
                            reason = Messages.AmtNotPresent(fact, rule);
                            break;
                        case null:
                            verdict = Verdict.NeedsConfirmation;
                            reason = Messages.AmtUnknown(fact, rule);
                            break;
                    }
                }

                evidence.Add(new Evidence($"{advisory.Id}#firmware/{rule.Id}", reason, readFacts));
                if (verdict is Verdict.Affected or Verdict.NeedsConfirmation)
                {
                    cves.UnionWith(rule.Cves);
                }

                if (Worse(verdict, worst))
                {
                    action = verdict switch
                    {
                        Verdict.Affected => Messages.UpdateFirmware(advisory),
                        Verdict.NeedsConfirmation => Messages.CheckAmt,
                        _ => Messages.NoAction,
                    };
                }
            }

            if (Worse(verdict, worst))
            {
                worst = verdict;
            }
        }

        foreach (var note in facts.Notes)
        {
            evidence.Add(new Evidence($"{advisory.Id}#firmware/facts-note", new LocalizedText(note, note), [new EvidenceFact("facts.note", note, facts.Source)]));
        }

        return new Finding(advisory.Id, host, worst ?? Verdict.Unknown, Stage.Firmware, environment, identities, evidence.ToImmutable(), [.. cves], action);
    }

    private static Finding Cpu(Advisory advisory, Host host, HostFacts facts, HostEnvironment environment, ImmutableArray<ProcessorIdentity> identities, ImmutableArray<EvidenceFact> cpuFacts)
    {
        if (identities.IsEmpty)
        {
            var note = host.CpuFactsNote ?? "no CPU facts";
            var evidence = new Evidence($"{advisory.Id}#cpu/no-cpu-facts", Messages.NoCpuFacts(note), [new EvidenceFact("meta.cpu", note, "inventory")]);
            return new Finding(advisory.Id, host, Verdict.Unknown, Stage.Cpu, environment, identities, [evidence], [], Messages.CollectFacts);
        }

        var notes = NotesEvidence(advisory, facts);

        // 1. In scope (listed first, then conditional): the CPU makes the host a candidate; firmware must decide.
        foreach (var scope in new[] { CpuRuleScope.Listed, CpuRuleScope.Conditional })
        {
            foreach (var identity in identities)
            {
                foreach (var rule in advisory.CpuRules.Where(r => r.Scope == scope))
                {
                    if (CpuRuleMatcher.Matches(rule.Match, identity) == true && identity.Confidence != IdentificationConfidence.Unknown)
                    {
                        var evidence = new Evidence($"{advisory.Id}#cpu/{rule.Id}", Messages.CandidateCpu(identity, rule), cpuFacts);
                        return new Finding(advisory.Id, host, Verdict.NeedsConfirmation, Stage.Cpu, environment, identities,
                            [evidence, .. notes], rule.Cves, rule.Check);
                    }
                }
            }
        }

        // 2. A hypervisor's synthetic CPU model hides the physical part: the physical host must be checked.
        var synthetic = identities.FirstOrDefault(i => i.IsVirtual && (i.HypervisorModel is not null || i.ProductLine == ProductLines.Virtual));
        if (synthetic is not null)
        {
            var evidence = new Evidence($"{advisory.Id}#cpu/virtual-machine", Messages.VirtualMachine(synthetic), cpuFacts);
            return new Finding(advisory.Id, host, Verdict.NeedsConfirmation, Stage.Cpu, environment, identities, [evidence, .. notes], [], Messages.CheckHypervisor);
        }

        // 3. Anything we cannot rule out with confidence stays unknown. The one exception is the CPUID vendor id: when
        //    every rule names other vendors, an AMD/Hygon/VIA part is out of scope however little else is known.
        //    (Synthetic virtual CPUs, whose vendor id may be made up, were handled above.)
        for (var i = 0; i < identities.Length; i++)
        {
            var identity = identities[i];
            if (RuledOutByVendorId(advisory, host.Processors[i]))
            {
                continue;
            }

            if (identity.Confidence is IdentificationConfidence.Unknown or IdentificationConfidence.Low)
            {
                var evidence = new Evidence($"{advisory.Id}#cpu/unidentified", Messages.Unidentified(identity), cpuFacts);
                return new Finding(advisory.Id, host, Verdict.Unknown, Stage.Cpu, environment, identities, [evidence, .. notes], [], Messages.CollectFacts);
            }

            var indeterminate = advisory.CpuRules.FirstOrDefault(r => CpuRuleMatcher.Matches(r.Match, identity) is null);
            if (indeterminate is not null)
            {
                var evidence = new Evidence($"{advisory.Id}#cpu/{indeterminate.Id}", Messages.Indeterminate(identity, indeterminate), cpuFacts);
                return new Finding(advisory.Id, host, Verdict.Unknown, Stage.Cpu, environment, identities, [evidence, .. notes], [], Messages.CollectFacts);
            }
        }

        // 4. Every processor is identified and outside every rule.
        var outside = new Evidence($"{advisory.Id}#cpu/outside-listed-families", Messages.OutsideFamilies(identities, advisory), cpuFacts);
        return new Finding(advisory.Id, host, Verdict.NotAffected, Stage.Cpu, environment, identities, [outside, .. notes], [], Messages.NoAction);
    }

    /// <summary>Whether the CPUID vendor id alone puts the processor outside every CPU rule (all rules name other vendors).</summary>
    private static bool RuledOutByVendorId(Advisory advisory, ProcessorFact fact)
    {
        var vendor = CpuIdentifier.VendorFromId(fact.VendorId);
        return vendor != CpuVendor.Unknown
            && !advisory.CpuRules.IsDefaultOrEmpty
            && advisory.CpuRules.All(r => !r.Match.Vendors.IsDefaultOrEmpty && !r.Match.Vendors.Contains(vendor));
    }

    private static ImmutableArray<Evidence> NotesEvidence(Advisory advisory, HostFacts facts) =>
        [.. facts.Notes.Select(n => new Evidence($"{advisory.Id}#firmware/facts-note", new LocalizedText(n, n), [new EvidenceFact("facts.note", n, facts.Source)]))];

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

            builder.Add(new EvidenceFact($"{prefix}.identified", $"{id.DisplayName}; confidence {id.Confidence.ToString().ToLowerInvariant()}", "identification"));
        }

        return builder.ToImmutable();
    }

    private static bool Worse(Verdict candidate, Verdict? current) => current is null || candidate < current.Value;

    internal static string ProviderKey(CloudProvider provider) => provider switch
    {
        CloudProvider.Aws => "aws",
        CloudProvider.Gcp => "gcp",
        CloudProvider.Azure => "azure",
        _ => "none",
    };

    internal static string KindKey(FirmwareKind kind) => kind switch
    {
        FirmwareKind.Me => "me",
        FirmwareKind.Sps => "sps",
        FirmwareKind.Txe => "txe",
        _ => throw new System.Diagnostics.UnreachableException(),
    };
}
