using System.Globalization;
using System.Text;
using VulnTriage.Core.Matching;
using VulnTriage.Reports.Common;

namespace VulnTriage.Reports.Html;

/// <summary>
/// Inline SVG for the HTML report and the dashboard (<c>vulntriage serve</c>): no script, no external resource, sizes
/// from the numbers only. Every piece of text (team names come from the inventory) goes through the page's encoder, in
/// attributes and in elements alike. The report is one self-contained file, so its charts carry their own style
/// attribute; the dashboard's Content-Security-Policy refuses style attributes, so there (<c>inlineStyle: false</c>)
/// the chart has the class <c>chart</c> and the server's stylesheet sizes it.
/// </summary>
internal static class SvgCharts
{
    private const int Width = 760;
    private const int LabelWidth = 210;
    private const int Row = 24;
    private const int Bar = 16;
    private const int LegendHeight = 26;
    private const int MaxLabel = 30;

    /// <summary>Fill colours per verdict: the report's verdict colours, strong enough for a bar.</summary>
    public static string Colour(Verdict verdict) => verdict switch
    {
        Verdict.Affected => "#cf222e",
        Verdict.NeedsConfirmation => "#d4a72c",
        Verdict.Unknown => "#8250df",
        Verdict.AcceptedRisk => "#bc4c00",
        Verdict.Fixed => "#1a7f37",
        Verdict.ProviderManaged => "#0969da",
        _ => "#8c959f",
    };

    public static string StackedBars(ReportChart chart, Func<string?, string> encode, bool inlineStyle = true)
    {
        var totals = Enumerable.Range(0, chart.Categories.Count).Select(i => chart.Series.Sum(s => s.Values[i])).ToList();
        var max = Math.Max(1, totals.Count == 0 ? 1 : totals.Max());
        var barArea = Width - LabelWidth - 80;
        var height = LegendHeight + (chart.Categories.Count * Row) + 8;
        var svg = new StringBuilder();
        Open(svg, height, chart.Description, encode, inlineStyle);
        Legend(svg, chart, encode);
        for (var i = 0; i < chart.Categories.Count; i++)
        {
            var y = LegendHeight + (i * Row);
            var label = chart.Categories[i];
            svg.Append(Inv($"<text x=\"{LabelWidth - 8}\" y=\"{y + 13}\" text-anchor=\"end\">"))
                .Append(encode(Shorten(label))).Append("<title>").Append(encode(label)).Append("</title></text>\n");
            double x = LabelWidth;
            foreach (var series in chart.Series)
            {
                var value = series.Values[i];
                if (value <= 0)
                {
                    continue;
                }

                var w = Math.Max(1.0, (double)value / max * barArea);
                svg.Append(Inv($"<rect class=\"bar\" x=\"{x:0.#}\" y=\"{y + 2}\" width=\"{w:0.#}\" height=\"{Bar}\" fill=\"{Colour(series.Verdict)}\"><title>"))
                    .Append(encode($"{label}: {series.Label} {ReportChart.Number(value)}")).Append("</title></rect>\n");
                x += w;
            }

            svg.Append(Inv($"<text x=\"{x + 6:0.#}\" y=\"{y + 13}\">{ReportChart.Number(totals[i])}</text>\n"));
        }

        return svg.Append("</svg>\n").ToString();
    }

    public static string Lines(ReportChart chart, Func<string?, string> encode, bool inlineStyle = true)
    {
        const int height = 250, left = 56, right = 24, top = LegendHeight + 10, bottom = 44;
        var plotWidth = Width - left - right;
        var plotHeight = height - top - bottom;
        var n = chart.Categories.Count;
        var max = Math.Max(1, chart.Series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max());
        double X(int i) => n <= 1 ? left + (plotWidth / 2.0) : left + ((double)i / (n - 1) * plotWidth);
        double Y(int v) => top + plotHeight - ((double)v / max * plotHeight);

        var svg = new StringBuilder();
        Open(svg, height, chart.Description, encode, inlineStyle);
        Legend(svg, chart, encode);

        // Axes, the top value and the first and last run under the axis.
        svg.Append(Inv($"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{top + plotHeight}\" stroke=\"#8c959f\"/>\n"))
            .Append(Inv($"<line x1=\"{left}\" y1=\"{top + plotHeight}\" x2=\"{left + plotWidth}\" y2=\"{top + plotHeight}\" stroke=\"#8c959f\"/>\n"))
            .Append(Inv($"<text x=\"{left - 6}\" y=\"{top + 4}\" text-anchor=\"end\">{ReportChart.Number(max)}</text>\n"))
            .Append(Inv($"<text x=\"{left - 6}\" y=\"{top + plotHeight + 4}\" text-anchor=\"end\">0</text>\n"));
        if (n > 0)
        {
            svg.Append(Inv($"<text x=\"{X(0):0.#}\" y=\"{top + plotHeight + 18}\" text-anchor=\"{(n == 1 ? "middle" : "start")}\">")).Append(encode(chart.Categories[0])).Append("</text>\n");
        }

        if (n > 1)
        {
            svg.Append(Inv($"<text x=\"{X(n - 1):0.#}\" y=\"{top + plotHeight + 34}\" text-anchor=\"end\">")).Append(encode(chart.Categories[n - 1])).Append("</text>\n");
        }

        foreach (var series in chart.Series)
        {
            var colour = Colour(series.Verdict);
            if (n > 1)
            {
                svg.Append(Inv($"<polyline class=\"line\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\""));
                for (var i = 0; i < n; i++)
                {
                    svg.Append(Inv($"{(i > 0 ? " " : "")}{X(i):0.#},{Y(series.Values[i]):0.#}"));
                }

                svg.Append("\"/>\n");
            }

            for (var i = 0; i < n; i++)
            {
                svg.Append(Inv($"<circle cx=\"{X(i):0.#}\" cy=\"{Y(series.Values[i]):0.#}\" r=\"3\" fill=\"{colour}\"><title>"))
                    .Append(encode($"{chart.Categories[i]}: {series.Label} {ReportChart.Number(series.Values[i])}")).Append("</title></circle>\n");
            }
        }

        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>
    /// The same numbers as <see cref="Lines"/> in a table cell (the dashboard's overview): one line per series and a dot on
    /// its latest value, no legend or axis; the numbers per run are in its title. Always styled by class (<c>chart spark</c>).
    /// </summary>
    public static string Sparkline(ReportChart chart, Func<string?, string> encode)
    {
        const int width = 240, height = 64, pad = 4;
        var n = chart.Categories.Count;
        var max = Math.Max(1, chart.Series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max());
        double X(int i) => n <= 1 ? width / 2.0 : pad + ((double)i / (n - 1) * (width - (2 * pad)));
        double Y(int v) => height - pad - ((double)v / max * (height - (2 * pad)));
        var title = new StringBuilder(chart.Description);
        for (var i = 0; i < n; i++)
        {
            title.Append(i == 0 ? ": " : "; ").Append(chart.Categories[i]).Append(' ')
                .AppendJoin(", ", chart.Series.Select(s => $"{s.Label} {ReportChart.Number(s.Values[i])}"));
        }

        var svg = new StringBuilder()
            .Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart spark\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\""))
            .Append(encode(chart.Description)).Append("\">\n<title>").Append(encode(title.ToString())).Append("</title>\n");
        foreach (var series in chart.Series)
        {
            var colour = Colour(series.Verdict);
            if (n > 1)
            {
                svg.Append(Inv($"<polyline class=\"line\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\""));
                for (var i = 0; i < n; i++)
                {
                    svg.Append(Inv($"{(i > 0 ? " " : "")}{X(i):0.#},{Y(series.Values[i]):0.#}"));
                }

                svg.Append("\"/>\n");
            }

            if (n > 0)
            {
                svg.Append(Inv($"<circle cx=\"{X(n - 1):0.#}\" cy=\"{Y(series.Values[n - 1]):0.#}\" r=\"2.5\" fill=\"{colour}\"/>\n"));
            }
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static void Open(StringBuilder svg, int height, string description, Func<string?, string> encode, bool inlineStyle) =>
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" "))
            .Append(inlineStyle ? "style=\"max-width:100%;height:auto;font-size:12px\"" : "class=\"chart\"")
            .Append(" role=\"img\" aria-label=\"")
            .Append(encode(description)).Append("\">\n<title>").Append(encode(description)).Append("</title>\n");

    private static void Legend(StringBuilder svg, ReportChart chart, Func<string?, string> encode)
    {
        var x = 0;
        foreach (var series in chart.Series)
        {
            svg.Append(Inv($"<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{Colour(series.Verdict)}\"/>"))
                .Append(Inv($"<text x=\"{x + 16}\" y=\"14\">")).Append(encode(series.Label)).Append("</text>\n");
            x += 24 + series.Label.Sum(c => c >= '\u3000' ? 12 : 7);
        }
    }

    /// <summary>A label cut to fit the label column (the whole label is in the element's title).</summary>
    private static string Shorten(string label)
    {
        if (label.Length <= MaxLabel)
        {
            return label;
        }

        var cut = MaxLabel - 1;
        if (char.IsHighSurrogate(label[cut - 1]))
        {
            cut--;
        }

        return label[..cut] + "…";
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
