using System.Text;
using VulnTriage.Reports.Html;

namespace VulnTriage.Web.Pages;

/// <summary>
/// The pages' only way to write HTML. Every piece of text and every attribute value goes through the report's encoder
/// (<see cref="HtmlSink.Encode"/>: markup characters and quotes become references, control characters spaces, bidi
/// overrides U+FFFD), so a host name or a brand string can never become markup, leave an attribute or reorder a line.
/// Tag and attribute names, and <see cref="Markup"/>, are the server's own constants.
/// </summary>
internal sealed class Html
{
    private readonly StringBuilder _sb = new(16 * 1024);

    /// <summary>Markup written by the server itself (a constant, never data).</summary>
    public Html Markup(string constant)
    {
        _sb.Append(constant);
        return this;
    }

    /// <summary>
    /// A chart from the report's renderer (<see cref="SvgCharts"/>), which puts every piece of text it draws through
    /// <see cref="HtmlSink.Encode"/> itself.
    /// </summary>
    public Html Chart(Func<Func<string?, string>, string> render)
    {
        ArgumentNullException.ThrowIfNull(render);
        _sb.Append(render(HtmlSink.Encode));
        return this;
    }

    /// <summary>Untrusted text, encoded.</summary>
    public Html Text(string? text)
    {
        _sb.Append(HtmlSink.Encode(text));
        return this;
    }

    /// <summary>An opening tag; attributes with a <c>null</c> value are left out, an empty one is written bare.</summary>
    public Html Open(string tag, params ReadOnlySpan<(string Name, string? Value)> attributes)
    {
        _sb.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is null)
            {
                continue;
            }

            _sb.Append(' ').Append(name);
            if (value.Length > 0 || name is "value" or "alt")
            {
                _sb.Append("=\"").Append(HtmlSink.Encode(value)).Append('"');
            }
        }

        _sb.Append('>');
        return this;
    }

    public Html Close(string tag)
    {
        _sb.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>An element holding encoded text.</summary>
    public Html Element(string tag, string? text, params ReadOnlySpan<(string Name, string? Value)> attributes) =>
        Open(tag, attributes).Text(text).Close(tag);

    /// <summary>A link to a local path (built by the server, with data escaped for a URL and then for HTML).</summary>
    public Html Link(string href, string? text, string? cssClass = null) =>
        Element("a", text, ("href", href), ("class", cssClass));

    /// <summary>An external link, shown only for absolute http(s) URLs; anything else (javascript:, data:) stays text.</summary>
    public Html ExternalLink(string? url, string? text)
    {
        if (url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return Element("a", text, ("href", uri.AbsoluteUri), ("rel", "noreferrer noopener"));
        }

        return Text(text);
    }

    public override string ToString() => _sb.ToString();
}
