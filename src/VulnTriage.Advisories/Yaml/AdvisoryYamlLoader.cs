using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VulnTriage.Advisories.Yaml;

/// <summary>
/// Reads one advisory YAML file strictly (docs/advisory-format.md): unknown keys, missing keys and bad values are
/// errors naming the file, line and column; every problem in the file is reported, not only the first.
/// </summary>
public static class AdvisoryYamlLoader
{
    /// <summary>Largest advisory file accepted, in characters.</summary>
    public const int MaxFileChars = 1 << 20;

    private static readonly string[] TopRequired =
        ["id", "vendor", "title", "published", "severity", "cves", "summary", "affected_systems", "cpu_rules", "how_to_check", "remediation", "references", "examples"];

    private static readonly string[] TopOptional =
        ["status", "source", "aliases", "policy", "firmware_rules", "microcode_rules", "kernel_rules", "out_of_scope", "cloud", "vendor_pages"];

    private static readonly string[] HostKeys = ["vendor_id", "model_name", "signature", "cloud", "no_cpu"];

    private static readonly string[] FactKeys = ["firmware", "microcode", "kernel", "virtual"];

    private static readonly string[] Severities = ["low", "medium", "high", "critical"];

    /// <summary>Parses <paramref name="text"/>; throws <see cref="InputException"/> with every diagnostic when invalid.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="sourceName">File name for diagnostics.</param>
    public static Advisory Load(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var r = new YamlNodeReader(sourceName);
        if (text.Length > MaxFileChars)
        {
            throw new InputException(new Diagnostic(DiagnosticCodes.AdvisoryBadValue, DiagnosticSeverity.Error, new SourceLocation(sourceName), $"file is larger than {MaxFileChars} characters"));
        }

        YamlNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count != 1)
            {
                throw new InputException(new Diagnostic(DiagnosticCodes.AdvisoryInvalidYaml, DiagnosticSeverity.Error, new SourceLocation(sourceName), $"expected exactly one YAML document, found {stream.Documents.Count}"));
            }

            root = stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            throw new InputException(new Diagnostic(DiagnosticCodes.AdvisoryInvalidYaml, DiagnosticSeverity.Error,
                new SourceLocation(sourceName, e.Start.Line, e.Start.Column), "invalid YAML: " + OneLine(message)));
        }

        var top = r.Mapping(root, "advisory", TopRequired, TopOptional);
        if (top is null)
        {
            throw new InputException(r.Diagnostics.Count > 0 ? r.Diagnostics : [new Diagnostic(DiagnosticCodes.AdvisoryBadValue, DiagnosticSeverity.Error, new SourceLocation(sourceName), "advisory must be a mapping")]);
        }

        var id = r.String(YamlNodeReader.Child(top, "id"), "id");
        if (id is not null && !Regex.IsMatch(id, "^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, YamlNodeReader.Child(top, "id"), $"'id' must look like VENDOR-XX-NNNNN (upper case), got '{id}'");
        }

        var vendor = r.String(YamlNodeReader.Child(top, "vendor"), "vendor");
        var title = r.Localized(YamlNodeReader.Child(top, "title"), "title");
        var published = Date(r, YamlNodeReader.Child(top, "published"), "published");
        var severityNode = YamlNodeReader.Child(top, "severity");
        var severity = r.String(severityNode, "severity");
        if (severity is not null && !Severities.Contains(severity))
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, severityNode, $"'severity' must be one of {string.Join(", ", Severities)}, got '{severity}'");
        }

        var cves = r.Sequence(YamlNodeReader.Child(top, "cves"), "cves").Select((n, i) => Cve(r, n, $"cves[{i}]")).OfType<CveInfo>().ToImmutableArray();
        var cveIds = cves.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var summary = r.Localized(YamlNodeReader.Child(top, "summary"), "summary");
        var affected = r.Localized(YamlNodeReader.Child(top, "affected_systems"), "affected_systems");
        var outOfScope = YamlNodeReader.Child(top, "out_of_scope") is { } oos ? r.Localized(oos, "out_of_scope") : LocalizedText.Empty;
        var status = YamlNodeReader.Child(top, "status") is { } statusNode ? r.String(statusNode, "status") switch
        {
            "curated" => AdvisoryStatus.Curated,
            "draft" => AdvisoryStatus.Draft,
            var other => Bad<AdvisoryStatus>(r, statusNode, $"'status' must be curated or draft, got '{other}'") ?? AdvisoryStatus.Curated,
        } : AdvisoryStatus.Curated;
        var aliases = r.Strings(YamlNodeReader.Child(top, "aliases"), "aliases");
        var sourceNode = YamlNodeReader.Child(top, "source");
        var source = sourceNode is null ? null : SourceOf(r, sourceNode, "source");
        var policy = PolicyOf(r, YamlNodeReader.Child(top, "policy"), "policy");
        var cpuRules = r.Sequence(YamlNodeReader.Child(top, "cpu_rules"), "cpu_rules").Select((n, i) => CpuRuleOf(r, n, $"cpu_rules[{i}]", cveIds, sourceName)).OfType<CpuRule>().ToImmutableArray();
        var firmwareRules = r.Sequence(YamlNodeReader.Child(top, "firmware_rules"), "firmware_rules").Select((n, i) => FirmwareRuleOf(r, n, $"firmware_rules[{i}]", cveIds, sourceName)).OfType<FirmwareRule>().ToImmutableArray();
        var microcodeRules = r.Sequence(YamlNodeReader.Child(top, "microcode_rules"), "microcode_rules").Select((n, i) => MicrocodeRuleOf(r, n, $"microcode_rules[{i}]", cveIds, sourceName)).OfType<MicrocodeRule>().ToImmutableArray();
        var kernelRules = r.Sequence(YamlNodeReader.Child(top, "kernel_rules"), "kernel_rules").Select((n, i) => KernelRuleOf(r, n, $"kernel_rules[{i}]", cveIds, sourceName)).OfType<KernelRule>().ToImmutableArray();
        CheckUniqueIds(r, top, "cpu_rules", cpuRules.Select(c => c.Id));
        CheckUniqueIds(r, top, "firmware_rules", firmwareRules.Select(c => c.Id));
        CheckUniqueIds(r, top, "microcode_rules", microcodeRules.Select(c => c.Id));
        CheckUniqueIds(r, top, "kernel_rules", kernelRules.Select(c => c.Id));
        if (policy is not null)
        {
            CheckStages(r, top, policy, firmwareRules.Length, microcodeRules.Length, kernelRules.Length);
        }
        var cloud = r.Sequence(YamlNodeReader.Child(top, "cloud"), "cloud").Select((n, i) => CloudOf(r, n, $"cloud[{i}]")).OfType<CloudStatement>().ToImmutableArray();
        var howToCheck = r.Localized(YamlNodeReader.Child(top, "how_to_check"), "how_to_check");
        var remediation = r.Localized(YamlNodeReader.Child(top, "remediation"), "remediation");
        var references = r.Sequence(YamlNodeReader.Child(top, "references"), "references").Select((n, i) => ReferenceOf(r, n, $"references[{i}]")).OfType<Reference>().ToImmutableArray();
        var vendorPages = r.Sequence(YamlNodeReader.Child(top, "vendor_pages"), "vendor_pages").Select((n, i) => VendorPageOf(r, n, $"vendor_pages[{i}]")).OfType<VendorPage>().ToImmutableArray();
        var exampleNodes = r.Sequence(YamlNodeReader.Child(top, "examples"), "examples");
        var examples = exampleNodes.Select((n, i) => ExampleOf(r, n, $"examples[{i}]", id ?? "?", sourceName, i)).OfType<AdvisoryExample>().ToImmutableArray();

        if (references.IsEmpty && !r.HasErrors)
        {
            r.Error(DiagnosticCodes.AdvisoryMissingKey, YamlNodeReader.Child(top, "references"), "'references' must list at least one reference");
        }

        if (!r.HasErrors && status == AdvisoryStatus.Draft)
        {
            // A draft from a feed cannot rule a processor out (absence from a list is not safety): its hosts that must not
            // match expect `unknown`. One that lists processors still needs both kinds.
            if (examples.IsEmpty)
            {
                r.Error(DiagnosticCodes.AdvisoryMissingKey, YamlNodeReader.Child(top, "examples"), "'examples' must contain at least one host");
            }
            else if (!cpuRules.IsEmpty && (!examples.Any(e => e.Expect is Verdict.Affected or Verdict.NeedsConfirmation) || !examples.Any(e => e.Expect is Verdict.NotAffected or Verdict.Unknown)))
            {
                r.Error(DiagnosticCodes.AdvisoryMissingKey, YamlNodeReader.Child(top, "examples"), "'examples' of a draft with CPU rules must contain a host that must match (affected or needs_confirmation) and one that must not (unknown or not_affected)");
            }
        }
        else if (!r.HasErrors)
        {
            // Examples that must and must not match: both kinds are required.
            if (!examples.Any(e => e.Expect is Verdict.Affected or Verdict.NeedsConfirmation))
            {
                r.Error(DiagnosticCodes.AdvisoryMissingKey, YamlNodeReader.Child(top, "examples"), "'examples' must contain at least one host that must match (affected or needs_confirmation)");
            }

            // A draft written from a vendor table whose every row is affected has no not_affected host to show; a curated
            // advisory must have one.
            if (status == AdvisoryStatus.Curated && !examples.Any(e => e.Expect is Verdict.NotAffected))
            {
                r.Error(DiagnosticCodes.AdvisoryMissingKey, YamlNodeReader.Child(top, "examples"), "'examples' must contain at least one host that must not match (not_affected)");
            }
        }

        if (r.HasErrors || id is null || vendor is null || title is null || published is null || severity is null
            || summary is null || affected is null || outOfScope is null || howToCheck is null || remediation is null || policy is null)
        {
            throw new InputException(r.Diagnostics.Count > 0 ? r.Diagnostics : [new Diagnostic(DiagnosticCodes.AdvisoryBadValue, DiagnosticSeverity.Error, new SourceLocation(sourceName), "invalid advisory")]);
        }

        return new Advisory(id, vendor, title, published.Value, severity, cves, summary, affected, cpuRules, firmwareRules,
            outOfScope, howToCheck, remediation, cloud, references, vendorPages, examples, sourceName)
        {
            Policy = policy,
            MicrocodeRules = microcodeRules,
            KernelRules = kernelRules,
            Status = status,
            Aliases = aliases,
            Source = source,
        };
    }

    /// <summary>
    /// <c>source</c>: where an imported advisory came from — <c>feed</c>, <c>record</c>, <c>revision</c>,
    /// <c>record_status</c>, <c>configurations</c>, <c>processors</c>, and <c>unmapped</c> (what could not be mapped).
    /// </summary>
    private static AdvisorySource? SourceOf(YamlNodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, ["feed", "record", "configurations", "processors"], ["revision", "record_status", "unmapped"]);
        if (m is null)
        {
            return null;
        }

        var feed = r.String(YamlNodeReader.Child(m, "feed"), path + ".feed");
        var record = r.String(YamlNodeReader.Child(m, "record"), path + ".record");
        var revision = YamlNodeReader.Child(m, "revision") is { } rev ? r.String(rev, path + ".revision") : null;
        var status = YamlNodeReader.Child(m, "record_status") is { } st ? r.String(st, path + ".record_status") : null;
        var configurations = r.Int(YamlNodeReader.Child(m, "configurations"), path + ".configurations");
        var processors = r.Int(YamlNodeReader.Child(m, "processors"), path + ".processors");
        var unmapped = ImmutableArray.CreateBuilder<UnmappedCriterion>();
        foreach (var (item, i) in r.Sequence(YamlNodeReader.Child(m, "unmapped"), path + ".unmapped").Select((n, i) => (n, i)))
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"{path}.unmapped[{i}]");
            var um = r.Mapping(item, at, ["at", "criteria", "reason"], []);
            var where = r.String(YamlNodeReader.Child(um, "at"), at + ".at");
            var criteria = r.String(YamlNodeReader.Child(um, "criteria"), at + ".criteria");
            var reason = r.String(YamlNodeReader.Child(um, "reason"), at + ".reason");
            if (where is not null && criteria is not null && reason is not null)
            {
                unmapped.Add(new UnmappedCriterion(where, criteria, reason));
            }
        }

        return feed is null || record is null || configurations is null || processors is null
            ? null
            : new AdvisorySource(feed, record, revision, status, configurations.Value, processors.Value, unmapped.ToImmutable());
    }

    private static void CheckUniqueIds(YamlNodeReader r, YamlMappingNode top, string key, IEnumerable<string> ids)
    {
        foreach (var dup in ids.GroupBy(i => i, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, YamlNodeReader.Child(top, key), $"'{key}' has the id '{dup.Key}' more than once");
        }
    }

    private static DateOnly? Date(YamlNodeReader r, YamlNode? node, string path)
    {
        var text = r.String(node, path);
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        r.Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' must be a date yyyy-mm-dd, got '{text}'");
        return null;
    }

    private static CveInfo? Cve(YamlNodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, ["id"], ["cvss", "description"]);
        if (m is null)
        {
            return null;
        }

        var idNode = YamlNodeReader.Child(m, "id");
        var id = r.String(idNode, path + ".id");
        if (id is not null && !Regex.IsMatch(id, "^CVE-[0-9]{4}-[0-9]{4,}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, idNode, $"'{path}.id' must be a CVE id, got '{id}'");
            return null;
        }

        decimal? score = null;
        string? version = null, vector = null;
        if (r.Mapping(YamlNodeReader.Child(m, "cvss"), path + ".cvss", ["version", "score", "vector"], []) is { } cvss)
        {
            version = r.String(YamlNodeReader.Child(cvss, "version"), path + ".cvss.version");
            score = r.Decimal(YamlNodeReader.Child(cvss, "score"), path + ".cvss.score");
            vector = r.String(YamlNodeReader.Child(cvss, "vector"), path + ".cvss.vector");
        }

        var description = YamlNodeReader.Child(m, "description") is { } d ? r.Localized(d, path + ".description") : LocalizedText.Empty;
        return id is null ? null : new CveInfo(id, score, version, vector, description ?? LocalizedText.Empty);
    }

    private static AdvisoryPolicy? PolicyOf(YamlNodeReader r, YamlNode? node, string path)
    {
        if (node is null)
        {
            return AdvisoryPolicy.Firmware;
        }

        var m = r.Mapping(node, path, [], ["stages", "cloud", "virtual_machine", "outside"]);
        if (m is null)
        {
            return null;
        }

        var defaults = AdvisoryPolicy.Firmware;
        var stages = defaults.Stages;
        if (YamlNodeReader.Child(m, "stages") is { } stagesNode)
        {
            var list = new List<ConfirmationStage>();
            foreach (var text in r.Strings(stagesNode, path + ".stages"))
            {
                ConfirmationStage? stage = text switch
                {
                    "firmware" => ConfirmationStage.Firmware,
                    "microcode" => ConfirmationStage.Microcode,
                    "kernel" => ConfirmationStage.Kernel,
                    _ => Bad<ConfirmationStage>(r, stagesNode, $"'{path}.stages' has '{text}' (known: firmware, microcode, kernel)"),
                };
                if (stage is { } st && !list.Contains(st))
                {
                    list.Add(st);
                }
            }

            stages = [.. list];
        }

        var cloud = YamlNodeReader.Child(m, "cloud") is { } cloudNode ? r.String(cloudNode, path + ".cloud") switch
        {
            "provider_managed" => CloudPolicy.ProviderManaged,
            "guest_kernel" => CloudPolicy.GuestKernel,
            var other => Bad<CloudPolicy>(r, cloudNode, $"'{path}.cloud' must be provider_managed or guest_kernel, got '{other}'") ?? defaults.Cloud,
        } : defaults.Cloud;
        var vm = YamlNodeReader.Child(m, "virtual_machine") is { } vmNode ? r.String(vmNode, path + ".virtual_machine") switch
        {
            "needs_confirmation" => Verdict.NeedsConfirmation,
            "unknown" => Verdict.Unknown,
            var other => Bad<Verdict>(r, vmNode, $"'{path}.virtual_machine' must be needs_confirmation or unknown, got '{other}'") ?? defaults.VirtualMachine,
        } : defaults.VirtualMachine;
        var outside = YamlNodeReader.Child(m, "outside") is { } outsideNode ? r.String(outsideNode, path + ".outside") switch
        {
            "not_affected" => OutsidePolicy.NotAffected,
            "unknown" => OutsidePolicy.Unknown,
            var other => Bad<OutsidePolicy>(r, outsideNode, $"'{path}.outside' must be not_affected or unknown, got '{other}'") ?? defaults.Outside,
        } : defaults.Outside;
        return new AdvisoryPolicy(stages, cloud, vm, outside);
    }

    private static void CheckStages(YamlNodeReader r, YamlMappingNode top, AdvisoryPolicy policy, int firmware, int microcode, int kernel)
    {
        void Check(ConfirmationStage stage, int count, string key)
        {
            var listed = policy.Stages.Contains(stage);
            if (listed && count == 0)
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, YamlNodeReader.Child(top, "policy") ?? top, $"'policy.stages' lists {key[..^"_rules".Length]} but the advisory has no '{key}'");
            }
            else if (!listed && count > 0)
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, YamlNodeReader.Child(top, key), $"'{key}' is given but 'policy.stages' does not list {key[..^"_rules".Length]}: the rules would never be read");
            }
        }

        Check(ConfirmationStage.Firmware, firmware, "firmware_rules");
        Check(ConfirmationStage.Microcode, microcode, "microcode_rules");
        Check(ConfirmationStage.Kernel, kernel, "kernel_rules");
    }

    private static CpuRule? CpuRuleOf(YamlNodeReader r, YamlNode node, string path, HashSet<string> cveIds, string sourceName)
    {
        var m = r.Mapping(node, path, ["id", "title", "scope", "when", "examples"], ["expect_firmware", "cves", "check", "no_fix"]);
        if (m is null)
        {
            return null;
        }

        var id = RuleId(r, YamlNodeReader.Child(m, "id"), path + ".id");
        var title = r.Localized(YamlNodeReader.Child(m, "title"), path + ".title");
        var scopeNode = YamlNodeReader.Child(m, "scope");
        CpuRuleScope? scope = r.String(scopeNode, path + ".scope") switch
        {
            "listed" => CpuRuleScope.Listed,
            "conditional" => CpuRuleScope.Conditional,
            "excluded" => CpuRuleScope.Excluded,
            null => null,
            var other => Bad<CpuRuleScope>(r, scopeNode, $"'{path}.scope' must be listed, conditional or excluded, got '{other}'"),
        };
        var when = ConditionReader.Read(r, YamlNodeReader.Child(m, "when"), path + ".when");
        var expect = r.Sequence(YamlNodeReader.Child(m, "expect_firmware"), path + ".expect_firmware")
            .Select((n, i) => Kind(r, n, $"{path}.expect_firmware[{i}]")).OfType<FirmwareKind>().ToImmutableArray();
        var cves = CveRefs(r, YamlNodeReader.Child(m, "cves"), path + ".cves", cveIds);
        var checkNode = YamlNodeReader.Child(m, "check");
        var check = checkNode is null ? LocalizedText.Empty : r.Localized(checkNode, path + ".check");
        if (checkNode is null && scope is CpuRuleScope.Listed or CpuRuleScope.Conditional)
        {
            r.Error(DiagnosticCodes.AdvisoryMissingKey, node, $"'{path}' lacks the required key 'check' (how to confirm a candidate)");
        }

        var noFixNode = YamlNodeReader.Child(m, "no_fix");
        var noFix = r.String(noFixNode, path + ".no_fix") switch
        {
            null or "false" => false,
            "true" => true,
            var other => Bad<bool>(r, noFixNode, $"'{path}.no_fix' must be true or false, got '{other}'") ?? false,
        };
        if (noFix && scope is not CpuRuleScope.Listed)
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, noFixNode, $"'{path}.no_fix' is only for listed rules (the vendor names the processors as affected with no fix)");
        }

        var examples = RuleExamplesOf(r, YamlNodeReader.Child(m, "examples"), path + ".examples", sourceName);
        return id is null || title is null || scope is null || when is null || check is null || examples is null
            ? null
            : new CpuRule(id, title, scope.Value, when, expect, cves, check) { Examples = examples, NoFix = noFix };
    }

    private static FirmwareRule? FirmwareRuleOf(YamlNodeReader r, YamlNode node, string path, HashSet<string> cveIds, string sourceName)
    {
        var m = r.Mapping(node, path, ["id", "kind", "match", "verdict", "examples"], ["amt", "cves", "note", "when"]);
        if (m is null)
        {
            return null;
        }

        var id = RuleId(r, YamlNodeReader.Child(m, "id"), path + ".id");
        var kind = Kind(r, YamlNodeReader.Child(m, "kind"), path + ".kind");
        var matchMap = r.Mapping(YamlNodeReader.Child(m, "match"), path + ".match", [], ["major", "minor", "hotfix", "build", "at_least", "below"]);
        var match = matchMap is null ? null : ConditionReader.FirmwareMatch(r, matchMap, path + ".match");

        var verdictNode = YamlNodeReader.Child(m, "verdict");
        var verdictText = r.String(verdictNode, path + ".verdict");
        Verdict? verdict = null;
        if (verdictText is not null)
        {
            if (Verdicts.TryParse(verdictText, out var v) && v is Verdict.Affected or Verdict.Fixed or Verdict.NotAffected)
            {
                verdict = v;
            }
            else
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, verdictNode, $"'{path}.verdict' must be affected, fixed or not_affected, got '{verdictText}'");
            }
        }

        var amtNode = YamlNodeReader.Child(m, "amt");
        var amt = r.String(amtNode, path + ".amt") switch
        {
            null or "any" => AmtCondition.Any,
            "required" => AmtCondition.Required,
            var other => Bad<AmtCondition>(r, amtNode, $"'{path}.amt' must be required or any, got '{other}'") ?? AmtCondition.Any,
        };

        var cves = CveRefs(r, YamlNodeReader.Child(m, "cves"), path + ".cves", cveIds);
        var note = YamlNodeReader.Child(m, "note") is { } n ? r.Localized(n, path + ".note") : LocalizedText.Empty;
        var whenNode = YamlNodeReader.Child(m, "when");
        var when = whenNode is null ? null : ConditionReader.Read(r, whenNode, path + ".when");
        var examples = RuleExamplesOf(r, YamlNodeReader.Child(m, "examples"), path + ".examples", sourceName);
        return id is null || kind is null || match is null || verdict is null || note is null || examples is null || (whenNode is not null && when is null)
            ? null
            : new FirmwareRule(id, kind.Value, match, verdict.Value, amt, cves, note) { When = when, Examples = examples };
    }

    private static MicrocodeRule? MicrocodeRuleOf(YamlNodeReader r, YamlNode node, string path, HashSet<string> cveIds, string sourceName)
    {
        var m = r.Mapping(node, path, ["id", "when", "fixed", "fixes", "examples"], ["cves", "note"]);
        if (m is null)
        {
            return null;
        }

        var id = RuleId(r, YamlNodeReader.Child(m, "id"), path + ".id");
        var when = ConditionReader.Read(r, YamlNodeReader.Child(m, "when"), path + ".when");
        var thresholds = YamlNodeReader.Child(m, "fixed") is { } fixedNode ? ConditionReader.Thresholds(r, fixedNode, path + ".fixed") : null;
        var fixesNode = YamlNodeReader.Child(m, "fixes");
        bool? alone = r.String(fixesNode, path + ".fixes") switch
        {
            "microcode" => true,
            "microcode_and_software" => false,
            null => null,
            var other => Bad<bool>(r, fixesNode, $"'{path}.fixes' must be microcode or microcode_and_software, got '{other}'"),
        };
        var cves = CveRefs(r, YamlNodeReader.Child(m, "cves"), path + ".cves", cveIds);
        var note = YamlNodeReader.Child(m, "note") is { } n ? r.Localized(n, path + ".note") : LocalizedText.Empty;
        var examples = RuleExamplesOf(r, YamlNodeReader.Child(m, "examples"), path + ".examples", sourceName);
        return id is null || when is null || thresholds is null || alone is null || note is null || examples is null
            ? null
            : new MicrocodeRule(id, when, new MicrocodePredicate(thresholds.Value), alone.Value, cves, note) { Examples = examples };
    }

    // Beginnings of "Mitigation: …" lines that are only partial mitigations: each must itself be a "Mitigation:" line, or
    // the entry could never apply (a "Vulnerable…" line is affected anyway).
    private static ImmutableArray<string> PartialMitigations(YamlNodeReader r, YamlNode? node, string path)
    {
        if (node is null)
        {
            return [];
        }

        var list = ImmutableArray.CreateBuilder<string>();
        var items = r.Sequence(node, path);
        for (var i = 0; i < items.Length; i++)
        {
            if (r.String(items[i], $"{path}[{i}]") is not { } text)
            {
                continue;
            }

            if (!text.StartsWith("Mitigation:", StringComparison.OrdinalIgnoreCase) || text.Trim().Length <= "Mitigation:".Length)
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, items[i], $"'{path}[{i}]' must be the beginning of a kernel line 'Mitigation: …', got '{text}'");
                continue;
            }

            list.Add(text.Trim());
        }

        return list.ToImmutable();
    }

    private static KernelRule? KernelRuleOf(YamlNodeReader r, YamlNode node, string path, HashSet<string> cveIds, string sourceName)
    {
        var m = r.Mapping(node, path, ["id", "file", "examples"], ["cves", "note", "partial"]);
        if (m is null)
        {
            return null;
        }

        var id = RuleId(r, YamlNodeReader.Child(m, "id"), path + ".id");
        var fileNode = YamlNodeReader.Child(m, "file");
        var file = r.String(fileNode, path + ".file") is { } f ? ConditionReader.KernelFile(r, fileNode, path + ".file", f) : null;
        var cves = CveRefs(r, YamlNodeReader.Child(m, "cves"), path + ".cves", cveIds);
        var note = YamlNodeReader.Child(m, "note") is { } n ? r.Localized(n, path + ".note") : LocalizedText.Empty;
        var examples = RuleExamplesOf(r, YamlNodeReader.Child(m, "examples"), path + ".examples", sourceName);
        var partial = PartialMitigations(r, YamlNodeReader.Child(m, "partial"), path + ".partial");
        return id is null || file is null || note is null || examples is null
            ? null
            : new KernelRule(id, file, cves, note) { Examples = examples, Partial = partial };
    }

    /// <summary>A rule's examples: <c>match</c> and <c>no_match</c>, each a non-empty list of hosts (with facts inline).</summary>
    private static RuleExamples? RuleExamplesOf(YamlNodeReader r, YamlNode? node, string path, string sourceName)
    {
        var m = r.Mapping(node, path, ["match", "no_match"], []);
        if (m is null)
        {
            return null;
        }

        ImmutableArray<RuleExample> Read(string key)
        {
            var items = r.Sequence(YamlNodeReader.Child(m, key), $"{path}.{key}");
            if (items.IsEmpty && YamlNodeReader.Child(m, key) is { } empty)
            {
                r.Error(DiagnosticCodes.AdvisoryMissingKey, empty, $"'{path}.{key}' must list at least one host");
            }

            var list = ImmutableArray.CreateBuilder<RuleExample>();
            for (var i = 0; i < items.Length; i++)
            {
                var at = $"{path}.{key}[{i}]";
                var hm = r.Mapping(items[i], at, [], [.. HostKeys, .. FactKeys, "name"]);
                var name = YamlNodeReader.Child(hm, "name") is { } nameNode ? r.String(nameNode, at + ".name") : null;
                var host = HostOf(r, hm, at, sourceName, string.Create(CultureInfo.InvariantCulture, $"{key}-{i + 1}"), name);
                var facts = FactsOf(r, hm, at, sourceName);
                if (host is not null && facts is not null)
                {
                    var location = r.Location(items[i]);
                    var label = name ?? host.Processors.FirstOrDefault()?.BrandString ?? host.Name;
                    list.Add(new RuleExample(label, host, facts, location.ToString()));
                }
            }

            return list.ToImmutable();
        }

        var match = Read("match");
        var noMatch = Read("no_match");
        return new RuleExamples(match, noMatch);
    }

    private static CloudStatement? CloudOf(YamlNodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, ["provider", "statement"], ["references"]);
        if (m is null)
        {
            return null;
        }

        var providerNode = YamlNodeReader.Child(m, "provider");
        CloudProvider? provider = r.String(providerNode, path + ".provider") switch
        {
            "aws" => CloudProvider.Aws,
            "gcp" => CloudProvider.Gcp,
            "azure" => CloudProvider.Azure,
            null => null,
            var other => Bad<CloudProvider>(r, providerNode, $"'{path}.provider' must be aws, gcp or azure, got '{other}'"),
        };
        var statement = r.Localized(YamlNodeReader.Child(m, "statement"), path + ".statement");
        var refs = r.Strings(YamlNodeReader.Child(m, "references"), path + ".references");
        foreach (var url in refs.Where(u => !IsUrl(u)))
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, YamlNodeReader.Child(m, "references"), $"'{path}.references' has '{url}', which is not an http(s) URL");
        }

        return provider is null || statement is null ? null : new CloudStatement(provider.Value, statement, refs);
    }

    private static Reference? ReferenceOf(YamlNodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, ["title", "url"], []);
        var title = r.String(YamlNodeReader.Child(m, "title"), path + ".title");
        var url = Url(r, YamlNodeReader.Child(m, "url"), path + ".url");
        return title is null || url is null ? null : new Reference(title, url);
    }

    private static VendorPage? VendorPageOf(YamlNodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, ["vendor", "title", "url"], ["matches"]);
        var vendor = r.String(YamlNodeReader.Child(m, "vendor"), path + ".vendor");
        var title = r.String(YamlNodeReader.Child(m, "title"), path + ".title");
        var url = Url(r, YamlNodeReader.Child(m, "url"), path + ".url");
        var matches = r.Strings(YamlNodeReader.Child(m, "matches"), path + ".matches");
        return vendor is null || title is null || url is null ? null : new VendorPage(vendor, title, url, matches);
    }

    private static AdvisoryExample? ExampleOf(YamlNodeReader r, YamlNode node, string path, string advisoryId, string sourceName, int index)
    {
        var m = r.Mapping(node, path, ["name", "host", "expect"], [.. FactKeys, "stage", "clause", "notes"]);
        if (m is null)
        {
            return null;
        }

        var name = r.String(YamlNodeReader.Child(m, "name"), path + ".name");
        var hostMap = r.Mapping(YamlNodeReader.Child(m, "host"), path + ".host", [], HostKeys);
        var host = hostMap is null ? null : HostOf(r, hostMap, path + ".host", sourceName, string.Create(CultureInfo.InvariantCulture, $"example-{index + 1}"), name);
        var facts = FactsOf(r, m, path, sourceName);

        var expectNode = YamlNodeReader.Child(m, "expect");
        var expectText = r.String(expectNode, path + ".expect");
        Verdict? expect = null;
        if (expectText is not null)
        {
            if (Verdicts.TryParse(expectText, out var v))
            {
                expect = v;
            }
            else
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, expectNode, $"'{path}.expect' must be a verdict ({string.Join(", ", Verdicts.All.Select(x => x.ToWire()))}), got '{expectText}'");
            }
        }

        var stageNode = YamlNodeReader.Child(m, "stage");
        Stage? stage = null;
        if (r.String(stageNode, path + ".stage") is { } stageText)
        {
            if (Verdicts.TryParseStage(stageText, out var st) && st != Stage.Decision)
            {
                stage = st;
            }
            else
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, stageNode, $"'{path}.stage' must be cpu, firmware, microcode, kernel or cloud, got '{stageText}'");
            }
        }

        var clause = r.String(YamlNodeReader.Child(m, "clause"), path + ".clause");
        _ = r.String(YamlNodeReader.Child(m, "notes"), path + ".notes");
        _ = advisoryId;
        return name is null || host is null || facts is null || expect is null ? null : new AdvisoryExample(name, host, facts, expect.Value, stage, clause);
    }

    /// <summary>An example host from <c>vendor_id</c>, <c>model_name</c>, <c>signature</c> (decimal <c>family model [stepping]</c>), <c>cloud</c>, <c>no_cpu</c>, <c>virtual</c>.</summary>
    private static Host? HostOf(YamlNodeReader r, YamlMappingNode? hostMap, string path, string sourceName, string hostId, string? displayName)
    {
        if (hostMap is null)
        {
            return null;
        }

        var noCpu = YamlNodeReader.Child(hostMap, "no_cpu") is { } noCpuNode && r.String(noCpuNode, path + ".no_cpu") == "true";
        var vendorId = YamlNodeReader.Child(hostMap, "vendor_id") is { } vn ? r.String(vn, path + ".vendor_id") : null;
        var modelName = YamlNodeReader.Child(hostMap, "model_name") is { } mn ? r.String(mn, path + ".model_name") : null;
        CpuSignature? signature = null;
        var sigNode = YamlNodeReader.Child(hostMap, "signature");
        if (sigNode is not null && r.String(sigNode, path + ".signature") is { } sigText)
        {
            var parts = sigText.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is 2 or 3 && parts.All(p => p.Length <= 4 && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                var n = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
                signature = new CpuSignature(n[0], n[1], n.Length == 3 ? n[2] : null);
            }
            else
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, sigNode, $"'{path}.signature' must be 'family model [stepping]' in decimal, got '{sigText}'");
            }
        }

        var cloudNode = YamlNodeReader.Child(hostMap, "cloud");
        CloudInfo? cloud = cloudNode is null ? null : r.String(cloudNode, path + ".cloud") switch
        {
            "aws" => new CloudInfo(CloudProvider.Aws, "ec2", null, "example"),
            "gcp" => new CloudInfo(CloudProvider.Gcp, "gce", null, "example"),
            "azure" => new CloudInfo(CloudProvider.Azure, "AzureVM", null, "example"),
            var other => BadRef<CloudInfo>(r, cloudNode, $"'{path}.cloud' must be aws, gcp or azure, got '{other}'"),
        };
        _ = sourceName;

        ImmutableArray<ProcessorFact> processors = noCpu || (modelName is null && vendorId is null && signature is null)
            ? []
            : [new ProcessorFact(vendorId, modelName, signature, 1, 1)];
        return new Host(hostId, hostId, displayName, HostStatus.Working, false, [], cloud, processors, "Linux", processors.IsEmpty ? "meta.cpu absent" : null);
    }

    /// <summary>Example facts: <c>firmware</c> (list of {kind, version, amt}), <c>microcode</c> (hex), <c>kernel</c> (file → line), <c>virtual</c>.</summary>
    private static HostFacts? FactsOf(YamlNodeReader r, YamlMappingNode? m, string path, string sourceName)
    {
        if (m is null)
        {
            return null;
        }

        var errors = r.Diagnostics.Count;
        var firmware = ImmutableArray.CreateBuilder<FirmwareFact>();
        foreach (var (fwNode, i) in r.Sequence(YamlNodeReader.Child(m, "firmware"), path + ".firmware").Select((n, i) => (n, i)))
        {
            var fp = $"{path}.firmware[{i}]";
            var fm = r.Mapping(fwNode, fp, ["kind", "version"], ["amt"]);
            var kind = Kind(r, YamlNodeReader.Child(fm, "kind"), fp + ".kind");
            var version = ConditionReader.Version(r, YamlNodeReader.Child(fm, "version"), fp + ".version");
            var amtNode = YamlNodeReader.Child(fm, "amt");
            bool? amt = r.String(amtNode, fp + ".amt") switch
            {
                null => null,
                "true" => true,
                "false" => false,
                var other => Bad<bool>(r, amtNode, $"'{fp}.amt' must be true or false, got '{other}'"),
            };
            if (kind is not null && version is not null)
            {
                firmware.Add(new FirmwareFact(kind.Value, version.Value, amt, $"{sourceName}#{fp}"));
            }
        }

        MicrocodeFact? microcode = null;
        if (YamlNodeReader.Child(m, "microcode") is { } mcNode && r.String(mcNode, path + ".microcode") is { } mcText)
        {
            if (MicrocodeRevision.TryParse(mcText, out var rev))
            {
                microcode = new MicrocodeFact(rev, mcText, $"{sourceName}#{path}.microcode");
            }
            else
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, mcNode, $"'{path}.microcode' must be a hex revision (0x…), got '{mcText}'");
            }
        }

        var kernel = ImmutableArray.CreateBuilder<KernelVulnerabilityFact>();
        var kernelNode = YamlNodeReader.Child(m, "kernel");
        if (kernelNode is not null and not YamlMappingNode)
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, kernelNode, $"'{path}.kernel' must be a mapping of vulnerability file names to kernel lines");
        }

        if (kernelNode is YamlMappingNode km)
        {
            // Keys are file names; the mapping accepts any (validated below), so read it directly.
            foreach (var (k, v) in km.Children)
            {
                if (k is YamlScalarNode { Value: { } file } && ConditionReader.KernelFile(r, k, path + ".kernel", file) is not null
                    && r.String(v, $"{path}.kernel.{file}") is { } line)
                {
                    kernel.Add(KernelVulnerabilityStatus.Classify(file, line, $"{sourceName}#{path}.kernel.{file}"));
                }
            }
        }

        if (r.Diagnostics.Count > errors)
        {
            return null;
        }

        var virtualNode = YamlNodeReader.Child(m, "virtual");
        bool? isVirtual = virtualNode is null ? null : r.String(virtualNode, path + ".virtual") == "true";
        return firmware.Count == 0 && microcode is null && kernel.Count == 0 && isVirtual is null
            ? HostFacts.None
            : new HostFacts(firmware.ToImmutable(), sourceName, []) { Microcode = microcode, Kernel = [.. kernel.OrderBy(k => k.Name, StringComparer.Ordinal)], Virtual = isVirtual };
    }

    private static ImmutableArray<string> CveRefs(YamlNodeReader r, YamlNode? node, string path, HashSet<string> cveIds)
    {
        var list = r.Strings(node, path);
        foreach (var cve in list.Where(c => !cveIds.Contains(c)))
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' names {cve}, which is not in the advisory's 'cves'");
        }

        return list;
    }

    private static string? RuleId(YamlNodeReader r, YamlNode? node, string path)
    {
        var id = r.String(node, path);
        if (id is not null && !Regex.IsMatch(id, "^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' must be kebab-case (a-z, 0-9, -), got '{id}'");
            return null;
        }

        return id;
    }

    private static FirmwareKind? Kind(YamlNodeReader r, YamlNode? node, string path) => r.String(node, path) switch
    {
        null => null,
        "me" => FirmwareKind.Me,
        "sps" => FirmwareKind.Sps,
        "txe" => FirmwareKind.Txe,
        var other => Bad<FirmwareKind>(r, node, $"'{path}' must be me, sps or txe, got '{other}'"),
    };

    private static string? Url(YamlNodeReader r, YamlNode? node, string path)
    {
        var url = r.String(node, path);
        if (url is not null && !IsUrl(url))
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' must be an http(s) URL, got '{url}'");
            return null;
        }

        return url;
    }

    private static bool IsUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static T? Bad<T>(YamlNodeReader r, YamlNode? node, string message)
        where T : struct
    {
        r.Error(DiagnosticCodes.AdvisoryBadValue, node, message);
        return null;
    }

    private static T? BadRef<T>(YamlNodeReader r, YamlNode? node, string message)
        where T : class
    {
        r.Error(DiagnosticCodes.AdvisoryBadValue, node, message);
        return null;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
