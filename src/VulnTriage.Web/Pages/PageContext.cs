using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using VulnTriage.Core.Access;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;

namespace VulnTriage.Web.Pages;

/// <summary>What every page needs: the language, the caller, the antiforgery token, URLs that keep the language.</summary>
internal sealed class PageContext
{
    private PageContext(HttpContext http, string lang, bool explicitLang, Principal? user, ServeOptions options)
    {
        Http = http;
        Lang = lang;
        ExplicitLang = explicitLang;
        User = user;
        Options = options;
        Ui = Ui.For(lang);
    }

    public HttpContext Http { get; }

    /// <summary><c>en</c> or <c>ja</c>.</summary>
    public string Lang { get; }

    /// <summary>Whether <c>?lang=</c> chose it (then every link keeps it).</summary>
    public bool ExplicitLang { get; }

    public Principal? User { get; }

    public ServeOptions Options { get; }

    public Ui Ui { get; }

    public Reports.Common.Labels Labels => Reports.Common.Labels.For(Lang);

    /// <summary>
    /// The page language: <c>?lang=en|ja</c> (a form's hidden <c>lang</c> field too), else the first of <c>ja</c> and
    /// <c>en</c> in Accept-Language by quality, else English.
    /// </summary>
    public static PageContext For(HttpContext http, ServeOptions options, string? formLang = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var asked = formLang ?? http.Request.Query["lang"].ToString();
        if (asked is "en" or "ja")
        {
            return new PageContext(http, asked, true, Security.Caller.Of(http.User), options);
        }

        var lang = "en";
        if (StringWithQualityHeaderValue.TryParseList([.. http.Request.Headers.AcceptLanguage.Select(v => v ?? "")], out var list))
        {
            foreach (var item in list.OrderByDescending(i => i.Quality ?? 1.0))
            {
                var tag = item.Value.ToString();
                if (tag.StartsWith("ja", StringComparison.OrdinalIgnoreCase))
                {
                    lang = "ja";
                    break;
                }

                if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase) || tag == "*")
                {
                    break;
                }
            }
        }

        return new PageContext(http, lang, false, Security.Caller.Of(http.User), options);
    }

    public bool May(Role role) => User is { } u && u.Role.Allows(role);

    /// <summary>A local URL: the path (segments already escaped by the caller) and query values escaped here; the language kept.</summary>
    public string Url(string path, params ReadOnlySpan<(string Name, string? Value)> query)
    {
        var sb = new StringBuilder(path);
        var first = true;
        foreach (var (name, value) in query)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            sb.Append(first ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }

        if (ExplicitLang)
        {
            sb.Append(first ? '?' : '&').Append("lang=").Append(Lang);
        }

        return sb.ToString();
    }

    public static string HostPath(string name) => "/hosts/" + Uri.EscapeDataString(name);

    public static string AdvisoryPath(string id) => "/advisories/" + Uri.EscapeDataString(id);

    /// <summary>The hidden antiforgery field and the language, for every form.</summary>
    public void FormFields(Html html)
    {
        var af = Http.RequestServices.GetService(typeof(IAntiforgery)) as IAntiforgery
            ?? throw new InvalidOperationException("antiforgery is not configured");
        var tokens = af.GetAndStoreTokens(Http);
        html.Open("input", ("type", "hidden"), ("name", tokens.FormFieldName), ("value", tokens.RequestToken));
        if (ExplicitLang)
        {
            html.Open("input", ("type", "hidden"), ("name", "lang"), ("value", Lang));
        }
    }

    public string Verdict(Verdict v) => ReportSentences.VerdictLabel(v, Lang);

    public string Stage(Stage s) => ReportSentences.StageLabel(s, Lang);

    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
