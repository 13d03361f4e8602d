using System.Globalization;

namespace VulnTriage.Web.Pages;

/// <summary>
/// The dashboard's own words, in English and Japanese. Verdicts, stages, conclusions, evidence and next actions are the
/// report's (<c>ReportSentences</c>, <c>EvidenceText</c>, the report labels); these are the words only a web page has.
/// </summary>
internal sealed class Ui
{
    public static Ui En { get; } = new()
    {
        Lang = "en",
        Overview = "Overview",
        Runs = "Runs",
        Decide = "Decide",
        Login = "Log in",
        Logout = "Log out",
        SignedInAs = "{0} ({1})",
        Token = "API token",
        LoginHelp = "Log in with your API token (vulntriage tokens create --name NAME --role viewer|decider|admin).",
        LoginFailed = "That token is not valid (unknown, mistyped or revoked).",
        Advisory = "Advisory",
        Conclusion = "Conclusion",
        Trend = "Trend",
        NoRuns = "No saved run yet. Save one with: vulntriage triage ADVISORY --inventory FILE --save --db STORE",
        LatestRun = "Latest run {0}, saved {1}",
        Filter = "Filter",
        NeedsAction = "needs action",
        AllVerdicts = "all verdicts",
        Any = "any",
        Service = "Team (service)",
        Role = "Role",
        Status = "Status",
        CpuContains = "CPU contains",
        Showing = "Hosts {0}–{1} of {2}",
        NoMatch = "No host matches the filter.",
        Previous = "Previous",
        Next = "Next",
        DecideForThese = "Record a decision for this selector",
        DecideForHost = "Record a decision for this host",
        Selector = "Selector",
        Value = "Value",
        Verdict = "Verdict",
        VexJustification = "OpenVEX justification (not_affected only)",
        None = "(none)",
        Justification = "Justification",
        EvidenceUrl = "Evidence URL",
        AllVerdictsOption = "Apply to every matching host, whatever its machine verdict (default: only hosts that need action)",
        Preview = "Preview",
        Record = "Record the decision",
        PreviewIn = "In the latest run {0} of {1}:",
        PreviewNoRun = "No saved run of this advisory to preview against; the decision applies from the next triage.",
        PreviewMatches = "{0} matches {1}: {2} for {3}; {4} keep their machine verdict.",
        Decides = "decides",
        Keeps = "keeps",
        AndMore = "… and {0} more",
        Recorded = "Recorded {0}. It applies from the next triage run.",
        Revoked = "Revoked {0} (by {1}).",
        Pending = "Decisions recorded after this run (applied by the next triage)",
        Host = "Host",
        HostId = "Host id",
        Environment = "Environment",
        Labels = "Labels",
        Sources = "Read from",
        Processors = "Processors",
        Brand = "Brand string",
        Signature = "Signature",
        LogicalCpus = "Logical CPUs",
        Source = "Source",
        Identified = "Identified as",
        EvidenceHeading = "Evidence",
        MachineVerdict = "Machine verdict",
        NextAction = "What to do",
        History = "Decision history",
        Id = "Id",
        Author = "Author",
        Decided = "Decided",
        State = "State",
        Active = "active",
        RevokedState = "revoked by {0}",
        Revocation = "revokes {0}",
        Revoke = "Revoke",
        Reason = "Reason",
        NoDecisions = "No decision concerns this host.",
        NoHost = "No saved run has a host named {0}.",
        Run = "Run",
        Saved = "Saved",
        Inventory = "Inventory",
        Advisories = "Advisories",
        Findings = "Findings",
        Error = "Error",
        Failed = "failed",
        Compare = "Compare two runs",
        From = "From",
        To = "To",
        Show = "Show",
        DiffHeading = "{0}: {1} → {2}",
        NewlyAffected = "Newly affected",
        NewlyFixed = "Newly fixed",
        Moved = "Verdicts that moved",
        Gone = "Hosts gone",
        New = "New hosts",
        NothingChanged = "Nothing changed.",
        Progress = "Remediation progress",
        RunNow = "Run the scheduled triage now",
        RunStarted = "The scheduled triage was started.",
        RunBusy = "A triage is already running.",
        NoSchedule = "No scheduled triage is configured (serve --triage-every).",
        OtherLanguage = "日本語",
        OtherLang = "ja",
        Forbidden = "Your role ({0}) may not do this.",
        NotInCatalog = "This advisory is not in the catalog the server was started with (--advisories).",
        Tokens = "Tokens",
        Name = "Name",
        Created = "Created",
        LastUsed = "Last used",
    };

    public static Ui Ja { get; } = new()
    {
        Lang = "ja",
        Overview = "概要",
        Runs = "実行履歴",
        Decide = "判断の記録",
        Login = "ログイン",
        Logout = "ログアウト",
        SignedInAs = "{0}（{1}）",
        Token = "API トークン",
        LoginHelp = "API トークンでログインしてください（vulntriage tokens create --name NAME --role viewer|decider|admin で作成します）。",
        LoginFailed = "このトークンは使えません（存在しない、入力の誤り、または失効済み）。",
        Advisory = "アドバイザリー",
        Conclusion = "結論",
        Trend = "推移",
        NoRuns = "保存された実行がまだありません。vulntriage triage ADVISORY --inventory FILE --save --db STORE で保存してください。",
        LatestRun = "最新の実行 {0}（{1} に保存）",
        Filter = "絞り込み",
        NeedsAction = "対応が必要",
        AllVerdicts = "すべての判定",
        Any = "すべて",
        Service = "チーム（サービス）",
        Role = "ロール",
        Status = "状態",
        CpuContains = "CPU（部分一致）",
        Showing = "ホスト {0}–{1} 件目（全 {2} 件）",
        NoMatch = "条件に合うホストはありません。",
        Previous = "前へ",
        Next = "次へ",
        DecideForThese = "この条件で判断を記録する",
        DecideForHost = "このホストの判断を記録する",
        Selector = "対象",
        Value = "値",
        Verdict = "判定",
        VexJustification = "OpenVEX の根拠（影響なしの場合のみ）",
        None = "（なし）",
        Justification = "理由",
        EvidenceUrl = "根拠の URL",
        AllVerdictsOption = "機械判定にかかわらず、一致するすべてのホストに適用する（既定では対応が必要なホストのみ）",
        Preview = "確認する",
        Record = "判断を記録する",
        PreviewIn = "{1} の最新の実行 {0} では：",
        PreviewNoRun = "このアドバイザリーの保存された実行がないため確認できません。判断は次のトリアージから適用されます。",
        PreviewMatches = "{0} に一致するホストは{1}です。うち{3}を{2}とし、{4}は機械判定のままです。",
        Decides = "適用",
        Keeps = "維持",
        AndMore = "…ほか{0}台",
        Recorded = "{0} を記録しました。次のトリアージから適用されます。",
        Revoked = "{0} を取り消しました（{1}）。",
        Pending = "この実行の後に記録された判断（次のトリアージで適用）",
        Host = "ホスト",
        HostId = "ホスト ID",
        Environment = "環境",
        Labels = "ラベル",
        Sources = "読み取り元",
        Processors = "プロセッサー",
        Brand = "ブランド文字列",
        Signature = "シグネチャー",
        LogicalCpus = "論理 CPU 数",
        Source = "出所",
        Identified = "識別結果",
        EvidenceHeading = "根拠",
        MachineVerdict = "機械判定",
        NextAction = "対応",
        History = "判断の履歴",
        Id = "ID",
        Author = "記録者",
        Decided = "日時",
        State = "状態",
        Active = "有効",
        RevokedState = "{0} により取り消し",
        Revocation = "{0} の取り消し",
        Revoke = "取り消す",
        Reason = "理由",
        NoDecisions = "このホストに関する判断はありません。",
        NoHost = "{0} という名前のホストは保存された実行にありません。",
        Run = "実行",
        Saved = "保存日時",
        Inventory = "インベントリー",
        Advisories = "アドバイザリー",
        Findings = "結果数",
        Error = "エラー",
        Failed = "失敗",
        Compare = "2つの実行を比較",
        From = "比較元",
        To = "比較先",
        Show = "表示",
        DiffHeading = "{0}：{1} → {2}",
        NewlyAffected = "新たに影響あり",
        NewlyFixed = "新たに修正済み",
        Moved = "判定が変わったホスト",
        Gone = "なくなったホスト",
        New = "新しいホスト",
        NothingChanged = "変化はありません。",
        Progress = "対応の進み具合",
        RunNow = "定期トリアージを今すぐ実行",
        RunStarted = "定期トリアージを開始しました。",
        RunBusy = "トリアージはすでに実行中です。",
        NoSchedule = "定期トリアージは設定されていません（serve --triage-every）。",
        OtherLanguage = "English",
        OtherLang = "en",
        Forbidden = "このロール（{0}）ではこの操作はできません。",
        NotInCatalog = "このアドバイザリーはサーバー起動時のカタログ（--advisories）にありません。",
        Tokens = "トークン",
        Name = "名前",
        Created = "作成日時",
        LastUsed = "最終使用",
    };

    public required string Lang { get; init; }

    public bool IsJa => Lang == "ja";

    public required string Overview { get; init; }
    public required string Runs { get; init; }
    public required string Decide { get; init; }
    public required string Login { get; init; }
    public required string Logout { get; init; }
    public required string SignedInAs { get; init; }
    public required string Token { get; init; }
    public required string LoginHelp { get; init; }
    public required string LoginFailed { get; init; }
    public required string Advisory { get; init; }
    public required string Conclusion { get; init; }
    public required string Trend { get; init; }
    public required string NoRuns { get; init; }
    public required string LatestRun { get; init; }
    public required string Filter { get; init; }
    public required string NeedsAction { get; init; }
    public required string AllVerdicts { get; init; }
    public required string Any { get; init; }
    public required string Service { get; init; }
    public required string Role { get; init; }
    public required string Status { get; init; }
    public required string CpuContains { get; init; }
    public required string Showing { get; init; }
    public required string NoMatch { get; init; }
    public required string Previous { get; init; }
    public required string Next { get; init; }
    public required string DecideForThese { get; init; }
    public required string DecideForHost { get; init; }
    public required string Selector { get; init; }
    public required string Value { get; init; }
    public required string Verdict { get; init; }
    public required string VexJustification { get; init; }
    public required string None { get; init; }
    public required string Justification { get; init; }
    public required string EvidenceUrl { get; init; }
    public required string AllVerdictsOption { get; init; }
    public required string Preview { get; init; }
    public required string Record { get; init; }
    public required string PreviewIn { get; init; }
    public required string PreviewNoRun { get; init; }
    public required string PreviewMatches { get; init; }
    public required string Decides { get; init; }
    public required string Keeps { get; init; }
    public required string AndMore { get; init; }
    public required string Recorded { get; init; }
    public required string Revoked { get; init; }
    public required string Pending { get; init; }
    public required string Host { get; init; }
    public required string HostId { get; init; }
    public required string Environment { get; init; }
    public required string Labels { get; init; }
    public required string Sources { get; init; }
    public required string Processors { get; init; }
    public required string Brand { get; init; }
    public required string Signature { get; init; }
    public required string LogicalCpus { get; init; }
    public required string Source { get; init; }
    public required string Identified { get; init; }
    public required string EvidenceHeading { get; init; }
    public required string MachineVerdict { get; init; }
    public required string NextAction { get; init; }
    public required string History { get; init; }
    public required string Id { get; init; }
    public required string Author { get; init; }
    public required string Decided { get; init; }
    public required string State { get; init; }
    public required string Active { get; init; }
    public required string RevokedState { get; init; }
    public required string Revocation { get; init; }
    public required string Revoke { get; init; }
    public required string Reason { get; init; }
    public required string NoDecisions { get; init; }
    public required string NoHost { get; init; }
    public required string Run { get; init; }
    public required string Saved { get; init; }
    public required string Inventory { get; init; }
    public required string Advisories { get; init; }
    public required string Findings { get; init; }
    public required string Error { get; init; }
    public required string Failed { get; init; }
    public required string Compare { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public required string Show { get; init; }
    public required string DiffHeading { get; init; }
    public required string NewlyAffected { get; init; }
    public required string NewlyFixed { get; init; }
    public required string Moved { get; init; }
    public required string Gone { get; init; }
    public required string New { get; init; }
    public required string NothingChanged { get; init; }
    public required string Progress { get; init; }
    public required string RunNow { get; init; }
    public required string RunStarted { get; init; }
    public required string RunBusy { get; init; }
    public required string NoSchedule { get; init; }
    public required string OtherLanguage { get; init; }
    public required string OtherLang { get; init; }
    public required string Forbidden { get; init; }
    public required string NotInCatalog { get; init; }
    public required string Tokens { get; init; }
    public required string Name { get; init; }
    public required string Created { get; init; }
    public required string LastUsed { get; init; }

    public static Ui For(string lang) => lang == "ja" ? Ja : En;

    public static string Format(string template, params object?[] args) => string.Format(CultureInfo.InvariantCulture, template, args);

    /// <summary>"1 host" / "3 hosts"; Japanese "1台".</summary>
    public string Hosts(int n) => IsJa
        ? string.Create(CultureInfo.InvariantCulture, $"{n}台")
        : n == 1 ? "1 host" : string.Create(CultureInfo.InvariantCulture, $"{n} hosts");

    /// <summary>Every text, for the test that checks the Japanese ones read natively.</summary>
    public IEnumerable<string> All() => typeof(Ui).GetProperties()
        .Where(p => p.PropertyType == typeof(string))
        .Select(p => (string)p.GetValue(this)!);
}
