using System.Globalization;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Reporting;

namespace VulnTriage.Reports.Common;

/// <summary>
/// What the reports say about a draft advisory (imported from a feed, not reviewed): one notice at the head of its section
/// in Markdown and HTML, <c>status</c> and <c>source</c> in JSON, one sentence in each CSV row's reason. Kept apart from
/// the layout so that it reads the same wherever the sections move.
/// </summary>
internal static class DraftNotice
{
    /// <summary>The notice for <paramref name="advisory"/>, or <c>null</c> when it was curated.</summary>
    public static string? Text(Advisory advisory, string lang)
    {
        ArgumentNullException.ThrowIfNull(advisory);
        if (advisory.Status != AdvisoryStatus.Draft)
        {
            return null;
        }

        var ja = ReportSentences.NormalizeLang(lang) == "ja";
        if (advisory.Source is not { } source)
        {
            return ja
                ? $"ドラフトのアドバイザリーです（{advisory.Id}）。人による確認を経ていません。"
                : $"Draft advisory ({advisory.Id}): not reviewed by a person.";
        }

        var feed = source.Feed == "nvd" ? "NVD" : source.Feed;
        var revision = source.Revision ?? "unknown";
        var status = source.RecordStatus ?? "unknown";
        if (source.Configurations == 0)
        {
            return ja
                ? $"ドラフトのアドバイザリーです。{feed} のレコード {source.Record}（状態 {status}、最終更新 {revision}）から取り込みましたが、{feed} はまだ分析しておらず構成がないため、すべてのホストを「不明」としています。"
                : $"Draft advisory imported from {feed} record {source.Record} (status {status}, lastModified {revision}), which {feed} has not analysed yet: it has no configuration, so every host is unknown.";
        }

        var unmapped = source.Unmapped.IsDefaultOrEmpty ? 0 : source.Unmapped.Length;
        var processors = source.Processors.ToString(CultureInfo.InvariantCulture);
        return ja
            ? $"ドラフトのアドバイザリーです。{feed} のレコード {source.Record}（状態 {status}、最終更新 {revision}）から取り込んだもので、人による確認を経ていません。判定は {feed} の CPE 構成（プロセッサー {processors} 件）との照合によるもので、記載のあるプロセッサーは要確認、記載のないプロセッサーは「影響なし」ではなく「不明」とします。{(unmapped > 0 ? string.Create(CultureInfo.InvariantCulture, $"ルールにできなかった条件が {unmapped} 件あります（ドラフトの source.unmapped）。") : "")}"
            : $"Draft advisory imported from {feed} record {source.Record} (status {status}, lastModified {revision}), not reviewed by a person. Verdicts rest on {feed}'s CPE configurations ({processors} processors): a listed processor needs confirmation; one {feed} does not list is unknown, never not affected.{(unmapped > 0 ? string.Create(CultureInfo.InvariantCulture, $" {unmapped} criteria could not be mapped (source.unmapped in the draft).") : "")}";
    }

    /// <summary>Writes the notice as the first paragraph of an advisory's section (Markdown, HTML).</summary>
    public static void Write(Advisory advisory, string lang, IDocumentSink sink)
    {
        if (Text(advisory, lang) is { } text)
        {
            sink.Paragraph(Inline.Strong(ReportSentences.NormalizeLang(lang) == "ja" ? "ドラフト:" : "Draft:"), " " + text);
        }
    }
}
