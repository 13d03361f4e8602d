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
        if (single)
        {
            WriteAdvisory(report, summary.Advisories[0], l, sink, 2);
        }
        else
        {
            WriteCombinedConclusion(summary, l, sink);
            foreach (var advisory in summary.Advisories)
            {
                sink.Heading(2, $"{advisory.Advisory.Id}: {advisory.Advisory.Title.Get(l.Lang)}");
                WriteAdvisory(report, advisory, l, sink, 3);
            }
        }

        if (!report.Diagnostics.IsDefaultOrEmpty)
        {
            sink.Heading(2, l.Diagnostics);
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

    private static void WriteCombinedConclusion(ReportSummary summary, Labels l, IDocumentSink sink)
    {
        sink.Heading(2, l.Conclusion);
        sink.Paragraph(Inline.Strong(summary.Headline));
        WriteEnvironmentLines(summary.Environments, sink);
        sink.BeginTable([l.Advisory, .. Verdicts.All.Select(v => ReportSentences.VerdictLabel(v, l.Lang))]);
        foreach (var a in summary.Advisories)
        {
            sink.Row([a.Advisory.Id, .. Verdicts.All.Select(v => Count(a.Counts.Get(v), v))]);
        }

        sink.EndTable();
        sink.BeginList();
        foreach (var a in summary.Advisories)
        {
            sink.ListItem(0, Inline.Strong(a.Advisory.Id), ": " + a.Headline);
        }

        sink.EndList();
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

    private static void WriteAdvisory(TriageReport report, AdvisorySummary summary, Labels l, IDocumentSink sink, int level)
    {
        var advisory = summary.Advisory;
        var lang = l.Lang;
        DraftNotice.Write(advisory, lang, sink);

        // Conclusion.
        sink.Heading(level, l.Conclusion);
        sink.Paragraph(Inline.Strong(summary.Headline));
        foreach (var line in summary.DecisionLines.IsDefault ? [] : summary.DecisionLines)
        {
            sink.Paragraph(line);
        }

        WriteEnvironmentLines(summary.Environments, sink);
        sink.BeginTable(l.Verdict, l.Hosts);
        foreach (var v in Verdicts.All)
        {
            sink.Row(Inline.OfVerdict(ReportSentences.VerdictLabel(v, lang), v), summary.Counts.Get(v).ToString(CultureInfo.InvariantCulture));
        }

        sink.EndTable();
        WriteDecisionsAndProgress(report, advisory.Id, l, sink, level);

        // Hosts that need action.
        sink.Heading(level, l.NeedAction);
        if (summary.ActionGroups.IsEmpty)
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
        sink.Heading(level, l.WhatItIs);
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
        sink.Heading(level, l.WhichSystems);
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
        sink.Heading(level, l.HowChecked);
        sink.Paragraph(l.MethodText(inv));
        var howToCheck = advisory.HowToCheck.Get(lang);
        if (!string.IsNullOrWhiteSpace(howToCheck))
        {
            sink.Heading(level + 1, l.HowToCheckOnHost);
            Prose(howToCheck, sink);
        }

        sink.Heading(level + 1, l.EvidencePerHost);
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

        // How to fix.
        sink.Heading(level, l.HowToFix);
        Prose(advisory.Remediation.Get(lang), sink);
        if (!advisory.VendorPages.IsDefaultOrEmpty)
        {
            sink.Heading(level + 1, l.VendorPages);
            WriteVendorPages(advisory.VendorPages, sink);
            var needing = summary.ActionGroups.SelectMany(g => g.Findings).Distinct(ReferenceEqualityComparer.Instance).Cast<Finding>().ToList();
            if (needing.Count > 0)
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
            : advisory.CloudStatements.Where(s => providers.Contains(s.Provider)).ToList();
        if (statements.Count > 0)
        {
            sink.Heading(level, l.CloudProviders);
            sink.BeginList();
            foreach (var s in statements)
            {
                sink.ListItem(0, Inline.Strong(l.ProviderName(s.Provider)), ": " + s.Statement.Get(lang));
                foreach (var url in s.References.IsDefault ? [] : s.References)
                {
                    sink.ListItem(1, Inline.Link(url, url));
                }
            }

            sink.EndList();
        }

        if (!advisory.References.IsDefaultOrEmpty)
        {
            sink.Heading(level, l.References);
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

    private static void WriteDecisionsAndProgress(TriageReport report, string advisoryId, Labels l, IDocumentSink sink, int level)
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
        if (progress.Count > 0)
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
}
