using System.Collections.Immutable;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Core.Versions;

namespace VulnTriage.Reports.Tests.Support;

/// <summary>
/// The single scenario corpus that feeds every writer: a made-up advisory with English and Japanese texts, hosts on
/// AWS, Google Cloud, Azure and on-premises, every verdict and stage, several services and roles, a host without
/// roles, a retired host left out, a diagnostic, and an injection host. The advisory and hosts are fictitious; the
/// CPU brand strings are the real forms Linux prints in /proc/cpuinfo "model name".
/// </summary>
internal static class Scenario
{
    public const string InjectionName = "evil|host<script>alert(1)</script>`=cmd`\n# heading";
    public const string InjectionDisplayName = "=cmd|' /C calc'!A0";
    public const string InjectionCpu = "Intel(R) Xeon(R) CPU E3-1230 v5 | `rm -rf /` <b>bold</b>";
    public const string InjectionFact = "<img src=x onerror=alert(1)>";
    public const string InjectionRole = "ops|team";

    public static readonly DateTimeOffset GeneratedAt = new(2025, 1, 31, 9, 30, 0, TimeSpan.FromHours(9));

    public static Advisory Advisory { get; } = new(
        Id: "TEST-SA-0001",
        Vendor: "intel",
        Title: new("Test engine firmware escalation of privilege", "テスト用エンジンファームウェアの特権昇格"),
        Published: new DateOnly(2017, 11, 20),
        Severity: "high",
        Cves:
        [
            new("CVE-2017-5705", 8.2m, "3.0", "CVSS:3.0/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", new("Buffer overflows in the kernel.", "カーネルのバッファオーバーフロー。")),
            new("CVE-2017-5711", 6.7m, "3.0", "CVSS:3.0/AV:L/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", new("Buffer overflows in AMT.", "AMT のバッファオーバーフロー。")),
            new("CVE-2017-0000", null, null, null, new("A CVE without a score.")),
        ],
        Summary: new(
            "Flaws in the management engine firmware let a local attacker run code below the OS.\n\nThe CPU only tells which firmware to expect.",
            "管理エンジンのファームウェアの欠陥により、ローカルの攻撃者が OS より下の層でコードを実行できます。\n\nCPU からは想定されるファームウェアしか分かりません。"),
        AffectedSystems: new(
            "Systems with ME 11.x, SPS 4.0 or TXE 3.0 firmware:\n\n- 6th to 8th generation Core\n- Xeon E3-1200 v5 and v6",
            "ME 11.x、SPS 4.0、TXE 3.0 のファームウェアを搭載したシステム:\n\n- 第6〜第8世代 Core\n- Xeon E3-1200 v5/v6"),
        CpuRules:
        [
            new("core-6-8", new("6th, 7th and 8th generation Intel Core", "第6・第7・第8世代 Intel Core"), CpuRuleScope.Listed,
                EmptyMatch, [FirmwareKind.Me], ["CVE-2017-5705"], new("Read the ME version.", "ME のバージョンを確認してください。")),
            new("me-6-10-amt", new("Platforms with ME 6 to 10 (AMT only)", "ME 6〜10 のプラットフォーム（AMT のみ）"), CpuRuleScope.Conditional,
                EmptyMatch, [FirmwareKind.Me], ["CVE-2017-5711"], new("Check whether AMT is provisioned.", "AMT が有効か確認してください。")),
        ],
        FirmwareRules:
        [
            new("me-11-fixed", FirmwareKind.Me, new(IntSet.Of(11), IntSet.Of(8, 11, 21), null, null, null), Verdict.Fixed, AmtCondition.Any, [],
                new("First fixed branches.", "最初の修正版ブランチ。")),
            new("me-11", FirmwareKind.Me, new(IntSet.Of(11), IntSet.Of(0, 5, 6, 7, 10, 20), null, null, null), Verdict.Affected, AmtCondition.Any,
                ["CVE-2017-5705"], new("Affected ME 11 branches.", "影響を受ける ME 11 ブランチ。")),
            new("me-8-amt", FirmwareKind.Me, new(IntSet.Of(8), null, null, null, FirmwareVersion.Parse("8.1.72.3002")), Verdict.Affected, AmtCondition.Required,
                ["CVE-2017-5711"], new("Corporate ME 8 below the fix.", "修正版未満のコーポレート版 ME 8。")),
        ],
        OutOfScope: new("AMD and Arm processors have no Intel management engine.", "AMD と Arm のプロセッサーには Intel の管理エンジンがありません。"),
        HowToCheck: new("Run the probe, or read /sys/class/mei/mei0/fw_ver.", "プローブを実行するか、/sys/class/mei/mei0/fw_ver を読んでください。"),
        Remediation: new("Install the firmware update from the system vendor.", "システムベンダーのファームウェア更新を適用してください。"),
        CloudStatements:
        [
            new(CloudProvider.Aws, new("AWS stated that its infrastructure is not exposed.", "AWS は自社基盤が影響を受けないと表明しています。"), ["https://aws.amazon.com/security/security-bulletins/"]),
            new(CloudProvider.Gcp, new("Google Cloud manages host firmware.", "Google Cloud がホストのファームウェアを管理しています。"), []),
            new(CloudProvider.Azure, new("Azure manages host firmware.", "Azure がホストのファームウェアを管理しています。"), []),
        ],
        References:
        [
            new("Intel advisory", "https://www.intel.com/content/www/us/en/security-center/advisory/intel-sa-00086.html"),
            new("A script link must not become a link", "javascript:alert(1)"),
        ],
        VendorPages:
        [
            new("Dell", "Dell security advisory", "https://www.dell.com/support/article/sln308237", ["dell"]),
            new("HPE", "HPE bulletin", "https://support.hpe.com/hpesc/public/docDisplay?docId=hpesbhf03797en_us", ["hpe", "hewlett"]),
        ],
        Examples: [],
        SourceName: "test-sa-0001.yaml");

    public static Advisory SecondAdvisory { get; } = Advisory with
    {
        Id = "TEST-SA-0002",
        Title = new("Second test advisory", "2件目のテスト用アドバイザリー"),
        CloudStatements = [],
        VendorPages = [],
    };

    private static Condition EmptyMatch => new AllOf([new CpuVendorPredicate([CpuVendor.Intel])]);

    public static ProcessorIdentity Skylake { get; } = new(
        CpuVendor.Intel, ProductLines.XeonE3, "E3-1230 v5", 5, "skylake", "skylake-s", MarketSegment.Server, false, null,
        IdentificationConfidence.High, "brand string and signature agree", "Intel(R) Xeon(R) CPU E3-1230 v5 @ 3.40GHz", new CpuSignature(6, 94, 3));

    public static ProcessorIdentity CoffeeLake { get; } = new(
        CpuVendor.Intel, ProductLines.Core, "i7-8700", 8, "coffee-lake", "coffee-lake-s", MarketSegment.Desktop, false, null,
        IdentificationConfidence.Medium, "brand string", "Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz", null);

    public static ProcessorIdentity Epyc { get; } = new(
        CpuVendor.Amd, ProductLines.Epyc, "7502P", 2, "zen2", "rome", MarketSegment.Server, false, null,
        IdentificationConfidence.High, "brand string", "AMD EPYC 7502P 32-Core Processor", new CpuSignature(23, 49, 0));

    public static ProcessorIdentity AwsXeon { get; } = new(
        CpuVendor.Intel, ProductLines.XeonScalable, "Platinum 8175M", 1, "skylake", "skylake-sp", MarketSegment.Server, false, null,
        IdentificationConfidence.High, "brand string", "Intel(R) Xeon(R) Platinum 8175M CPU @ 2.50GHz", new CpuSignature(6, 85, 4));

    public static ProcessorIdentity InjectedCpu { get; } = new(
        CpuVendor.Intel, null, null, null, null, null, MarketSegment.Unknown, false, null,
        IdentificationConfidence.Low, "unrecognised brand string", InjectionCpu, null);

    public static InventorySummary Inventory { get; } = new("inventory.json", 11, 10, 1, 5, 2);

    public static Diagnostic Diagnostic { get; } = new(
        DiagnosticCodes.HostWithoutCpu, DiagnosticSeverity.Warning, new SourceLocation("inventory.json", 120, 5, 4567), "host 'lonely' has no CPU facts");

    public static TriageReport Report(params Advisory[] advisories)
    {
        advisories = advisories.Length == 0 ? [Advisory] : advisories;
        var findings = advisories.SelectMany(a => a == Advisory ? Findings(a.Id) : Findings(a.Id).Where(f => f.Host.Name.StartsWith("db", StringComparison.Ordinal) || f.Verdict == Verdict.ProviderManaged))
            .Order(FindingOrder.Instance)
            .ToImmutableArray();
        return new TriageReport([.. advisories], findings, [Diagnostic], Inventory, GeneratedAt, "0.1.0-test");
    }

    public static IEnumerable<Finding> Findings(string advisory)
    {
        static Host H(string id, string name, string? display, HostStatus status, CloudProvider cloud, params string[] roles) => new(
            id, name, display, status, false,
            [.. roles.Select(r => r.Split(':')).Select(p => new RoleRef(p[0], p[1])).OrderBy(r => r.ToString(), StringComparer.Ordinal)],
            cloud == CloudProvider.None ? null : new CloudInfo(cloud, cloud.ToString().ToLowerInvariant(), "m5.large", "meta.cloud.provider"),
            [], "Linux", null);

        static ImmutableArray<EvidenceFact> F(params (string Name, string Value, string Source)[] facts) => [.. facts.Select(f => new EvidenceFact(f.Name, f.Value, f.Source))];

        static Evidence Cloud(string advisory, string key, string provider, string en, string ja, string raw) =>
            new($"{advisory}#cloud/{key}", EvidenceKind.CloudProvider, F(("cloud.provider", raw, "meta.cloud.provider")))
            {
                Verdict = Verdict.ProviderManaged,
                Subject = provider,
                Note = new(en, ja),
            };

        static Evidence Candidate(string advisory, ProcessorIdentity cpu, string brand) =>
            new($"{advisory}#cpu/core-6-8", EvidenceKind.CandidateCpu, F(("cpu.model_name", brand, "meta.cpu[0]")))
            {
                Verdict = Verdict.NeedsConfirmation,
                Subject = cpu.DisplayName,
                RuleId = "core-6-8",
                RuleTitle = new("6th-8th generation Core and Xeon E3 v5/v6", "第6〜8世代 Core と Xeon E3 v5/v6"),
                Detail = "ME",
                Scope = CpuRuleScope.Listed,
                Predicates = [new PredicateResult("cpu.microarchitecture", "skylake|kaby-lake|coffee-lake", cpu.Microarchitecture ?? "unknown", "signature 06_5E_3", Truth.True)],
            };

        var nothing = FindingAction.None;
        var update = new FindingAction(ActionKind.UpdateFirmware, Reference: advisory);
        var check = new FindingAction(ActionKind.ConfirmFirmware, new("Read the ME firmware version (probe or fw_ver) and re-run.", "ME ファームウェアのバージョン（プローブまたは fw_ver）を確認して再実行してください。"));
        var unknown = FindingAction.CollectFacts;
        var cloud = Cloud(advisory, "aws", "Aws", "An EC2 instance: AWS owns the platform firmware.", "EC2 インスタンスのため、プラットフォームのファームウェアは AWS が管理しています。", "ec2");

        yield return new(advisory, H("2aws1", "aws-web-1", null, HostStatus.Working, CloudProvider.Aws, "web:app"), Verdict.ProviderManaged, Stage.Cloud,
            HostEnvironment.Aws, [AwsXeon], [cloud], [], nothing);
        yield return new(advisory, H("2aws2", "aws-web-2", null, HostStatus.Working, CloudProvider.Aws, "web:app"), Verdict.ProviderManaged, Stage.Cloud,
            HostEnvironment.Aws, [AwsXeon], [cloud], [], nothing);
        yield return new(advisory, H("3gcp1", "gcp-batch-1", null, HostStatus.Standby, CloudProvider.Gcp, "batch:worker"), Verdict.ProviderManaged, Stage.Cloud,
            HostEnvironment.Gcp, [], [Cloud(advisory, "gcp", "Gcp", "A Compute Engine instance.", "Compute Engine のインスタンスです。", "gce")], [], nothing);
        yield return new(advisory, H("4az1", "azure-db-1", null, HostStatus.Working, CloudProvider.Azure, "db:primary"), Verdict.ProviderManaged, Stage.Cloud,
            HostEnvironment.Azure, [], [Cloud(advisory, "azure", "Azure", "An Azure VM.", "Azure の仮想マシンです。", "AzureVM")], [], nothing);
        yield return new(advisory, H("5db01", "db01", "Main DB", HostStatus.Working, CloudProvider.None, "db:primary", "web:app"), Verdict.Affected, Stage.Firmware,
            HostEnvironment.OnPremises, [Skylake],
            [
                new($"{advisory}#firmware/me-11", EvidenceKind.FirmwareRule, F(("firmware.me", "11.0.25.3001", "facts/db01.json"), ("platform.vendor", "Dell Inc.", "facts/db01.json")))
                {
                    Verdict = Verdict.Affected,
                    Subject = "ME 11.0.25.3001",
                    RuleId = "me-11",
                    Detail = "major 11, minor 0",
                    Note = new("ME 11.0 is an affected branch.", "ME 11.0 は影響を受けるブランチです。"),
                },
            ],
            ["CVE-2017-5705"], update);
        yield return new(advisory, H("6db02", "db02", null, HostStatus.Maintenance, CloudProvider.None, "db:replica"), Verdict.NeedsConfirmation, Stage.Cpu,
            HostEnvironment.OnPremises, [CoffeeLake],
            [Candidate(advisory, CoffeeLake, CoffeeLake.NormalizedBrand)],
            ["CVE-2017-5705"], check);
        yield return new(advisory, H("7lonely", "lonely", null, HostStatus.Unknown, CloudProvider.None), Verdict.Unknown, Stage.Cpu,
            HostEnvironment.OnPremises, [],
            [new($"{advisory}#cpu/no-cpu-facts", EvidenceKind.NoCpuFacts, F(("meta.cpu", "meta.cpu absent", "inventory"))) { Verdict = Verdict.Unknown, Subject = "meta.cpu absent" }],
            [], unknown);
        yield return new(advisory, H("8fixed", "fw-fixed", null, HostStatus.Working, CloudProvider.None, "web:proxy"), Verdict.Fixed, Stage.Firmware,
            HostEnvironment.OnPremises, [Skylake],
            [new($"{advisory}#firmware/me-11-fixed", EvidenceKind.FirmwareRule, F(("firmware.me", "11.8.50.3425", "facts/fw-fixed.json"))) { Verdict = Verdict.Fixed, Subject = "ME 11.8.50.3425", RuleId = "me-11-fixed", Detail = "major 11, minor 8" }],
            [], nothing);
        yield return new(advisory, H("9amd", "old-amd", null, HostStatus.PowerOff, CloudProvider.None, "batch:worker"), Verdict.NotAffected, Stage.Cpu,
            HostEnvironment.OnPremises, [Epyc],
            [new($"{advisory}#cpu/outside-listed-families", EvidenceKind.OutsideRules, F(("cpu.vendor_id", "AuthenticAMD", "meta.cpu[0]")))
            {
                Verdict = Verdict.NotAffected,
                Subject = Epyc.DisplayName,
                Predicates = [new PredicateResult("cpu.vendor", "intel", "amd", "vendor id", Truth.False)],
                Note = new("An AMD processor has no Intel management engine.", "AMD のプロセッサーには Intel の管理エンジンがありません。"),
            }],
            [], nothing);
        yield return new(advisory, H("0evil", InjectionName, InjectionDisplayName, HostStatus.Working, CloudProvider.None, InjectionRole + ":web<b>"), Verdict.NeedsConfirmation, Stage.Cpu,
            HostEnvironment.OnPremises, [InjectedCpu],
            [Candidate(advisory, InjectedCpu, InjectionFact)],
            ["CVE-2017-5705"], check);
    }
}
