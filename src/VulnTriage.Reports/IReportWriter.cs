using VulnTriage.Core.Reporting;

namespace VulnTriage.Reports;

/// <summary>Writes a <see cref="TriageReport"/> in one format. Every writer escapes untrusted text for its own format.</summary>
public interface IReportWriter
{
    /// <summary>The format name: <c>markdown</c>, <c>json</c>, <c>csv</c> or <c>html</c>.</summary>
    string Format { get; }

    /// <summary>Writes the report. Findings are written in the order the report holds them.</summary>
    /// <param name="report">The report.</param>
    /// <param name="options">Language and grouping.</param>
    /// <param name="output">Where to write; the caller owns its encoding (UTF-8 expected) and lifetime.</param>
    void Write(TriageReport report, ReportOptions options, TextWriter output);
}
