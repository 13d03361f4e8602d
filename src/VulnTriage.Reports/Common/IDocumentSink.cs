using VulnTriage.Core.Matching;

namespace VulnTriage.Reports.Common;

/// <summary>How an inline piece of text is shown.</summary>
internal enum InlineKind
{
    /// <summary>Plain text.</summary>
    Plain,

    /// <summary>Emphasised (bold).</summary>
    Strong,

    /// <summary>A link; <see cref="Inline.Url"/> is the target.</summary>
    Link,

    /// <summary>A command or option of ours, shown as code (never host data: that is always plain text).</summary>
    Code,
}

/// <summary>A piece of text. The text is raw (unescaped); the sink escapes it for its format.</summary>
internal readonly record struct Inline(string Text, InlineKind Kind = InlineKind.Plain, string? Url = null, Verdict? Verdict = null)
{
    public static implicit operator Inline(string text) => new(text);

    public static Inline Strong(string text) => new(text, InlineKind.Strong);

    public static Inline Link(string text, string url) => new(text, InlineKind.Link, url);

    public static Inline OfVerdict(string text, Verdict verdict) => new(text, InlineKind.Plain, null, verdict);

    /// <summary>
    /// One of our own sentences (a label, never host data) whose <c>`…`</c> spans are commands or options: split into
    /// plain text and code.
    /// </summary>
    public static IReadOnlyList<Inline> Prose(string text)
    {
        var parts = text.Split('`');
        var inlines = new List<Inline>(parts.Length);
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length > 0)
            {
                inlines.Add(new Inline(parts[i], i % 2 == 1 && i < parts.Length - 1 ? InlineKind.Code : InlineKind.Plain));
            }
        }

        return inlines;
    }
}

/// <summary>What a chart draws.</summary>
internal enum ChartKind
{
    /// <summary>One horizontal bar per category, stacked by series (verdicts per team).</summary>
    StackedBars,

    /// <summary>One line per series over the categories (hosts per verdict over saved runs).</summary>
    Lines,
}

/// <summary>One series of a chart: a verdict and its value per category.</summary>
/// <param name="Label">The series' name in the report language.</param>
/// <param name="Verdict">The verdict it counts (its colour).</param>
/// <param name="Values">One value per category.</param>
internal sealed record ChartSeries(string Label, Verdict Verdict, IReadOnlyList<int> Values);

/// <summary>
/// The numbers of a chart. HTML draws it as inline SVG (and keeps the numbers as a table beside it); Markdown writes
/// the same numbers as a compact table. Category labels are untrusted (team names): sinks escape them.
/// </summary>
/// <param name="Kind">Bars or lines.</param>
/// <param name="Description">What the chart shows, for assistive technology (<c>aria-label</c>).</param>
/// <param name="CategoryHeader">The header of the categories' column (Team, Run…).</param>
/// <param name="Categories">The bars (teams) or the points along the line (saved runs).</param>
/// <param name="Series">The verdicts.</param>
/// <param name="TotalHeader">The header of a total column (bars), or <c>null</c> for none.</param>
/// <param name="Extra">Leading columns of the table before the series (e.g. the run id beside its time), per category; may be empty.</param>
/// <param name="TotalRow">A last table row (not drawn): its label and its value per series (e.g. the whole fleet, where a host in two teams counts once); <c>null</c> for none.</param>
internal sealed record ReportChart(
    ChartKind Kind,
    string Description,
    string CategoryHeader,
    IReadOnlyList<string> Categories,
    IReadOnlyList<ChartSeries> Series,
    string? TotalHeader,
    IReadOnlyList<(string Header, IReadOnlyList<string> Values)> Extra,
    (string Label, IReadOnlyList<int> Values)? TotalRow = null)
{
    /// <summary>The table the chart's numbers make: header, then one row per category (and the total row).</summary>
    public (IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<Inline>> Rows) Table()
    {
        var header = new List<string> { CategoryHeader };
        header.AddRange(Extra.Select(e => e.Header));
        header.AddRange(Series.Select(s => s.Label));
        if (TotalHeader is not null)
        {
            header.Add(TotalHeader);
        }

        var rows = new List<IReadOnlyList<Inline>>();
        for (var i = 0; i < Categories.Count; i++)
        {
            var row = new List<Inline> { Categories[i] };
            row.AddRange(Extra.Select(e => (Inline)e.Values[i]));
            row.AddRange(Series.Select(s => Count(s.Values[i], s.Verdict)));
            if (TotalHeader is not null)
            {
                row.Add(Number(Series.Sum(s => s.Values[i])));
            }

            rows.Add(row);
        }

        if (TotalRow is { } total)
        {
            var row = new List<Inline> { Inline.Strong(total.Label) };
            row.AddRange(Extra.Select(_ => (Inline)""));
            row.AddRange(Series.Select((s, i) => Count(total.Values[i], s.Verdict)));
            if (TotalHeader is not null)
            {
                row.Add(Number(total.Values.Sum()));
            }

            rows.Add(row);
        }

        return (header, rows);
    }

    /// <summary>A count with a thousands separator, marked with its verdict when not zero.</summary>
    public static Inline Count(int n, Verdict verdict) => n > 0 ? Inline.OfVerdict(Number(n), verdict) : "0";

    /// <summary><c>12,345</c>.</summary>
    public static string Number(int n) => n.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A streaming document: the Markdown and HTML writers implement it, so both show the same sections, and each
/// escapes every piece of text at the point where it is written.
/// </summary>
internal interface IDocumentSink
{
    void BeginDocument(string title, string lang);

    /// <summary>A heading; <paramref name="anchor"/> (ASCII, made by the document) gives it an id to link to where the format has ids (HTML).</summary>
    void Heading(int level, string text, string? anchor = null);

    /// <summary>A one-line table of contents: links to headings written later (by anchor in HTML, by the heading's text in Markdown).</summary>
    void Contents(string label, IReadOnlyList<(string Text, string Anchor)> entries);

    /// <summary>A chart and its numbers.</summary>
    void Chart(ReportChart chart);

    void Paragraph(params IReadOnlyList<Inline> inlines);

    void BeginTable(params IReadOnlyList<string> headers);

    void Row(params IReadOnlyList<Inline> cells);

    void EndTable();

    void BeginList();

    /// <summary>A list item at <paramref name="depth"/> (0 = top level; at most one deeper than the previous item).</summary>
    void ListItem(int depth, params IReadOnlyList<Inline> inlines);

    void EndList();

    void Footer(string text);

    void EndDocument();
}
