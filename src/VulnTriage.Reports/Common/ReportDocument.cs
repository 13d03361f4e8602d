using System.Globalization;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;

namespace VulnTriage.Reports.Common;

/// <summary>
/// The conclusion-first layout shared by the Markdown and HTML reports: conclusion, hosts that need action, what the
/// vulnerability is, which systems it affects, how the hosts were checked, how to fix, cloud providers, references,
/// diagnostics, footer. With several advisories a combined conclusion comes first, then one section per advisory.
/// </summary>
internal static class ReportDocument
{
    public static void Write(TriageReport report, ReportOptions options, IDocumentSink sink)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        var summary = ReportSummary.Create(report, options);
        var l = Labels.For(summary.Lang);
        var single = summary.Advisories.Length == 1;
        var title = single
            ? Labels.Format(l.TitleSingle, summary.Advisories[0].Advisory.Id, summary.Advisories[0].Advisory.Title.Get(l.Lang))
            : l.TitleMulti;

        sink.BeginDocument(title, l.Lang);
        sink.Heading(1, title);
        var grouped = !summary.Full;
        if (grouped)
        {
            sink.Contents(l.Contents, Contents(report, summary, l));
        }

        if (single)
        {
            var scope = new Scope(report, summary, options, l, sink, grouped, "");
            WriteAdvisory(scope, summary.Advisories[0], 2);
        }
        else
        {
            WriteCombinedConclusion(summary, l, sink, grouped);
            for (var i = 0; i < summary.Advisories.Length; i++)
            {
                var advisory = summary.Advisories[i];
                sink.Heading(2, AdvisoryHeading(advisory.Advisory, l), grouped ? Anchor(i, "advisory") : null);
                WriteAdvisory(new Scope(report, summary, options, l, sink, grouped, Prefix(i)), advisory, 3);
            }
        }

        if (!report.Diagnostics.IsDefaultOrEmpty)
        {
            sink.Heading(2, l.Diagnostics, grouped ? "diagnostics" : null);
            sink.BeginTable(l.Code, l.Severity, l.Location, l.Message);
            foreach (var d in report.Diagnostics)
            {
                sink.Row(d.Code, l.SeverityLabel(d.Severity), d.Location.ToString(), d.Message);
            }

            sink.EndTable();
        }

        sink.Footer(Labels.Format(l.Footer, report.ToolVersion, ReportFormatting.Timestamp(report.GeneratedAt)));
        sink.EndDocument();
    }

    /// <summary>
    /// Several advisories: the combined headline, one conclusion line per advisory, then the host × advisory summary
    /// (each host's verdicts in a small fleet; groups of hosts with the same verdicts in a large one), the environments
    /// and the hosts per verdict of each advisory.
    /// </summary>
    private static void WriteCombinedConclusion(ReportSummary summary, Labels l, IDocumentSink sink, bool grouped)
    {
        sink.Heading(2, l.Conclusion, grouped ? "conclusion" : null);
        sink.Paragraph(Inline.Strong(summary.Headline));
        sink.BeginList();
        foreach (var a in summary.Advisories)
        {
            sink.ListItem(0, Inline.Strong(a.Advisory.Id), ": " + a.Headline);
        }

        sink.EndList();
        WriteEnvironmentLines(summary.Environments, sink);
        sink.BeginTable([l.Advisory, .. Verdicts.All.Select(v => ReportSentences.VerdictLabel(v, l.Lang))]);
        foreach (var a in summary.Advisories)
        {
            sink.Row([a.Advisory.Id, .. Verdicts.All.Select(v => Count(a.Counts.Get(v), v))]);
        }

        sink.EndTable();
        if (summary.Profiles.IsDefaultOrEmpty)
        {
            return;
        }

        sink.Heading(3, l.HostsByAdvisory, grouped ? "hosts-by-advisory" : null);
        sink.Paragraph(grouped ? l.HostsByAdvisoryIntro : l.HostsByAdvisoryAll);
        const int MaxRows = 30;
        if (grouped)
        {
            sink.BeginTable([l.Hosts, .. summary.Advisories.Select(a => a.Advisory.Id), l.FirstHosts]);
            foreach (var p in summary.Profiles.Take(MaxRows))
            {
                sink.Row([ReportChart.Number(p.Count), .. p.Verdicts.Select(v => Inline.OfVerdict(ReportSentences.VerdictLabel(v, l.Lang), v)), FirstHosts(p.FirstHosts, p.Count, l)]);
            }

            sink.EndTable();
            if (summary.Profiles.Length > MaxRows)
            {
                sink.Paragraph(Labels.Format(l.MoreProfiles, summary.Profiles.Length - MaxRows));
            }
        }
        else
        {
            sink.BeginTable([l.Host, .. summary.Advisories.Select(a => a.Advisory.Id)]);
            foreach (var p in summary.Profiles)
            {
                foreach (var host in p.FirstHosts)
                {
                    sink.Row([ReportFormatting.HostLabel(host), .. p.Verdicts.Select(v => Inline.OfVerdict(ReportSentences.VerdictLabel(v, l.Lang), v))]);
                }
            }

            sink.EndTable();
        }
    }

    private static Inline Count(int n, Verdict verdict) =>
        n > 0 ? Inline.OfVerdict(n.ToString(CultureInfo.InvariantCulture), verdict) : "0";

    private static void WriteEnvironmentLines(IReadOnlyList<EnvironmentSummary> environments, IDocumentSink sink)
    {
        if (environments.Count == 0)
        {
            return;
        }

        sink.BeginList();
        foreach (var e in environments)
        {
            sink.ListItem(0, e.Line);
        }

        sink.EndList();
    }

    /// <summary>What every section of one advisory needs: the report, its summary, the options, the labels, the sink, the layout and the anchor prefix.</summary>
    private sealed record Scope(TriageReport Report, ReportSummary Summary, ReportOptions Options, Labels L, IDocumentSink Sink, bool Grouped, string Prefix)
    {
        /// <summary>An anchor for a heading in the grouped layout (none in the per-host layout, which keeps its page as it was).</summary>
        public string? Anchor(string name) => Grouped ? Prefix + name : null;
    }

    private static void WriteAdvisory(Scope s, AdvisorySummary summary, int level)
    {
        var (report, l, sink) = (s.Report, s.L, s.Sink);
        var advisory = summary.Advisory;
        var lang = l.Lang;
        DraftNotice.Write(advisory, lang, sink);

        // Conclusion.
        sink.Heading(level, l.Conclusion, s.Anchor("conclusion"));
        sink.Paragraph(Inline.Strong(summary.Headline));
        foreach (var line in summary.DecisionLines.IsDefault ? [] : summary.DecisionLines)
        {
            sink.Paragraph(line);
        }

        WriteEnvironmentLines(summary.Environments, sink);
        if (s.Grouped)
        {
            // One table (a bar chart in HTML): the teams' hosts per verdict, with the fleet's totals in its last row.
            sink.Chart(TeamChart(summary, l));
            WriteDecisionsAndProgress(report, advisory.Id, l, sink, level, ReportLayout.ConclusionRuns);
        }
        else
        {
            sink.BeginTable(l.Verdict, l.Hosts);
            foreach (var v in Verdicts.All)
            {
                sink.Row(Inline.OfVerdict(ReportSentences.VerdictLabel(v, lang), v), summary.Counts.Get(v).ToString(CultureInfo.InvariantCulture));
            }

            sink.EndTable();
            WriteDecisionsAndProgress(report, advisory.Id, l, sink, level, int.MaxValue);
        }

        // Hosts that need action.
        sink.Heading(level, l.NeedAction, s.Anchor("need-action"));
        if (s.Grouped)
        {
            WriteTeamGroups(s, summary, level);
        }
        else if (summary.ActionGroups.IsEmpty)
        {
            sink.Paragraph(l.NoHostNeedsAction);
        }

        foreach (var group in summary.ActionGroups)
        {
            if (group.Label.Length > 0)
            {
                sink.Heading(level + 1, group.Label);
            }

            sink.BeginTable(l.Host, l.Status, l.Roles, l.Cpu, l.Verdict, l.Stage, l.WhatToDo);
            foreach (var f in group.Findings)
            {
                sink.Row(
                    ReportFormatting.HostLabel(f.Host),
                    l.StatusLabel(f.Host.Status),
                    ReportFormatting.Roles(f.Host),
                    ReportFormatting.Cpu(f, l.NoCpuFacts),
                    Inline.OfVerdict(ReportSentences.VerdictLabel(f.Verdict, lang), f.Verdict),
                    ReportSentences.StageLabel(f.Stage, lang),
                    EvidenceText.Action(f.Action, lang));
            }

            sink.EndTable();
        }

        // What the vulnerability is.
        sink.Heading(level, l.WhatItIs, s.Anchor("what-it-is"));
        sink.Paragraph(Labels.Format(l.Published, advisory.Published.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), l.SeverityName(advisory.Severity)));
        Prose(advisory.Summary.Get(lang), sink);
        if (!advisory.Cves.IsDefaultOrEmpty)
        {
            sink.BeginTable(l.Cve, l.Cvss, l.CvssVector, l.Description);
            foreach (var cve in advisory.Cves)
            {
                sink.Row(
                    Inline.Link(cve.Id, "https://nvd.nist.gov/vuln/detail/" + Uri.EscapeDataString(cve.Id)),
                    ReportFormatting.Cvss(cve),
                    cve.CvssVector ?? "",
                    cve.Description.Get(lang));
            }

            sink.EndTable();
        }

        // Which systems it affects.
        sink.Heading(level, l.WhichSystems, s.Anchor("systems"));
        Prose(advisory.AffectedSystems.Get(lang), sink);
        if (!advisory.CpuRules.IsDefaultOrEmpty)
        {
            sink.Heading(level + 1, l.ProcessorFamilies);
            sink.BeginList();
            foreach (var rule in advisory.CpuRules.Where(r => r.Scope != CpuRuleScope.Excluded))
            {
                var title = rule.Title.Get(lang);
                var cves = rule.Cves.IsDefaultOrEmpty ? "" : " — " + string.Join(", ", rule.Cves);
                var conditional = l.IsJa ? $"（{l.Conditional}）" : $" ({l.Conditional})";
                sink.ListItem(0, rule.Scope == CpuRuleScope.Conditional ? title + conditional + cves : title + cves);
            }

            sink.EndList();
        }

        if (!advisory.FirmwareRules.IsDefaultOrEmpty)
        {
            sink.Heading(level + 1, l.FirmwareVersions);
            sink.BeginTable(l.Firmware, l.Versions, l.Verdict, l.Cve, l.Note);
            foreach (var rule in advisory.FirmwareRules)
            {
                var kind = ReportFormatting.FirmwareKindName(rule.Kind);
                if (rule.Amt == AmtCondition.Required)
                {
                    kind += l.IsJa ? "（AMT/コーポレート版のみ）" : " (AMT/corporate only)";
                }

                sink.Row(
                    kind,
                    ReportFormatting.DescribeFirmware(rule.Match, l.IsJa),
                    Inline.OfVerdict(ReportSentences.VerdictLabel(rule.Verdict, lang), rule.Verdict),
                    rule.Cves.IsDefaultOrEmpty ? "" : string.Join(", ", rule.Cves),
                    rule.Note.Get(lang));
            }

            sink.EndTable();
        }

        var outOfScope = advisory.OutOfScope.Get(lang);
        if (!string.IsNullOrWhiteSpace(outOfScope))
        {
            sink.Heading(level + 1, l.OutOfScope);
            Prose(outOfScope, sink);
        }

        // How the hosts were checked.
        var inv = report.Inventory;
        sink.Heading(level, l.HowChecked, s.Anchor("checked"));
        sink.Paragraph(l.MethodText(inv));
        var howToCheck = advisory.HowToCheck.Get(lang);
        if (!string.IsNullOrWhiteSpace(howToCheck))
        {
            sink.Heading(level + 1, l.HowToCheckOnHost);
            Prose(howToCheck, sink);
        }

        if (s.Grouped)
        {
            WriteEvidenceGroups(s, summary, level + 1);
        }
        else
        {
            WriteEvidencePerHost(summary, l, sink, level + 1);
        }

        WriteHowToFix(s, summary, level);
    }

    private static void WriteEvidencePerHost(AdvisorySummary summary, Labels l, IDocumentSink sink, int level)
    {
        var lang = l.Lang;
        sink.Heading(level, l.EvidencePerHost);
        sink.BeginTable(l.Host, l.Verdict, l.Stage, l.Cpu, l.Clauses);
        foreach (var f in summary.Findings)
        {
            sink.Row(
                ReportFormatting.HostLabel(f.Host),
                Inline.OfVerdict(VerdictWithMachine(f, l), f.Verdict),
                ReportSentences.StageLabel(f.Stage, lang),
                ReportFormatting.Cpu(f, l.NoCpuFacts),
                string.Join(", ", ReportFormatting.Clauses(f)));
        }

        sink.EndTable();
        if (!summary.Findings.IsEmpty)
        {
            sink.BeginList();
            foreach (var f in summary.Findings)
            {
                sink.ListItem(
                    0,
                    Inline.Strong(ReportFormatting.HostLabel(f.Host)),
                    " — ",
                    Inline.OfVerdict(VerdictWithMachine(f, l), f.Verdict),
                    $" ({ReportSentences.StageLabel(f.Stage, lang)})");
                foreach (var p in f.Processors.IsDefault ? [] : f.Processors)
                {
                    sink.ListItem(1, $"{l.Cpu}: {ReportFormatting.CpuDetailed(p)}");
                }

                foreach (var e in f.Evidence.IsDefault ? [] : f.Evidence)
                {
                    sink.ListItem(1, Inline.Strong(e.Clause), ": " + EvidenceText.Reason(e, lang));
                    foreach (var fact in e.Facts.IsDefault ? [] : e.Facts)
                    {
                        sink.ListItem(2, $"{fact.Name} = {fact.Value} ({fact.Source})");
                    }
                }
            }

            sink.EndList();
        }
    }

    private static void WriteHowToFix(Scope s, AdvisorySummary summary, int level)
    {
        var (l, sink) = (s.L, s.Sink);
        var lang = l.Lang;
        var advisory = summary.Advisory;

        // How to fix.
        sink.Heading(level, l.HowToFix, s.Anchor("fix"));
        Prose(advisory.Remediation.Get(lang), sink);
        if (!advisory.VendorPages.IsDefaultOrEmpty)
        {
            sink.Heading(level + 1, l.VendorPages);
            WriteVendorPages(advisory.VendorPages, sink);
            var needing = summary.ActionGroups.SelectMany(g => g.Findings).Distinct(ReferenceEqualityComparer.Instance).Cast<Finding>().ToList();
            if (s.Grouped)
            {
                WriteVendorPagesByVendor(summary, l, sink, level + 1);
            }
            else if (needing.Count > 0)
            {
                sink.Heading(level + 1, l.VendorPagesForHosts);
                var any = false;
                foreach (var f in needing)
                {
                    var pages = VendorPageSelector.Select(advisory, VendorPageSelector.PlatformVendor(f));
                    if (pages.IsEmpty)
                    {
                        continue;
                    }

                    if (!any)
                    {
                        sink.BeginList();
                        any = true;
                    }

                    sink.ListItem(0, Inline.Strong(ReportFormatting.HostLabel(f.Host)));
                    foreach (var page in pages)
                    {
                        sink.ListItem(1, $"{page.Vendor}: ", Inline.Link(page.Title, page.Url));
                    }
                }

                if (any)
                {
                    sink.EndList();
                }
                else
                {
                    sink.Paragraph(l.NoPlatformVendor);
                }
            }
        }

        // Cloud providers present among this advisory's hosts.
        var providers = summary.Environments.Select(e => ToProvider(e.Environment)).Where(p => p != CloudProvider.None).ToHashSet();
        var statements = advisory.CloudStatements.IsDefault
            ? []
            : advisory.CloudStatements.Where(c => providers.Contains(c.Provider)).ToList();
        if (statements.Count > 0)
        {
            sink.Heading(level, l.CloudProviders, s.Anchor("cloud"));
            sink.BeginList();
            foreach (var statement in statements)
            {
                sink.ListItem(0, Inline.Strong(l.ProviderName(statement.Provider)), ": " + statement.Statement.Get(lang));
                foreach (var url in statement.References.IsDefault ? [] : statement.References)
                {
                    sink.ListItem(1, Inline.Link(url, url));
                }
            }

            sink.EndList();
        }

        if (!advisory.References.IsDefaultOrEmpty)
        {
            sink.Heading(level, l.References, s.Anchor("references"));
            sink.BeginList();
            foreach (var r in advisory.References)
            {
                sink.ListItem(0, Inline.Link(r.Title, r.Url));
            }

            sink.EndList();
        }
    }

    /// <summary>The verdict label, with the machine verdict beside it when a decision set the verdict.</summary>
    private static string VerdictWithMachine(Finding f, Labels l)
    {
        var label = ReportSentences.VerdictLabel(f.Verdict, l.Lang);
        if (f.Machine is not { } m)
        {
            return label;
        }

        var machine = $"{ReportSentences.VerdictLabel(m.Verdict, l.Lang)}, {ReportSentences.StageLabel(m.Stage, l.Lang)}";
        return l.IsJa ? $"{label}（機械判定: {machine}）" : $"{label} (machine: {machine})";
    }

    private static void WriteDecisionsAndProgress(TriageReport report, string advisoryId, Labels l, IDocumentSink sink, int level, int maxRuns)
    {
        var stale = report.StaleDecisions.IsDefault ? [] : report.StaleDecisions.Where(d => d.AdvisoryId == advisoryId).ToList();
        if (stale.Count > 0)
        {
            sink.Heading(level + 1, l.IsJa ? "対象のない判断記録（古くなった可能性）" : "Stale decisions (their selector matched no host)");
            sink.BeginTable(l.IsJa ? "ID" : "Id", l.IsJa ? "対象" : "Selector", l.Verdict, l.IsJa ? "記録者" : "Author", l.IsJa ? "日時" : "Decided", l.IsJa ? "理由" : "Justification");
            foreach (var d in stale)
            {
                sink.Row(d.Id, d.Selector.ToString(), ReportSentences.VerdictLabel(d.Verdict, l.Lang), d.Author, ReportFormatting.Timestamp(d.DecidedAt), d.Justification);
            }

            sink.EndTable();
        }

        var progress = report.Progress.IsDefault ? [] : report.Progress.Where(p => p.AdvisoryId == advisoryId).ToList();
        if (progress.Count > 0 && maxRuns < int.MaxValue)
        {
            // The grouped layout: the latest runs, as a line chart in HTML and its numbers as a table.
            sink.Heading(level + 1, l.ProgressTitle);
            sink.Chart(ProgressChart(progress, maxRuns, l));
        }
        else if (progress.Count > 0)
        {
            sink.Heading(level + 1, l.IsJa ? "対応の進み具合（保存した実行ごとの台数）" : "Remediation progress (hosts per verdict over saved runs)");
            sink.BeginTable([l.IsJa ? "実行" : "Run", l.IsJa ? "日時" : "Saved", .. Verdicts.All.Select(v => ReportSentences.VerdictLabel(v, l.Lang))]);
            foreach (var p in progress)
            {
                sink.Row([p.RunId, ReportFormatting.Timestamp(p.SavedAt), .. Verdicts.All.Select(v => Count(p.Counts.Get(v), v))]);
            }

            sink.EndTable();
        }
    }

    private static void WriteVendorPages(IEnumerable<VendorPage> pages, IDocumentSink sink)
    {
        sink.BeginList();
        foreach (var page in pages)
        {
            sink.ListItem(0, Inline.Strong(page.Vendor), ": ", Inline.Link(page.Title, page.Url));
        }

        sink.EndList();
    }

    private static CloudProvider ToProvider(HostEnvironment environment) => environment switch
    {
        HostEnvironment.Aws => CloudProvider.Aws,
        HostEnvironment.Gcp => CloudProvider.Gcp,
        HostEnvironment.Azure => CloudProvider.Azure,
        _ => CloudProvider.None,
    };

    private static void Prose(string text, IDocumentSink sink)
    {
        foreach (var (isList, lines) in ReportFormatting.Blocks(text))
        {
            if (isList)
            {
                sink.BeginList();
                foreach (var line in lines)
                {
                    sink.ListItem(0, line);
                }

                sink.EndList();
            }
            else
            {
                sink.Paragraph(lines[0]);
            }
        }
    }

    // ---- the grouped layout (large fleets) -----------------------------------------------------------------------

    /// <summary>The heading of one advisory's section when a report has several.</summary>
    private static string AdvisoryHeading(Advisory advisory, Labels l) => $"{advisory.Id}: {advisory.Title.Get(l.Lang)}";

    /// <summary>Anchor prefix of the <paramref name="index"/>-th advisory's sections (<c>a1-</c>, <c>a2-</c>…).</summary>
    private static string Prefix(int index) => string.Create(CultureInfo.InvariantCulture, $"a{index + 1}-");

    private static string Anchor(int index, string name) => Prefix(index) + name;

    /// <summary>The table of contents: the sections of one advisory, or the advisories of several.</summary>
    private static List<(string Text, string Anchor)> Contents(TriageReport report, ReportSummary summary, Labels l)
    {
        var entries = new List<(string, string)> { (l.Conclusion, "conclusion") };
        if (summary.Advisories.Length == 1)
        {
            var a = summary.Advisories[0];
            entries.Add((l.NeedAction, "need-action"));
            entries.Add((l.WhatItIs, "what-it-is"));
            entries.Add((l.WhichSystems, "systems"));
            entries.Add((l.HowChecked, "checked"));
            entries.Add((l.HowToFix, "fix"));
            var providers = a.Environments.Select(e => ToProvider(e.Environment)).Where(p => p != CloudProvider.None).ToHashSet();
            if (!a.Advisory.CloudStatements.IsDefault && a.Advisory.CloudStatements.Any(c => providers.Contains(c.Provider)))
            {
                entries.Add((l.CloudProviders, "cloud"));
            }

            if (!a.Advisory.References.IsDefaultOrEmpty)
            {
                entries.Add((l.References, "references"));
            }
        }
        else
        {
            for (var i = 0; i < summary.Advisories.Length; i++)
            {
                entries.Add((AdvisoryHeading(summary.Advisories[i].Advisory, l), Anchor(i, "advisory")));
            }
        }

        if (!report.Diagnostics.IsDefaultOrEmpty)
        {
            entries.Add((l.Diagnostics, "diagnostics"));
        }

        return entries;
    }

    /// <summary>The first hosts of a group by name, and how many more there are.</summary>
    private static string FirstHosts(IReadOnlyList<Host> hosts, int count, Labels l)
    {
        if (hosts.Count == 0)
        {
            return l.HostCount(count);
        }

        var names = string.Join(", ", hosts.Select(ReportFormatting.HostLabel));
        return count > hosts.Count
            ? names + (l.IsJa ? "、" : ", ") + Labels.Format(l.AndMore, ReportChart.Number(count - hosts.Count))
            : names;
    }

    /// <summary>
    /// Hosts per verdict over the latest <paramref name="maxRuns"/> saved runs (the verdicts some run has): a line chart in
    /// HTML (and on the dashboard), a table in Markdown.
    /// </summary>
    internal static ReportChart ProgressChart(IReadOnlyList<Core.Decisions.RunProgress> progress, int maxRuns, Labels l)
    {
        var runs = progress.Skip(Math.Max(0, progress.Count - maxRuns)).ToList();
        var present = Verdicts.All.Where(v => runs.Any(r => r.Counts.Get(v) > 0)).ToList();
        return new ReportChart(
            ChartKind.Lines,
            l.ChartProgressAria,
            l.Saved,
            [.. runs.Select(r => ReportFormatting.Timestamp(r.SavedAt))],
            [.. present.Select(v => new ChartSeries(ReportSentences.VerdictLabel(v, l.Lang), v, [.. runs.Select(r => r.Counts.Get(v))]))],
            null,
            [(l.Run, [.. runs.Select(r => r.RunId)])]);
    }

    /// <summary>
    /// The teams' hosts per verdict (the largest teams by hosts needing action, the rest summed in one row), with the
    /// fleet's totals as the last row: a stacked bar chart in HTML, a table in Markdown.
    /// </summary>
    internal static ReportChart TeamChart(AdvisorySummary summary, Labels l)
    {
        var teams = summary.Teams.IsDefault ? [] : summary.Teams;
        var shown = teams.Length <= ReportLayout.ConclusionTeams + 1
            ? [.. teams]
            : teams.OrderByDescending(t => t.NeedingAction).ThenByDescending(t => t.Counts.Total).Take(ReportLayout.ConclusionTeams).ToHashSet();
        var rows = teams.Where(shown.Contains).Select(t => (Label: t.Label.Length > 0 ? t.Label : l.AllHosts, t.Counts)).ToList();
        var rest = teams.Where(t => !shown.Contains(t)).ToList();
        if (rest.Count > 0)
        {
            int Sum(Verdict v) => rest.Sum(t => t.Counts.Get(v));
            var counts = new VerdictCounts(
                Sum(Verdict.Affected), Sum(Verdict.NeedsConfirmation), Sum(Verdict.Unknown), Sum(Verdict.Fixed), Sum(Verdict.ProviderManaged), Sum(Verdict.NotAffected), Sum(Verdict.AcceptedRisk));
            rows.Add((Labels.Format(l.OtherTeams, rest.Count), counts));
        }

        // Columns for the verdicts some host got, in report order; "Total" sums a row (a host in two teams counts in both rows).
        var present = Verdicts.All.Where(v => summary.Counts.Get(v) > 0).ToList();
        return new ReportChart(
            ChartKind.StackedBars,
            l.ChartTeamsAria,
            l.Team,
            [.. rows.Select(r => r.Label)],
            [.. present.Select(v => new ChartSeries(ReportSentences.VerdictLabel(v, l.Lang), v, [.. rows.Select(r => r.Counts.Get(v))]))],
            l.Hosts,
            [],
            teams.Length > 1 ? (l.AllHosts, [.. present.Select(summary.Counts.Get)]) : null);
    }

    /// <summary>Per team: its groups of hosts that need action, each with its count, the action written once, and the first hosts.</summary>
    private static void WriteTeamGroups(Scope s, AdvisorySummary summary, int level)
    {
        var (l, sink) = (s.L, s.Sink);
        var teams = (summary.Teams.IsDefault ? [] : summary.Teams).Where(t => t.NeedingAction > 0).ToList();
        if (teams.Count == 0)
        {
            sink.Paragraph(l.NoHostNeedsAction);
            return;
        }

        sink.Paragraph(Inline.Prose(s.Options.MaxHostsPerGroup == 1 ? l.FullListNoteOne : Labels.Format(l.FullListNote, s.Options.MaxHostsPerGroup)));
        for (var i = 0; i < teams.Count; i++)
        {
            var team = teams[i];
            var name = team.Label.Length > 0 ? team.Label : l.AllHosts;
            sink.Heading(level + 1, Labels.Format(team.NeedingAction == 1 ? l.TeamHeadingOne : l.TeamHeading, name, l.HostCount(team.NeedingAction)), s.Anchor(string.Create(CultureInfo.InvariantCulture, $"team-{i + 1}")));
            sink.BeginList();
            foreach (var g in team.Groups)
            {
                sink.ListItem(0, GroupLine(g, l));
                sink.ListItem(1, $"{l.WhatToDo}: ", EvidenceText.Action(g.Action, l.Lang));
                sink.ListItem(1, $"{l.HostsNamed}: ", FirstHosts(g.FirstHosts, g.Count, l));
            }

            sink.EndList();
        }
    }

    /// <summary><c>Needs confirmation · 812 hosts · Intel Xeon Gold 6130 (skylake) · rule: Xeon Scalable (INTEL-SA-00086#cpu/…) · stage: CPU</c>.</summary>
    private static Inline[] GroupLine(FindingGroup g, Labels l)
    {
        var parts = new List<string> { l.HostCount(g.Count) };
        parts.Add(g.Processors.Length > 0 ? g.Processors : l.NoCpuFacts);
        if (g.Rule is { } rule && g.Clause.Length > 0)
        {
            var title = rule.RuleTitle?.Get(l.Lang);
            parts.Add(title is { Length: > 0 }
                ? l.IsJa ? $"{l.RuleIs}: {title}（{g.Clause}）" : $"{l.RuleIs}: {title} ({g.Clause})"
                : $"{l.RuleIs}: {g.Clause}");
        }

        parts.Add($"{l.StageIs}: {ReportSentences.StageLabel(g.Stage, l.Lang)}");
        return [Inline.OfVerdict(ReportSentences.VerdictLabel(g.Verdict, l.Lang), g.Verdict), " · " + string.Join(" · ", parts)];
    }

    /// <summary>Each group's evidence once (its first host's), all verdicts: why hosts of each kind got their verdict.</summary>
    private static void WriteEvidenceGroups(Scope s, AdvisorySummary summary, int level)
    {
        var (l, sink) = (s.L, s.Sink);
        var groups = summary.Groups.IsDefault ? [] : summary.Groups;
        sink.Heading(level, l.EvidenceByGroup);
        sink.Paragraph(Inline.Prose(l.EvidenceByGroupIntro));
        if (groups.IsEmpty)
        {
            return;
        }

        sink.BeginList();
        foreach (var g in groups.Take(ReportLayout.EvidenceGroups))
        {
            var example = g.FirstHosts.IsEmpty ? ""
                : l.IsJa ? "（" + Labels.Format(l.ForExample, ReportFormatting.HostLabel(g.FirstHosts[0])) + "）"
                : " (" + Labels.Format(l.ForExample, ReportFormatting.HostLabel(g.FirstHosts[0])) + ")";
            sink.ListItem(0, [.. GroupLine(g, l), example]);
            foreach (var e in g.First.Evidence.IsDefault ? [] : g.First.Evidence)
            {
                sink.ListItem(1, Inline.Strong(e.Clause), ": " + EvidenceText.Reason(e, l.Lang));
            }
        }

        sink.EndList();
        if (groups.Length > ReportLayout.EvidenceGroups)
        {
            sink.Paragraph(Labels.Format(l.MoreGroups, groups.Length - ReportLayout.EvidenceGroups));
        }
    }

    /// <summary>The vendor pages per platform vendor of the hosts that need action (a page list once per vendor, not per host).</summary>
    private static void WriteVendorPagesByVendor(AdvisorySummary summary, Labels l, IDocumentSink sink, int level)
    {
        // Keyed as the page selector matches (lower case); shown as the first host wrote it.
        var byVendor = new SortedDictionary<string, (string Shown, int Count)>(StringComparer.Ordinal);
        foreach (var f in summary.Findings)
        {
            if (f.Verdict.FailRank() < 3 && VendorPageSelector.PlatformVendor(f) is { Length: > 0 } vendor)
            {
                var shown = (f.Platform?.SystemVendor ?? f.Platform?.BoardVendor ?? f.Evidence.SelectMany(e => e.Facts).FirstOrDefault(x => x.Name == VendorPageSelector.PlatformVendorFact)?.Value ?? vendor).Trim();
                byVendor[vendor] = byVendor.TryGetValue(vendor, out var seen) ? (seen.Shown, seen.Count + 1) : (shown, 1);
            }
        }

        if (byVendor.Count == 0)
        {
            return;
        }

        sink.Heading(level, l.VendorPagesByVendor);
        sink.BeginList();
        foreach (var (vendor, (shown, count)) in byVendor)
        {
            var pages = VendorPageSelector.Select(summary.Advisory, vendor);
            sink.ListItem(0, Inline.Strong(Labels.Format(l.HostsOfVendor, shown, l.HostCount(count))));
            foreach (var page in pages)
            {
                sink.ListItem(1, $"{page.Vendor}: ", Inline.Link(page.Title, page.Url));
            }
        }

        sink.EndList();
    }
}
