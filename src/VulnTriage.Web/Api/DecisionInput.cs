using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;

namespace VulnTriage.Web;

/// <summary>A decision as the form or the API gives it, before it is checked.</summary>
/// <param name="Advisory">Advisory or CVE id.</param>
/// <param name="Kind">Selector kind word (<c>host</c>, <c>cpu</c>, <c>platform</c>, <c>service</c>, <c>role</c>, <c>label</c>).</param>
/// <param name="Value">Selector value.</param>
/// <param name="Verdict">Verdict word.</param>
/// <param name="VexJustification">OpenVEX justification word, optional.</param>
/// <param name="Justification">Free text.</param>
/// <param name="Evidence">Evidence URL, optional.</param>
/// <param name="AllVerdicts">Apply to every matching host.</param>
internal sealed record DecisionInput(string? Advisory, string? Kind, string? Value, string? Verdict, string? VexJustification, string? Justification, string? Evidence, bool AllVerdicts)
{
    /// <summary>
    /// The decision, or the field at fault and why (the same rules as <c>vulntriage decide</c>). The author is the
    /// caller's token name, never a field of the request.
    /// </summary>
    public (Decision? Decision, string? Field, string? Error) Check(ServeOptions options, string id, string author, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(Advisory) || options.FindAdvisory(Advisory.Trim()) is not { } advisory)
        {
            return (null, "advisory", $"unknown advisory '{Advisory}'");
        }

        if (!DecisionVocabulary.TryParseSelectorKind(Kind, out var kind))
        {
            return (null, "selector", "give exactly one of host, cpu, platform, service, role, label");
        }

        var value = Value?.Trim() ?? "";
        var field = "selector." + kind.ToWire();
        if (value.Length == 0 || value.Length > 1000)
        {
            return (null, field, "the value is empty or longer than 1000 characters");
        }

        if (kind == SelectorKind.Role && value.IndexOf(':', StringComparison.Ordinal) <= 0)
        {
            return (null, field, "write the role as service:role");
        }

        if (kind == SelectorKind.Label && (value.IndexOf('=', StringComparison.Ordinal) is var eq && (eq <= 0 || eq == value.Length - 1)))
        {
            return (null, field, "write the label as KEY=VALUE, e.g. team=payments-sre");
        }

        if (!DecisionVocabulary.TryParseDecisionVerdict(Verdict, out var verdict))
        {
            return (null, "verdict", $"unknown verdict '{Verdict}' (not_affected, affected, fixed, accepted_risk)");
        }

        VexJustification? vex = null;
        if (!string.IsNullOrEmpty(VexJustification))
        {
            if (verdict != Core.Matching.Verdict.NotAffected)
            {
                return (null, "vexJustification", "an OpenVEX justification applies only to not_affected");
            }

            if (!DecisionVocabulary.TryParseVexJustification(VexJustification, out var j))
            {
                return (null, "vexJustification", $"unknown OpenVEX justification '{VexJustification}'");
            }

            vex = j;
        }

        var text = Justification?.Trim() ?? "";
        if (text.Length == 0 || text.Length > 10_000)
        {
            return (null, "justification", "the justification is empty or longer than 10,000 characters");
        }

        var url = string.IsNullOrWhiteSpace(Evidence) ? null : Evidence.Trim();
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
        {
            return (null, "evidence", $"not an http(s) URL: '{url}'");
        }

        if (AllVerdicts && kind == SelectorKind.Host)
        {
            return (null, "allVerdicts", "allVerdicts applies to cpu, platform, service, role and label (a host decision always applies to its host)");
        }

        return (new Decision(id, advisory.Id, new DecisionSelector(kind, value), verdict, vex, text, url, author, at, AllVerdicts: AllVerdicts), null, null);
    }
}
