using System.Globalization;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Inventory;

namespace VulnTriage.Cli.Application;

/// <summary>
/// A one-line progress display on stderr while the fleet is read: only on a terminal (the caller checks), only after a
/// second has passed (small fleets stay silent), redrawn at most four times a second, erased at the end. Written
/// directly (a carriage return and the line): one line needs no terminal library (README, "Libraries and why").
/// </summary>
internal static class ProgressLine
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Shows "vulntriage: <paramref name="label"/>: 12,345 hosts (41,000 hosts/s, 0.3 s)" while
    /// <paramref name="entries"/> are read; with <paramref name="countFacts"/>, also how many came with probe metadata.
    /// </summary>
    public static IEnumerable<InventoryEntry> Wrap(IEnumerable<InventoryEntry> entries, TextWriter error, TimeProvider time, string label, bool countFacts = false)
    {
        var started = time.GetTimestamp();
        var last = TimeSpan.Zero;
        int hosts = 0, withFacts = 0, width = 0;
        try
        {
            foreach (var entry in entries)
            {
                hosts++;
                if (entry.Facts is not null)
                {
                    withFacts++;
                }

                var elapsed = time.GetElapsedTime(started);
                if (elapsed >= Delay && elapsed - last >= Interval)
                {
                    last = elapsed;
                    var facts = countFacts ? string.Create(CultureInfo.InvariantCulture, $", {withFacts:#,0} with probe metadata") : "";
                    var text = string.Create(CultureInfo.InvariantCulture, $"vulntriage: {label}: {hosts:#,0} hosts{facts} ({hosts / elapsed.TotalSeconds:#,0} hosts/s, {elapsed.TotalSeconds:0.0} s)");
                    width = Math.Max(width, text.Length);
                    error.Write("\r" + text.PadRight(width));
                    error.Flush();
                }

                yield return entry;
            }
        }
        finally
        {
            if (width > 0)
            {
                error.Write("\r" + new string(' ', width) + "\r");
                error.Flush();
            }
        }
    }

    /// <summary>
    /// The line a run ends with on a terminal: "20,000 hosts, 1 advisory, 0.4 s: 7,641 need confirmation, 1,503
    /// provider-managed, 10,845 not affected" (each host counted once, at its most urgent verdict).
    /// </summary>
    public static string Summary(TriageReport report, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(report);
        var counts = ReportSummary.Create(report, new ReportOptions("en", GroupBy.None) { Grouping = false }).Counts;
        var parts = Verdicts.All.Where(v => counts.Get(v) > 0)
            .Select(v => string.Create(CultureInfo.InvariantCulture, $"{counts.Get(v):#,0} {ReportSentences.VerdictLabel(v, "en").ToLowerInvariant()}"));
        var advisories = report.Advisories.Length == 1 ? "1 advisory" : string.Create(CultureInfo.InvariantCulture, $"{report.Advisories.Length} advisories");
        return string.Create(CultureInfo.InvariantCulture, $"{counts.Total:#,0} hosts, {advisories}, {elapsed.TotalSeconds:0.0} s: {string.Join(", ", parts)}");
    }
}
