using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using VulnTriage.Core.Access;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Common;
using VulnTriage.Reports.Html;

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

    /// <summary>Saved runs the dashboard's trend charts show (the latest ones).</summary>
    public const int TrendRuns = 48;

    /// <summary>The trend over saved runs in a table cell: the report's progress chart as a sparkline (one chart renderer, the report's).</summary>
    public static void Trend(Html html, PageContext page, ImmutableArray<RunProgress> progress)
    {
        if (!progress.IsDefaultOrEmpty)
        {
            var chart = ReportDocument.ProgressChart(progress, TrendRuns, Labels.For(page.Lang));
            html.Chart(encode => SvgCharts.Sparkline(chart, encode));
        }
    }

    /// <summary>The advisory page's charts, as the grouped report draws them: hosts per verdict per team, and over saved runs.</summary>
    public static void Charts(Html html, PageContext page, AdvisorySummary summary, ImmutableArray<RunProgress> progress)
    {
        var l = Labels.For(page.Lang);
        if (!summary.Teams.IsDefaultOrEmpty)
        {
            var teams = ReportDocument.TeamChart(summary, l);
            html.Chart(encode => SvgCharts.StackedBars(teams, encode, inlineStyle: false));
        }

        if (!progress.IsDefaultOrEmpty)
        {
            var runs = ReportDocument.ProgressChart(progress, TrendRuns, l);
            html.Element("h3", l.ProgressTitle).Chart(encode => SvgCharts.Lines(runs, encode, inlineStyle: false));
        }
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
