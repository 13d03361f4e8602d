using VulnTriage.Core.Reporting;

namespace VulnTriage.Reports.Tests.Support;

internal static class Render
{
    public static string With(IReportWriter writer, TriageReport report, string lang = "en", GroupBy groupBy = GroupBy.Service)
    {
        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        writer.Write(report, new ReportOptions(lang, groupBy), output);
        return output.ToString();
    }
}
