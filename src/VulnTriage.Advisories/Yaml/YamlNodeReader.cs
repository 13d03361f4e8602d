using System.Collections.Immutable;
using System.Globalization;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VulnTriage.Advisories.Yaml;

/// <summary>
/// Strict accessors over a YamlDotNet representation model that collect every problem as a diagnostic
/// with the file, line and column, instead of stopping at the first.
/// </summary>
internal sealed class YamlNodeReader(string source)
{
    private readonly List<Diagnostic> _diagnostics = [];

    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics;

    public bool HasErrors => _diagnostics.Count > 0;

    public void Error(string code, YamlNode? node, string message) =>
        _diagnostics.Add(new Diagnostic(code, DiagnosticSeverity.Error, Location(node), message));

    public SourceLocation Location(YamlNode? node) =>
        node is null ? new SourceLocation(source) : new SourceLocation(source, node.Start.Line, node.Start.Column);

    /// <summary>Checks the node is a mapping with only known keys, all required keys present, and no explicit tags.</summary>
    public YamlMappingNode? Mapping(YamlNode? node, string path, IReadOnlyCollection<string> required, IReadOnlyCollection<string> optional)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' must be a mapping");
            return null;
        }

        RejectTag(node, path);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, _) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            if (key is null)
            {
                Error(DiagnosticCodes.AdvisoryBadValue, keyNode, $"'{path}' has a non-scalar key");
                continue;
            }

            if (!seen.Add(key))
            {
                Error(DiagnosticCodes.AdvisoryBadValue, keyNode, $"'{path}.{key}' is given twice");
            }

            if (!required.Contains(key) && !optional.Contains(key))
            {
                var known = string.Join(", ", required.Concat(optional).Order(StringComparer.Ordinal));
                Error(DiagnosticCodes.AdvisoryUnknownKey, keyNode, $"unknown key '{path}.{key}' (known keys: {known})");
            }
        }

        foreach (var key in required)
        {
            if (!seen.Contains(key))
            {
                Error(DiagnosticCodes.AdvisoryMissingKey, node, $"'{path}' lacks the required key '{key}'");
            }
        }

        return mapping;
    }

    public static YamlNode? Child(YamlMappingNode? mapping, string key)
    {
        if (mapping is null)
        {
            return null;
        }

        foreach (var (k, v) in mapping.Children)
        {
            if (k is YamlScalarNode { Value: { } name } && name == key)
            {
                return v;
            }
        }

        return null;
    }

    public string? String(YamlNode? node, string path, bool required = true)
    {
        if (node is null)
        {
            return null;
        }

        RejectTag(node, path);
        if (node is not YamlScalarNode { Value: { } value })
        {
            Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' must be a string");
            return null;
        }

        if (required && string.IsNullOrWhiteSpace(value))
        {
            Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' must not be empty");
            return null;
        }

        // YAML folding (`>` blocks, multi-line plain and quoted scalars) joins lines with a space; Japanese is written
        // without spaces, so a line break between two Japanese characters joins without one ("配布して いません"
        // would otherwise reach every report). Literal `|` blocks keep their line breaks and are left alone.
        if (node is YamlScalarNode { Style: not ScalarStyle.Literal } scalar && scalar.Start.Line != scalar.End.Line)
        {
            value = JoinJapaneseLines(value);
        }

        return value.Trim();
    }

    /// <summary>
    /// Removes each half-width space that stands between two Japanese characters (kana, kanji, full-width punctuation),
    /// or right after Japanese punctuation.
    /// </summary>
    public static string JoinJapaneseLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.IndexOf(' ', StringComparison.Ordinal) < 0)
        {
            return text;
        }

        var sb = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            // Between two Japanese characters, or after Japanese punctuation ("Xeon W、 Atom" from a line ending in 、).
            if (text[i] == ' ' && i > 0 && i + 1 < text.Length && text[i + 1] != ' '
                && ((IsJapanese(text[i - 1]) && IsJapanese(text[i + 1])) || "、。，．！？：；）」』】〉》".Contains(text[i - 1], StringComparison.Ordinal)))
            {
                continue;
            }

            sb.Append(text[i]);
        }

        return sb.ToString();
    }

    /// <summary>Hiragana, katakana, CJK ideographs, CJK symbols and punctuation, full-width forms.</summary>
    public static bool IsJapanese(char c) =>
        c is (>= '\u3000' and <= '\u30FF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u4E00' and <= '\u9FFF') or (>= '\uF900' and <= '\uFAFF')
            or (>= '\uFF01' and <= '\uFF60') or (>= '\uFF61' and <= '\uFF9F') or (>= '\u31F0' and <= '\u31FF');

    public LocalizedText? Localized(YamlNode? node, string path)
    {
        var mapping = Mapping(node, path, ["en"], ["ja"]);
        if (mapping is null)
        {
            return null;
        }

        var en = String(Child(mapping, "en"), path + ".en");
        var ja = String(Child(mapping, "ja"), path + ".ja", required: false);
        return en is null ? null : new LocalizedText(en, ja);
    }

    public ImmutableArray<YamlNode> Sequence(YamlNode? node, string path)
    {
        if (node is null)
        {
            return [];
        }

        RejectTag(node, path);
        if (node is not YamlSequenceNode sequence)
        {
            Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' must be a list");
            return [];
        }

        return [.. sequence.Children];
    }

    public ImmutableArray<string> Strings(YamlNode? node, string path) =>
        [.. Sequence(node, path).Select((n, i) => String(n, $"{path}[{i}]")).OfType<string>()];

    public int? Int(YamlNode? node, string path)
    {
        var text = String(node, path);
        if (text is null)
        {
            return null;
        }

        if (TryParseInt(text, out var value))
        {
            return value;
        }

        Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' must be a non-negative integer (decimal or 0x hex), got '{text}'");
        return null;
    }

    public decimal? Decimal(YamlNode? node, string path)
    {
        var text = String(node, path);
        if (text is null)
        {
            return null;
        }

        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 10)
        {
            return value;
        }

        Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' must be a number from 0 to 10, got '{text}'");
        return null;
    }

    /// <summary>An integer set: a scalar (<c>11</c>, <c>"0-3"</c>, <c>"0-3,5-99"</c>, <c>0x55</c>) or a list of such scalars.</summary>
    public IntSet? IntSetOf(YamlNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }

        var items = node is YamlSequenceNode ? Sequence(node, path) : [node];
        if (items.IsEmpty)
        {
            Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' must not be an empty list");
            return null;
        }

        var ranges = new List<(int, int)>();
        foreach (var item in items)
        {
            var text = String(item, path);
            if (text is null)
            {
                continue;
            }

            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
            {
                var dash = part.IndexOf('-', StringComparison.Ordinal);
                if (dash < 0 && TryParseInt(part, out var single))
                {
                    ranges.Add((single, single));
                }
                else if (dash > 0 && TryParseInt(part[..dash].Trim(), out var low) && TryParseInt(part[(dash + 1)..].Trim(), out var high) && low <= high)
                {
                    ranges.Add((low, high));
                }
                else
                {
                    Error(DiagnosticCodes.AdvisoryBadValue, item, $"'{path}' has '{part}', which is neither an integer nor a range 'low-high'");
                }
            }
        }

        return ranges.Count == 0 ? null : new IntSet([.. ranges.OrderBy(r => r.Item1)]);
    }

    private void RejectTag(YamlNode node, string path)
    {
        // No YAML type tags: data files must not be able to ask for types (house style §2.9).
        if (!node.Tag.IsEmpty && node.Tag.Value is not ("tag:yaml.org,2002:str" or "tag:yaml.org,2002:map" or "tag:yaml.org,2002:seq"))
        {
            Error(DiagnosticCodes.AdvisoryBadValue, node, $"'{path}' carries a YAML tag ({node.Tag.Value}); tags are not allowed");
        }
    }

    private static bool TryParseInt(string text, out int value)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return int.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value >= 0;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
