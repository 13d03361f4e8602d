using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Versions;
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
        ["id", "vendor", "title", "published", "severity", "cves", "summary", "affected_systems", "cpu_rules", "firmware_rules", "how_to_check", "remediation", "references", "examples"];

    private static readonly string[] TopOptional = ["out_of_scope", "cloud", "vendor_pages"];

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
        var cpuRules = r.Sequence(YamlNodeReader.Child(top, "cpu_rules"), "cpu_rules").Select((n, i) => CpuRuleOf(r, n, $"cpu_rules[{i}]", cveIds)).OfType<CpuRule>().ToImmutableArray();
        var firmwareRules = r.Sequence(YamlNodeReader.Child(top, "firmware_rules"), "firmware_rules").Select((n, i) => FirmwareRuleOf(r, n, $"firmware_rules[{i}]", cveIds)).OfType<FirmwareRule>().ToImmutableArray();
        CheckUniqueIds(r, top, "cpu_rules", cpuRules.Select(c => c.Id));
        CheckUniqueIds(r, top, "firmware_rules", firmwareRules.Select(c => c.Id));
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

        if (!r.HasErrors)
        {
            // Examples that must and must not match: both kinds are required.
            if (!examples.Any(e => e.Expect is Verdict.Affected or Verdict.NeedsConfirmation))
            {
                r.Error(DiagnosticCodes.AdvisoryMissingKey, YamlNodeReader.Child(top, "examples"), "'examples' must contain at least one host that must match (affected or needs_confirmation)");
            }

            if (!examples.Any(e => e.Expect is Verdict.NotAffected))
            {
                r.Error(DiagnosticCodes.AdvisoryMissingKey, YamlNodeReader.Child(top, "examples"), "'examples' must contain at least one host that must not match (not_affected)");
            }
        }

        if (r.HasErrors || id is null || vendor is null || title is null || published is null || severity is null
            || summary is null || affected is null || outOfScope is null || howToCheck is null || remediation is null)
        {
            throw new InputException(r.Diagnostics.Count > 0 ? r.Diagnostics : [new Diagnostic(DiagnosticCodes.AdvisoryBadValue, DiagnosticSeverity.Error, new SourceLocation(sourceName), "invalid advisory")]);
        }

        return new Advisory(id, vendor, title, published.Value, severity, cves, summary, affected, cpuRules, firmwareRules,
            outOfScope, howToCheck, remediation, cloud, references, vendorPages, examples, sourceName);
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

    private static CpuRule? CpuRuleOf(YamlNodeReader r, YamlNode node, string path, HashSet<string> cveIds)
    {
        var m = r.Mapping(node, path, ["id", "title", "scope", "match", "check"], ["expect_firmware", "cves"]);
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
            null => null,
            var other => Bad<CpuRuleScope>(r, scopeNode, $"'{path}.scope' must be listed or conditional, got '{other}'"),
        };
        var match = CpuMatchOf(r, YamlNodeReader.Child(m, "match"), path + ".match");
        var expect = r.Sequence(YamlNodeReader.Child(m, "expect_firmware"), path + ".expect_firmware")
            .Select((n, i) => Kind(r, n, $"{path}.expect_firmware[{i}]")).OfType<FirmwareKind>().ToImmutableArray();
        var cves = CveRefs(r, YamlNodeReader.Child(m, "cves"), path + ".cves", cveIds);
        var check = r.Localized(YamlNodeReader.Child(m, "check"), path + ".check");
        return id is null || title is null || scope is null || match is null || check is null
            ? null
            : new CpuRule(id, title, scope.Value, match, expect, cves, check);
    }

    private static CpuMatch? CpuMatchOf(YamlNodeReader r, YamlNode? node, string path)
    {
        var m = r.Mapping(node, path, [], ["vendor", "product_line", "generation", "model_number", "microarchitecture", "codename", "segment", "signature"]);
        if (m is null)
        {
            return null;
        }

        if (m.Children.Count == 0)
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' must have at least one condition");
            return null;
        }

        var vendors = r.Strings(YamlNodeReader.Child(m, "vendor"), path + ".vendor").Select(v => v switch
        {
            "intel" => CpuVendor.Intel,
            "amd" => CpuVendor.Amd,
            "hygon" => CpuVendor.Hygon,
            "via" => CpuVendor.Via,
            "zhaoxin" => CpuVendor.Zhaoxin,
            "arm" => CpuVendor.Arm,
            _ => Bad<CpuVendor>(r, YamlNodeReader.Child(m, "vendor"), $"'{path}.vendor' has unknown vendor '{v}' (intel, amd, hygon, via, zhaoxin, arm)") ?? CpuVendor.Unknown,
        }).ToImmutableArray();

        var lines = r.Strings(YamlNodeReader.Child(m, "product_line"), path + ".product_line");
        foreach (var line in lines.Where(l => !ProductLines.All.Contains(l)))
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, YamlNodeReader.Child(m, "product_line"), $"'{path}.product_line' has unknown product line '{line}' (known: {string.Join(", ", ProductLines.All.Order(StringComparer.Ordinal))})");
        }

        var generations = r.IntSetOf(YamlNodeReader.Child(m, "generation"), path + ".generation");
        var genList = generations is null ? ImmutableArray<int>.Empty : [.. generations.Ranges.SelectMany(g => Enumerable.Range(g.Low, Math.Min(g.High - g.Low + 1, 100)))];

        var models = ImmutableArray.CreateBuilder<Regex>();
        var modelNode = YamlNodeReader.Child(m, "model_number");
        foreach (var pattern in r.Strings(modelNode, path + ".model_number"))
        {
            try
            {
                models.Add(new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100)));
            }
            catch (ArgumentException e)
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, modelNode, $"'{path}.model_number' has an invalid regular expression '{pattern}': {OneLine(e.Message)}");
            }
        }

        var segments = r.Strings(YamlNodeReader.Child(m, "segment"), path + ".segment").Select(s => s switch
        {
            "server" => MarketSegment.Server,
            "desktop" => MarketSegment.Desktop,
            "mobile" => MarketSegment.Mobile,
            "embedded" => MarketSegment.Embedded,
            _ => Bad<MarketSegment>(r, YamlNodeReader.Child(m, "segment"), $"'{path}.segment' has unknown segment '{s}' (server, desktop, mobile, embedded)") ?? MarketSegment.Unknown,
        }).ToImmutableArray();

        var signatures = r.Sequence(YamlNodeReader.Child(m, "signature"), path + ".signature").Select((n, i) =>
        {
            var sm = r.Mapping(n, $"{path}.signature[{i}]", ["family"], ["model", "stepping"]);
            if (sm is null)
            {
                return null;
            }

            var family = r.Int(YamlNodeReader.Child(sm, "family"), $"{path}.signature[{i}].family");
            var model = r.IntSetOf(YamlNodeReader.Child(sm, "model"), $"{path}.signature[{i}].model");
            var stepping = r.IntSetOf(YamlNodeReader.Child(sm, "stepping"), $"{path}.signature[{i}].stepping");
            return family is null ? null : new SignatureMatch(family.Value, model, stepping);
        }).OfType<SignatureMatch>().ToImmutableArray();

        return new CpuMatch(vendors, lines, genList, models.ToImmutable(), r.Strings(YamlNodeReader.Child(m, "microarchitecture"), path + ".microarchitecture"),
            r.Strings(YamlNodeReader.Child(m, "codename"), path + ".codename"), segments, signatures);
    }

    private static FirmwareRule? FirmwareRuleOf(YamlNodeReader r, YamlNode node, string path, HashSet<string> cveIds)
    {
        var m = r.Mapping(node, path, ["id", "kind", "match", "verdict"], ["amt", "cves", "note"]);
        if (m is null)
        {
            return null;
        }

        var id = RuleId(r, YamlNodeReader.Child(m, "id"), path + ".id");
        var kind = Kind(r, YamlNodeReader.Child(m, "kind"), path + ".kind");
        var matchMap = r.Mapping(YamlNodeReader.Child(m, "match"), path + ".match", [], ["major", "minor", "hotfix", "at_least", "below"]);
        FirmwareMatch? match = null;
        if (matchMap is not null)
        {
            if (matchMap.Children.Count == 0)
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, matchMap, $"'{path}.match' must have at least one condition");
            }

            match = new FirmwareMatch(
                r.IntSetOf(YamlNodeReader.Child(matchMap, "major"), path + ".match.major"),
                r.IntSetOf(YamlNodeReader.Child(matchMap, "minor"), path + ".match.minor"),
                r.IntSetOf(YamlNodeReader.Child(matchMap, "hotfix"), path + ".match.hotfix"),
                Version(r, YamlNodeReader.Child(matchMap, "at_least"), path + ".match.at_least"),
                Version(r, YamlNodeReader.Child(matchMap, "below"), path + ".match.below"));
        }

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
        return id is null || kind is null || match is null || verdict is null || note is null
            ? null
            : new FirmwareRule(id, kind.Value, match, verdict.Value, amt, cves, note);
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
        var m = r.Mapping(node, path, ["name", "host", "expect"], ["firmware", "stage", "clause", "notes"]);
        if (m is null)
        {
            return null;
        }

        var name = r.String(YamlNodeReader.Child(m, "name"), path + ".name");
        var hostMap = r.Mapping(YamlNodeReader.Child(m, "host"), path + ".host", [], ["vendor_id", "model_name", "signature", "cloud", "no_cpu"]);
        Host? host = null;
        if (hostMap is not null)
        {
            var noCpu = r.String(YamlNodeReader.Child(hostMap, "no_cpu"), path + ".host.no_cpu") == "true";
            var vendorId = r.String(YamlNodeReader.Child(hostMap, "vendor_id"), path + ".host.vendor_id");
            var modelName = r.String(YamlNodeReader.Child(hostMap, "model_name"), path + ".host.model_name");
            CpuSignature? signature = null;
            var sigNode = YamlNodeReader.Child(hostMap, "signature");
            if (r.String(sigNode, path + ".host.signature") is { } sigText)
            {
                var parts = sigText.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length is 2 or 3 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                {
                    var n = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
                    signature = new CpuSignature(n[0], n[1], n.Length == 3 ? n[2] : null);
                }
                else
                {
                    r.Error(DiagnosticCodes.AdvisoryBadValue, sigNode, $"'{path}.host.signature' must be 'family model [stepping]' in decimal, got '{sigText}'");
                }
            }

            var cloudNode = YamlNodeReader.Child(hostMap, "cloud");
            CloudInfo? cloud = r.String(cloudNode, path + ".host.cloud") switch
            {
                null => null,
                "aws" => new CloudInfo(CloudProvider.Aws, "ec2", null, "example"),
                "gcp" => new CloudInfo(CloudProvider.Gcp, "gce", null, "example"),
                "azure" => new CloudInfo(CloudProvider.Azure, "AzureVM", null, "example"),
                var other => BadRef<CloudInfo>(r, cloudNode, $"'{path}.host.cloud' must be aws, gcp or azure, got '{other}'"),
            };

            ImmutableArray<ProcessorFact> processors = noCpu || (modelName is null && vendorId is null && signature is null)
                ? []
                : [new ProcessorFact(vendorId, modelName, signature, 1, 1)];
            var hostId = string.Create(CultureInfo.InvariantCulture, $"example-{index + 1}");
            host = new Host(hostId, hostId, name, HostStatus.Working, false, [], cloud, processors, "Linux", processors.IsEmpty ? "meta.cpu absent" : null);
        }

        var firmware = ImmutableArray.CreateBuilder<FirmwareFact>();
        foreach (var (fwNode, i) in r.Sequence(YamlNodeReader.Child(m, "firmware"), path + ".firmware").Select((n, i) => (n, i)))
        {
            var fp = $"{path}.firmware[{i}]";
            var fm = r.Mapping(fwNode, fp, ["kind", "version"], ["amt"]);
            var kind = Kind(r, YamlNodeReader.Child(fm, "kind"), fp + ".kind");
            var version = Version(r, YamlNodeReader.Child(fm, "version"), fp + ".version");
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
            if (Verdicts.TryParseStage(stageText, out var s))
            {
                stage = s;
            }
            else
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, stageNode, $"'{path}.stage' must be cpu, firmware or cloud, got '{stageText}'");
            }
        }

        var clause = r.String(YamlNodeReader.Child(m, "clause"), path + ".clause");
        _ = r.String(YamlNodeReader.Child(m, "notes"), path + ".notes");
        var facts = firmware.Count == 0 ? HostFacts.None : new HostFacts(firmware.ToImmutable(), sourceName, []);
        return name is null || host is null || expect is null ? null : new AdvisoryExample(name, host, facts, expect.Value, stage, clause);
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

    private static FirmwareVersion? Version(YamlNodeReader r, YamlNode? node, string path)
    {
        var text = r.String(node, path);
        if (text is null)
        {
            return null;
        }

        if (FirmwareVersion.TryParse(text, out var v, out var error))
        {
            return v;
        }

        r.Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' is not a firmware version: {error}");
        return null;
    }

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
