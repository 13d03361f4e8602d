using System.Collections.Immutable;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VulnTriage.Core.Access;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Common;
using VulnTriage.Web.Data;
using VulnTriage.Web.Scheduling;
using VulnTriage.Web.Security;

namespace VulnTriage.Web.Pages;

/// <summary>
/// The server-rendered pages: overview, advisory, host, runs, decide (with a preview), login. Plain HTML forms and
/// links, no script: everything works without JavaScript. Every POST checks the antiforgery token.
/// </summary>
internal static class DashboardPages
{
    private const int PageSize = 200;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", Overview).RequireAuthorization(Policies.Viewer);
        app.MapGet("/advisories/{id}", Advisory).RequireAuthorization(Policies.Viewer);
        app.MapGet("/hosts/{name}", HostPage).RequireAuthorization(Policies.Viewer);
        app.MapGet("/runs", Runs).RequireAuthorization(Policies.Viewer);
        app.MapGet("/decide", DecideForm).RequireAuthorization(Policies.Decider);
        app.MapPost("/decide", DecidePost).RequireAuthorization(Policies.Decider);
        app.MapPost("/decisions/{id}/revoke", RevokePost).RequireAuthorization(Policies.Decider);
        app.MapPost("/runs/trigger", TriggerPost).RequireAuthorization(Policies.Admin);
        app.MapGet("/admin/tokens", TokensPage).RequireAuthorization(Policies.Admin);
        app.MapGet("/login", LoginForm).AllowAnonymous();
        app.MapPost("/login", LoginPost).AllowAnonymous();
        app.MapPost("/logout", LogoutPost).AllowAnonymous();
    }

    private static async Task<IResult> Overview(HttpContext http, DashboardData data, ServeOptions options)
    {
        var page = PageContext.For(http, options);
        var ui = page.Ui;
        var snapshot = await data.SnapshotAsync().ConfigureAwait(false);
        return Layout.Page(page, ui.Overview, html =>
        {
            Layout.Notice(html, http.Request.Query["notice"].ToString() switch
            {
                "started" => ui.RunStarted,
                "busy" => ui.RunBusy,
                "noschedule" => ui.NoSchedule,
                _ => null,
            });
            if (snapshot.Advisories.IsEmpty)
            {
                html.Element("p", ui.NoRuns);
                return;
            }

            html.Markup("<table class=\"overview\"><thead><tr>").Element("th", ui.Advisory).Element("th", ui.Conclusion);
            Layout.CountHeaders(html, page);
            html.Element("th", ui.Trend).Markup("</tr></thead><tbody>");
            foreach (var a in snapshot.Advisories)
            {
                html.Markup("<tr><td>").Link(page.Url(PageContext.AdvisoryPath(a.Id)), a.Id);
                if (a.Advisory is { } adv)
                {
                    html.Markup("<br>").Element("small", adv.Title.Get(page.Lang));
                }

                html.Markup("</td><td>").Text(ReportSentences.Headline(a.Counts, page.Lang)).Markup("<br>")
                    .Element("small", Ui.Format(ui.LatestRun, a.LatestRunId, PageContext.Time(a.SavedAt))).Markup("</td>");
                Layout.CountCells(html, a.Counts);
                html.Markup("<td>");
                Layout.Trend(html, page, a.Progress);
                html.Markup("</td></tr>");
            }

            html.Markup("</tbody></table>");
            if (page.May(Role.Admin))
            {
                html.Open("form", ("method", "post"), ("action", "/runs/trigger"));
                page.FormFields(html);
                html.Element("button", ui.RunNow, ("type", "submit")).Close("form");
            }
        });
    }

    private static async Task<IResult> Advisory(HttpContext http, string id, DashboardData data, ServeOptions options)
    {
        var page = PageContext.For(http, options);
        var ui = page.Ui;
        var snapshot = await data.SnapshotAsync().ConfigureAwait(false);
        if (snapshot.Find(id) is not { } state)
        {
            return Layout.Page(page, id, html => html.Element("p", ui.NoRuns), StatusCodes.Status404NotFound);
        }

        var view = await data.RunAsync(state.LatestRunId).ConfigureAwait(false);
        var summary = view?.Summary(state.Id, page.Lang);
        if (view is null || summary is null || state.Advisory is null)
        {
            return Layout.Page(page, state.Id, html => html.Element("p", ui.NotInCatalog), StatusCodes.Status404NotFound);
        }

        var a = summary.Advisories[0];
        var filter = FindingFilter.From(http.Request.Query);
        var all = view.Findings[state.Id];
        var matching = view.Filtered(state.Id, filter, "needs_action");
        var offset = Math.Clamp(filter.Offset, 0, Math.Max(0, matching.Count - 1));
        var shown = matching.Skip(offset).Take(PageSize).ToList();
        var l = page.Labels;
        var title = $"{state.Id}: {state.Advisory.Title.Get(page.Lang)}";
        return Layout.Page(page, title, html =>
        {
            html.Element("p", Ui.Format(ui.LatestRun, state.LatestRunId, PageContext.Time(state.SavedAt)), ("class", "meta"));
            html.Element("h2", ui.Conclusion).Open("p").Element("strong", a.Headline).Close("p");
            foreach (var line in a.DecisionLines.IsDefault ? [] : a.DecisionLines)
            {
                html.Element("p", line);
            }

            if (!a.Environments.IsEmpty)
            {
                html.Markup("<ul>");
                foreach (var e in a.Environments)
                {
                    html.Element("li", e.Line);
                }

                html.Markup("</ul>");
            }

            html.Markup("<table><thead><tr>");
            Layout.CountHeaders(html, page);
            html.Markup("</tr></thead><tbody><tr>");
            Layout.CountCells(html, a.Counts);
            html.Markup("</tr></tbody></table>");

            // The grouped report's charts: hosts per verdict per team, and over the saved runs.
            Layout.Charts(html, page, a, state.Progress);

            PendingDecisions(html, page, snapshot, state);

            // Filters: a GET form, so a filtered view is a link.
            html.Element("h2", ui.Filter);
            html.Open("form", ("method", "get"), ("action", PageContext.AdvisoryPath(state.Id)), ("class", "filter"));
            if (page.ExplicitLang)
            {
                html.Open("input", ("type", "hidden"), ("name", "lang"), ("value", page.Lang));
            }

            Select(html, ui.Verdict, "verdict", filter.VerdictText ?? "", [("", ui.NeedsAction), ("all", ui.AllVerdicts), .. Verdicts.All.Select(v => (v.ToWire(), page.Verdict(v)))]);
            var facets = view.Facets(state.Id);
            var services = facets.Services.Select(s => (s, view.Run.ServiceTeams.TryGetValue(s, out var team) ? ReportSentences.WithTeam(s, team, page.Lang) : s));
            Select(html, ui.Service, "service", filter.Service ?? "", [("", ui.Any), .. services]);
            var roles = facets.Roles.Select(r => (r, r));
            Select(html, ui.Role, "role", filter.Role ?? "", [("", ui.Any), .. roles]);
            Select(html, ui.Status, "status", filter.Status ?? "", [("", ui.Any), .. new[] { HostStatus.Working, HostStatus.Standby, HostStatus.Maintenance, HostStatus.PowerOff, HostStatus.Unknown }.Select(s => (FindingFilter.StatusWire(s), l.StatusLabel(s)))]);
            html.Open("label").Text(ui.CpuContains).Open("input", ("type", "search"), ("name", "cpu"), ("value", filter.Cpu ?? ""), ("maxlength", "200")).Close("label");
            html.Element("button", ui.Filter, ("type", "submit")).Close("form");

            if (matching.Count == 0)
            {
                html.Element("p", ui.NoMatch);
            }
            else
            {
                html.Element("p", Ui.Format(ui.Showing, PageContext.N(offset + 1), PageContext.N(offset + shown.Count), PageContext.N(matching.Count)), ("class", "meta"));
            }

            if (page.May(Role.Decider) && (filter.Role ?? filter.Service) is { } selectorValue)
            {
                html.Link(page.Url("/decide", ("advisory", state.Id), ("kind", filter.Role is not null ? "role" : "service"), ("value", selectorValue)), ui.DecideForThese, "action");
            }

            // The report's grouping: teams (services) → hosts.
            // A host in several services is listed under each, as in the report; a service filter shows that service only.
            foreach (var group in ReportSummary.GroupFindings(shown, GroupBy.Service, page.Lang, view.Run.ServiceTeams)
                .Where(g => filter.Service is null || g.Key == filter.Service))
            {
                if (group.Label.Length > 0)
                {
                    html.Element("h3", group.Label);
                }

                html.Markup("<table class=\"hosts\"><thead><tr>");
                foreach (var h in new[] { l.Host, l.Status, l.Roles, l.Cpu, l.Verdict, l.Stage, l.WhatToDo })
                {
                    html.Element("th", h);
                }

                html.Markup("</tr></thead><tbody>");
                foreach (var f in group.Findings)
                {
                    html.Markup("<tr><td>").Link(page.Url(PageContext.HostPath(f.Host.Name)), ReportFormatting.HostLabel(f.Host)).Markup("</td>")
                        .Element("td", l.StatusLabel(f.Host.Status))
                        .Element("td", ReportFormatting.Roles(f.Host))
                        .Element("td", ReportFormatting.Cpu(f, l.NoCpuFacts))
                        .Markup("<td>").Verdict(page, f.Verdict).Markup("</td>")
                        .Element("td", page.Stage(f.Stage))
                        .Element("td", EvidenceText.Action(f.Action, page.Lang))
                        .Markup("</tr>");
                }

                html.Markup("</tbody></table>");
            }

            Pager(html, page, state.Id, filter, offset, matching.Count);
        });
    }

    private static void PendingDecisions(Html html, PageContext page, Snapshot snapshot, AdvisoryState state)
    {
        var pending = snapshot.Decisions.Where(d => d.AdvisoryId == state.Id && d.DecidedAt > state.SavedAt).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        html.Element("h2", page.Ui.Pending);
        DecisionTable(html, page, pending, snapshot.Decisions);
    }

    private static void Pager(Html html, PageContext page, string advisory, FindingFilter filter, int offset, int total)
    {
        if (total <= PageSize)
        {
            return;
        }

        html.Open("nav", ("class", "pager"));
        if (offset > 0)
        {
            html.Link(page.Url(PageContext.AdvisoryPath(advisory), [.. filter.Query(Math.Max(0, offset - PageSize))]), page.Ui.Previous);
        }

        if (offset + PageSize < total)
        {
            html.Link(page.Url(PageContext.AdvisoryPath(advisory), [.. filter.Query(offset + PageSize)]), page.Ui.Next);
        }

        html.Close("nav");
    }

    private static void Select(Html html, string label, string name, string selected, IEnumerable<(string Value, string Text)> options)
    {
        html.Open("label").Text(label).Open("select", ("name", name));
        foreach (var (value, text) in options)
        {
            html.Open("option", ("value", value), ("selected", value == selected ? "" : null)).Text(text).Close("option");
        }

        html.Close("select").Close("label");
    }

    private static async Task<IResult> HostPage(HttpContext http, string name, DashboardData data, ServeOptions options)
    {
        var page = PageContext.For(http, options);
        var ui = page.Ui;
        var l = page.Labels;
        name = Uri.UnescapeDataString(name);
        var snapshot = await data.SnapshotAsync().ConfigureAwait(false);
        var found = new List<(AdvisoryState State, Finding Finding)>();
        foreach (var state in snapshot.Advisories)
        {
            if (await data.RunAsync(state.LatestRunId).ConfigureAwait(false) is { } view)
            {
                found.AddRange(view.Host(name).Where(f => f.AdvisoryId == state.Id).Select(f => (state, f)));
            }
        }

        if (found.Count == 0)
        {
            return Layout.Page(page, name, html => html.Element("p", Ui.Format(ui.NoHost, name)), StatusCodes.Status404NotFound);
        }

        var host = found[0].Finding.Host;
        return Layout.Page(page, ReportFormatting.HostLabel(host), html =>
        {
            Layout.Notice(html, http.Request.Query["recorded"].ToString() is { Length: > 0 } rec ? Ui.Format(ui.Recorded, rec) : null);
            html.Markup("<dl class=\"facts\">")
                .Element("dt", ui.HostId).Element("dd", host.Id)
                .Element("dt", l.Status).Element("dd", l.StatusLabel(host.Status))
                .Element("dt", l.Roles).Element("dd", ReportFormatting.Roles(host))
                .Element("dt", ui.Environment).Element("dd", ReportSentences.EnvironmentName(found[0].Finding.Environment, page.Lang)
                    + (host.Cloud is { } cloud ? $" ({cloud.RawProvider}{(cloud.InstanceType is { } t ? ", " + t : "")}; {cloud.Evidence})" : ""));
            if (!host.Labels.IsDefaultOrEmpty)
            {
                html.Element("dt", ui.Labels).Element("dd", string.Join(", ", host.Labels.Select(x => $"{x.Key}={x.Value} ({x.Source})")));
            }

            if (host.Provenance is { Sources.IsDefaultOrEmpty: false } provenance)
            {
                html.Element("dt", ui.Sources).Element("dd", string.Join(", ", provenance.Sources));
            }

            html.Markup("</dl>");

            // Processor: what the inventory said (with where it was read) and what it was identified as.
            html.Element("h2", ui.Processors);
            if (host.Processors.IsDefaultOrEmpty)
            {
                html.Element("p", host.CpuFactsNote ?? l.NoCpuFacts);
            }
            else
            {
                html.Markup("<table><thead><tr>").Element("th", ui.Brand).Element("th", ui.Signature).Element("th", ui.LogicalCpus).Element("th", ui.Source).Markup("</tr></thead><tbody>");
                foreach (var p in host.Processors)
                {
                    html.Markup("<tr>").Element("td", p.BrandString ?? "").Element("td", p.Signature?.ToString() ?? "")
                        .Element("td", PageContext.N(p.LogicalCpus)).Element("td", $"{p.Source}; {p.SignatureSource}").Markup("</tr>");
                }

                html.Markup("</tbody></table>");
            }

            var identities = found[0].Finding.Processors.IsDefault ? [] : found[0].Finding.Processors;
            if (!identities.IsEmpty)
            {
                html.Element("p", ui.Identified + ": " + string.Join("; ", identities.Select(ReportFormatting.CpuDetailed)));
            }

            foreach (var (state, f) in found)
            {
                html.Element("h2", state.Advisory is { } adv ? $"{state.Id}: {adv.Title.Get(page.Lang)}" : state.Id);
                html.Open("p").Verdict(page, f.Verdict).Text(" " + page.Stage(f.Stage));
                if (f.Machine is { } m)
                {
                    html.Text($" — {ui.MachineVerdict}: {page.Verdict(m.Verdict)}, {page.Stage(m.Stage)}");
                }

                html.Close("p").Element("p", ui.NextAction + ": " + EvidenceText.Action(f.Action, page.Lang));
                html.Element("h3", ui.EvidenceHeading).Markup("<ul class=\"evidence\">");
                foreach (var e in f.Evidence.IsDefault ? [] : f.Evidence)
                {
                    html.Markup("<li>").Element("code", e.Clause).Text(": " + EvidenceText.Reason(e, page.Lang));
                    if (!e.Facts.IsDefaultOrEmpty)
                    {
                        html.Markup("<ul>");
                        foreach (var fact in e.Facts)
                        {
                            html.Element("li", $"{fact.Name} = {fact.Value} ({fact.Source})");
                        }

                        html.Markup("</ul>");
                    }

                    html.Markup("</li>");
                }

                html.Markup("</ul>");

                // Decision history: every record whose selector selects this host, revocations included.
                html.Element("h3", ui.History);
                var concerning = snapshot.Decisions.Where(d => d.AdvisoryId == state.Id && DecisionApplier.Matches(d.Selector, f)).ToList();
                if (concerning.Count == 0)
                {
                    html.Element("p", ui.NoDecisions);
                }
                else
                {
                    DecisionTable(html, page, concerning, snapshot.Decisions);
                }

                if (page.May(Role.Decider))
                {
                    html.Link(page.Url("/decide", ("advisory", state.Id), ("kind", "host"), ("value", host.Name)), ui.DecideForHost, "action");
                }
            }
        });
    }

    private static void DecisionTable(Html html, PageContext page, IReadOnlyList<Decision> decisions, ImmutableArray<Decision> trail)
    {
        var ui = page.Ui;
        var revokedBy = trail.Where(d => d.Revokes is not null).ToDictionary(d => d.Revokes!, d => d.Id, StringComparer.Ordinal);
        html.Markup("<table class=\"decisions\"><thead><tr>");
        foreach (var h in new[] { ui.Id, ui.Selector, ui.Verdict, ui.Justification, ui.Author, ui.Decided, ui.State })
        {
            html.Element("th", h);
        }

        html.Markup("</tr></thead><tbody>");
        foreach (var d in decisions)
        {
            html.Markup("<tr>").Element("td", d.Id).Element("td", d.Selector.ToString()).Markup("<td>").Verdict(page, d.Verdict).Markup("</td><td>").Text(d.Justification);
            if (d.EvidenceUrl is { } url)
            {
                html.Markup(" ").ExternalLink(url, url);
            }

            html.Markup("</td>").Element("td", d.Author).Element("td", PageContext.Time(d.DecidedAt)).Markup("<td>");
            if (d.Revokes is { } target)
            {
                html.Text(Ui.Format(ui.Revocation, target));
            }
            else if (revokedBy.TryGetValue(d.Id, out var by))
            {
                html.Text(Ui.Format(ui.RevokedState, by));
            }
            else
            {
                html.Text(ui.Active);
                if (page.May(Role.Decider))
                {
                    html.Open("form", ("method", "post"), ("action", "/decisions/" + Uri.EscapeDataString(d.Id) + "/revoke"), ("class", "revoke"));
                    page.FormFields(html);
                    html.Open("label").Text(ui.Reason).Open("input", ("name", "reason"), ("required", ""), ("maxlength", "2000")).Close("label")
                        .Element("button", ui.Revoke, ("type", "submit")).Close("form");
                }
            }

            html.Markup("</td></tr>");
        }

        html.Markup("</tbody></table>");
    }

    private static async Task<IResult> Runs(HttpContext http, DashboardData data, ServeOptions options)
    {
        var page = PageContext.For(http, options);
        var ui = page.Ui;
        var snapshot = await data.SnapshotAsync().ConfigureAwait(false);
        var q = http.Request.Query;
        string from = q["from"].ToString(), to = q["to"].ToString(), advisory = q["advisory"].ToString();
        RunDiff? diff = null;
        if (from.Length > 0 && to.Length > 0 && snapshot.Find(advisory) is { } state)
        {
            diff = await data.DiffAsync(from, to, state.Id).ConfigureAwait(false);
        }

        var good = snapshot.Runs.Where(r => r.Error is null).ToList();
        return Layout.Page(page, ui.Runs, html =>
        {
            html.Markup("<table><thead><tr>");
            foreach (var h in new[] { ui.Run, ui.Saved, ui.Inventory, ui.Advisories, ui.Findings, ui.Error })
            {
                html.Element("th", h);
            }

            html.Markup("</tr></thead><tbody>");
            foreach (var r in snapshot.Runs.Reverse())
            {
                html.Markup(r.Error is null ? "<tr>" : "<tr class=\"failed\">").Element("td", r.Id).Element("td", PageContext.Time(r.SavedAt)).Element("td", r.Inventory)
                    .Element("td", string.Join(", ", r.Advisories)).Element("td", PageContext.N(r.Findings), ("class", "num"))
                    .Element("td", r.Error is null ? "" : ui.Failed + ": " + r.Error).Markup("</tr>");
            }

            html.Markup("</tbody></table>");

            // Compare two runs (the same diff as `vulntriage diff`).
            html.Element("h2", ui.Compare).Open("form", ("method", "get"), ("action", "/runs"), ("class", "filter"));
            if (page.ExplicitLang)
            {
                html.Open("input", ("type", "hidden"), ("name", "lang"), ("value", page.Lang));
            }

            Select(html, ui.Advisory, "advisory", advisory.Length > 0 ? advisory : snapshot.Advisories.FirstOrDefault()?.Id ?? "", snapshot.Advisories.Select(s => (s.Id, s.Id)));
            var ids = good.Select(r => (r.Id, $"{r.Id} ({PageContext.Time(r.SavedAt)})")).Reverse().ToList();
            Select(html, ui.From, "from", from.Length > 0 ? from : good.Count >= 2 ? good[^2].Id : "", ids);
            Select(html, ui.To, "to", to.Length > 0 ? to : good.Count >= 1 ? good[^1].Id : "", ids);
            html.Element("button", ui.Show, ("type", "submit")).Close("form");
            if (diff is not null)
            {
                html.Element("h3", Ui.Format(ui.DiffHeading, diff.AdvisoryId, diff.Previous.RunId, diff.Latest.RunId));
                if (diff.IsEmpty)
                {
                    html.Element("p", ui.NothingChanged);
                }

                foreach (var (heading, changes) in new[] { (ui.NewlyAffected, diff.NewlyAffected), (ui.NewlyFixed, diff.NewlyFixed), (ui.Moved, diff.Moved), (ui.Gone, diff.Gone), (ui.New, diff.New) })
                {
                    if (changes.IsEmpty)
                    {
                        continue;
                    }

                    html.Element("h4", $"{heading} ({PageContext.N(changes.Length)})").Markup("<ul>");
                    foreach (var c in changes.Take(500))
                    {
                        html.Markup("<li>").Link(page.Url(PageContext.HostPath(c.HostName)), c.HostName)
                            .Text($": {(c.From is { } f ? page.Verdict(f) : "—")} → {(c.To is { } t ? page.Verdict(t) : "—")}").Markup("</li>");
                    }

                    html.Markup("</ul>");
                }
            }

            // Remediation progress: hosts per verdict over the saved runs of each advisory.
            html.Element("h2", ui.Progress);
            foreach (var s in snapshot.Advisories)
            {
                html.Element("h3", s.Id).Markup("<table><thead><tr>").Element("th", ui.Run).Element("th", ui.Saved);
                Layout.CountHeaders(html, page);
                html.Markup("</tr></thead><tbody>");
                foreach (var p in s.Progress)
                {
                    html.Markup("<tr>").Element("td", p.RunId).Element("td", PageContext.Time(p.SavedAt));
                    Layout.CountCells(html, p.Counts);
                    html.Markup("</tr>");
                }

                html.Markup("</tbody></table>");
            }
        });
    }

    private static async Task<IResult> DecideForm(HttpContext http, DashboardData data, ServeOptions options)
    {
        var page = PageContext.For(http, options);
        var q = http.Request.Query;
        var snapshot = await data.SnapshotAsync().ConfigureAwait(false);
        var input = new DecisionInput(q["advisory"], q["kind"].ToString() is { Length: > 0 } k ? k : "host", q["value"], q["verdict"], null, null, null, false);
        return Layout.Page(page, page.Ui.Decide, html => DecisionForm(html, page, snapshot, input));
    }

    private static void DecisionForm(Html html, PageContext page, Snapshot snapshot, DecisionInput input, bool previewed = false)
    {
        var ui = page.Ui;
        html.Open("form", ("method", "post"), ("action", "/decide"), ("class", "decide"));
        page.FormFields(html);
        var advisories = options(page).Select(a => (a.Id, $"{a.Id}: {a.Title.Get(page.Lang)}"));
        Select(html, ui.Advisory, "advisory", input.Advisory ?? snapshot.Advisories.FirstOrDefault()?.Id ?? "", advisories);
        Select(html, ui.Selector, "kind", input.Kind ?? "host", DecisionVocabulary.SelectorKinds.Select(kind => (kind.ToWire(), kind.ToWire())));
        html.Open("label").Text(ui.Value).Open("input", ("name", "value"), ("value", input.Value ?? ""), ("required", ""), ("maxlength", "1000")).Close("label");
        Select(html, ui.Verdict, "verdict", input.Verdict ?? "not_affected", DecisionVocabulary.DecisionVerdicts.Select(v => (v.ToWire(), page.Verdict(v))));
        Select(html, ui.VexJustification, "vexJustification", input.VexJustification ?? "", [("", ui.None), .. DecisionVocabulary.VexJustifications.Select(j => (j.ToWire(), j.ToWire()))]);
        html.Open("label").Text(ui.Justification).Open("textarea", ("name", "justification"), ("required", ""), ("maxlength", "10000"), ("rows", "3")).Text(input.Justification ?? "").Close("textarea").Close("label");
        html.Open("label").Text(ui.EvidenceUrl).Open("input", ("name", "evidence"), ("type", "url"), ("value", input.Evidence ?? ""), ("maxlength", "2000")).Close("label");
        html.Open("label", ("class", "check")).Open("input", ("type", "checkbox"), ("name", "allVerdicts"), ("value", "true"), ("checked", input.AllVerdicts ? "" : null)).Text(ui.AllVerdictsOption).Close("label");
        html.Open("div", ("class", "buttons")).Element("button", ui.Preview, ("type", "submit"), ("name", "action"), ("value", "preview"));
        if (previewed)
        {
            html.Element("button", ui.Record, ("type", "submit"), ("name", "action"), ("value", "record"), ("class", "primary"));
        }

        html.Close("div").Close("form");

        static IEnumerable<Core.Advisories.Advisory> options(PageContext page) => page.Options.Advisories;
    }

    private static async Task<IResult> DecidePost(HttpContext http, DashboardData data, ServeOptions options, IAntiforgery antiforgery)
    {
        if (await Refuse(http, antiforgery).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var page = PageContext.For(http, options, form["lang"]);
        var ui = page.Ui;
        var user = page.User!;
        var input = new DecisionInput(form["advisory"], form["kind"], form["value"], form["verdict"], form["vexJustification"], form["justification"], form["evidence"], form["allVerdicts"] == "true");
        var record = form["action"] == "record";
        var (decision, field, error) = input.Check(options, record ? options.Ids.NewId("d") : "(preview)", user.Name, options.Clock.GetUtcNow());
        var snapshot = await data.SnapshotAsync().ConfigureAwait(false);
        if (decision is null)
        {
            return Layout.Page(page, ui.Decide, html =>
            {
                Layout.Notice(html, $"{field}: {error}", error: true);
                DecisionForm(html, page, snapshot, input);
            }, StatusCodes.Status400BadRequest);
        }

        if (record)
        {
            await data.Store.RunAsync(s =>
            {
                s.AddDecision(decision);
                return true;
            }).ConfigureAwait(false);
            data.Invalidate();
            var back = decision.Selector.Kind == SelectorKind.Host
                ? page.Url(PageContext.HostPath(decision.Selector.Value), ("recorded", decision.Id))
                : page.Url(PageContext.AdvisoryPath(decision.AdvisoryId), ("recorded", decision.Id));
            return Results.Redirect(back, permanent: false, preserveMethod: false);
        }

        // Preview: which hosts of the latest saved run the selector matches and which of them it changes.
        var preview = await Preview(data, snapshot, decision).ConfigureAwait(false);
        return Layout.Page(page, ui.Decide, html =>
        {
            if (preview is null)
            {
                html.Element("p", ui.PreviewNoRun, ("class", "notice"));
            }
            else
            {
                var (runId, matches) = preview.Value;
                var applies = matches.Count(m => m.Applies);
                html.Element("p", Ui.Format(ui.PreviewIn, runId, decision.AdvisoryId), ("class", "meta"));
                html.Element("p", Ui.Format(ui.PreviewMatches, decision.Selector.ToString(), ui.Hosts(matches.Length), page.Verdict(decision.Verdict), ui.Hosts(applies), ui.Hosts(matches.Length - applies)), ("class", "notice preview"));
                html.Markup("<table class=\"preview\"><tbody>");
                foreach (var (target, machine, apply) in matches.OrderBy(m => m.Applies ? 0 : 1).ThenBy(m => m.Target.HostName, StringComparer.Ordinal).Take(50))
                {
                    html.Markup("<tr>").Element("td", apply ? ui.Decides : ui.Keeps).Markup("<td>").Link(page.Url(PageContext.HostPath(target.HostName)), target.HostName)
                        .Markup("</td><td>").Verdict(page, machine).Markup("</td></tr>");
                }

                html.Markup("</tbody></table>");
                if (matches.Length > 50)
                {
                    html.Element("p", Ui.Format(ui.AndMore, PageContext.N(matches.Length - 50)));
                }
            }

            DecisionForm(html, page, snapshot, input, previewed: true);
        });
    }

    /// <summary>The decision preview over the latest saved run of its advisory (<see cref="DecisionApplier.Preview"/>, as <c>vulntriage decide</c> shows it).</summary>
    internal static async Task<(string RunId, ImmutableArray<(SelectorTarget Target, Verdict MachineVerdict, bool Applies)> Matches)?> Preview(DashboardData data, Snapshot snapshot, Decision decision)
    {
        if (snapshot.Find(decision.AdvisoryId) is not { } state || await data.RunAsync(state.LatestRunId).ConfigureAwait(false) is not { } view)
        {
            return null;
        }

        return (state.LatestRunId, view.Preview(state.Id, decision));
    }

    private static async Task<IResult> RevokePost(HttpContext http, string id, DashboardData data, ServeOptions options, IAntiforgery antiforgery)
    {
        if (await Refuse(http, antiforgery).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var page = PageContext.For(http, options, form["lang"]);
        var reason = form["reason"].ToString().Trim();
        if (reason.Length == 0)
        {
            return Layout.Page(page, page.Ui.Revoke, html => Layout.Notice(html, "reason: " + page.Ui.Reason, error: true), StatusCodes.Status400BadRequest);
        }

        try
        {
            var revocation = await data.Store.RunAsync(s => s.Revoke(id, options.Ids.NewId("d"), page.User!.Name, reason, options.Clock.GetUtcNow())).ConfigureAwait(false);
            data.Invalidate();
            var back = revocation.Selector.Kind == SelectorKind.Host ? PageContext.HostPath(revocation.Selector.Value) : PageContext.AdvisoryPath(revocation.AdvisoryId);
            return Results.Redirect(page.Url(back), permanent: false);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            return Layout.Page(page, page.Ui.Revoke, html => Layout.Notice(html, e.Message, error: true), e is KeyNotFoundException ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict);
        }
    }

    private static async Task<IResult> TriggerPost(HttpContext http, ServeOptions options, IAntiforgery antiforgery, IServiceProvider services)
    {
        if (await Refuse(http, antiforgery).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var page = PageContext.For(http, options, form["lang"]);
        var scheduler = services.GetService(typeof(TriageScheduler)) as TriageScheduler;
        var notice = scheduler is null ? "noschedule" : scheduler.TryStartNow() ? "started" : "busy";
        return Results.Redirect(page.Url("/", ("notice", notice)), permanent: false);
    }

    private static async Task<IResult> TokensPage(HttpContext http, DashboardData data, ServeOptions options)
    {
        var page = PageContext.For(http, options);
        var ui = page.Ui;
        var tokens = await data.Store.RunAsync(s => s.Tokens()).ConfigureAwait(false);
        return Layout.Page(page, ui.Tokens, html =>
        {
            html.Markup("<table><thead><tr>");
            foreach (var h in new[] { ui.Id, ui.Name, ui.Role, ui.Created, ui.LastUsed, ui.State })
            {
                html.Element("th", h);
            }

            html.Markup("</tr></thead><tbody>");
            foreach (var t in tokens)
            {
                html.Markup("<tr>").Element("td", t.Id).Element("td", t.Name).Element("td", t.Role.ToWire()).Element("td", PageContext.Time(t.CreatedAt))
                    .Element("td", t.LastUsedAt is { } u ? PageContext.Time(u) : "").Element("td", t.RevokedAt is { } r ? PageContext.Time(r) : ui.Active).Markup("</tr>");
            }

            html.Markup("</tbody></table>");
        });
    }

    private static IResult LoginForm(HttpContext http, ServeOptions options) => Login(PageContext.For(http, options), http.Request.Query["returnUrl"], failed: false);

    private static IResult Login(PageContext page, string? returnUrl, bool failed)
    {
        var ui = page.Ui;
        return Layout.Page(page, ui.Login, html =>
        {
            if (failed)
            {
                Layout.Notice(html, ui.LoginFailed, error: true);
            }

            html.Element("p", ui.LoginHelp);
            html.Open("form", ("method", "post"), ("action", "/login"), ("class", "login"));
            page.FormFields(html);
            html.Open("input", ("type", "hidden"), ("name", "returnUrl"), ("value", LocalPath(returnUrl)));
            html.Open("label").Text(ui.Token).Open("input", ("type", "password"), ("name", "token"), ("required", ""), ("autocomplete", "current-password"), ("maxlength", "200")).Close("label");
            html.Element("button", ui.Login, ("type", "submit"), ("class", "primary")).Close("form");
        }, failed ? StatusCodes.Status401Unauthorized : StatusCodes.Status200OK);
    }

    private static async Task<IResult> LoginPost(HttpContext http, ServeOptions options, IAntiforgery antiforgery, TokenValidator validator, SessionCookie session)
    {
        if (await Refuse(http, antiforgery).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var page = PageContext.For(http, options, form["lang"]);
        var token = form["token"].ToString().Trim();
        if (token.Length == 0 || await validator.ValidateAsync(token).ConfigureAwait(false) is null)
        {
            return Login(page, form["returnUrl"], failed: true);
        }

        session.Write(http.Response, token, http.Request.IsHttps);
        return Results.Redirect(LocalPath(form["returnUrl"]), permanent: false);
    }

    private static async Task<IResult> LogoutPost(HttpContext http, IAntiforgery antiforgery)
    {
        if (await Refuse(http, antiforgery).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        SessionCookie.Clear(http.Response, http.Request.IsHttps);
        return Results.Redirect("/login", permanent: false);
    }

    /// <summary>A redirect target that stays on this server: a path starting with one slash, else <c>/</c>.</summary>
    internal static string LocalPath(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl) ? url : "/";

    /// <summary>A form post from another site or without a valid antiforgery token is refused (403) before it is read.</summary>
    private static async Task<IResult?> Refuse(HttpContext http, IAntiforgery antiforgery)
    {
        if (SameOrigin.IsCrossSite(http.Request) || !http.Request.HasFormContentType)
        {
            return Results.Text("403 Forbidden: cross-site request refused.\n", "text/plain", statusCode: StatusCodes.Status403Forbidden);
        }

        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
        {
            return Results.Text("403 Forbidden: the form's antiforgery token is missing or wrong; reload the page and try again.\n", "text/plain", statusCode: StatusCodes.Status403Forbidden);
        }

        return null;
    }
}
