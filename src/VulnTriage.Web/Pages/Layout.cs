using System.Collections.Immutable;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using VulnTriage.Core.Access;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;

namespace VulnTriage.Web.Pages;

/// <summary>The page frame (navigation, language switch, who is logged in) and pieces several pages share.</summary>
internal static class Layout
{
    public static IResult Page(PageContext page, string title, Action<Html> body, int status = StatusCodes.Status200OK)
    {
        var ui = page.Ui;
        var html = new Html();
        html.Markup("<!DOCTYPE html>\n").Open("html", ("lang", page.Lang)).Markup("<head><meta charset=\"utf-8\">")
            .Markup("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Element("title", title + " — VulnTriage")
            .Markup("<link rel=\"stylesheet\" href=\"/static/site.css\"></head>\n<body>\n<header><nav>")
            .Open("a", ("href", page.Url("/")), ("class", "brand")).Markup("VulnTriage</a>");
        if (page.User is { } user)
        {
            html.Link(page.Url("/"), ui.Overview).Link(page.Url("/runs"), ui.Runs);
            if (user.Role.Allows(Role.Decider))
            {
                html.Link(page.Url("/decide"), ui.Decide);
            }

            if (user.Role.Allows(Role.Admin))
            {
                html.Link(page.Url("/admin/tokens"), ui.Tokens);
            }
        }

        // The same page in the other language.
        var query = page.Http.Request.Query.Where(q => q.Key != "lang").Select(q => (q.Key, (string?)q.Value.ToString())).ToList();
        query.Add(("lang", ui.OtherLang));
        var other = page.Http.Request.Path.Value + "?" + string.Join('&', query.Select(q => q.Key + "=" + Uri.EscapeDataString(q.Item2 ?? "")));
        html.Open("a", ("href", other), ("hreflang", ui.OtherLang), ("lang", ui.OtherLang)).Text(ui.OtherLanguage).Close("a");
        if (page.User is { } who)
        {
            html.Element("span", Ui.Format(ui.SignedInAs, who.Name, who.Role.ToWire()), ("class", "who"));
            html.Open("form", ("method", "post"), ("action", "/logout"), ("class", "inline"));
            page.FormFields(html);
            html.Element("button", ui.Logout, ("type", "submit")).Close("form");
        }

        html.Markup("</nav></header>\n<main>\n").Element("h1", title);
        body(html);
        html.Markup("\n</main>\n").Element("footer", "VulnTriage " + page.Options.ToolVersion).Markup("\n</body>\n</html>\n");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
    }

    /// <summary>A verdict as the report shows it: its label in a coloured badge.</summary>
    public static Html Verdict(this Html html, PageContext page, Verdict v) =>
        html.Element("span", page.Verdict(v), ("class", "verdict v-" + v.ToWire()));

    /// <summary>The counts of one run as one table row's cells, verdicts in the report's order.</summary>
    public static void CountCells(Html html, VerdictCounts counts)
    {
        foreach (var v in Verdicts.All)
        {
            var n = counts.Get(v);
            html.Element("td", PageContext.N(n), ("class", n > 0 ? "num v-" + v.ToWire() : "num"));
        }
    }

    public static void CountHeaders(Html html, PageContext page)
    {
        foreach (var v in Verdicts.All)
        {
            html.Element("th", page.Verdict(v));
        }
    }

    /// <summary>
    /// The trend over saved runs as an inline SVG line chart: one line per verdict that needs action plus fixed, no
    /// script and no style attribute (colours come from the stylesheet's classes); the numbers are in its title.
    /// </summary>
    public static void Trend(Html html, PageContext page, ImmutableArray<RunProgress> progress)
    {
        const int Width = 240, Height = 64, Pad = 4;
        if (progress.IsDefaultOrEmpty)
        {
            return;
        }

        var shown = new[] { Core.Matching.Verdict.Affected, Core.Matching.Verdict.NeedsConfirmation, Core.Matching.Verdict.Unknown, Core.Matching.Verdict.Fixed };
        var max = Math.Max(1, progress.Max(p => shown.Max(v => p.Counts.Get(v))));
        var title = string.Join("; ", progress.Select(p => PageContext.Time(p.SavedAt) + ": " + string.Join(", ", shown.Select(v => page.Verdict(v) + " " + PageContext.N(p.Counts.Get(v))))));
        html.Open("svg", ("class", "trend"), ("viewBox", $"0 0 {Width} {Height}"), ("width", PageContext.N(Width)), ("height", PageContext.N(Height)), ("role", "img"), ("xmlns", "http://www.w3.org/2000/svg"))
            .Element("title", page.Ui.Trend + ": " + title);
        foreach (var v in shown)
        {
            var points = progress.Select((p, i) =>
            (
                X: progress.Length == 1 ? Width / 2.0 : Pad + (i * (Width - (2.0 * Pad)) / (progress.Length - 1)),
                Y: Height - Pad - (p.Counts.Get(v) * (Height - (2.0 * Pad)) / max))).ToList();
            html.Open("polyline", ("class", "s-" + v.ToWire()), ("points", string.Join(' ', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X:0.#},{p.Y:0.#}"))))).Close("polyline");

            // The latest value as a dot (and the only one, with a single run).
            var last = points[^1];
            html.Open("circle", ("class", "s-" + v.ToWire()), ("cx", last.X.ToString("0.#", CultureInfo.InvariantCulture)), ("cy", last.Y.ToString("0.#", CultureInfo.InvariantCulture)), ("r", "2.5")).Close("circle");
        }

        html.Close("svg");
    }

    /// <summary>A short line for a notice (recorded, revoked, started).</summary>
    public static void Notice(Html html, string? text, bool error = false)
    {
        if (!string.IsNullOrEmpty(text))
        {
            html.Element("p", text, ("class", error ? "notice error" : "notice"), ("role", "status"));
        }
    }
}
