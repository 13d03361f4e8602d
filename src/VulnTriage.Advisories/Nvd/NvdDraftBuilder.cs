using System.Collections.Immutable;
using System.Globalization;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Cpe;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Versions;

namespace VulnTriage.Advisories.Nvd;

/// <summary>
/// Turns one NVD record into a draft advisory in the engine's form (docs/nvd-import.md): each configuration is an
/// alternative; its processor nodes become <c>cpu.cpe</c> conditions (AND/OR/negate kept), its ME/SPS/TXE firmware
/// nodes firmware rules (AND-ed with the processors through <c>when</c>); configurations that differ only in the
/// processor are merged into one rule. What cannot be mapped is listed under <c>source.unmapped</c> and warned about.
/// Every rule gets examples from the record's own CPEs (a listed processor must match, an unlisted one must not), each
/// checked through identification before it is written. Pure, apart from the identification cache (a memo).
/// </summary>
public static class NvdDraftBuilder
{
    /// <summary>How many listed processors are tried for a rule's match example before giving up on the rule.</summary>
    private const int MaxExampleTries = 256;

    /// <summary>Builds the draft for <paramref name="record"/>.</summary>
    public static NvdDraft Build(NvdRecord record, IdentificationCache cache)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(cache);
        return new Builder(record, cache).Build();
    }

    // Whether a criterion is named back from a brand string depends on the criterion alone: remembered across records
    // (a feed lists the same processors in record after record).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> NamedMemo = new(StringComparer.Ordinal);

    private sealed record Alternative(int Config, Condition? Cpu, bool Simple, ImmutableArray<CpeMatchCriterion> Processors, Component Component);

    private enum ComponentKind
    {
        VulnerableHardware,
        ProcessorFirmware,
        Microcode,
        Firmware,
    }

    private sealed record Component(ComponentKind Kind, ImmutableArray<ClassifiedCpe> Items)
    {
        public static Component Hardware { get; } = new(ComponentKind.VulnerableHardware, []);

        public string? VersionNote => Items.Select(i => i.VersionNote).FirstOrDefault(v => v is not null and not "-" and not "*");
    }

    private sealed class Builder(NvdRecord record, IdentificationCache cache)
    {
        private readonly List<Alternative> _alternatives = [];
        private readonly List<UnmappedCriterion> _unmapped = [];
        private readonly HashSet<int> _unmappedConfigs = [];
        private readonly List<Diagnostic> _diagnostics = [];
        private readonly List<DraftCpuRule> _cpuRules = [];
        private readonly List<DraftFirmwareRule> _firmwareRules = [];

        private string Id => record.Id;

        private string Revision => record.LastModified ?? "unknown";

        public NvdDraft Build()
        {
            foreach (var configuration in record.Configurations)
            {
                Translate(configuration);
            }

            var processors = _alternatives.SelectMany(a => a.Processors).DistinctBy(c => c.ToString()).ToImmutableArray();
            BuildCpuRules();
            BuildFirmwareRules();

            if (_unmapped.Count > 0)
            {
                var reasons = string.Join(", ", _unmapped.GroupBy(u => u.Reason).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count()}")));
                _diagnostics.Add(new Diagnostic(NvdDiagnosticCodes.Unmapped, DiagnosticSeverity.Warning, record.Location,
                    string.Create(CultureInfo.InvariantCulture,
                        $"{Id}: {_unmapped.Count} criteria in {_unmappedConfigs.Count} of {record.Configurations.Length} configurations could not be mapped ({reasons}); they are listed under source.unmapped in the draft")));
            }

            var unnamed = processors.Where(c => !IsNamed(c)).Select(c => c.ToString()).ToList();
            if (unnamed.Count > 0)
            {
                _diagnostics.Add(new Diagnostic(NvdDiagnosticCodes.UnnamedProcessors, DiagnosticSeverity.Warning, record.Location,
                    string.Create(CultureInfo.InvariantCulture,
                        $"{Id}: {unnamed.Count} of the {processors.Length} processor CPEs NVD lists are not named back from any brand string this tool identifies ({string.Join(", ", unnamed.Take(3))}{(unnamed.Count > 3 ? ", …" : "")}): a host with one of them is unknown, not matched")));
            }

            var examples = BuildExamples();
            var named = processors.Length - unnamed.Count;
            var yaml = NvdDraftYaml.Write(record, _cpuRules, _firmwareRules, examples, _unmapped, processors.Length, named, Policy());
            var summary = new NvdDraftSummary(record.Configurations.Length, processors.Length, named, _cpuRules.Count, _firmwareRules.Count, _unmapped.Count);
            return new NvdDraft(Id, yaml, [.. _diagnostics], summary);
        }

        private ImmutableArray<string> Policy() => _firmwareRules.Count > 0 ? ["firmware"] : [];

        // ---- configurations -> alternatives ---------------------------------------------------------------------------

        private void Translate(NvdConfiguration c)
        {
            if (c.Problem is not null)
            {
                Unmap(c.Index, c.Nodes.SelectMany(n => n.CpeMatch), "malformed");
                return;
            }

            IEnumerable<ImmutableArray<NvdNode>> groups;
            switch (c.Operator)
            {
                case "OR" when !c.Negate:
                    groups = c.Nodes.Select(n => ImmutableArray.Create(n));
                    break;
                case "AND":
                    groups = [c.Nodes];
                    break;
                case null when c.Nodes.Length == 1:
                    groups = [c.Nodes];
                    break;
                default:
                    // No operator over several nodes, or a negated OR: not read rather than guessed.
                    Unmap(c.Index, c.Nodes.SelectMany(n => n.CpeMatch), c.Negate ? "negated" : "no-operator");
                    return;
            }

            foreach (var nodes in groups)
            {
                if (Conjunction(c.Index, nodes, c.Negate) is { } alternative)
                {
                    _alternatives.Add(alternative);
                }
            }
        }

        private Alternative? Conjunction(int config, ImmutableArray<NvdNode> nodes, bool negate)
        {
            var cpuConditions = new List<Condition>();
            var processors = ImmutableArray.CreateBuilder<CpeMatchCriterion>();
            var simple = true;
            Component? component = null;
            var anyVulnerableProcessor = false;
            foreach (var node in nodes)
            {
                var leaves = node.CpeMatch.Select(NvdCpeRoles.Classify).ToList();
                var reason = node.Problem is not null ? "malformed"
                    : leaves.FirstOrDefault(l => l.Role == CpeRole.Unmapped)?.Reason;
                if (reason is not null)
                {
                    return Fail(config, nodes, reason);
                }

                var roles = leaves.Select(l => l.Role).ToHashSet();
                if (roles.SetEquals([CpeRole.Processor]))
                {
                    var criteria = leaves.Select(l => l.Match.Criterion!).ToList();
                    Condition condition = node.Operator == "AND" && criteria.Count > 1
                        ? new AllOf([.. criteria.Select(x => (Condition)new CpuCpePredicate([x]))])
                        : new CpuCpePredicate([.. criteria]);
                    simple &= node.Operator == "OR" || criteria.Count == 1;
                    if (node.Negate)
                    {
                        condition = new NotOf(condition);
                        simple = false;
                    }

                    cpuConditions.Add(condition);
                    processors.AddRange(criteria);
                    anyVulnerableProcessor |= leaves.Any(l => l.Match.Vulnerable);
                    continue;
                }

                if (node.Negate || component is not null || (node.Operator == "AND" && leaves.Count > 1))
                {
                    return Fail(config, nodes, node.Negate ? "negated" : "and-of-components");
                }

                if (roles.SetEquals([CpeRole.Firmware]))
                {
                    component = new Component(ComponentKind.Firmware, [.. leaves]);
                }
                else if (roles.IsSubsetOf([CpeRole.ProcessorFirmware, CpeRole.Microcode]))
                {
                    component = new Component(roles.Contains(CpeRole.ProcessorFirmware) ? ComponentKind.ProcessorFirmware : ComponentKind.Microcode, [.. leaves]);
                }
                else
                {
                    return Fail(config, nodes, "mixed-node");
                }
            }

            if (cpuConditions.Count == 0)
            {
                switch (component?.Kind)
                {
                    case ComponentKind.ProcessorFirmware:
                        {
                            // A processor's own firmware alone still names the processor.
                            var derived = component.Items.Select(i => i.ProcessorOfFirmware).OfType<CpeMatchCriterion>().ToList();
                            if (derived.Count != component.Items.Length)
                            {
                                return Fail(config, nodes, "no-processor");
                            }

                            cpuConditions.Add(new CpuCpePredicate([.. derived]));
                            processors.AddRange(derived);
                            break;
                        }

                    case ComponentKind.Firmware:
                        break;
                    default:
                        return Fail(config, nodes, "no-processor");
                }
            }
            else if (component is null && !anyVulnerableProcessor)
            {
                return Fail(config, nodes, "no-vulnerable-component");
            }

            Condition? cpu = cpuConditions.Count switch
            {
                0 => null,
                1 => cpuConditions[0],
                _ => new AllOf([.. cpuConditions]),
            };
            simple &= cpuConditions.Count <= 1;
            if (negate)
            {
                if (component is not null || cpu is null)
                {
                    return Fail(config, nodes, "negated");
                }

                cpu = new NotOf(cpu);
                simple = false;
            }

            return new Alternative(config, cpu, simple, processors.ToImmutable(), component ?? Component.Hardware);
        }

        private Alternative? Fail(int config, ImmutableArray<NvdNode> nodes, string reason)
        {
            Unmap(config, nodes.SelectMany(n => n.CpeMatch), reason);
            return null;
        }

        private void Unmap(int config, IEnumerable<NvdCpeMatch> matches, string reason)
        {
            _unmappedConfigs.Add(config);
            var at = string.Create(CultureInfo.InvariantCulture, $"configurations[{config}]");
            var any = false;
            foreach (var m in matches)
            {
                any = true;
                var own = NvdCpeRoles.Classify(m);
                _unmapped.Add(new UnmappedCriterion(at, m.Criteria.Length > 0 ? m.Display : "(no criteria)", own.Role == CpeRole.Unmapped ? own.Reason! : reason));
            }

            if (!any)
            {
                _unmapped.Add(new UnmappedCriterion(at, "(no criteria)", reason));
            }
        }

        // ---- rules ------------------------------------------------------------------------------------------------------

        private void BuildCpuRules()
        {
            // Configurations that differ only in the processor merge into one rule: one cpu.cpe list per kind of component.
            foreach (var group in _alternatives.Where(a => a.Cpu is not null && a.Simple && a.Component.Kind != ComponentKind.Firmware)
                         .GroupBy(a => (a.Component.Kind, a.Component.VersionNote)))
            {
                var configs = group.Select(a => a.Config).ToList();
                var criteria = group.SelectMany(a => a.Processors).DistinctBy(c => c.ToString()).ToImmutableArray();
                var (id, title, check) = group.Key.Kind switch
                {
                    ComponentKind.ProcessorFirmware => ("nvd-processor-firmware",
                        Text($"Processors whose own firmware NVD lists as vulnerable{Version(group.Key.VersionNote)} ({Cpes(criteria.Length)}; {Configs(configs)})",
                            $"NVD がプロセッサー自身のファームウェア{VersionJa(group.Key.VersionNote)}を脆弱と記載しているプロセッサー（CPE {criteria.Length} 件、{ConfigsJa(configs)}）"),
                        CheckText("the record names the processor's own firmware without a fixed version", "レコードはプロセッサー自身のファームウェアを挙げていますが、修正済みバージョンの記載がありません")),
                    ComponentKind.Microcode => ("nvd-microcode",
                        Text($"Processors NVD lists with Intel microcode{Version(group.Key.VersionNote)} ({Cpes(criteria.Length)}; {Configs(configs)})",
                            $"Intel マイクロコード{VersionJa(group.Key.VersionNote)}と組み合わせて NVD が挙げているプロセッサー（CPE {criteria.Length} 件、{ConfigsJa(configs)}）"),
                        CheckText($"NVD names Intel's microcode package{Version(group.Key.VersionNote)}, a release date, not a revision of this processor: read the running microcode revision (`vulntriage probe`) and compare it with the vendor's advisory",
                            $"NVD は Intel のマイクロコードパッケージ{VersionJa(group.Key.VersionNote)}を挙げていますが、これはリリース日でこのプロセッサーのリビジョンではありません。実行中のマイクロコードのリビジョン（`vulntriage probe`）をベンダーの勧告と比べてください")),
                    _ => ("nvd-processors",
                        Text($"Processors NVD lists as vulnerable ({Cpes(criteria.Length)}; {Configs(configs)})",
                            $"NVD が脆弱と記載しているプロセッサー（CPE {criteria.Length} 件、{ConfigsJa(configs)}）"),
                        CheckText("the record gives no fixed version", "レコードには修正済みバージョンの記載がありません")),
                };
                AddCpuRule(id, title, new CpuCpePredicate(criteria), [], check, criteria, configs);
            }

            foreach (var a in _alternatives.Where(a => a.Cpu is not null && (!a.Simple || a.Component.Kind == ComponentKind.Firmware)))
            {
                var n = a.Config + 1;
                var kinds = a.Component.Items.Select(i => i.Kind).OfType<FirmwareKind>().Distinct().ToImmutableArray();
                var title = a.Component.Kind == ComponentKind.Firmware
                    ? Text($"NVD configuration {n}: {Names(kinds)} firmware on {Cpes(a.Processors.Length)}", $"NVD の構成 {n}: CPE {a.Processors.Length} 件のプロセッサー上の {Names(kinds)} ファームウェア")
                    : Text($"NVD configuration {n} ({Cpes(a.Processors.Length)})", $"NVD の構成 {n}（CPE {a.Processors.Length} 件）");
                var check = a.Component.Kind == ComponentKind.Firmware
                    ? FirmwareCheck(kinds)
                    : CheckText("the record gives no fixed version", "レコードには修正済みバージョンの記載がありません");
                AddCpuRule(string.Create(CultureInfo.InvariantCulture, $"nvd-configuration-{n}"), title, a.Cpu!, kinds, check, a.Processors, [a.Config]);
            }

            // Firmware named without any processor: the engines run on Intel platforms only; the firmware version decides.
            var platformKinds = _alternatives.Where(a => a.Cpu is null).SelectMany(a => a.Component.Items).Select(i => i.Kind).OfType<FirmwareKind>().Distinct().Order().ToImmutableArray();
            if (!platformKinds.IsEmpty)
            {
                var configs = _alternatives.Where(a => a.Cpu is null).Select(a => a.Config).Distinct().ToList();
                AddCpuRule("nvd-firmware-platforms",
                    Text($"Intel platforms, which carry the {Names(platformKinds)} firmware NVD lists ({Configs(configs)})",
                        $"NVD が挙げる {Names(platformKinds)} ファームウェアを搭載する Intel プラットフォーム（{ConfigsJa(configs)}）"),
                    new CpuVendorPredicate([CpuVendor.Intel]), platformKinds, FirmwareCheck(platformKinds), [], configs);
            }
        }

        private void AddCpuRule(string id, LocalizedText title, Condition when, ImmutableArray<FirmwareKind> expect, LocalizedText check, ImmutableArray<CpeMatchCriterion> criteria, List<int> configs)
        {
            var match = FindMatch(when, criteria);
            var noMatch = FindNoMatch(when, criteria);
            var comment = $"NVD {Configs(configs)}; {criteria.Length} processor CPE(s)";
            if (match is null || noMatch is null)
            {
                // No brand string this tool identifies is named by these CPEs: no host could ever match the rule.
                foreach (var c in configs)
                {
                    Unmap(c, record.Configurations[c].Nodes.SelectMany(n => n.CpeMatch).Where(m => criteria.Any(x => x.ToString() == m.Display) || criteria.IsEmpty), "unnamed-processor");
                }

                return;
            }

            _cpuRules.Add(new DraftCpuRule(id, title, when, expect, check, match, noMatch, comment));
        }

        private void BuildFirmwareRules()
        {
            var index = 0;
            var vulnerable = new List<DraftFirmwareRule>();
            foreach (var a in _alternatives.Where(a => a.Component.Kind == ComponentKind.Firmware))
            {
                // A firmware range AND-ed with processors applies to hosts whose processor the configuration names.
                var rule = a.Cpu is null ? null : _cpuRules.FirstOrDefault(r => r.Id == string.Create(CultureInfo.InvariantCulture, $"nvd-configuration-{a.Config + 1}"));
                if (a.Cpu is not null && rule is null)
                {
                    continue;
                }

                foreach (var item in a.Component.Items)
                {
                    var kind = item.Kind!.Value;
                    var match = item.Range!;
                    if (vulnerable.Any(v => v.Kind == kind && v.Match == match && Equals(v.When, a.Cpu)))
                    {
                        continue;
                    }

                    var (inside, outside) = ExampleVersions(match);
                    index++;
                    var branch = match.Major is not null && match.AtLeast is null && match.Below is null
                        ? Text($"; version {VersionLiteral(item)} is read as the {Short(match)} branch", $"。バージョン {VersionLiteral(item)} は {Short(match)} のブランチとして扱います")
                        : Text("", "");
                    var amt = item.VersionNote == "amt"
                        ? Text("; NVD names Intel AMT firmware: the ME version is compared, so a host without AMT may be a false positive", "。NVD は Intel AMT のファームウェアを挙げているため ME のバージョンで比べます（AMT のないホストは誤検出の可能性があります）")
                        : Text("", "");
                    var note = Text($"NVD configuration {a.Config + 1}: {item.Match.Display}{branch.En}{amt.En}.",
                        $"NVD の構成 {a.Config + 1}: {item.Match.Display}{branch.Ja}{amt.Ja}。");
                    vulnerable.Add(new DraftFirmwareRule(
                        string.Create(CultureInfo.InvariantCulture, $"nvd-{FirmwareKinds.Key(kind)}-{index}"), kind, match, Verdict.Affected, a.Cpu, note,
                        inside, outside, rule?.Match, $"NVD configuration {a.Config + 1}: {item.Match.Display}"));
                }
            }

            _firmwareRules.AddRange(vulnerable);

            // A version of a line NVD covers that is outside every vulnerable version NVD lists is fixed — but only when
            // every configuration was read (an unread one could still cover it) and the rules concern any processor.
            if (_unmappedConfigs.Count > 0)
            {
                return;
            }

            foreach (var byKind in vulnerable.Where(v => v.When is null).GroupBy(v => v.Kind))
            {
                var majors = new SortedDictionary<int, FirmwareVersion>();
                var bounded = true;
                foreach (var v in byKind)
                {
                    if (Majors(v.Match) is not { } range)
                    {
                        bounded = false;
                        break;
                    }

                    foreach (var m in Enumerable.Range(range.Low, range.High - range.Low + 1))
                    {
                        var low = Lowest(v.Match, m);
                        majors[m] = majors.TryGetValue(m, out var known) && known < low ? known : low;
                    }
                }

                if (!bounded)
                {
                    continue;
                }

                foreach (var (major, lowest) in majors)
                {
                    var catchAll = new FirmwareMatch(IntSet.Of(major), null, null, lowest, null);
                    var rules = byKind.Where(v => Majors(v.Match) is { } r && r.Low <= major && major <= r.High).ToList();
                    var candidates = rules.Select(r => r.NoMatchVersion).Append(new FirmwareVersion(major, 99, 0, 0))
                        .Where(v => catchAll.Matches(v) && !byKind.Any(r => r.Match.Matches(v))).OrderDescending().ToList();
                    if (candidates.Count == 0)
                    {
                        continue;
                    }

                    var listed = string.Join(", ", rules.Select(r => Short(r.Match)));
                    var display = FirmwareKinds.Display(byKind.Key);
                    _firmwareRules.Add(new DraftFirmwareRule(
                        string.Create(CultureInfo.InvariantCulture, $"nvd-{FirmwareKinds.Key(byKind.Key)}-{major}-not-listed"), byKind.Key, catchAll, Verdict.Fixed, null,
                        Text($"Outside every vulnerable {display} {major} version NVD lists for {Id} ({listed}); NVD record lastModified {Revision}.",
                            $"NVD が {Id} について挙げる脆弱な {display} {major} のバージョン（{listed}）のいずれにも該当しません（NVD レコードの最終更新 {Revision}）。"),
                        candidates[0], new FirmwareVersion(major + 1, 0, 0, 0), null,
                        $"a {display} {major} version outside every vulnerable one NVD lists: fixed (every configuration of the record was mapped)"));
                }
            }
        }

        // The majors a match covers, when bounded.
        private static (int Low, int High)? Majors(FirmwareMatch m)
        {
            if (m.Major is { } major)
            {
                var ranges = major.Ranges;
                return ranges.Length == 1 ? (ranges[0].Low, ranges[0].High) : null;
            }

            if (m.AtLeast is { } low && m.Below is { } high)
            {
                var top = high.Minor == 0 && high.Hotfix == 0 && high.Build == 0 ? high.Major - 1 : high.Major;
                return top >= low.Major && top - low.Major < 8 ? (low.Major, top) : null;
            }

            return null;
        }

        // The lowest version of `major` the match covers.
        private static FirmwareVersion Lowest(FirmwareMatch m, int major)
        {
            if (m.AtLeast is { } low && low.Major == major)
            {
                return low;
            }

            var minor = m.Minor?.Ranges[0].Low ?? 0;
            var hotfix = m.Hotfix?.Ranges[0].Low ?? 0;
            return m.Major is not null ? new FirmwareVersion(major, minor, hotfix, 0) : new FirmwareVersion(major, 0, 0, 0);
        }

        // A version inside the range and one just outside it, for the rule's examples.
        private static (FirmwareVersion Inside, FirmwareVersion Outside) ExampleVersions(FirmwareMatch m)
        {
            FirmwareVersion inside;
            if (m.AtLeast is { } low)
            {
                inside = low;
            }
            else if (m.Below is { } high)
            {
                inside = high with { Build = Math.Max(0, high.Build - 1) };
            }
            else
            {
                inside = new FirmwareVersion(m.Major!.Ranges[0].Low, m.Minor?.Ranges[0].Low ?? 0, m.Hotfix?.Ranges[0].Low ?? 0, 0);
            }

            FirmwareVersion outside;
            if (m.Below is { } below)
            {
                outside = below;
            }
            else if (m.Minor is { } minor)
            {
                outside = new FirmwareVersion(m.Major!.Ranges[0].Low, minor.Ranges[^1].High + 1, 0, 0);
            }
            else if (m.Major is { } major)
            {
                outside = new FirmwareVersion(major.Ranges[^1].High + 1, 0, 0, 0);
            }
            else
            {
                outside = m.AtLeast!.Value with { Major = Math.Max(0, m.AtLeast.Value.Major - 1) };
            }

            return (inside, outside);
        }

        // 11.0 → "11.0.x.x"; a range → "8.0.0.0–8.1.71.3608"; one build → itself.
        private static string Short(FirmwareMatch m)
        {
            if (m.AtLeast is { } low && m.Below is { } high)
            {
                return high == low with { Build = low.Build + 1 } ? low.ToString() : $"{low}–{Previous(high)}";
            }

            if (m.Major is not null && m.AtLeast is null && m.Below is null)
            {
                var fields = new List<string> { m.Major.ToString(), m.Minor?.ToString() ?? "x", m.Hotfix?.ToString() ?? "x", "x" };
                return string.Join('.', fields);
            }

            return m.Describe();
        }

        private static FirmwareVersion Previous(FirmwareVersion v) => v.Build > 0 ? v with { Build = v.Build - 1 } : v;

        private static string VersionLiteral(ClassifiedCpe item) => item.Match.Name?.Version.Literal ?? "";

        // ---- examples ---------------------------------------------------------------------------------------------------

        private Truth Answer(Condition when, ExampleHost host)
        {
            var h = host.ToHost();
            var id = cache.Identify(h.Processors[0]);
            return ConditionEvaluator.Evaluate(when, new RuleContext(h, HostFacts.None, id)).Truth;
        }

        private ExampleHost? FindMatch(Condition when, ImmutableArray<CpeMatchCriterion> criteria)
        {
            foreach (var host in NvdExampleHosts.Real)
            {
                if (Answer(when, host) == Truth.True)
                {
                    return host;
                }
            }

            foreach (var c in criteria.Take(MaxExampleTries))
            {
                if (NvdExampleHosts.ForCpe(c.Criteria) is { } host && Answer(when, host) == Truth.True)
                {
                    return host;
                }
            }

            return null;
        }

        private ExampleHost? FindNoMatch(Condition when, ImmutableArray<CpeMatchCriterion> criteria)
        {
            // An unlisted processor of the same vendor says more than one of another vendor.
            var vendor = criteria.Select(c => c.Criteria.Vendor.Literal.ToLowerInvariant()).FirstOrDefault();
            var candidates = NvdExampleHosts.Real.OrderBy(h => vendor is null || (vendor == "amd") == (h.VendorId == "AuthenticAMD") ? 0 : 1);
            foreach (var host in candidates)
            {
                if (Answer(when, host) == Truth.False)
                {
                    return host;
                }
            }

            return null;
        }

        // Whether a brand string this tool identifies is named back to a CPE the criterion matches: the brand string
        // written from the criterion's own name (the real example hosts are among the listed ones only by chance).
        private bool IsNamed(CpeMatchCriterion criterion)
        {
            var key = criterion.ToString();
            if (NamedMemo.TryGetValue(key, out var known))
            {
                return known;
            }

            var named = NvdExampleHosts.ForCpe(criterion.Criteria) is { } host
                && ProcessorCpes.For(cache.Identify(host.ToHost().Processors[0])).Names.Any(criterion.Matches);
            if (NamedMemo.Count > 100_000)
            {
                NamedMemo.Clear();
            }

            NamedMemo[key] = named;
            return named;
        }

        private ImmutableArray<DraftExample> BuildExamples()
        {
            var examples = ImmutableArray.CreateBuilder<DraftExample>();
            if (record.Configurations.IsEmpty)
            {
                foreach (var host in NvdExampleHosts.Real.Where(h => h.Name.StartsWith("AMD EPYC 7763", StringComparison.Ordinal) || h.Name.StartsWith("Intel Xeon Gold 6248", StringComparison.Ordinal)))
                {
                    examples.Add(new DraftExample($"{host.Name}: NVD has not analysed {Id}, so nothing can be matched", host, null, null, Verdict.Unknown, Stage.Cpu, "nvd"));
                }

                return examples.ToImmutable();
            }

            foreach (var rule in _cpuRules.DistinctBy(r => r.Match.ModelName).Take(4))
            {
                var decides = _cpuRules.First(r => Answer(r.When, rule.Match) == Truth.True);
                examples.Add(new DraftExample($"{rule.Match.Name} is a candidate", rule.Match, null, null, Verdict.NeedsConfirmation, Stage.Cpu, decides.Id));
            }

            foreach (var rule in _firmwareRules.GroupBy(r => (r.Kind, r.Verdict)).Select(g => g.First()))
            {
                var host = rule.Host ?? NvdExampleHosts.Real.First(h => h.Name.StartsWith("Intel Core i7-6700", StringComparison.Ordinal));
                var decides = _firmwareRules.First(r => r.Kind == rule.Kind && r.Match.Matches(rule.MatchVersion) && (r.When is null || Answer(r.When, host) == Truth.True));
                examples.Add(new DraftExample($"{FirmwareKinds.Display(rule.Kind)} {rule.MatchVersion} on {host.Name}", host, rule.Kind, rule.MatchVersion,
                    decides.Verdict, Stage.Firmware, decides.Id));
            }

            // Unlisted processors, of the listed vendor first: unknown, never not affected.
            var amd = _alternatives.SelectMany(a => a.Processors).Count(c => c.Criteria.Vendor.Literal == "amd");
            var intel = _alternatives.SelectMany(a => a.Processors).Count(c => c.Criteria.Vendor.Literal == "intel") + (_firmwareRules.Count > 0 ? 1 : 0);
            var unlisted = NvdExampleHosts.Real
                .Where(h => _cpuRules.All(r => Answer(r.When, h) == Truth.False))
                .OrderBy(h => (h.VendorId == "AuthenticAMD") == (amd > intel) ? 0 : 1)
                .DistinctBy(h => h.VendorId)
                .Take(examples.Count == 0 ? 2 : 1);
            foreach (var host in unlisted)
            {
                examples.Add(new DraftExample($"{host.Name} is not among the processors NVD lists: unknown, never not affected", host, null, null, Verdict.Unknown, Stage.Cpu, "not-listed"));
            }

            return examples.ToImmutable();
        }

        // ---- text -------------------------------------------------------------------------------------------------------

        private LocalizedText CheckText(string en, string ja) => Text(
            $"NVD lists this processor for {Id} (the CPE match is in the evidence); {en}. Read the vendor's advisory (references) for the fix and how to confirm it, and review this draft.",
            $"NVD は {Id} についてこのプロセッサーを挙げています（一致した CPE は根拠欄に示します）。{ja}。ベンダーの勧告（参考情報）で修正内容と確認方法を調べ、このドラフトを見直してください。");

        private static LocalizedText FirmwareCheck(ImmutableArray<FirmwareKind> kinds) => Text(
            $"Read the {Names(kinds)} firmware version (`vulntriage probe` reads /sys/class/mei/mei0/fw_ver; a server's SPS version is in its BMC) and pass it with --facts: the firmware rules decide.",
            $"{Names(kinds)} ファームウェアのバージョンを確認し（`vulntriage probe` が /sys/class/mei/mei0/fw_ver を読みます。サーバーの SPS は BMC で確認します）、--facts に渡してください。ファームウェアのルールで判定します。");

        private static LocalizedText Text(string en, string ja) => new(en, ja);

        private static string Names(IEnumerable<FirmwareKind> kinds) => string.Join("/", kinds.Select(FirmwareKinds.Display));

        private static string Cpes(int n) => n == 1 ? "1 CPE" : string.Create(CultureInfo.InvariantCulture, $"{n} CPEs");

        private static string Version(string? note) => note is null ? "" : " " + note;

        private static string VersionJa(string? note) => note is null ? "" : "（" + note + "）";

        private static string Configs(List<int> configs) => (configs.Count == 1 ? "configuration " : "configurations ") + Ranges(configs);

        private static string ConfigsJa(List<int> configs) => "構成 " + Ranges(configs);

        // 0-based indexes → "3–71, 75" (1-based, as NVD's page numbers them).
        private static string Ranges(List<int> configs)
        {
            var numbers = configs.Select(c => c + 1).Distinct().Order().ToList();
            var parts = new List<string>();
            for (var i = 0; i < numbers.Count;)
            {
                var j = i;
                while (j + 1 < numbers.Count && numbers[j + 1] == numbers[j] + 1)
                {
                    j++;
                }

                parts.Add(j > i ? string.Create(CultureInfo.InvariantCulture, $"{numbers[i]}–{numbers[j]}") : numbers[i].ToString(CultureInfo.InvariantCulture));
                i = j + 1;
            }

            return string.Join(", ", parts);
        }
    }
}
