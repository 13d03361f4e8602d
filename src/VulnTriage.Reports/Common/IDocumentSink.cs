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
}

/// <summary>A piece of text. The text is raw (unescaped); the sink escapes it for its format.</summary>
internal readonly record struct Inline(string Text, InlineKind Kind = InlineKind.Plain, string? Url = null, Verdict? Verdict = null)
{
    public static implicit operator Inline(string text) => new(text);

    public static Inline Strong(string text) => new(text, InlineKind.Strong);

    public static Inline Link(string text, string url) => new(text, InlineKind.Link, url);

    public static Inline OfVerdict(string text, Verdict verdict) => new(text, InlineKind.Plain, null, verdict);
}

/// <summary>
/// A streaming document: the Markdown and HTML writers implement it, so both show the same sections, and each
/// escapes every piece of text at the point where it is written.
/// </summary>
internal interface IDocumentSink
{
    void BeginDocument(string title, string lang);

    void Heading(int level, string text);

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
