using VulnTriage.Reports.Csv;
using VulnTriage.Reports.Html;
using VulnTriage.Reports.Json;
using VulnTriage.Reports.Markdown;

namespace VulnTriage.Reports;

/// <summary>Creates report writers by format name.</summary>
public static class ReportWriters
{
    /// <summary>The format used when none is given.</summary>
    public const string DefaultFormat = "markdown";

    /// <summary>The supported format names, default first.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["markdown", "json", "csv", "html"];

    /// <summary>The writer for <paramref name="format"/> (case-insensitive; <c>md</c> is accepted for Markdown).</summary>
    /// <exception cref="ArgumentException">The format is not supported.</exception>
    public static IReportWriter Create(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return format.Trim().ToUpperInvariant() switch
        {
            "MARKDOWN" or "MD" => new MarkdownReportWriter(),
            "JSON" => new JsonReportWriter(),
            "CSV" => new CsvReportWriter(),
            "HTML" => new HtmlReportWriter(),
            _ => throw new ArgumentException($"Unknown report format '{format}'. Use one of: {string.Join(", ", Formats)}.", nameof(format)),
        };
    }
}
