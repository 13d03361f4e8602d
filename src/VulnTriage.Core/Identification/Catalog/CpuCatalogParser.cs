using System.Collections.Immutable;
using System.Globalization;

namespace VulnTriage.Core.Identification.Catalog;

/// <summary>
/// Parses and validates <c>cpus.tsv</c> (format: Catalog/README.md). The file ships inside the assembly, so any error
/// is a bug in the shipped data: it throws <see cref="InvalidDataException"/> naming the line, never degrades.
/// </summary>
internal static class CpuCatalogParser
{
    internal static readonly string[] Header =
        ["vendor", "family", "model", "stepping", "microarchitecture", "codenames", "segments", "product_lines", "source"];

    public static ImmutableArray<CpuCatalogEntry> Parse(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = ImmutableArray.CreateBuilder<CpuCatalogEntry>();
        var headerSeen = false;
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.EndsWith('\r') ? rawLine[..^1] : rawLine;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (!headerSeen)
            {
                if (!fields.SequenceEqual(Header, StringComparer.Ordinal))
                {
                    throw Error(name, lineNumber, $"the header must be '{string.Join("<TAB>", Header)}'");
                }

                headerSeen = true;
                continue;
            }

            if (fields.Length != Header.Length)
            {
                throw Error(name, lineNumber, $"expected {Header.Length} tab-separated columns, found {fields.Length}");
            }

            rows.Add(ParseRow(fields, name, lineNumber));
        }

        if (!headerSeen)
        {
            throw Error(name, lineNumber, "no header row");
        }

        var entries = rows.ToImmutable();
        CheckOverlaps(entries, name);
        return entries;
    }

    private static CpuCatalogEntry ParseRow(string[] f, string name, int line)
    {
        var vendor = f[0] switch
        {
            "intel" => CpuVendor.Intel,
            "amd" => CpuVendor.Amd,
            "hygon" => CpuVendor.Hygon,
            "via" => CpuVendor.Via,
            "zhaoxin" => CpuVendor.Zhaoxin,
            _ => throw Error(name, line, $"vendor '{f[0]}' is not intel, amd, hygon, via or zhaoxin"),
        };

        var family = ParseHex(f[1], 2, name, line, "family");
        var (firstModel, lastModel) = ParseModels(f[2], name, line);
        var steppings = ParseSteppings(f[3], name, line);
        var march = f[4];
        if (!IsKebab(march))
        {
            throw Error(name, line, $"microarchitecture '{march}' is not lower-case kebab-case");
        }

        var codenames = SplitList(f[5]);
        foreach (var codename in codenames)
        {
            if (!IsKebab(codename))
            {
                throw Error(name, line, $"codename '{codename}' is not lower-case kebab-case");
            }
        }

        Distinct(codenames, name, line, "codename");
        // Empty codenames, segments or product_lines = not recorded (unknown), never "none": see the README.
        var segments = SplitList(f[6]);
        Distinct(segments, name, line, "segment");
        var segmentValues = segments.Select(s => s switch
        {
            "server" => MarketSegment.Server,
            "desktop" => MarketSegment.Desktop,
            "mobile" => MarketSegment.Mobile,
            "embedded" => MarketSegment.Embedded,
            _ => throw Error(name, line, $"segment '{s}' is not server, desktop, mobile or embedded"),
        }).ToImmutableArray();

        var productLines = ParseProductLines(f[7], name, line);
        var source = f[8].Trim();
        if (source.Length == 0)
        {
            throw Error(name, line, "source must not be empty");
        }

        return new CpuCatalogEntry(vendor, family, firstModel, lastModel, steppings, march, codenames, segmentValues, productLines, source, line);
    }

    private static ImmutableArray<CpuCatalogProductLine> ParseProductLines(string text, string name, int line)
    {
        var tokens = SplitList(text);
        // A line may be written twice: once with generations, once bare ("core:13|core" = 13th gen Core and Core parts without one).
        var order = new List<string>();
        var generations = new Dictionary<string, ImmutableArray<int>>(StringComparer.Ordinal);
        var bare = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            var colon = token.IndexOf(':', StringComparison.Ordinal);
            var lineName = colon < 0 ? token : token[..colon];
            if (!ProductLines.All.Contains(lineName))
            {
                throw Error(name, line, $"product line '{lineName}' is not one of ProductLines.All ({string.Join(", ", ProductLines.All.Order(StringComparer.Ordinal))})");
            }

            if (!order.Contains(lineName, StringComparer.Ordinal))
            {
                order.Add(lineName);
            }

            if (colon < 0)
            {
                if (!bare.Add(lineName))
                {
                    throw Error(name, line, $"product line '{lineName}' is listed twice");
                }

                continue;
            }

            if (generations.ContainsKey(lineName))
            {
                throw Error(name, line, $"product line '{lineName}' has its generations listed twice");
            }

            var values = new SortedSet<int>();
            foreach (var part in token[(colon + 1)..].Split(','))
            {
                var dash = part.IndexOf('-', StringComparison.Ordinal);
                var first = ParseGeneration(dash < 0 ? part : part[..dash], name, line);
                var last = dash < 0 ? first : ParseGeneration(part[(dash + 1)..], name, line);
                if (last < first)
                {
                    throw Error(name, line, $"generation range '{part}' is reversed");
                }

                for (var g = first; g <= last; g++)
                {
                    if (!values.Add(g))
                    {
                        throw Error(name, line, $"generation {g} of '{lineName}' is listed twice");
                    }
                }
            }

            generations[lineName] = [.. values];
        }

        return [.. order.Select(l => generations.TryGetValue(l, out var g)
            ? new CpuCatalogProductLine(l, g, bare.Contains(l))
            : new CpuCatalogProductLine(l, [], true))];
    }

    private static int ParseGeneration(string text, string name, int line) =>
        text.Length is > 0 and <= 2 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var g) && g >= 1
            ? g
            : throw Error(name, line, $"generation '{text}' is not a decimal number 1–99");

    private static (int First, int Last) ParseModels(string text, string name, int line)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            var model = ParseHex(text, 2, name, line, "model");
            return (model, model);
        }

        var first = ParseHex(text[..dash], 2, name, line, "model");
        var last = ParseHex(text[(dash + 1)..], 2, name, line, "model");
        return last >= first ? (first, last) : throw Error(name, line, $"model range '{text}' is reversed");
    }

    /// <summary>
    /// <c>*</c>, or a comma-separated list of steppings and inclusive ranges. A stepping is one hex digit (<c>0</c>–<c>F</c>,
    /// as Intel writes them: <c>06_55_B</c>) or the decimal numbers <c>10</c>–<c>15</c> (as <c>/proc/cpuinfo</c> prints them);
    /// the two cannot be confused because a stepping is a 4-bit field.
    /// </summary>
    private static CpuSteppingSet ParseSteppings(string text, string name, int line)
    {
        if (text == "*")
        {
            return CpuSteppingSet.Any;
        }

        var mask = 0;
        foreach (var part in text.Split(','))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = ParseStepping(dash < 0 ? part : part[..dash], name, line);
            var last = dash < 0 ? first : ParseStepping(part[(dash + 1)..], name, line);
            if (last < first)
            {
                throw Error(name, line, $"stepping range '{part}' is reversed");
            }

            for (var s = first; s <= last; s++)
            {
                if ((mask & (1 << s)) != 0)
                {
                    throw Error(name, line, $"stepping {s} is listed twice");
                }

                mask |= 1 << s;
            }
        }

        return new CpuSteppingSet(mask);
    }

    private static int ParseStepping(string text, string name, int line)
    {
        if (text.Length == 1 && int.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return hex;
        }

        if (text.Length == 2 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var dec) && dec is >= 10 and <= 15)
        {
            return dec;
        }

        throw Error(name, line, $"stepping '{text}' is neither one hex digit nor a decimal 10–15");
    }

    private static int ParseHex(string text, int digits, string name, int line, string what) =>
        text.Length == digits && text.All(char.IsAsciiHexDigitUpper)
            && int.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(name, line, $"{what} '{text}' is not {digits} upper-case hex digits");

    private static ImmutableArray<string> SplitList(string text) =>
        text.Length == 0 ? [] : [.. text.Split('|')];

    private static void Distinct(ImmutableArray<string> values, string name, int line, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            if (!seen.Add(v))
            {
                throw Error(name, line, $"{what} '{v}' is listed twice");
            }
        }
    }

    /// <summary>Lower-case ASCII letters and digits in hyphen-separated words, optionally ending in <c>+</c> (<c>zen+</c>).</summary>
    internal static bool IsKebab(string text)
    {
        if (text.Length == 0 || text.Length > 64)
        {
            return false;
        }

        var body = text.EndsWith('+') ? text[..^1] : text;
        if (body.Length == 0 || body[0] == '-' || body[^1] == '-' || body.Contains("--", StringComparison.Ordinal))
        {
            return false;
        }

        return body.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
    }

    private static void CheckOverlaps(ImmutableArray<CpuCatalogEntry> entries, string name)
    {
        foreach (var group in entries.GroupBy(e => (e.Vendor, e.Family, e.Microarchitecture)))
        {
            var rows = group.ToList();
            for (var i = 0; i < rows.Count; i++)
            {
                for (var j = i + 1; j < rows.Count; j++)
                {
                    var (a, b) = (rows[i], rows[j]);
                    if (a.FirstModel <= b.LastModel && b.FirstModel <= a.LastModel && a.Steppings.Overlaps(b.Steppings))
                    {
                        throw Error(name, b.CatalogLine,
                            $"{b.SignatureText} {b.Microarchitecture} overlaps line {a.CatalogLine} ({a.SignatureText} {a.Microarchitecture}): one microarchitecture gets one row per signature");
                    }
                }
            }
        }
    }

    private static InvalidDataException Error(string name, int line, string message) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{name}:{line}: {message}"));
}
