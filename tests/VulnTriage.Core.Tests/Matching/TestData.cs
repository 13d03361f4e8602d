using System.Collections.Immutable;
using System.Text.RegularExpressions;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Versions;

namespace VulnTriage.Core.Tests.Matching;

/// <summary>A small advisory built in code, shaped like INTEL-SA-00086, so evaluator tests do not depend on the loader.</summary>
internal static class TestData
{
    public static Advisory Advisory { get; } = new(
        "TEST-SA-00001", "intel", new("Test advisory", "テスト"), new DateOnly(2017, 11, 20), "high",
        [new CveInfo("CVE-2017-5705", 7.8m, "3.0", "AV:L", LocalizedText.Empty)],
        new("summary", "概要"), new("affected", "影響"),
        [
            new CpuRule("core-6-8", new("Core 6th-8th", "Core 第6〜8世代"), CpuRuleScope.Listed,
                Match(vendors: [CpuVendor.Intel], lines: [ProductLines.Core], generations: [6, 7, 8]), [FirmwareKind.Me], ["CVE-2017-5705"], new("check ME", "ME を確認")),
            new CpuRule("xeon-w-2100", new("Xeon W-2100", "Xeon W-2100"), CpuRuleScope.Listed,
                Match(vendors: [CpuVendor.Intel], lines: [ProductLines.XeonW], models: ["^W-21[0-9]{2}"]), [FirmwareKind.Me], [], new("check ME", "ME を確認")),
            new CpuRule("amt-era", new("AMT era", "AMT 世代"), CpuRuleScope.Conditional,
                Match(vendors: [CpuVendor.Intel], lines: [ProductLines.Core], generations: [1, 2, 3, 4, 5]), [FirmwareKind.Me], [], new("check AMT", "AMT を確認")),
        ],
        [
            new FirmwareRule("me11-bad", FirmwareKind.Me, new FirmwareMatch(IntSet.Of(11), IntSet.Of(0, 5, 6, 7, 10, 20), null, null, null), Verdict.Affected, AmtCondition.Any, ["CVE-2017-5705"], LocalizedText.Empty),
            new FirmwareRule("me11-fixed", FirmwareKind.Me, new FirmwareMatch(IntSet.Of(11), IntSet.Of(8, 11, 21), null, null, null), Verdict.Fixed, AmtCondition.Any, [], LocalizedText.Empty),
            new FirmwareRule("me9-amt", FirmwareKind.Me, new FirmwareMatch(IntSet.Of(9), null, null, null, FirmwareVersion.Parse("9.1.42.3002")), Verdict.Affected, AmtCondition.Required, ["CVE-2017-5705"], LocalizedText.Empty),
            new FirmwareRule("me12", FirmwareKind.Me, new FirmwareMatch(new IntSet([(12, 99)]), null, null, null, null), Verdict.NotAffected, AmtCondition.Any, [], LocalizedText.Empty),
        ],
        new("out of scope", "対象外"), new("how", "方法"), new("fix", "修正"),
        [new CloudStatement(CloudProvider.Aws, new("AWS handles it", "AWS が対応"), [])],
        [new Reference("ref", "https://example.com")], [], [], "test");

    /// <summary>The conditions the old flat "match" expressed, as an all-of tree.</summary>
    public static Condition Match(
        CpuVendor[]? vendors = null, string[]? lines = null, int[]? generations = null, string[]? models = null,
        string[]? microarchitectures = null, string[]? codenames = null, SignatureMatch[]? signatures = null)
    {
        var items = new List<Condition>();
        if (vendors is { Length: > 0 })
        {
            items.Add(new CpuVendorPredicate([.. vendors]));
        }

        if (lines is { Length: > 0 })
        {
            items.Add(new CpuPropertyPredicate(CpuProperty.ProductLine, [.. lines]));
        }

        if (generations is { Length: > 0 })
        {
            items.Add(new CpuGenerationPredicate(IntSet.Of(generations)));
        }

        if (models is { Length: > 0 })
        {
            items.Add(new CpuModelNumberPredicate([.. models.Select(m => new Regex(m, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))]));
        }

        if (microarchitectures is { Length: > 0 })
        {
            items.Add(new CpuPropertyPredicate(CpuProperty.Microarchitecture, [.. microarchitectures]));
        }

        if (codenames is { Length: > 0 })
        {
            items.Add(new CpuPropertyPredicate(CpuProperty.Codename, [.. codenames]));
        }

        if (signatures is { Length: > 0 })
        {
            items.Add(new CpuSignaturePredicate([.. signatures]));
        }

        return new AllOf([.. items]);
    }

    public static Host Host(string name, CloudInfo? cloud = null, params ProcessorFact[] processors) =>
        new($"id-{name}", name, null, HostStatus.Working, false, [new RoleRef("Shop", "web")], cloud, [.. processors], "Linux",
            processors.Length == 0 ? "meta.cpu absent" : null);

    public static ProcessorFact Cpu(string brand) => new("GenuineIntel", brand, null, 8, 1);

    public static ProcessorIdentity Identity(
        string brand, string? line = null, int? generation = null, string? model = null, CpuVendor vendor = CpuVendor.Intel,
        IdentificationConfidence confidence = IdentificationConfidence.High, bool isVirtual = false, string? hypervisor = null) =>
        isVirtual && (hypervisor is not null || line == ProductLines.Virtual)
            // As the identifier leaves a synthetic model: only the vendor id is known about the physical part.
            ? new(vendor, line, model, generation, null, null, MarketSegment.Desktop, isVirtual, hypervisor, confidence, "test", brand, null)
            {
                PossibleProductLines = ValueSet<string>.Unknown,
                PossibleGenerations = ValueSet<int>.Unknown,
                PossibleSegments = ValueSet<MarketSegment>.Unknown,
            }
            : new(vendor, line, model, generation, null, null, MarketSegment.Desktop, isVirtual, hypervisor, confidence, "test", brand, null);

    /// <summary>An identification function over hand-made identities, so these tests exercise the evaluator alone.</summary>
    public static Func<ProcessorFact, ProcessorIdentity> Seeded(params (ProcessorFact Fact, ProcessorIdentity Identity)[] entries) =>
        fact => entries.Single(e => e.Fact == fact).Identity;

    public static HostFacts Firmware(FirmwareKind kind, string version, bool? amt = null) =>
        new([new FirmwareFact(kind, FirmwareVersion.Parse(version), amt, "facts/test.json")], "facts/test.json", ImmutableArray<string>.Empty);
}
