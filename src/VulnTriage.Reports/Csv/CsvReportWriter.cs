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
    /// <remarks>
    /// Called once with a loop over every finding: compiled fully optimised at first call (ReadyToRun code would run the
    /// whole loop unoptimised, and measured 5x the allocations of the JIT's code at 100,000 rows).
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Write(TriageReport report, ReportOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var lang = ReportSentences.NormalizeLang(options.Lang);

        WriteRow(output, Columns);

        // Hosts with the same hardware share their processors, evidence, action and CVE records (the triage's memo),
        // and hosts of one role share a roles array: those cells are rendered and escaped once per record, not per row.
        var services = new FieldCache();
        var roles = new FieldCache();
        var cpus = new FieldCache();
        var identified = new FieldCache();
        var clauses = new FieldCache();
        var reasons = new FieldCache();
        var actions = new FieldCache();
        var cves = new FieldCache();
        var advisories = new FieldCache();

        // A draft (an NVD import, not a curated rule) says so in every row's reason: not cached (drafts are rare).
        var drafts = report.Advisories.Where(a => a.Status == Core.Advisories.AdvisoryStatus.Draft)
            .ToDictionary(a => a.Id, a => DraftNotice.Text(a, lang), StringComparer.Ordinal);
        foreach (var f in report.Findings)
        {
            var h = f.Host;
            var evidence = f.Evidence.IsDefault ? [] : f.Evidence;
            var rolesKey = Key(h.Roles);
            var processorsKey = Key(f.Processors);
            var evidenceKey = Key(f.Evidence);
            output.Write(advisories.TryGet(f.AdvisoryId, out var advisoriesCell) ? advisoriesCell : advisories.Add(f.AdvisoryId, f.AdvisoryId));
            Cell(output, h.Id);
            Cell(output, h.Name);
            Cell(output, h.DisplayName);
            Cell(output, JsonReportWriter.StatusWire(h.Status));
            Cell(output, f.Environment.ToWire());
            output.Write(',');
            output.Write(services.TryGet(rolesKey, out var servicesCell) ? servicesCell : services.Add(rolesKey, h.Roles.IsDefault ? "" : string.Join("; ", h.Services)));
            output.Write(',');
            output.Write(roles.TryGet(rolesKey, out var rolesCell) ? rolesCell : roles.Add(rolesKey, h.Roles.IsDefault ? "" : string.Join("; ", h.Roles.Select(r => r.ToString()))));
            output.Write(',');
            output.Write(cpus.TryGet(processorsKey, out var cpusCell) ? cpusCell : cpus.Add(processorsKey, f.Processors.IsDefault ? "" : string.Join("; ", f.Processors.Select(p => p.DisplayName))));
            output.Write(',');
            output.Write(identified.TryGet(processorsKey, out var identifiedCell) ? identifiedCell : identified.Add(processorsKey, ReportFormatting.CpuIdentified(f) ? "true" : "false"));
            Cell(output, f.Verdict.ToWire());
            Cell(output, f.Stage.ToWire());
            output.Write(',');
            output.Write(clauses.TryGet(evidenceKey, out var clausesCell) ? clausesCell : clauses.Add(evidenceKey, string.Join("; ", ReportFormatting.Clauses(f))));
            output.Write(',');
            if (drafts.TryGetValue(f.AdvisoryId, out var draft))
            {
                output.Write(CsvEscaper.Field(string.Join("; ", evidence.Select(e => EvidenceText.Reason(e, lang))) + "; " + draft));
            }
            else
            {
                output.Write(reasons.TryGet(evidenceKey, out var reasonsCell) ? reasonsCell : reasons.Add(evidenceKey, string.Join("; ", evidence.Select(e => EvidenceText.Reason(e, lang)))));
            }

            output.Write(',');
            output.Write(actions.TryGet(f.Action, out var actionsCell) ? actionsCell : actions.Add(f.Action, EvidenceText.Action(f.Action, lang)));
            output.Write(',');
            output.Write(cves.TryGet(Key(f.Cves), out var cvesCell) ? cvesCell : cves.Add(Key(f.Cves), f.Cves.IsDefault ? "" : string.Join("; ", f.Cves)));
            Cell(output, f.Machine?.Verdict.ToWire());
            Cell(output, f.Machine?.Stage.ToWire());
            Cell(output, f.Decision?.Id);
            output.Write("\r\n");
        }

        output.Flush();
    }

    /// <summary>A comma, then the field escaped.</summary>
    private static void Cell(TextWriter output, string? value)
    {
        output.Write(',');
        output.Write(CsvEscaper.Field(value));
    }

    /// <summary>The array behind an immutable array (shared between hosts), or <c>null</c>.</summary>
    private static T[]? Key<T>(System.Collections.Immutable.ImmutableArray<T> items) =>
        System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(items);

    /// <summary>Escaped cells by record; a record not seen before is rendered. Bounded: past the limit, cells are rendered each time.</summary>
    private sealed class FieldCache
    {
        private const int Limit = 10_000;
        private readonly Dictionary<object, string> _cells = new(ReferenceEqualityComparer.Instance);

        public bool TryGet(object? key, out string cell)
        {
            cell = "";
            return key is not null && _cells.TryGetValue(key, out cell!);
        }

        /// <summary>Escapes <paramref name="raw"/>, keeps it for <paramref name="key"/> and returns it.</summary>
        public string Add(object? key, string raw)
        {
            var cell = CsvEscaper.Field(raw);
            if (key is not null && _cells.Count < Limit)
            {
                _cells[key] = cell;
            }

            return cell;
        }
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
