using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Common;
using VulnTriage.Reports.Json;

namespace VulnTriage.Reports.Csv;

/// <summary>
/// One row per finding, RFC 4180 (CRLF line ends, quoted where needed), formula-neutralised. Columns, in order:
/// <c>advisory, host_id, host_name, display_name, status, environment, services, roles, cpu, cpu_identified, verdict,
/// stage, clauses, reason, action, cves</c>. Lists inside a cell are <c>; </c>-separated; enum values are wire names;
/// reason and action are in the report language.
/// </summary>
public sealed class CsvReportWriter : IReportWriter
{
    /// <summary>The header row's column names, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "advisory", "host_id", "host_name", "display_name", "status", "environment", "services", "roles", "cpu",
        "cpu_identified", "verdict", "stage", "clauses", "reason", "action", "cves", "machine_verdict", "machine_stage", "decision_id",
    ];

    /// <inheritdoc />
    public string Format => "csv";

    /// <inheritdoc />
    public void Write(TriageReport report, ReportOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var lang = ReportSentences.NormalizeLang(options.Lang);

        WriteRow(output, Columns);
        var row = new string[Columns.Count];
        var drafts = report.Advisories.Where(a => a.Status == Core.Advisories.AdvisoryStatus.Draft)
            .ToDictionary(a => a.Id, a => DraftNotice.Text(a, lang), StringComparer.Ordinal);
        foreach (var f in report.Findings)
        {
            var h = f.Host;
            var evidence = f.Evidence.IsDefault ? [] : f.Evidence;
            row[0] = f.AdvisoryId;
            row[1] = h.Id;
            row[2] = h.Name;
            row[3] = h.DisplayName ?? "";
            row[4] = JsonReportWriter.StatusWire(h.Status);
            row[5] = f.Environment.ToWire();
            row[6] = h.Roles.IsDefault ? "" : string.Join("; ", h.Services);
            row[7] = h.Roles.IsDefault ? "" : string.Join("; ", h.Roles.Select(r => r.ToString()));
            row[8] = f.Processors.IsDefault ? "" : string.Join("; ", f.Processors.Select(p => p.DisplayName));
            row[9] = ReportFormatting.CpuIdentified(f) ? "true" : "false";
            row[10] = f.Verdict.ToWire();
            row[11] = f.Stage.ToWire();
            row[12] = string.Join("; ", ReportFormatting.Clauses(f));
            row[13] = string.Join("; ", evidence.Select(e => EvidenceText.Reason(e, lang)));
            if (drafts.TryGetValue(f.AdvisoryId, out var draft))
            {
                row[13] += "; " + draft;
            }

            row[14] = EvidenceText.Action(f.Action, lang);
            row[15] = f.Cves.IsDefault ? "" : string.Join("; ", f.Cves);
            row[16] = f.Machine?.Verdict.ToWire() ?? "";
            row[17] = f.Machine?.Stage.ToWire() ?? "";
            row[18] = f.Decision?.Id ?? "";
            WriteRow(output, row);
        }

        output.Flush();
    }

    private static void WriteRow(TextWriter output, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                output.Write(',');
            }

            output.Write(CsvEscaper.Field(fields[i]));
        }

        output.Write("\r\n");
    }
}
