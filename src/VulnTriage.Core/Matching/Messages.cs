using System.Collections.Immutable;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Matching;

/// <summary>The evaluator's sentences, in English and Japanese. Values are inserted verbatim; writers escape them.</summary>
internal static class Messages
{
    public static LocalizedText NoAction { get; } = new("No action needed.", "対応は不要です。");

    public static LocalizedText CollectFacts { get; } = new(
        "Collect the host's CPU and firmware facts (run `vulntriage probe` on it, or Intel's detection tool) and run the triage again.",
        "このホストの CPU とファームウェアの情報を収集し（ホスト上で `vulntriage probe` または Intel の検出ツールを実行）、再度トリアージしてください。");

    public static LocalizedText CheckAmt { get; } = new(
        "Check whether the firmware is a corporate (AMT/vPro) image — Intel's detection tool or the AMT/MEBx settings show it — and record it as \"amt\" in the host's facts.",
        "ファームウェアが企業向け（AMT/vPro）イメージかどうかを確認し（Intel の検出ツールまたは AMT/MEBx の設定で分かります）、ホストの facts に \"amt\" として記録してください。");

    public static LocalizedText CheckHypervisor { get; } = new(
        "The hypervisor hides the physical CPU: check the physical host that runs this VM (its CPU and ME/SPS firmware).",
        "ハイパーバイザーが物理 CPU を隠しています。この VM を動かしている物理ホスト（CPU と ME/SPS ファームウェア）を確認してください。");

    public static LocalizedText UpdateFirmware(Advisory advisory) => new(
        $"Apply the system vendor's firmware (BIOS/ME) update for {advisory.Id} (see \"How to fix\"), then read the firmware version again.",
        $"システムベンダーが提供する {advisory.Id} 対応のファームウェア（BIOS/ME）更新を適用し（「対処方法」参照）、再度ファームウェアのバージョンを確認してください。");

    public static LocalizedText ProviderManagedDefault(CloudProvider provider) => new(
        $"Cloud instance ({provider}): the provider owns and patches the platform firmware; customers cannot reach it.",
        $"クラウドインスタンス（{provider}）: プラットフォームのファームウェアはプロバイダーが管理・更新しており、利用者は触れられません。");

    public static LocalizedText NoCpuFacts(string note) => new(
        $"No CPU facts in the inventory ({note}); nothing rules this host in or out.",
        $"インベントリに CPU 情報がありません（{note}）。影響の有無を判断できません。");

    public static LocalizedText NoFirmwareRule(FirmwareFact fact) => new(
        $"No rule of this advisory covers {KindName(fact.Kind)} {fact.Display}; the version cannot be judged.",
        $"この勧告のどのルールも {KindName(fact.Kind)} {fact.Display} を扱っていないため、判定できません。");

    public static LocalizedText ZeroFirmwareVersion(FirmwareFact fact) => new(
        $"The {KindName(fact.Kind)} firmware version reads 0.0.0.0, which means the engine did not report it; the version is unknown.",
        $"{KindName(fact.Kind)} ファームウェアのバージョンが 0.0.0.0 で、エンジンから取得できていません。バージョンは不明です。");

    public static LocalizedText FirmwareRuleApplied(FirmwareFact fact, FirmwareRule rule)
    {
        var en = $"{KindName(fact.Kind)} firmware {fact.Display} matches rule '{rule.Id}' ({rule.Match.Describe()}): {rule.Verdict.ToWire()}.";
        var ja = $"{KindName(fact.Kind)} ファームウェア {fact.Display} はルール「{rule.Id}」（{rule.Match.Describe()}）に該当: {VerdictJa(rule.Verdict)}。";
        if (rule.Note.En.Length > 0)
        {
            en += " " + rule.Note.En;
            ja += " " + rule.Note.Get("ja");
        }

        return new LocalizedText(en, ja);
    }

    public static LocalizedText AmtNotPresent(FirmwareFact fact, FirmwareRule rule) => new(
        $"{KindName(fact.Kind)} firmware {fact.Display} is in the range of rule '{rule.Id}', which applies only to corporate (AMT) firmware; the facts say this is not an AMT image.",
        $"{KindName(fact.Kind)} ファームウェア {fact.Display} はルール「{rule.Id}」の範囲内ですが、このルールは企業向け（AMT）ファームウェアのみが対象で、facts によればこのホストは AMT イメージではありません。");

    public static LocalizedText AmtUnknown(FirmwareFact fact, FirmwareRule rule) => new(
        $"{KindName(fact.Kind)} firmware {fact.Display} is in the range of rule '{rule.Id}', which applies only to corporate (AMT) firmware; whether this is an AMT image is not known.",
        $"{KindName(fact.Kind)} ファームウェア {fact.Display} はルール「{rule.Id}」の範囲内です。このルールは企業向け（AMT）ファームウェアのみが対象ですが、AMT イメージかどうかが分かりません。");

    public static LocalizedText CandidateCpu(ProcessorIdentity identity, CpuRule rule)
    {
        var expect = rule.ExpectFirmware.IsDefaultOrEmpty ? "firmware" : string.Join("/", rule.ExpectFirmware.Select(KindName));
        return rule.Scope == CpuRuleScope.Listed
            ? new LocalizedText(
                $"{identity.DisplayName} is in a listed family ({rule.Title.En}); expect {expect} firmware. The CPU makes the host a candidate; the firmware version decides.",
                $"{identity.DisplayName} は対象として列挙されたファミリー（{rule.Title.Get("ja")}）に含まれます。{expect} ファームウェアが想定されます。CPU からは候補であることまでしか分からず、ファームウェアのバージョンで確定します。")
            : new LocalizedText(
                $"{identity.DisplayName} is not in the listed families, but {rule.Title.En} may still apply; expect {expect} firmware. The firmware decides.",
                $"{identity.DisplayName} は列挙されたファミリーには含まれませんが、{rule.Title.Get("ja")} が該当する可能性があります。{expect} ファームウェアが想定され、ファームウェアで確定します。");
    }

    public static LocalizedText VirtualMachine(ProcessorIdentity identity)
    {
        var model = identity.HypervisorModel;
        return new(
            $"Virtual CPU '{identity.NormalizedBrand}'{(model is null ? "" : $" (hypervisor model {model})")}: the physical processor and its firmware are hidden from the guest.",
            $"仮想 CPU「{identity.NormalizedBrand}」{(model is null ? "" : $"（ハイパーバイザーのモデル {model}）")}: 物理プロセッサーとそのファームウェアはゲストから見えません。");
    }

    public static LocalizedText Unidentified(ProcessorIdentity identity) => new(
        $"The processor '{identity.NormalizedBrand}' could not be identified with confidence ({identity.Reason}); it cannot be ruled out.",
        $"プロセッサー「{identity.NormalizedBrand}」を確実に特定できませんでした（{identity.Reason}）。対象外とは判断できません。");

    public static LocalizedText Indeterminate(ProcessorIdentity identity, CpuRule rule) => new(
        $"{identity.DisplayName}: the identification lacks a field rule '{rule.Id}' ({rule.Title.En}) needs, so the host cannot be ruled out.",
        $"{identity.DisplayName}: ルール「{rule.Id}」（{rule.Title.Get("ja")}）の判定に必要な情報が特定できず、対象外とは判断できません。");

    public static LocalizedText OutsideFamilies(ImmutableArray<ProcessorIdentity> identities, Advisory advisory)
    {
        var names = string.Join(", ", identities.Select(i => i.DisplayName).Distinct(StringComparer.Ordinal));
        var en = $"{names} is outside every processor family {advisory.Id} lists.";
        var ja = $"{names} は {advisory.Id} が対象とするどのプロセッサーファミリーにも含まれません。";
        if (advisory.OutOfScope.En.Length > 0)
        {
            en += " " + advisory.OutOfScope.En;
            ja += " " + advisory.OutOfScope.Get("ja");
        }

        return new LocalizedText(en, ja);
    }

    public static string KindName(FirmwareKind kind) => kind switch
    {
        FirmwareKind.Me => "ME",
        FirmwareKind.Sps => "SPS",
        FirmwareKind.Txe => "TXE",
        _ => kind.ToString(),
    };

    public static string VerdictJa(Verdict verdict) => verdict switch
    {
        Verdict.Affected => "影響あり",
        Verdict.NeedsConfirmation => "要確認",
        Verdict.Unknown => "判定不能",
        Verdict.Fixed => "修正済み",
        Verdict.ProviderManaged => "プロバイダー管理",
        Verdict.NotAffected => "影響なし",
        Verdict.AcceptedRisk => "リスク受容",
        _ => verdict.ToString(),
    };
}
