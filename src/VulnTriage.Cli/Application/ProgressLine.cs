using System.Globalization;
using VulnTriage.Inventory;

namespace VulnTriage.Cli.Application;

/// <summary>
/// A one-line progress display on stderr while the fleet is read from the API: only on a terminal, only after a
/// second has passed (small fleets stay silent), redrawn at most four times a second, erased at the end.
/// </summary>
internal static class ProgressLine
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    public static IEnumerable<InventoryEntry> Wrap(IEnumerable<InventoryEntry> entries, TextWriter error, TimeProvider time)
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
                    var text = string.Create(CultureInfo.InvariantCulture, $"vulntriage: reading Mackerel: {hosts} hosts, {withFacts} with probe metadata ({elapsed.TotalSeconds:0} s)");
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
}
