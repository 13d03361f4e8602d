using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Cpe;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Matching;

namespace VulnTriage.Advisories.Nvd;

/// <summary>
/// Writes a draft advisory as YAML in the advisory format (docs/advisory-format.md): every string double-quoted and
/// escaped (descriptions and CPE strings come from a third-party feed), one criterion per line so that a review diff
/// reads well, and comments that say where each rule came from.
/// </summary>
internal static class NvdDraftYaml
{
    public static string Write(
        NvdRecord record,
        IReadOnlyList<DraftCpuRule> cpuRules,
        IReadOnlyList<DraftFirmwareRule> firmwareRules,
        ImmutableArray<DraftExample> examples,
        IReadOnlyList<UnmappedCriterion> unmapped,
        int processors,
        int named,
        ImmutableArray<string> stages)
    {
        var w = new StringBuilder(4096 + (processors * 64));
        var id = record.Id;
        var revision = record.LastModified ?? "unknown";
        var status = record.VulnStatus ?? "unknown";
        var configurations = record.Configurations.Length;
        var unmappedConfigs = unmapped.Select(u => u.Location).Distinct(StringComparer.Ordinal).Count();

        Comment(w, $"DRAFT advisory imported from NVD by `vulntriage advisories import nvd`: review it before relying on it.");
        Comment(w, $"Source: NVD CVE API 2.0 record {id}, vulnStatus {status}, lastModified {revision} ({record.Location.Source}).");
        Comment(w, "Format: docs/advisory-format.md; how NVD configurations are mapped: docs/nvd-import.md.");
        Comment(w, "A processor NVD does not list is `unknown` (policy.outside), never `not_affected`: absence from NVD's list is not safety.");
        if (processors > 0)
        {
            Comment(w, string.Create(CultureInfo.InvariantCulture, $"{processors} processor CPEs are listed; {named} of them are named back from a brand string this tool identifies."));
        }

        Line(w, 0, "id: " + Q(id));
        Line(w, 0, "status: draft");
        Line(w, 0, "source:");
        Line(w, 2, "feed: nvd");
        Line(w, 2, "record: " + Q(id));
        Line(w, 2, "revision: " + Q(revision));
        Line(w, 2, "record_status: " + Q(status));
        Line(w, 2, "configurations: " + configurations.ToString(CultureInfo.InvariantCulture));
        Line(w, 2, "processors: " + processors.ToString(CultureInfo.InvariantCulture));
        if (unmapped.Count > 0)
        {
            Line(w, 2, "unmapped:");
            foreach (var u in unmapped)
            {
                Line(w, 4, $"- {{ at: {Q(u.Location)}, criteria: {Q(u.Criteria)}, reason: {Q(u.Reason)} }}");
            }
        }

        Line(w, 0, "vendor: " + Q(Vendor(record)));
        var description = Collapse(record.Description);
        // Reports show "<id>: <title>", so the title is NVD's first sentence alone (English; Japanese falls back to it).
        Line(w, 0, "title:");
        Line(w, 2, "en: " + Q(FirstSentence(description)));
        Line(w, 0, "published: " + Q(Date(record.Published) ?? Date(record.LastModified) ?? "1999-01-01"));
        var metric = record.Metrics.FirstOrDefault();
        if (metric is null)
        {
            Comment(w, "The record carries no CVSS score: severity is set to high until someone reviews it.");
        }

        Line(w, 0, "severity: " + Severity(metric));
        Line(w, 0, "cves:");
        Line(w, 2, "- id: " + Q(id));
        if (metric is { Vector: { Length: > 0 } vector })
        {
            Line(w, 4, $"cvss: {{ version: {Q(metric.Version)}, score: {Q(metric.Score.ToString(CultureInfo.InvariantCulture))}, vector: {Q(vector)} }}");
        }

        if (description.Length > 0)
        {
            Line(w, 4, "description: { en: " + Q(description) + " }");
        }

        Localized(w, 0, "summary", description.Length > 0
            ? new LocalizedText(description, "NVD の説明（英語）: " + description)
            : new LocalizedText($"NVD's record {id} has no description.", $"NVD のレコード {id} には説明がありません。"));
        Localized(w, 0, "affected_systems", configurations == 0
            ? new LocalizedText(
                $"NVD has not analysed {id} yet (vulnStatus {status}, lastModified {revision}): the record has no configuration, so every host is unknown. Import the record again once NVD has analysed it.",
                $"NVD は {id} をまだ分析していません（状態 {status}、最終更新 {revision}）。レコードに構成がないため、すべてのホストを「不明」とします。NVD の分析後にレコードを取り込み直してください。")
            : new LocalizedText(
                string.Create(CultureInfo.InvariantCulture,
                    $"NVD's record {id} (vulnStatus {status}, lastModified {revision}) has {configurations} configurations; {configurations - unmappedConfigs} were mapped to rules ({processors} processors, {firmwareRules.Count} firmware rules) and {unmapped.Count} criteria in {unmappedConfigs} configurations could not be (listed under source.unmapped). A processor NVD does not list is unknown, not unaffected."),
                string.Create(CultureInfo.InvariantCulture,
                    $"NVD のレコード {id}（状態 {status}、最終更新 {revision}）には構成が {configurations} 件あり、{configurations - unmappedConfigs} 件をルールにしました（プロセッサー {processors} 件、ファームウェアのルール {firmwareRules.Count} 件）。{unmappedConfigs} 件の構成にある {unmapped.Count} 件の条件はルールにできず、source.unmapped に記載しています。NVD に記載のないプロセッサーは「影響なし」ではなく「不明」とします。")));

        Line(w, 0, "policy:");
        Line(w, 2, "stages: [" + string.Join(", ", stages) + "]");
        Line(w, 2, "cloud: provider_managed");
        Line(w, 2, "virtual_machine: unknown");
        Line(w, 2, "outside: unknown");

        if (cpuRules.Count == 0)
        {
            Line(w, 0, "cpu_rules: []");
        }
        else
        {
            Line(w, 0, "cpu_rules:");
            foreach (var rule in cpuRules)
            {
                Comment(w, 2, rule.Comment);
                Line(w, 2, "- id: " + rule.Id);
                Localized(w, 4, "title", rule.Title);
                Line(w, 4, "scope: listed");
                Line(w, 4, "when:");
                foreach (var line in Condition(rule.When))
                {
                    Line(w, 6, line);
                }

                if (!rule.ExpectFirmware.IsDefaultOrEmpty)
                {
                    Line(w, 4, "expect_firmware: [" + string.Join(", ", rule.ExpectFirmware.Select(FirmwareKinds.Key)) + "]");
                }

                Line(w, 4, "cves: [" + Q(id) + "]");
                Localized(w, 4, "check", rule.Check);
                Line(w, 4, "examples:");
                Line(w, 6, "match: [" + Host(rule.Match with { Name = rule.Match.Name + ": listed" }) + "]");
                Line(w, 6, "no_match: [" + Host(rule.NoMatch with { Name = rule.NoMatch.Name + ": not listed" }) + "]");
            }
        }

        // Absence from NVD's list is not safety, so the draft rules no processor out; a reviewer who has the other vendors'
        // statements can (their hosts stay unknown until then).
        var vendors = cpuRules.SelectMany(r => r.When.Leaves()).OfType<CpuCpePredicate>().Select(p => p.Index.Vendors).ToList();
        if (vendors.Count > 0 && vendors.All(v => v is not null) && vendors.SelectMany(v => v!).Distinct(StringComparer.Ordinal).ToList() is [var only] && only is "intel" or "amd")
        {
            Comment(w, 2, $"Review: NVD lists {only} processors only. Once the other vendors state theirs are not affected, rule them out (their hosts are unknown until then):");
            Comment(w, 2, "- id: other-vendors");
            Comment(w, 2, "  title: { en: \"Processors of other vendors (their vendors state they are not affected)\" }");
            Comment(w, 2, "  scope: excluded");
            Comment(w, 2, $"  when: {{ not: {{ cpu.vendor: [{only}] }} }}");
            Comment(w, 2, only == "amd"
                ? "  examples: { match: [{ vendor_id: GenuineIntel, model_name: \"12th Gen Intel(R) Core(TM) i7-12700\", signature: \"6 151 2\" }], no_match: [{ vendor_id: AuthenticAMD, model_name: \"AMD EPYC 7502 32-Core Processor\", signature: \"23 49 0\" }] }"
                : "  examples: { match: [{ vendor_id: AuthenticAMD, model_name: \"AMD EPYC 7763 64-Core Processor\", signature: \"25 1 1\" }], no_match: [{ vendor_id: GenuineIntel, model_name: \"12th Gen Intel(R) Core(TM) i7-12700\", signature: \"6 151 2\" }] }");
        }

        if (firmwareRules.Count > 0)
        {
            Line(w, 0, "firmware_rules:");
            foreach (var rule in firmwareRules)
            {
                Comment(w, 2, rule.Comment);
                Line(w, 2, "- id: " + rule.Id);
                Line(w, 4, "kind: " + FirmwareKinds.Key(rule.Kind));
                Line(w, 4, "match: " + Match(rule.Match));
                Line(w, 4, "verdict: " + rule.Verdict.ToWire());
                if (rule.When is { } when)
                {
                    Line(w, 4, "when:");
                    foreach (var line in Condition(when))
                    {
                        Line(w, 6, line);
                    }
                }

                if (rule.Verdict == Verdict.Affected)
                {
                    Line(w, 4, "cves: [" + Q(id) + "]");
                }

                Localized(w, 4, "note", rule.Note);
                Line(w, 4, "examples:");
                Line(w, 6, "match: [" + Firmware(rule.Host, rule.Kind, rule.MatchVersion.ToString()) + "]");
                Line(w, 6, "no_match: [" + Firmware(rule.Host, rule.Kind, rule.NoMatchVersion.ToString()) + "]");
            }
        }

        Localized(w, 0, "how_to_check", new LocalizedText(
            "A draft imported from NVD: a host whose processor NVD lists is a candidate (needs confirmation) and the evidence names the CPE match; where NVD gives ME/SPS/TXE firmware versions, the host's firmware version (`vulntriage probe`, --facts) decides. A processor NVD does not list is unknown: read the vendor's advisory.",
            "NVD から取り込んだドラフトです。NVD が挙げるプロセッサーのホストは候補（要確認）とし、根拠欄に一致した CPE を示します。NVD が ME/SPS/TXE ファームウェアのバージョンを示している場合は、ホストのファームウェアのバージョン（`vulntriage probe`、--facts）で判定します。NVD に記載のないプロセッサーは「不明」とします。ベンダーの勧告を確認してください。"));
        Localized(w, 0, "remediation", new LocalizedText(
            "NVD's record does not say how to fix: apply the vendor's fix (BIOS/firmware, microcode or OS update) as its advisory (references) describes. Review and curate this draft before relying on it.",
            "NVD のレコードには修正方法の記載がありません。ベンダーの勧告（参考情報）に従って修正（BIOS/ファームウェア、マイクロコード、OS の更新）を適用してください。このドラフトは利用前に見直してください。"));

        Line(w, 0, "references:");
        Line(w, 2, $"- {{ title: {Q("NVD " + id)}, url: {Q("https://nvd.nist.gov/vuln/detail/" + id)} }}");
        foreach (var reference in record.References.Where(r => IsUrl(r.Url)).DistinctBy(r => r.Url).Take(20))
        {
            var host = Uri.TryCreate(reference.Url, UriKind.Absolute, out var uri) ? uri.Host : reference.Url;
            var title = reference.Tags.IsDefaultOrEmpty ? host : $"{string.Join(", ", reference.Tags)}: {host}";
            Line(w, 2, $"- {{ title: {Q(title)}, url: {Q(reference.Url)} }}");
        }

        Line(w, 0, "examples:");
        foreach (var e in examples)
        {
            Line(w, 2, "- name: " + Q(e.Name));
            Line(w, 4, "host: " + (e.Host is null ? "{ no_cpu: true }" : Host(e.Host with { Name = "" })));
            if (e.Kind is { } kind && e.Version is { } version)
            {
                Line(w, 4, $"firmware: [{{ kind: {FirmwareKinds.Key(kind)}, version: {Q(version.ToString())} }}]");
            }

            Line(w, 4, "expect: " + e.Expect.ToWire());
            Line(w, 4, "stage: " + e.Stage.ToWire());
            Line(w, 4, "clause: " + Q(e.Clause));
        }

        return w.ToString();
    }

    // ---- pieces ---------------------------------------------------------------------------------------------------------

    /// <summary>A condition as YAML lines (relative indentation 0): one key per mapping, lists one item per line.</summary>
    public static List<string> Condition(Condition condition)
    {
        var lines = new List<string>();
        switch (condition)
        {
            case AllOf all:
                lines.Add("all:");
                foreach (var item in all.Items)
                {
                    Item(lines, Condition(item));
                }

                break;
            case AnyOf any:
                lines.Add("any:");
                foreach (var item in any.Items)
                {
                    Item(lines, Condition(item));
                }

                break;
            case NotOf not:
                lines.Add("not:");
                lines.AddRange(Condition(not.Item).Select(l => "  " + l));
                break;
            case CpuCpePredicate cpe:
                lines.Add("cpu.cpe:");
                foreach (var c in cpe.Criteria)
                {
                    lines.Add("  - " + Criterion(c));
                }

                break;
            case CpuVendorPredicate vendor:
                lines.Add("cpu.vendor: [" + vendor.Expected.Replace("|", ", ", StringComparison.Ordinal) + "]");
                break;
            default:
                throw new System.Diagnostics.UnreachableException("the importer writes only all/any/not, cpu.cpe and cpu.vendor");
        }

        return lines;
    }

    private static void Item(List<string> lines, List<string> item)
    {
        for (var i = 0; i < item.Count; i++)
        {
            lines.Add((i == 0 ? "  - " : "    ") + item[i]);
        }
    }

    private static string Criterion(CpeMatchCriterion c)
    {
        if (c.Range is not { IsBounded: true } r)
        {
            return Q(c.Criteria.ToString());
        }

        var parts = new List<string> { "criteria: " + Q(c.Criteria.ToString()) };
        void Bound(string key, string? value)
        {
            if (value is not null)
            {
                parts.Add(key + ": " + Q(value));
            }
        }

        Bound("start_including", r.StartIncluding);
        Bound("start_excluding", r.StartExcluding);
        Bound("end_including", r.EndIncluding);
        Bound("end_excluding", r.EndExcluding);
        return "{ " + string.Join(", ", parts) + " }";
    }

    private static string Match(FirmwareMatch m)
    {
        var parts = new List<string>();
        if (m.Major is not null)
        {
            parts.Add("major: " + Q(m.Major.ToString()));
        }

        if (m.Minor is not null)
        {
            parts.Add("minor: " + Q(m.Minor.ToString()));
        }

        if (m.Hotfix is not null)
        {
            parts.Add("hotfix: " + Q(m.Hotfix.ToString()));
        }

        if (m.AtLeast is { } a)
        {
            parts.Add("at_least: " + Q(a.ToString()));
        }

        if (m.Below is { } b)
        {
            parts.Add("below: " + Q(b.ToString()));
        }

        return "{ " + string.Join(", ", parts) + " }";
    }

    private static string Host(ExampleHost h)
    {
        var parts = new List<string>();
        if (h.Name.Length > 0)
        {
            parts.Add("name: " + Q(h.Name));
        }

        if (h.VendorId is not null)
        {
            parts.Add("vendor_id: " + Q(h.VendorId));
        }

        parts.Add("model_name: " + Q(h.ModelName));
        if (h.Signature is not null)
        {
            parts.Add("signature: " + Q(h.Signature));
        }

        return "{ " + string.Join(", ", parts) + " }";
    }

    private static string Firmware(ExampleHost? host, Core.Inventory.FirmwareKind kind, string version)
    {
        var fact = $"firmware: [{{ kind: {FirmwareKinds.Key(kind)}, version: {Q(version)} }}]";
        if (host is null)
        {
            return "{ " + fact + " }";
        }

        var h = Host(host);
        return h[..^2] + ", " + fact + " }";
    }

    private static void Localized(StringBuilder w, int indent, string key, LocalizedText text)
    {
        Line(w, indent, key + ":");
        Line(w, indent + 2, "en: " + Q(text.En));
        if (!string.IsNullOrEmpty(text.Ja))
        {
            Line(w, indent + 2, "ja: " + Q(text.Ja));
        }
    }

    private static void Line(StringBuilder w, int indent, string text) => w.Append(' ', indent).Append(text).Append('\n');

    private static void Comment(StringBuilder w, string text) => Comment(w, 0, text);

    private static void Comment(StringBuilder w, int indent, string text) => Line(w, indent, "# " + OneLine(text));

    private static string OneLine(string text) => Yaml.YamlText.Comment(text);


    /// <summary>A YAML double-quoted scalar (<see cref="Yaml.YamlText.Quote"/>).</summary>
    public static string Q(string text) => Yaml.YamlText.Quote(text);

    private static string Vendor(NvdRecord record)
    {
        // The CNA's domain (secure@intel.com, psirt@amd.com) names the vendor; else the processors' vendor.
        if (record.SourceIdentifier is { } source && source.IndexOf('@', StringComparison.Ordinal) is var at and > 0)
        {
            var domain = source[(at + 1)..].Split('.');
            if (domain.Length >= 2 && domain[^2].All(char.IsAsciiLetterOrDigit) && domain[^2].Length > 0)
            {
                return domain[^2].ToLowerInvariant();
            }
        }

        return "nvd";
    }

    private static string Severity(NvdMetric? metric) => metric?.Severity?.ToUpperInvariant() switch
    {
        "LOW" => "low",
        "MEDIUM" => "medium",
        "HIGH" => "high",
        "CRITICAL" => "critical",
        _ => metric is { Score: var s } ? (s >= 9 ? "critical" : s >= 7 ? "high" : s >= 4 ? "medium" : "low") : "high",
    };

    private static string? Date(string? timestamp) =>
        timestamp is { Length: >= 10 } t && DateOnly.TryParseExact(t[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? t[..10] : null;

    // Descriptions come with line breaks and runs of blank lines ("\nAn issue in “Zen 2” CPUs…\n\n\n"): one line.
    private static string Collapse(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    private static string FirstSentence(string description)
    {
        if (description.Length == 0)
        {
            return "(no description)";
        }

        var end = description.IndexOf(". ", StringComparison.Ordinal);
        var first = end > 0 ? description[..(end + 1)] : description;
        return first.Length <= 160 ? first : first[..157] + "…";
    }

    private static bool IsUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
