using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Common;

namespace VulnTriage.Reports.Markdown;

/// <summary>The default format: a conclusion-first Markdown report (GitHub-flavoured tables).</summary>
public sealed class MarkdownReportWriter : IReportWriter
{
    /// <inheritdoc />
    public string Format => "markdown";

    /// <inheritdoc />
    public void Write(TriageReport report, ReportOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ReportDocument.Write(report, options, new MarkdownSink(output));
    }
}
