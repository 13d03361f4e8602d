using System.Globalization;
using System.Text;
using VulnTriage.Core.Matching;

namespace VulnTriage.Core.Reporting;

/// <summary>
/// The conclusion sentences and the verdict/environment names, in English (<c>en</c>) and Japanese (<c>ja</c>).
/// Counts carry a thousands separator (12,084).
/// Any language other than <c>ja</c> is English. Never says "not affected" overall while a host is unknown or
/// needs confirmation (principle 1: missing data is never "not affected").
/// </summary>
public static class ReportSentences
{
    /// <summary><c>ja</c> when <paramref name="lang"/> is Japanese, otherwise <c>en</c>.</summary>
    public static string NormalizeLang(string? lang) =>
        string.Equals(lang, "ja", StringComparison.OrdinalIgnoreCase) ? "ja" : "en";

    /// <summary>The verdict's label: "Affected" / 影響あり.</summary>
    public static string VerdictLabel(Verdict verdict, string lang) => (verdict, NormalizeLang(lang)) switch
    {
        (Verdict.Affected, "ja") => "影響あり",
        (Verdict.NeedsConfirmation, "ja") => "要確認",
        (Verdict.Unknown, "ja") => "判定不能",
        (Verdict.Fixed, "ja") => "修正済み",
        (Verdict.ProviderManaged, "ja") => "プロバイダー管理",
        (Verdict.NotAffected, "ja") => "影響なし",
        (Verdict.AcceptedRisk, "ja") => "リスク受容",
        (Verdict.Affected, _) => "Affected",
        (Verdict.NeedsConfirmation, _) => "Needs confirmation",
        (Verdict.Unknown, _) => "Unknown",
        (Verdict.Fixed, _) => "Fixed",
        (Verdict.ProviderManaged, _) => "Provider-managed",
        (Verdict.NotAffected, _) => "Not affected",
        (Verdict.AcceptedRisk, _) => "Accepted risk",
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>The stage's label: "CPU" / "Firmware" / "Cloud" (ja: CPU / ファームウェア / クラウド).</summary>
    public static string StageLabel(Stage stage, string lang) => (stage, NormalizeLang(lang)) switch
    {
        (Stage.Cpu, _) => "CPU",
        (Stage.Firmware, "ja") => "ファームウェア",
        (Stage.Cloud, "ja") => "クラウド",
        (Stage.Decision, "ja") => "判断記録",
        (Stage.Microcode, "ja") => "マイクロコード",
        (Stage.Kernel, "ja") => "カーネル",
        (Stage.Microcode, _) => "Microcode",
        (Stage.Kernel, _) => "Kernel",
        (Stage.Firmware, _) => "Firmware",
        (Stage.Cloud, _) => "Cloud",
        (Stage.Decision, _) => "Decision",
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>The environment's name: AWS, Google Cloud, Azure, On-premises (ja: オンプレミス).</summary>
    public static string EnvironmentName(HostEnvironment environment, string lang) => environment switch
    {
        HostEnvironment.Aws => "AWS",
        HostEnvironment.Gcp => "Google Cloud",
        HostEnvironment.Azure => "Azure",
        HostEnvironment.OnPremises => NormalizeLang(lang) == "ja" ? "オンプレミス" : "On-premises",
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>Wire name of an environment: <c>aws</c>, <c>gcp</c>, <c>azure</c>, <c>on-premises</c>.</summary>
    public static string ToWire(this HostEnvironment environment) => environment switch
    {
        HostEnvironment.Aws => "aws",
        HostEnvironment.Gcp => "gcp",
        HostEnvironment.Azure => "azure",
        HostEnvironment.OnPremises => "on-premises",
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>A group label with its owning team: "Payments (team: payments-sre)" / 「Payments（担当: payments-sre）」.</summary>
    public static string WithTeam(string group, string team, string lang) =>
        NormalizeLang(lang) == "ja" ? $"{group}（担当: {team}）" : $"{group} (team: {team})";

    /// <summary>The group label for hosts without a service: "(no service)" / （サービス未設定）.</summary>
    public static string NoService(string lang) => NormalizeLang(lang) == "ja" ? "（サービス未設定）" : "(no service)";

    /// <summary>The group label for hosts without the label grouped by: "(no team label)" / （team ラベルなし）.</summary>
    public static string NoLabel(string key, string lang) => NormalizeLang(lang) == "ja" ? $"（{key} ラベルなし）" : $"(no {key} label)";

    /// <summary>A group of hosts with one label value: "team=payments".</summary>
    public static string LabelGroup(string key, string value) => key + "=" + value;

    /// <summary>
    /// One line for an environment: "AWS (12 hosts): managed by the provider — no action for us." or
    /// "On-premises (20 hosts): 2 affected, 3 need confirmation, 15 not affected."
    /// </summary>
    public static string EnvironmentLine(HostEnvironment environment, VerdictCounts counts, string lang)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var ja = NormalizeLang(lang) == "ja";
        var name = EnvironmentName(environment, lang);
        var total = counts.Total;
        var head = ja
            ? string.Create(CultureInfo.InvariantCulture, $"{name}（{total:#,0}台）: ")
            : string.Create(CultureInfo.InvariantCulture, $"{name} ({total:#,0} {(total == 1 ? "host" : "hosts")}): ");

        var present = Verdicts.All.Where(v => counts.Get(v) > 0).ToList();
        if (present.Count == 1)
        {
            return head + (ja ? AllJa(present[0], total) : AllEn(present[0], total));
        }

        var parts = present.Select(v => ja
            ? string.Create(CultureInfo.InvariantCulture, $"{VerdictLabel(v, "ja")} {counts.Get(v):#,0}台")
            : PartEn(v, counts.Get(v)));
        return ja ? head + string.Join("、", parts) : head + string.Join(", ", parts) + ".";
    }

    /// <summary>
    /// The overall sentence: "2 hosts are affected and 3 need confirmation.", "No host is affected.", or, while any
    /// host needs confirmation or is unknown, "No host is confirmed affected; 3 need confirmation and 1 could not be assessed."
    /// </summary>
    public static string Headline(VerdictCounts counts, string lang)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return NormalizeLang(lang) == "ja" ? HeadlineJa(counts) : HeadlineEn(counts);
    }

    private static string HeadlineEn(VerdictCounts c)
    {
        var text = HeadlineEnCore(c);
        return c.AcceptedRisk == 0
            ? text
            : text + (c.AcceptedRisk == 1
                ? " 1 host carries an accepted risk."
                : string.Create(CultureInfo.InvariantCulture, $" {c.AcceptedRisk:#,0} hosts carry an accepted risk."));
    }

    private static string HeadlineJa(VerdictCounts c)
    {
        var text = HeadlineJaCore(c);
        return c.AcceptedRisk == 0
            ? text
            : text + string.Create(CultureInfo.InvariantCulture, $"リスク受容として記録されたホストが{c.AcceptedRisk:#,0}台あります。");
    }

    private static string HeadlineEnCore(VerdictCounts c)
    {
        if (c.Total == 0)
        {
            return "No host was evaluated.";
        }

        var rest = new List<string>();
        if (c.NeedsConfirmation > 0)
        {
            rest.Add(PartEn(Verdict.NeedsConfirmation, c.NeedsConfirmation));
        }

        if (c.Unknown > 0)
        {
            rest.Add(PartEn(Verdict.Unknown, c.Unknown));
        }

        if (c.Affected > 0)
        {
            var first = c.Affected == 1
                ? "1 host is affected"
                : string.Create(CultureInfo.InvariantCulture, $"{c.Affected:#,0} hosts are affected");
            return JoinEn([first, .. rest]) + ".";
        }

        return rest.Count > 0
            ? "No host is confirmed affected; " + JoinEn(rest) + "."
            : c.AcceptedRisk > 0 ? "No host needs action." : "No host is affected.";
    }

    private static string HeadlineJaCore(VerdictCounts c)
    {
        if (c.Total == 0)
        {
            return "評価したホストはありません。";
        }

        var rest = new List<string>();
        if (c.NeedsConfirmation > 0)
        {
            rest.Add(string.Create(CultureInfo.InvariantCulture, $"確認が必要なホストが{c.NeedsConfirmation:#,0}台"));
        }

        if (c.Unknown > 0)
        {
            rest.Add(string.Create(CultureInfo.InvariantCulture, $"判定できなかったホストが{c.Unknown:#,0}台"));
        }

        if (c.Affected > 0)
        {
            var first = string.Create(CultureInfo.InvariantCulture, $"影響を受けるホストが{c.Affected:#,0}台");
            return string.Join("、", [first, .. rest]) + "あります。";
        }

        return rest.Count > 0
            ? "影響が確定したホストはありません。ただし、" + string.Join("、", rest) + "あります。"
            : c.AcceptedRisk > 0 ? "対応が必要なホストはありません。" : "影響を受けるホストはありません。";
    }

    private static string JoinEn(List<string> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var text = new StringBuilder();
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0)
            {
                text.Append(i == parts.Count - 1 ? " and " : ", ");
            }

            text.Append(parts[i]);
        }

        return text.ToString();
    }

    private static string PartEn(Verdict verdict, int n)
    {
        var one = n == 1;
        var phrase = verdict switch
        {
            Verdict.Affected => "affected",
            Verdict.NeedsConfirmation => one ? "needs confirmation" : "need confirmation",
            Verdict.Unknown => "could not be assessed",
            Verdict.Fixed => "fixed",
            Verdict.ProviderManaged => "managed by the provider",
            Verdict.NotAffected => "not affected",
            Verdict.AcceptedRisk => "accepted as a risk",
            _ => throw new System.Diagnostics.UnreachableException(),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{n:#,0} {phrase}");
    }

    private static string AllEn(Verdict verdict, int total) => verdict switch
    {
        Verdict.Affected => total == 1 ? "affected." : "all affected.",
        Verdict.NeedsConfirmation => total == 1 ? "needs confirmation." : "all need confirmation.",
        Verdict.Unknown => "could not be assessed.",
        Verdict.Fixed => "fixed — no action needed.",
        Verdict.ProviderManaged => "managed by the provider — no action for us.",
        Verdict.NotAffected => "not affected.",
        Verdict.AcceptedRisk => "risk accepted.",
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    private static string AllJa(Verdict verdict, int total) => verdict switch
    {
        Verdict.Affected => total == 1 ? "影響あり" : "すべて影響あり",
        Verdict.NeedsConfirmation => total == 1 ? "要確認" : "すべて要確認",
        Verdict.Unknown => "判定不能",
        Verdict.Fixed => "修正済みのため対応不要",
        Verdict.ProviderManaged => "プロバイダー管理のため対応不要",
        Verdict.NotAffected => "影響なし",
        Verdict.AcceptedRisk => "リスク受容",
        _ => throw new System.Diagnostics.UnreachableException(),
    };
}
