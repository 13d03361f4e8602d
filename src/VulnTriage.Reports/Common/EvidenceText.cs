using System.Globalization;
using System.Text;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;

namespace VulnTriage.Reports.Common;

/// <summary>
/// Turns the evaluator's structured evidence and actions into sentences, in English and Japanese. The only place
/// where findings become prose: Core keeps data (kind, rule, predicates, facts), every writer and the CLI render
/// through here. Values are inserted verbatim; each writer escapes for its format.
/// </summary>
public static class EvidenceText
{
    /// <summary>At most this many predicate results are quoted in a sentence; the JSON report carries them all.</summary>
    public const int MaxQuotedPredicates = 3;

    // Fleets share evidence and action records between hosts (the evaluation memo re-addresses one finding to every host
    // with the same hardware), so each record's sentences are rendered once per language and kept while it lives.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, string?[]> Rendered = [];

    /// <summary>The sentence for one evidence item.</summary>
    public static string Reason(Evidence evidence, string lang)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var ja = ReportSentences.NormalizeLang(lang) == "ja";
        return Memo(evidence, ja, () => (ja ? Ja(evidence) : En(evidence)).Trim());
    }

    /// <summary>The sentence for a finding's next action.</summary>
    public static string Action(FindingAction action, string lang)
    {
        ArgumentNullException.ThrowIfNull(action);
        var ja = ReportSentences.NormalizeLang(lang) == "ja";
        return Memo(action, ja, () => ActionText(action, ja));
    }

    private static string Memo(object record, bool ja, Func<string> render)
    {
        var slots = Rendered.GetValue(record, _ => new string?[2]);
        var i = ja ? 1 : 0;
        return Volatile.Read(ref slots[i]) ?? (slots[i] = render());
    }

    private static string ActionText(FindingAction action, bool ja)
    {
        var detail = action.Detail?.Get(ja ? "ja" : "en");
        var id = action.Reference ?? "";
        return action.Kind switch
        {
            ActionKind.None => ja ? "対応は不要です。" : "No action needed.",
            ActionKind.CollectFacts => ja
                ? "このホストの CPU とファームウェアの情報を収集し（ホスト上で `vulntriage probe` または Intel の検出ツールを実行）、もう一度トリアージしてください。"
                : "Collect the host's CPU and firmware facts (run `vulntriage probe` on it, or Intel's detection tool) and run the triage again.",
            ActionKind.ConfirmFirmware or ActionKind.ReadMicrocodeAndKernel when detail is { Length: > 0 } => detail,
            ActionKind.ConfirmFirmware => ja
                ? "ファームウェアのバージョンを確認してください（`vulntriage probe` の出力を `--facts` に渡します）。"
                : "Read the firmware version (pass `vulntriage probe` output with `--facts`).",
            ActionKind.ReadMicrocodeAndKernel => ja
                ? "ホスト上で `vulntriage probe` を実行し、マイクロコードのリビジョンとカーネルの判定（/sys/devices/system/cpu/vulnerabilities）を `--facts` に渡してください。"
                : "Run `vulntriage probe` on the host and pass its microcode revision and the kernel's verdicts (/sys/devices/system/cpu/vulnerabilities) with `--facts`.",
            ActionKind.CheckAmt => ja
                ? "ファームウェアが企業向け（AMT/vPro）イメージかどうかを確認し（Intel の検出ツールまたは AMT/MEBx の設定で分かります）、ホストの facts に \"amt\" として記録してください。"
                : "Check whether the firmware is a corporate (AMT/vPro) image — Intel's detection tool or the AMT/MEBx settings show it — and record it as \"amt\" in the host's facts.",
            ActionKind.CheckPhysicalHost => ja
                ? "ハイパーバイザーが物理 CPU を隠しています。この VM を動かしている物理ホスト（CPU とファームウェア）を確認してください。"
                : "The hypervisor hides the physical CPU: check the physical host that runs this VM (its CPU and firmware).",
            ActionKind.CheckHostMicrocode => ja
                ? "ゲスト側の対策は有効です。この VM を動かしている物理ホストのマイクロコードが修正済みで、ハイパーバイザーがその機能をゲストに渡していることを確認してください（クラウドではプロバイダーに確認）。"
                : "The guest's half is in place: check that the physical host running this VM has the fixed microcode and that the hypervisor passes the feature to the guest (on a cloud, ask the provider).",
            ActionKind.UpdateFirmware => ja
                ? $"システムベンダーが提供する {id} 対応のファームウェア（BIOS/ME）更新を適用し（「対処方法」参照）、もう一度ファームウェアのバージョンを確認してください。"
                : $"Apply the system vendor's firmware (BIOS/ME) update for {id} (see \"How to fix\"), then read the firmware version again.",
            ActionKind.UpdateMicrocode => ja
                ? $"{id} を修正するマイクロコード（BIOS 更新または OS のマイクロコードパッケージ）を適用し、再起動後にもう一度確認してください。"
                : $"Load microcode that fixes {id} (a BIOS update or the OS microcode package), reboot, and check again.",
            ActionKind.UpdateKernel => ja
                ? $"{id} を緩和するカーネルに更新するか、緩和策を有効にしてください（「対処方法」参照）。"
                : $"Update the kernel to one that mitigates {id}, or turn its mitigation on (see \"How to fix\").",
            ActionKind.NoFixAvailable => ja
                ? $"{id} について、ベンダーはこのプロセッサー向けの緩和策を予定していません。信頼できないコードを同じホストで動かさない、またはハードウェアを更新してください。{detail}"
                : $"The vendor plans no mitigation of {id} for this processor: keep untrusted code off the host, or replace the hardware. {detail}",
            ActionKind.DecidedNotAffected => ja ? $"対応不要: 影響なしと判断済み（{id}）。" : $"None: decided not affected ({id}).",
            ActionKind.DecidedFixed => ja ? $"対応不要: 修正済みと判断済み（{id}）。" : $"None: decided fixed ({id}).",
            ActionKind.DecidedAcceptedRisk => ja
                ? $"当面は対応なし: リスク受容（{id}）。プラットフォームや用途が変わったら判断を見直してください。"
                : $"None for now: the risk was accepted ({id}); review the decision when the platform or its use changes.",
            ActionKind.DecidedAffected => ja
                ? $"アドバイザリーに従って対処してください（影響ありと判断済み、{id}）。"
                : $"Fix it as the advisory says (decided affected, {id}).",
            ActionKind.ReadVendorAdvisory => ja
                ? $"このプロセッサーについてベンダーの勧告を確認し（「参考情報」参照）、ドラフトのアドバイザリー {id} を見直してください。NVD のレコードが更新されたら取り込み直してください。"
                : $"Read the vendor's advisory for this processor (see \"References\") and review the draft advisory {id}; import the NVD record again when it is updated.",
            _ => throw new System.Diagnostics.UnreachableException(),
        };
    }

    private static string En(Evidence e)
    {
        var note = e.Note?.En;
        var subject = e.Subject ?? "";
        var title = e.RuleTitle?.En ?? e.RuleId ?? "";
        switch (e.Kind)
        {
            case EvidenceKind.CloudProvider:
                return note ?? $"Cloud instance ({subject}): the provider owns and patches the platform firmware; customers cannot reach it.";
            case EvidenceKind.NoCpuFacts:
                return $"No CPU facts in the inventory ({subject}); nothing rules this host in or out.";
            case EvidenceKind.CandidateCpu:
                {
                    var expect = e.Detail is { Length: > 0 } d ? $"; expect {d} firmware" : "";
                    var why = Quote(e, Truth.True, en: true);
                    if (e.Verdict == Verdict.Affected)
                    {
                        return $"{subject} is in a listed family ({title}){why}, for which the vendor plans no mitigation: affected whatever the microcode or the kernel says.";
                    }

                    return e.Scope == CpuRuleScope.Conditional
                        ? $"{subject} is not in the listed families, but {title} may still apply{expect}{why}. A later fact decides."
                        : $"{subject} is in a listed family ({title}){expect}{why}. The CPU makes the host a candidate; a later fact decides.";
                }

            case EvidenceKind.ExcludedCpu:
                return $"{subject}: the vendor lists it as not affected ({title}){Quote(e, Truth.True, en: true)}.";
            case EvidenceKind.OutsideRules:
                return Join($"{subject} is outside every processor family the advisory lists{Quote(e, Truth.False, en: true)}.", note);
            case EvidenceKind.NotListed when SourceOf(e) is { } src:
                return src.Count == "0"
                    ? $"{src.Feed}'s record {src.Record} ({src.RevisionEn}) names no processor this tool can match, so nothing rules {subject} in or out."
                    : $"{subject} is not among the {src.Count} processors {src.Feed} lists for {src.Record} ({src.RevisionEn}){Quote(e, Truth.False, en: true)}; absence from {src.Feed}'s list is not safety.";
            case EvidenceKind.NotListed:
                return $"{subject} is not among the processors the vendor lists{Quote(e, Truth.False, en: true)}; parts past end of servicing are left off such lists, so absence is not safety.";
            case EvidenceKind.Indeterminate:
                {
                    var missing = e.Missing.IsDefaultOrEmpty ? "a fact it needs" : string.Join(", ", e.Missing);
                    return $"{subject}: rule '{e.RuleId}' ({title}) can be neither confirmed nor ruled out: {missing} not known{Quote(e, Truth.Unknown, en: true)}.";
                }

            case EvidenceKind.VirtualMachine:
                return $"Virtual CPU '{subject}'{(e.Detail is { Length: > 0 } h ? $" (hypervisor model {h})" : "")}: the physical processor and its firmware are hidden from the guest; the physical host decides.";
            case EvidenceKind.FirmwareRule:
                return Join($"{subject} matches rule '{e.RuleId}' ({e.Detail}): {VerdictEn(e.Verdict)}.", note);
            case EvidenceKind.FirmwareAmtAbsent:
                return $"{subject} is in the range of rule '{e.RuleId}', which applies only to corporate (AMT) firmware; the facts say this is not an AMT image.";
            case EvidenceKind.FirmwareAmtUnknown:
                return $"{subject} is in the range of rule '{e.RuleId}', which applies only to corporate (AMT) firmware; whether this is an AMT image is not known.";
            case EvidenceKind.FirmwareNoRule:
                return $"No rule of this advisory covers {subject}; the version cannot be judged.";
            case EvidenceKind.FirmwareZeroVersion:
                return $"{subject} reads 0.0.0.0, which means the engine did not report its version; the version is unknown.";
            case EvidenceKind.MicrocodeBelow:
                return Join($"Microcode {subject} is below {e.Detail}, the first revision that fixes it for this processor (rule '{e.RuleId}'): affected.", note);
            case EvidenceKind.MicrocodeFixed:
                return Join(e.Verdict == Verdict.Fixed
                    ? $"Microcode {subject} is at or above {e.Detail}, the first fixed revision (rule '{e.RuleId}'): fixed."
                    : $"Microcode {subject} is at or above {e.Detail}, the first fixed revision (rule '{e.RuleId}'); the fix also needs the kernel's mitigation.", note);
            case EvidenceKind.MicrocodeNoThreshold:
                return $"Microcode {subject}: rule '{e.RuleId}' lists no first fixed revision for signature {e.Detail ?? "(unknown)"}; the revision cannot be judged.";
            case EvidenceKind.Kernel:
                return Join($"The kernel reports \"{subject}\" ({KernelEn(e.Detail)}): {VerdictEn(e.Verdict)}.", note);
            case EvidenceKind.SourcesDisagree:
                return $"The sources disagree ({e.Detail}); the safer verdict, {VerdictEn(e.Verdict)}, is kept.";
            case EvidenceKind.FactsNote:
                return subject;
            case EvidenceKind.Decision:
                return DecisionEn(e);
            case EvidenceKind.SourceNotAnalysed:
                {
                    var src = SourceOf(e);
                    return $"{src?.Feed ?? "The source"} has not analysed {e.Detail} yet (status \"{subject}\", {src?.RevisionEn ?? "revision unknown"}): the record names no processor or firmware, so no host can be matched.";
                }

            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    private static string Ja(Evidence e)
    {
        var note = e.Note?.Get("ja");
        var subject = e.Subject ?? "";
        var title = e.RuleTitle?.Get("ja") ?? e.RuleId ?? "";
        switch (e.Kind)
        {
            case EvidenceKind.CloudProvider:
                return note ?? $"クラウドインスタンス（{subject}）です。プラットフォームのファームウェアはプロバイダーが管理・更新しており、利用者は触れられません。";
            case EvidenceKind.NoCpuFacts:
                return $"インベントリに CPU 情報がありません（{subject}）。影響の有無を判断できません。";
            case EvidenceKind.CandidateCpu:
                {
                    var expect = e.Detail is { Length: > 0 } d ? $"{d} ファームウェアが想定されます。" : "";
                    var why = Quote(e, Truth.True, en: false);
                    if (e.Verdict == Verdict.Affected)
                    {
                        return $"{subject} は対象として列挙されたファミリー（{title}）に含まれ{why}、ベンダーは緩和策を予定していません。マイクロコードやカーネルの状態にかかわらず影響ありです。";
                    }

                    return e.Scope == CpuRuleScope.Conditional
                        ? $"{subject} は列挙されたファミリーには含まれませんが、{title}が該当する可能性があります{why}。{expect}後続の情報で確定します。"
                        : $"{subject} は対象として列挙されたファミリー（{title}）に含まれます{why}。{expect}CPU からは候補であることまでしか分からず、後続の情報で確定します。";
                }

            case EvidenceKind.ExcludedCpu:
                return $"{subject} はベンダーが影響なしとしているプロセッサーです（{title}）{Quote(e, Truth.True, en: false)}。";
            case EvidenceKind.OutsideRules:
                return JoinJa($"{subject} は、この勧告が対象とするどのプロセッサーファミリーにも含まれません{Quote(e, Truth.False, en: false)}。", note);
            case EvidenceKind.NotListed when SourceOf(e) is { } src:
                return src.Count == "0"
                    ? $"{src.Feed} のレコード {src.Record}（{src.RevisionJa}）には、このツールで照合できるプロセッサーがありません。{subject} の影響の有無は判断できません。"
                    : $"{subject} は、{src.Feed} が {src.Record} について挙げている {src.Count} 件のプロセッサーに含まれていません（{src.RevisionJa}）{Quote(e, Truth.False, en: false)}。一覧にないことは安全を意味しません。";
            case EvidenceKind.NotListed:
                return $"{subject} はベンダーの一覧に載っていません{Quote(e, Truth.False, en: false)}。サポートが終了した製品は一覧から外されるため、載っていないことは安全を意味しません。";
            case EvidenceKind.Indeterminate:
                {
                    var missing = e.Missing.IsDefaultOrEmpty ? "必要な情報" : string.Join("、", e.Missing);
                    return $"{subject}: ルール「{e.RuleId}」（{title}）に該当するかどうかを判断できません。{missing} が不明です{Quote(e, Truth.Unknown, en: false)}。";
                }

            case EvidenceKind.VirtualMachine:
                return $"仮想 CPU「{subject}」{(e.Detail is { Length: > 0 } h ? $"（ハイパーバイザーのモデル {h}）" : "")}です。物理プロセッサーとそのファームウェアはゲストから見えず、物理ホストで判断します。";
            case EvidenceKind.FirmwareRule:
                return JoinJa($"{subject} はルール「{e.RuleId}」（{FirmwareRangeJa(e.Detail)}）に該当します。判定: {VerdictJa(e.Verdict)}。", note);
            case EvidenceKind.FirmwareAmtAbsent:
                return $"{subject} はルール「{e.RuleId}」の範囲内ですが、このルールの対象は企業向け（AMT）ファームウェアのみで、facts によればこのホストは AMT イメージではありません。";
            case EvidenceKind.FirmwareAmtUnknown:
                return $"{subject} はルール「{e.RuleId}」の範囲内です。このルールの対象は企業向け（AMT）ファームウェアのみですが、AMT イメージかどうかが分かりません。";
            case EvidenceKind.FirmwareNoRule:
                return $"この勧告のどのルールも {subject} を扱っていないため、判定できません。";
            case EvidenceKind.FirmwareZeroVersion:
                return $"{subject} のバージョンが 0.0.0.0 で、エンジンから取得できていません。バージョンは不明です。";
            case EvidenceKind.MicrocodeBelow:
                return JoinJa($"マイクロコード {subject} は、このプロセッサーで修正が入った最初のリビジョン {e.Detail} より古いため、影響があります（ルール「{e.RuleId}」）。", note);
            case EvidenceKind.MicrocodeFixed:
                return JoinJa(e.Verdict == Verdict.Fixed
                    ? $"マイクロコード {subject} は修正済みのリビジョン {e.Detail} 以降です（ルール「{e.RuleId}」）。判定: 修正済み。"
                    : $"マイクロコード {subject} は修正済みのリビジョン {e.Detail} 以降です（ルール「{e.RuleId}」）。修正にはカーネル側の緩和策も必要です。", note);
            case EvidenceKind.MicrocodeNoThreshold:
                return $"マイクロコード {subject}: ルール「{e.RuleId}」にはシグネチャー {e.Detail ?? "（不明）"} の修正リビジョンがないため、判定できません。";
            case EvidenceKind.Kernel:
                return JoinJa($"カーネルの報告は「{subject}」（{KernelJa(e.Detail)}）です。判定: {VerdictJa(e.Verdict)}。", note);
            case EvidenceKind.SourcesDisagree:
                return $"情報源の判定が一致しません（{e.Detail}）。安全側の判定（{VerdictJa(e.Verdict)}）を採用します。";
            case EvidenceKind.FactsNote:
                return subject;
            case EvidenceKind.Decision:
                return DecisionJa(e);
            case EvidenceKind.SourceNotAnalysed:
                {
                    var src = SourceOf(e);
                    return $"{src?.Feed ?? "情報源"} は {e.Detail} をまだ分析していません（状態「{subject}」、{src?.RevisionJa ?? "最終更新は不明"}）。レコードに対象のプロセッサーやファームウェアの記載がないため、どのホストも照合できません。";
                }

            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    /// <summary>The source record an imported advisory's evidence names (facts <c>source.record</c>, <c>source.revision</c>), or <c>null</c>.</summary>
    private static SourceRecord? SourceOf(Evidence e)
    {
        if (e.Facts.IsDefaultOrEmpty || e.Facts.FirstOrDefault(f => f.Name == "source.record") is not { } record)
        {
            return null;
        }

        var revision = e.Facts.FirstOrDefault(f => f.Name == "source.revision")?.Value ?? "unknown";
        var feed = record.Source == "nvd" ? "NVD" : record.Source;
        return new SourceRecord(feed, record.Value, revision, e.Detail ?? "?", record.Source == "nvd");
    }

    private sealed record SourceRecord(string Feed, string Record, string Revision, string Count, bool Nvd)
    {
        public string RevisionEn => Nvd ? "record lastModified " + Revision : "record revision " + Revision;

        public string RevisionJa => "レコードの最終更新 " + Revision;
    }

    /// <summary>" (cpu.microarchitecture: broadwell [signature 06_4F_1] vs skylake|kaby-lake)" — the predicates with the given answer.</summary>
    private static string Quote(Evidence e, Truth result, bool en)
    {
        if (e.Predicates.IsDefaultOrEmpty)
        {
            return "";
        }

        var picked = e.Predicates.Where(p => p.Result == result).Distinct().Take(MaxQuotedPredicates + 1).ToList();
        if (picked.Count == 0)
        {
            return "";
        }

        var sb = new StringBuilder(en ? " (" : "（");
        for (var i = 0; i < Math.Min(picked.Count, MaxQuotedPredicates); i++)
        {
            var p = picked[i];
            if (i > 0)
            {
                sb.Append(en ? "; " : "、");
            }

            sb.Append(p.Predicate).Append(' ').Append(p.Value);
            if (!string.IsNullOrEmpty(p.Source))
            {
                if (en)
                {
                    sb.Append(" from ").Append(p.Source);
                }
                else
                {
                    sb.Append('（').Append(SourceJa(p.Source)).Append('）');
                }
            }

            sb.Append(result switch
            {
                Truth.True => en ? " is in " : " ∈ ",
                Truth.False => en ? " is not in " : " ∉ ",
                _ => en ? " vs " : "、条件 ",
            }).Append(p.Expected);
        }

        if (picked.Count > MaxQuotedPredicates)
        {
            sb.Append(en ? "; …" : "、…");
        }

        sb.Append(en ? ")" : "）");
        return sb.ToString();
    }

    private static string DecisionEn(Evidence e)
    {
        var d = e.Decision!;
        var date = d.DecidedAt.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var why = Sentence(d.Justification);
        return $"Recorded decision {d.Id} by {d.Author} ({date}) for {d.Selector}: {d.Verdict.ToWire()}. {why} The machine verdict was {e.Detail}.";
    }

    private static string DecisionJa(Evidence e)
    {
        var d = e.Decision!;
        var date = d.DecidedAt.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var why = Sentence(d.Justification);
        var machine = e.Detail ?? "";
        var space = machine.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && Verdicts.TryParse(machine[..space], out var mv) && Verdicts.TryParseStage(machine[(space + 1)..].Trim('(', ')'), out var ms))
        {
            machine = $"{VerdictJa(mv)}（段階: {ReportSentences.StageLabel(ms, "ja")}）";
        }

        return $"{date} に {d.Author} が記録した判断 {d.Id}（対象 {d.Selector}）: {VerdictJa(d.Verdict)}。{why} 機械判定は{machine}でした。";
    }

    private static string Sentence(string text)
    {
        var why = text.TrimEnd();
        if (why.Length > 0 && !".!?。".Contains(why[^1], StringComparison.Ordinal))
        {
            why += ".";
        }

        return why;
    }

    private static string Join(string head, string? note) => string.IsNullOrEmpty(note) ? head : head + " " + note;

    // Japanese sentences follow each other without a space.
    private static string JoinJa(string head, string? note) => string.IsNullOrEmpty(note) ? head : head + note.TrimStart();

    /// <summary>The evaluator's source phrases ("brand string", "signature 06_5E_3", "vendor id") in Japanese.</summary>
    private static string SourceJa(string source) => source
        .Replace("brand string and signature", "ブランド文字列とシグネチャー", StringComparison.Ordinal)
        .Replace("(the brand string disagrees)", "（ブランド文字列とは不一致）", StringComparison.Ordinal)
        .Replace("brand string", "ブランド文字列", StringComparison.Ordinal)
        .Replace("CPUID signature", "CPUID シグネチャー", StringComparison.Ordinal)
        .Replace("signature", "シグネチャー", StringComparison.Ordinal)
        .Replace("vendor id", "ベンダー ID", StringComparison.Ordinal)
        .Replace("microarchitecture", "マイクロアーキテクチャー", StringComparison.Ordinal)
        .Replace("identification", "識別結果", StringComparison.Ordinal)
        .Replace("no CPU facts", "CPU 情報なし", StringComparison.Ordinal);

    private static string VerdictEn(Verdict? v) => v?.ToWire() ?? "no verdict";

    private static string VerdictJa(Verdict? v) => v is { } verdict ? ReportSentences.VerdictLabel(verdict, "ja") : "判定なし";

    private static string KernelEn(string? status) => status switch
    {
        "not_affected" => "not affected",
        "mitigated" => "mitigated",
        "partial" => "a partial mitigation: some attack vectors stay open",
        "microcode_on_host" => "the guest's half is in place; a virtual machine cannot see the host's microcode, so the hypervisor host must be checked",
        "vulnerable" => "vulnerable",
        _ => "not classified",
    };

    private static string KernelJa(string? status) => status switch
    {
        "not_affected" => "影響なし",
        "mitigated" => "緩和済み",
        "partial" => "部分的な緩和で、一部の攻撃経路は残ります",
        "microcode_on_host" => "ゲスト側の対策は有効です。仮想マシンからはホストのマイクロコードが見えないため、ハイパーバイザーのホストを確認する必要があります",
        "vulnerable" => "脆弱",
        _ => "分類できない報告",
    };

    // "major 11, minor 0,5,6" → "メジャー 11、マイナー 0,5,6"
    private static string FirmwareRangeJa(string? detail) => (detail ?? "")
        .Replace("any version", "全バージョン", StringComparison.Ordinal)
        .Replace("major ", "メジャー ", StringComparison.Ordinal)
        .Replace("minor ", "マイナー ", StringComparison.Ordinal)
        .Replace("hotfix ", "ホットフィックス ", StringComparison.Ordinal)
        .Replace("build ", "ビルド ", StringComparison.Ordinal)
        .Replace(", ", "、", StringComparison.Ordinal);
}
