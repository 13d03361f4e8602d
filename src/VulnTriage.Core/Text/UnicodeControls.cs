namespace VulnTriage.Core.Text;

/// <summary>Characters that change how the text around them is shown, which host-supplied strings must not carry.</summary>
public static class UnicodeControls
{
    /// <summary>
    /// A bidirectional formatting character: U+202A–U+202E (embeddings, overrides), U+2066–U+2069 (isolates), U+200E/U+200F
    /// (marks), U+061C (Arabic letter mark). A right-to-left override in a host name would show it reversed.
    /// </summary>
    public static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C';
}
