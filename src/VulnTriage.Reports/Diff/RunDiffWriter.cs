using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Common;
using VulnTriage.Reports.Markdown;

namespace VulnTriage.Reports.Diff;

/// <summary>Writes a <see cref="RunDiff"/> (what changed between two saved runs) as Markdown or JSON. Host names are escaped.</summary>
public static class RunDiffWriter
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);

    /// <summary>Writes Markdown in <paramref name="lang"/> (<c>en</c> or <c>ja</c>).</summary>
    public static void WriteMarkdown(RunDiff diff, string lang, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(output);
        var ja = ReportSentences.NormalizeLang(lang) == "ja";
        var sb = new StringBuilder();
        sb.Append("# ").Append(MarkdownEscaper.Escape(diff.AdvisoryId)).Append(ja ? ": 前回の保存実行からの変化\n\n" : ": changes since the previous saved run\n\n");
        sb.Append(ja ? "前回: " : "Previous: ").Append(MarkdownEscaper.Escape(diff.Previous.RunId)).Append(" (").Append(ReportFormatting.Timestamp(diff.Previous.SavedAt)).Append(")  \n");
        sb.Append(ja ? "今回: " : "Latest: ").Append(MarkdownEscaper.Escape(diff.Latest.RunId)).Append(" (").Append(ReportFormatting.Timestamp(diff.Latest.SavedAt)).Append(")\n\n");
        if (diff.IsEmpty)
        {
            sb.Append(ja ? "変化はありません。\n\n" : "Nothing changed.\n\n");
        }

        Section(sb, ja ? "新たに影響ありとなったホスト" : "Newly affected", diff.NewlyAffected, lang);
        Section(sb, ja ? "新たに修正済みとなったホスト" : "Newly fixed", diff.NewlyFixed, lang);
        Section(sb, ja ? "判定が変わったホスト" : "Verdicts that moved", diff.Moved, lang);
        Section(sb, ja ? "なくなったホスト" : "Hosts gone", diff.Gone, lang);
        Section(sb, ja ? "新しいホスト" : "New hosts", diff.New, lang);

        sb.Append(ja ? "## 判定ごとの台数\n\n" : "## Hosts per verdict\n\n");
        sb.Append(ja ? "| 判定 | 前回 | 今回 |\n|---|---|---|\n" : "| Verdict | Previous | Latest |\n|---|---|---|\n");
        foreach (var v in Verdicts.All)
        {
            sb.Append("| ").Append(ReportSentences.VerdictLabel(v, lang)).Append(" | ")
                .Append(diff.Previous.Counts.Get(v).ToString(CultureInfo.InvariantCulture)).Append(" | ")
                .Append(diff.Latest.Counts.Get(v).ToString(CultureInfo.InvariantCulture)).Append(" |\n");
        }

        output.Write(sb.ToString());
    }

    /// <summary>Writes JSON: <c>advisory</c>, <c>previous</c>/<c>latest</c> (run id, time, counts), and the five change lists.</summary>
    public static void WriteJson(RunDiff diff, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(output);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = Encoder }))
        {
            w.WriteStartObject();
            w.WriteString("advisory", diff.AdvisoryId);
            Run(w, "previous", diff.Previous);
            Run(w, "latest", diff.Latest);
            Changes(w, "newlyAffected", diff.NewlyAffected);
            Changes(w, "newlyFixed", diff.NewlyFixed);
            Changes(w, "moved", diff.Moved);
            Changes(w, "gone", diff.Gone);
            Changes(w, "new", diff.New);
            w.WriteEndObject();
        }

        output.Write(Encoding.UTF8.GetString(buffer.ToArray()));
        output.Write('\n');
    }

    private static void Section(StringBuilder sb, string title, IReadOnlyCollection<VerdictChange> changes, string lang)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var ja = ReportSentences.NormalizeLang(lang) == "ja";
        sb.Append("## ").Append(title).Append(" (").Append(changes.Count.ToString(CultureInfo.InvariantCulture)).Append(")\n\n");
        sb.Append(ja ? "| ホスト | 前回 | 今回 |\n|---|---|---|\n" : "| Host | Previous | Latest |\n|---|---|---|\n");
        foreach (var c in changes)
        {
            sb.Append("| ").Append(MarkdownEscaper.Escape(c.HostName, atLineStart: false)).Append(" (").Append(MarkdownEscaper.Escape(c.HostId, atLineStart: false)).Append(") | ")
                .Append(c.From is { } from ? ReportSentences.VerdictLabel(from, lang) : "—").Append(" | ")
                .Append(c.To is { } to ? ReportSentences.VerdictLabel(to, lang) + (c.ToStage is { } s ? " (" + ReportSentences.StageLabel(s, lang) + ")" : "") : "—").Append(" |\n");
        }

        sb.Append('\n');
    }

    private static void Run(Utf8JsonWriter w, string name, RunProgress run)
    {
        w.WriteStartObject(name);
        w.WriteString("runId", run.RunId);
        w.WriteString("savedAt", ReportFormatting.Timestamp(run.SavedAt));
        WriteCounts(w, run.Counts);
        w.WriteEndObject();
    }

    /// <summary>Writes <c>"counts": { verdict: n, ... }</c> over every verdict.</summary>
    internal static void WriteCounts(Utf8JsonWriter w, VerdictCounts counts)
    {
        w.WriteStartObject("counts");
        foreach (var v in Verdicts.All)
        {
            w.WriteNumber(v.ToWire(), counts.Get(v));
        }

        w.WriteEndObject();
    }

    private static void Changes(Utf8JsonWriter w, string name, IEnumerable<VerdictChange> changes)
    {
        w.WriteStartArray(name);
        foreach (var c in changes)
        {
            w.WriteStartObject();
            w.WriteString("hostId", c.HostId);
            w.WriteString("hostName", c.HostName);
            if (c.From is { } from)
            {
                w.WriteString("from", from.ToWire());
            }
            else
            {
                w.WriteNull("from");
            }

            if (c.To is { } to)
            {
                w.WriteString("to", to.ToWire());
            }
            else
            {
                w.WriteNull("to");
            }

            if (c.ToStage is { } stage)
            {
                w.WriteString("stage", stage.ToWire());
            }
            else
            {
                w.WriteNull("stage");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
