using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Common;

namespace VulnTriage.Reports.Html;

/// <summary>The Markdown report's sections as one self-contained HTML page, verdicts coloured.</summary>
public sealed class HtmlReportWriter : IReportWriter
{
    /// <inheritdoc />
    public string Format => "html";

    /// <inheritdoc />
    public void Write(TriageReport report, ReportOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ReportDocument.Write(report, options, new HtmlSink(output));
    }
}
