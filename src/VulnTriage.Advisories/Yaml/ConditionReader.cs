using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Identification.Catalog;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Versions;
using YamlDotNet.RepresentationModel;

namespace VulnTriage.Advisories.Yaml;

/// <summary>
/// Reads condition trees (docs/advisory-format.md, "Conditions"): a mapping with exactly one key, either a connective
/// (<c>all</c>, <c>any</c>, <c>not</c>) or a predicate name. Every vocabulary value is checked against the CPU catalog, so
/// a typo (<c>kabylake</c>) is an error naming the known values, never a rule that silently matches nothing.
/// </summary>
internal static class ConditionReader
{
    /// <summary>Deepest nesting of all/any/not accepted.</summary>
    public const int MaxDepth = 16;

    /// <summary>Predicate names (besides <c>kernel.&lt;file&gt;</c>).</summary>
    public static readonly ImmutableArray<string> PredicateNames =
    [
        "cpu.vendor", "cpu.product_line", "cpu.generation", "cpu.microarchitecture", "cpu.codename", "cpu.segment",
        "cpu.model_number", "cpu.signature", "cpu.virtual", "cpu.cpe", "env.cloud", "env.virtual", "firmware.me", "firmware.sps",
        "firmware.txe", "microcode.fixed",
    ];

    private static readonly FrozenDictionary<string, CpuVendor> Vendors = new Dictionary<string, CpuVendor>
    {
        ["intel"] = CpuVendor.Intel,
        ["amd"] = CpuVendor.Amd,
        ["hygon"] = CpuVendor.Hygon,
        ["via"] = CpuVendor.Via,
        ["zhaoxin"] = CpuVendor.Zhaoxin,
        ["arm"] = CpuVendor.Arm,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, MarketSegment> Segments = new Dictionary<string, MarketSegment>
    {
        ["server"] = MarketSegment.Server,
        ["desktop"] = MarketSegment.Desktop,
        ["mobile"] = MarketSegment.Mobile,
        ["embedded"] = MarketSegment.Embedded,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, CloudProvider> Clouds = new Dictionary<string, CloudProvider>
    {
        ["aws"] = CloudProvider.Aws,
        ["gcp"] = CloudProvider.Gcp,
        ["azure"] = CloudProvider.Azure,
        ["none"] = CloudProvider.None,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Reads a condition; <c>null</c> (with diagnostics) when it is invalid.</summary>
    public static Condition? Read(YamlNodeReader r, YamlNode? node, string path, int depth = 0)
    {
        if (node is null)
        {
            return null;
        }

        if (depth > MaxDepth)
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' nests deeper than {MaxDepth} levels");
            return null;
        }

        if (node is not YamlMappingNode m || m.Children.Count != 1 || m.Children.Keys.Single() is not YamlScalarNode { Value: { } key })
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' must be a mapping with exactly one key: all, any, not, or a predicate ({string.Join(", ", PredicateNames)}, kernel.<file>)");
            return null;
        }

        var value = m.Children.Values.Single();
        var at = path + "." + key;
        switch (key)
        {
            case "all":
            case "any":
                {
                    var items = r.Sequence(value, at);
                    if (items.IsEmpty)
                    {
                        r.Error(DiagnosticCodes.AdvisoryBadValue, value, $"'{at}' must list at least one condition");
                        return null;
                    }

                    var read = items.Select((n, i) => Read(r, n, $"{at}[{i}]", depth + 1)).ToList();
                    if (read.Any(c => c is null))
                    {
                        return null;
                    }

                    var conditions = read.OfType<Condition>().ToImmutableArray();
                    return key == "all" ? new AllOf(conditions) : new AnyOf(conditions);
                }

            case "not":
                return Read(r, value, at, depth + 1) is { } inner ? new NotOf(inner) : null;
            default:
                return Predicate(r, key, value, at);
        }
    }

    private static Predicate? Predicate(YamlNodeReader r, string name, YamlNode value, string path)
    {
        switch (name)
        {
            case "cpu.vendor":
                return Enums(r, value, path, Vendors) is { } v ? new CpuVendorPredicate(v) : null;
            case "cpu.product_line":
                return Vocabulary(r, value, path, ProductLines.All, "product line") is { } lines ? new CpuPropertyPredicate(CpuProperty.ProductLine, lines) : null;
            case "cpu.microarchitecture":
                return Vocabulary(r, value, path, CpuCatalog.Microarchitectures, "microarchitecture") is { } marches ? new CpuPropertyPredicate(CpuProperty.Microarchitecture, marches) : null;
            case "cpu.codename":
                return Vocabulary(r, value, path, CpuCatalog.Codenames, "codename") is { } codenames ? new CpuPropertyPredicate(CpuProperty.Codename, codenames) : null;
            case "cpu.generation":
                return r.IntSetOf(value, path) is { } gens ? new CpuGenerationPredicate(gens) : null;
            case "cpu.segment":
                return Enums(r, value, path, Segments) is { } segs ? new CpuSegmentPredicate(segs) : null;
            case "cpu.model_number":
                return ModelNumbers(r, value, path);
            case "cpu.signature":
                return Signatures(r, value, path) is { } sigs ? new CpuSignaturePredicate(sigs) : null;
            case "cpu.virtual":
                return Bool(r, value, path) is { } cv ? new CpuVirtualPredicate(cv) : null;
            case "cpu.cpe":
                return CpeCriteria(r, value, path) is { } cpes ? new CpuCpePredicate(cpes) : null;
            case "env.cloud":
                return Enums(r, value, path, Clouds) is { } clouds ? new EnvCloudPredicate(clouds) : null;
            case "env.virtual":
                return Bool(r, value, path) is { } ev ? new EnvVirtualPredicate(ev) : null;
            case "firmware.me":
            case "firmware.sps":
            case "firmware.txe":
                {
                    _ = FirmwareKinds.TryParse(name["firmware.".Length..], out var kind);
                    var map = r.Mapping(value, path, [], ["major", "minor", "hotfix", "build", "at_least", "below", "amt"]);
                    if (map is null)
                    {
                        return null;
                    }

                    var match = FirmwareMatch(r, map, path);
                    var amtNode = YamlNodeReader.Child(map, "amt");
                    var amt = amtNode is null ? (bool?)null : Bool(r, amtNode, path + ".amt");
                    return match is null ? null : new FirmwarePredicate(kind, match, amt);
                }

            case "microcode.fixed":
                return Thresholds(r, value, path) is { } t ? new MicrocodePredicate(t) : null;
            default:
                if (name.StartsWith("kernel.", StringComparison.Ordinal) && KernelFile(r, value, path, name["kernel.".Length..]) is { } file)
                {
                    var statuses = new List<KernelStatus>();
                    foreach (var (text, i) in r.Strings(value, path).Select((t, i) => (t, i)))
                    {
                        if (KernelVulnerabilityStatus.TryParse(text, out var st))
                        {
                            statuses.Add(st);
                        }
                        else
                        {
                            r.Error(DiagnosticCodes.AdvisoryBadValue, value, $"'{path}[{i}]' must be not_affected, mitigated, vulnerable or unknown, got '{text}'");
                            return null;
                        }
                    }

                    if (statuses.Count == 0)
                    {
                        EmptyError(r, value, path);
                        return null;
                    }

                    return new KernelPredicate(file, [.. statuses]);
                }

                if (!name.StartsWith("kernel.", StringComparison.Ordinal))
                {
                    r.Error(DiagnosticCodes.AdvisoryUnknownKey, value, $"unknown predicate '{name}' at '{path}'{Suggest(name, PredicateNames)} (known: all, any, not, {string.Join(", ", PredicateNames)}, kernel.<file>)");
                }

                return null;
        }
    }

    /// <summary>A kernel vulnerability file name: lower-case letters, digits and underscores, as in /sys/devices/system/cpu/vulnerabilities.</summary>
    public static string? KernelFile(YamlNodeReader r, YamlNode? node, string path, string file)
    {
        if (file.Length is 0 or > 64 || !file.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}': '{file}' is not a kernel vulnerability file name (a-z, 0-9, _)");
            return null;
        }

        return file;
    }

    public static FirmwareMatch? FirmwareMatch(YamlNodeReader r, YamlMappingNode map, string path)
    {
        var match = new FirmwareMatch(
            r.IntSetOf(YamlNodeReader.Child(map, "major"), path + ".major"),
            r.IntSetOf(YamlNodeReader.Child(map, "minor"), path + ".minor"),
            r.IntSetOf(YamlNodeReader.Child(map, "hotfix"), path + ".hotfix"),
            Version(r, YamlNodeReader.Child(map, "at_least"), path + ".at_least"),
            Version(r, YamlNodeReader.Child(map, "below"), path + ".below"))
        {
            Build = r.IntSetOf(YamlNodeReader.Child(map, "build"), path + ".build"),
        };
        if (match.Major is null && match.Minor is null && match.Hotfix is null && match.Build is null && match.AtLeast is null && match.Below is null)
        {
            r.Error(DiagnosticCodes.AdvisoryBadValue, map, $"'{path}' must have at least one of major, minor, hotfix, build, at_least, below");
            return null;
        }

        return match;
    }

    public static FirmwareVersion? Version(YamlNodeReader r, YamlNode? node, string path)
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

    /// <summary>Signature list: compact strings (<c>06_55_0-4</c>) or mappings <c>{family, model, stepping}</c>.</summary>
    public static ImmutableArray<SignatureMatch>? Signatures(YamlNodeReader r, YamlNode value, string path)
    {
        var items = value is YamlSequenceNode ? r.Sequence(value, path) : [value];
        if (items.IsEmpty)
        {
            EmptyError(r, value, path);
            return null;
        }

        var list = ImmutableArray.CreateBuilder<SignatureMatch>();
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            var at = $"{path}[{i}]";
            if (item is YamlMappingNode)
            {
                var sm = r.Mapping(item, at, ["family"], ["model", "stepping"]);
                var family = r.Int(YamlNodeReader.Child(sm, "family"), at + ".family");
                var model = r.IntSetOf(YamlNodeReader.Child(sm, "model"), at + ".model");
                var stepping = r.IntSetOf(YamlNodeReader.Child(sm, "stepping"), at + ".stepping");
                if (family is not null)
                {
                    list.Add(new SignatureMatch(family.Value, model, stepping));
                }
            }
            else if (r.String(item, at) is { } text)
            {
                if (SignatureMatch.TryParse(text, out var sig))
                {
                    list.Add(sig!);
                }
                else
                {
                    r.Error(DiagnosticCodes.AdvisoryBadValue, item, $"'{at}' must be a signature in Intel's hex notation FF_MM[_S] (e.g. 06_55_0-4, 17_30-3F), got '{text}'");
                }
            }
        }

        return r.HasErrors ? null : list.ToImmutable();
    }

    /// <summary>
    /// <c>cpu.cpe</c> criteria: CPE 2.3 formatted strings of hardware (part <c>h</c> or ANY), or mappings
    /// <c>{ criteria, start_including, start_excluding, end_including, end_excluding }</c> for an NVD version range. An
    /// invalid CPE string is an error naming what is wrong with it.
    /// </summary>
    public static ImmutableArray<Core.Cpe.CpeMatchCriterion>? CpeCriteria(YamlNodeReader r, YamlNode value, string path)
    {
        var items = value is YamlSequenceNode ? r.Sequence(value, path) : [value];
        if (items.IsEmpty)
        {
            EmptyError(r, value, path);
            return null;
        }

        var errors = r.Diagnostics.Count;
        var list = ImmutableArray.CreateBuilder<Core.Cpe.CpeMatchCriterion>(items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            var at = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{path}[{i}]");
            YamlNode? textNode = items[i];
            Core.Cpe.CpeVersionRange? range = null;
            if (items[i] is YamlMappingNode)
            {
                var cm = r.Mapping(items[i], at, ["criteria"], ["start_including", "start_excluding", "end_including", "end_excluding"]);
                textNode = YamlNodeReader.Child(cm, "criteria");
                string? Bound(string key)
                {
                    var bound = YamlNodeReader.Child(cm, key) is { } b ? r.String(b, at + "." + key) : null;
                    if (bound is not null && !Core.Cpe.CpeVersion.IsValid(bound))
                    {
                        r.Error(DiagnosticCodes.AdvisoryBadValue, YamlNodeReader.Child(cm, key), $"'{at}.{key}' is not a version: '{bound}'");
                    }

                    return bound;
                }

                range = new Core.Cpe.CpeVersionRange(Bound("start_including"), Bound("start_excluding"), Bound("end_including"), Bound("end_excluding"));
            }

            if (r.String(textNode, at) is not { } text)
            {
                continue;
            }

            if (!Core.Cpe.CpeName.TryParse(text, out var name, out var why))
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, textNode, $"'{at}' is not a CPE 2.3 name: {why}");
                continue;
            }

            if (name!.Part is { Kind: Core.Cpe.CpeValueKind.Text } part && !string.Equals(part.Literal, "h", StringComparison.OrdinalIgnoreCase))
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, textNode, $"'{at}' names part '{part.Literal}'; cpu.cpe takes hardware CPEs (cpe:2.3:h:…)");
                continue;
            }

            if (range is { IsBounded: true } && name.Version.Kind != Core.Cpe.CpeValueKind.Any)
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, textNode, $"'{at}' has a version range, so its version must be '*'");
                continue;
            }

            list.Add(new Core.Cpe.CpeMatchCriterion(name, range is { IsBounded: true } ? range : null));
        }

        return r.Diagnostics.Count > errors ? null : list.ToImmutable();
    }

    /// <summary>Microcode thresholds: <c>"06_55_4: 0x2007006"</c> or <c>{signature, revision, platform_mask}</c>; the signature must name a stepping.</summary>
    public static ImmutableArray<MicrocodeThreshold>? Thresholds(YamlNodeReader r, YamlNode value, string path)
    {
        var items = r.Sequence(value, path);
        if (items.IsEmpty)
        {
            EmptyError(r, value, path);
            return null;
        }

        var list = ImmutableArray.CreateBuilder<MicrocodeThreshold>();
        for (var i = 0; i < items.Length; i++)
        {
            var at = $"{path}[{i}]";
            string? sigText, revText;
            int? mask = null;
            if (items[i] is YamlMappingNode)
            {
                var tm = r.Mapping(items[i], at, ["signature", "revision"], ["platform_mask"]);
                sigText = r.String(YamlNodeReader.Child(tm, "signature"), at + ".signature");
                revText = r.String(YamlNodeReader.Child(tm, "revision"), at + ".revision");
                if (YamlNodeReader.Child(tm, "platform_mask") is { } pm)
                {
                    mask = r.Int(pm, at + ".platform_mask");
                }
            }
            else
            {
                var text = r.String(items[i], at);
                var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
                sigText = colon > 0 ? text![..colon].Trim() : null;
                revText = colon > 0 ? text![(colon + 1)..].Trim() : null;
                if (text is not null && colon <= 0)
                {
                    r.Error(DiagnosticCodes.AdvisoryBadValue, items[i], $"'{at}' must be 'FF_MM_S: 0xREVISION', got '{text}'");
                    continue;
                }
            }

            if (sigText is null || revText is null)
            {
                continue;
            }

            if (!SignatureMatch.TryParse(sigText, out var sig) || sig!.Models is null || sig.Steppings is null)
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, items[i], $"'{at}' needs a signature with family, model and stepping (e.g. 06_55_4), got '{sigText}'");
                continue;
            }

            if (!MicrocodeRevision.TryParse(revText, out var rev))
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, items[i], $"'{at}' has '{revText}', which is not a microcode revision (hex, e.g. 0x2007006)");
                continue;
            }

            list.Add(new MicrocodeThreshold(sig, mask, rev));
        }

        return r.HasErrors ? null : list.ToImmutable();
    }

    private static CpuModelNumberPredicate? ModelNumbers(YamlNodeReader r, YamlNode value, string path)
    {
        var patterns = ImmutableArray.CreateBuilder<Regex>();
        var texts = value is YamlSequenceNode ? r.Strings(value, path) : r.String(value, path) is { } one ? [one] : [];
        foreach (var pattern in texts)
        {
            try
            {
                patterns.Add(new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100)));
            }
            catch (ArgumentException e)
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, value, $"'{path}' has an invalid regular expression '{pattern}': {e.Message.ReplaceLineEndings(" ")}");
                return null;
            }
        }

        if (patterns.Count == 0)
        {
            EmptyError(r, value, path);
            return null;
        }

        return new CpuModelNumberPredicate(patterns.ToImmutable());
    }

    private static ImmutableArray<T>? Enums<T>(YamlNodeReader r, YamlNode value, string path, FrozenDictionary<string, T> known)
    {
        var texts = value is YamlSequenceNode ? r.Strings(value, path) : r.String(value, path) is { } one ? [one] : [];
        var list = ImmutableArray.CreateBuilder<T>();
        foreach (var text in texts)
        {
            if (known.TryGetValue(text, out var v))
            {
                list.Add(v);
            }
            else
            {
                r.Error(DiagnosticCodes.AdvisoryBadValue, value, $"'{path}' has unknown value '{text}'{Suggest(text, known.Keys)} (known: {string.Join(", ", known.Keys.Order(StringComparer.Ordinal))})");
                return null;
            }
        }

        if (list.Count == 0)
        {
            EmptyError(r, value, path);
            return null;
        }

        return list.ToImmutable();
    }

    private static ImmutableArray<string>? Vocabulary(YamlNodeReader r, YamlNode value, string path, FrozenSet<string> known, string what)
    {
        var texts = value is YamlSequenceNode ? r.Strings(value, path) : r.String(value, path) is { } one ? [one] : [];
        var ok = true;
        foreach (var text in texts.Where(t => !known.Contains(t)))
        {
            var list = known.Count <= 60 ? string.Join(", ", known.Order(StringComparer.Ordinal)) : $"{known.Count} names; see docs/advisory-format.md";
            r.Error(DiagnosticCodes.AdvisoryBadValue, value, $"'{path}' has unknown {what} '{text}'{Suggest(text, known)} (known: {list})");
            ok = false;
        }

        if (ok && texts.IsEmpty)
        {
            EmptyError(r, value, path);
            return null;
        }

        return ok ? texts : null;
    }

    private static bool? Bool(YamlNodeReader r, YamlNode value, string path) => r.String(value, path) switch
    {
        "true" => true,
        "false" => false,
        null => null,
        var other => BadBool(r, value, path, other),
    };

    private static bool? BadBool(YamlNodeReader r, YamlNode value, string path, string text)
    {
        r.Error(DiagnosticCodes.AdvisoryBadValue, value, $"'{path}' must be true or false, got '{text}'");
        return null;
    }

    private static void EmptyError(YamlNodeReader r, YamlNode value, string path) =>
        r.Error(DiagnosticCodes.AdvisoryBadValue, value, $"'{path}' must not be empty");

    /// <summary>"; did you mean 'x'?" for the closest known value within a small edit distance, else empty.</summary>
    public static string Suggest(string text, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var k in known)
        {
            var d = Distance(text, k);
            if (d < bestDistance)
            {
                (best, bestDistance) = (k, d);
            }
        }

        return best is not null && bestDistance <= Math.Max(2, text.Length / 3) ? $"; did you mean '{best}'?" : "";
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
