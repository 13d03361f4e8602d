using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;

namespace VulnTriage.Core.Identification;

/// <summary>
/// Parses Intel brand strings (already cleaned by <see cref="BrandText.Clean"/>: upper case, no (R)/(TM),
/// cut at '@', single spaces). Model-number rules follow Intel's naming (cpu-identification.md §3.1).
/// </summary>
internal static partial class IntelBrandParser
{
    private const string Desktop = "desktop";

    public static BrandInfo Parse(string c)
    {
        if (c.Contains("XEON", StringComparison.Ordinal))
        {
            return ParseXeon(c);
        }

        if (c.Contains("ATOM", StringComparison.Ordinal))
        {
            return ParseAtom(c);
        }

        if (c.Contains("CELERON", StringComparison.Ordinal) || c.Contains("PENTIUM", StringComparison.Ordinal))
        {
            return ParsePentiumCeleron(c);
        }

        if (c.Contains("CORE", StringComparison.Ordinal))
        {
            var core = ParseCore(c);
            if (core is not null)
            {
                return core;
            }
        }

        if (IntelProcessorRegex().Match(c) is { Success: true } p)
        {
            return ParseIntelProcessor(p.Groups[1].Value);
        }

        if (c.StartsWith("GENUINE INTEL", StringComparison.Ordinal))
        {
            return BrandInfo.None(CpuVendor.Intel) with { Generic = true, Note = "generic/engineering-sample brand string (no model number)" };
        }

        return BrandInfo.None(CpuVendor.Intel) with { Note = "Intel brand string without a recognised product line" };
    }

    // ---------------------------------------------------------------- Xeon
    private static BrandInfo ParseXeon(string c)
    {
        if (c.Contains("XEON PHI", StringComparison.Ordinal))
        {
            var m = FourDigitRegex().Match(c);
            if (!m.Success)
            {
                return new BrandInfo(CpuVendor.Intel, ProductLines.XeonPhi, null, null, null, null, MarketSegment.Server);
            }

            var n = m.Groups[1].Value;
            var mill = n is "7235" or "7285" or "7295";
            var march = n.StartsWith('7') ? (mill ? "knights-mill" : "knights-landing") : null;
            return new BrandInfo(CpuVendor.Intel, ProductLines.XeonPhi, n, null, march, march, MarketSegment.Server);
        }

        if (ScalableRegex().Match(c) is { Success: true } s)
        {
            var tier = TitleCase(s.Groups[1].Value);
            var number = s.Groups[2].Value;
            return Scalable($"{tier} {number}", number);
        }

        if (XeonMaxRegex().Match(c) is { Success: true } max)
        {
            return Scalable($"Max {max.Groups[1].Value}", max.Groups[1].Value);
        }

        if (E357Regex().Match(c) is { Success: true } e)
        {
            return XeonE357(e.Groups[1].Value, e.Groups[2].Value, e.Groups[3].Value);
        }

        if (XeonERegex().Match(c) is { Success: true } xe)
        {
            var n = xe.Groups[1].Value;
            var march = n[1] switch
            {
                '1' or '2' => "coffee-lake",
                '3' => "rocket-lake",
                '4' => "raptor-lake",
                _ => null,
            };
            var seg = n.EndsWith('M') ? MarketSegment.Mobile : MarketSegment.Desktop;
            return new BrandInfo(CpuVendor.Intel, ProductLines.XeonE, "E-" + n, null, march, null, seg);
        }

        if (XeonDRegex().Match(c) is { Success: true } xd)
        {
            var n = xd.Groups[1].Value;
            var (march, code) = n[..2] switch
            {
                "15" => ("broadwell", "broadwell-de"),
                "16" => ("broadwell", "hewitt-lake"),
                "21" => ("skylake", "skylake-d"),
                "17" or "27" => ("ice-lake", "ice-lake-d"),
                "18" or "28" => ("ice-lake", "ice-lake-d"),
                _ => ((string?)null, (string?)null),
            };
            return new BrandInfo(CpuVendor.Intel, ProductLines.XeonD, "D-" + n, null, march, code, MarketSegment.Server);
        }

        if (XeonWRegex().Match(c) is { Success: true } xw)
        {
            var n = xw.Groups[1].Value;
            var (march, code) = XeonWMarch(n);
            var seg = n.EndsWith('M') && LeadingDigits(n).Length == 5 ? MarketSegment.Mobile : MarketSegment.Desktop;
            return new BrandInfo(CpuVendor.Intel, ProductLines.XeonW, "W-" + n, null, march, code, seg);
        }

        if (XeonWxRegex().Match(c) is { Success: true } wx)
        {
            var n = wx.Groups[2].Value;
            return new BrandInfo(CpuVendor.Intel, ProductLines.XeonW, $"w{wx.Groups[1].Value}-{n}", null, "sapphire-rapids", "sapphire-rapids-ws", MarketSegment.Desktop);
        }

        if (Xeon6Regex().Match(c) is { Success: true } x6)
        {
            var n = x6.Groups[1].Value;
            var sku = x6.Groups[2].Value; // "6716P" of the Xeon 6 SoC "6716P-B"
            string? march = sku.EndsWith('E') ? "sierra-forest" : n[1] switch
            {
                '3' => "raptor-lake",
                '5' or '7' or '9' => "granite-rapids",
                _ => null,
            };
            // Granite Rapids shares CPUID model ADh between the 6900P (AP, socket LGA7529) and the 6700P/6500P (SP,
            // LGA4710) series; the SoC parts with a suffix ("6716P-B") are Granite Rapids-D (model AEh).
            var codename = march switch
            {
                "sierra-forest" => "sierra-forest",
                "granite-rapids" when n.Length > sku.Length => "granite-rapids-d",
                "granite-rapids" when n[1] == '9' => "granite-rapids-ap",
                "granite-rapids" => "granite-rapids-sp",
                _ => null,
            };
            return new BrandInfo(CpuVendor.Intel, ProductLines.Xeon6, n, null, march, codename, MarketSegment.Server);
        }

        if (XeonLegacyRegex().Match(c) is { Success: true } lg)
        {
            return XeonLegacy(lg.Groups[1].Value, lg.Groups[2].Value);
        }

        if (HiddenXeonRegex().IsMatch(c))
        {
            return new BrandInfo(CpuVendor.Intel, null, null, null, null, null, MarketSegment.Server) { Hidden = true, Note = "brand string without a model number" };
        }

        return new BrandInfo(CpuVendor.Intel, null, null, null, null, null, MarketSegment.Unknown) { Note = "Xeon brand string without a recognised model number" };
    }

    private static BrandInfo Scalable(string model, string number)
    {
        // number: T G NN [suffix]; second digit = generation.
        var gen = number[1] - '0';
        var suffix = number[4..];
        (string? march, string? code, int? generation) = gen switch
        {
            1 => ("skylake", "skylake-sp", (int?)1),
            2 => ("cascade-lake", number[0] == '9' ? "cascade-lake-ap" : "cascade-lake-sp", 2),
            3 => suffix.StartsWith('H') ? ("cooper-lake", "cooper-lake-sp", 3) : ("ice-lake", "ice-lake-sp", 3),
            4 => ("sapphire-rapids", "sapphire-rapids-sp", 4),
            5 => ("emerald-rapids", "emerald-rapids-sp", 5),
            _ => ((string?)null, (string?)null, (int?)null),
        };
        if (number.StartsWith("94", StringComparison.Ordinal) && number.Length == 4 && model.StartsWith("Max", StringComparison.Ordinal))
        {
            (march, code, generation) = ("sapphire-rapids", "sapphire-rapids-hbm", 4);
        }

        return new BrandInfo(CpuVendor.Intel, ProductLines.XeonScalable, model, generation, march, code, MarketSegment.Server);
    }

    private static BrandInfo XeonE357(string line, string number, string version)
    {
        var v = version.Length == 1 ? version[0] - '0' : 1;
        var model = v > 1 ? $"{line}-{number} v{v}" : $"{line}-{number}";
        var productLine = line switch { "E3" => ProductLines.XeonE3, "E5" => ProductLines.XeonE5, _ => ProductLines.XeonE7 };
        string? march;
        string? code = null;
        if (line == "E7" && v == 1)
        {
            (march, code) = ("westmere", "westmere-ex");
        }
        else
        {
            march = v switch
            {
                1 => "sandy-bridge",
                2 => "ivy-bridge",
                3 => "haswell",
                4 => "broadwell",
                5 when line == "E3" => "skylake",
                6 when line == "E3" => "kaby-lake",
                _ => null,
            };
            if (line != "E3" && march is not null)
            {
                code = march + (line == "E7" ? "-ex" : "-ep");
            }
        }

        var seg = line == "E3" ? (number.EndsWith('M') ? MarketSegment.Mobile : MarketSegment.Desktop) : MarketSegment.Server;
        return new BrandInfo(CpuVendor.Intel, productLine, model, march is null ? null : v, march, code, seg);
    }

    private static (string? March, string? Codename) XeonWMarch(string n)
    {
        if (LeadingDigits(n).Length == 5)
        {
            return n[..3] switch
            {
                "108" => ("comet-lake", null),
                "118" or "119" => ("tiger-lake", null),
                _ => (null, null),
            };
        }

        return n[..2] switch
        {
            "21" => ("skylake", "skylake-w"),
            "22" => ("cascade-lake", "cascade-lake-w"),
            "31" => ("skylake", "skylake-w"),
            "32" => ("cascade-lake", "cascade-lake-w"),
            "33" => ("ice-lake", "ice-lake-w"),
            "12" => ("comet-lake", null),
            "13" => ("rocket-lake", null),
            "24" or "34" or "25" or "35" => ("sapphire-rapids", "sapphire-rapids-ws"),
            _ => (null, null),
        };
    }

    private static BrandInfo XeonLegacy(string letter, string digits)
    {
        var model = letter + digits;
        string? march = null;
        string? code = null;
        var seg = MarketSegment.Server;
        switch (digits[0])
        {
            case '5':
                (march, code) = digits[1] switch
                {
                    '0' => ("netburst", "dempsey"),
                    '1' => ("merom", "woodcrest"),
                    '3' => ("merom", "clovertown"),
                    '2' or '4' => ("penryn", digits[1] == '2' ? "wolfdale-dp" : "harpertown"),
                    '5' => ("nehalem", "nehalem-ep"),
                    '6' => ("westmere", "westmere-ep"),
                    _ => (null, null),
                };
                break;
            case '7':
                (march, code) = digits[1] switch
                {
                    '2' or '3' => ("merom", "tigerton"),
                    '4' => ("penryn", "dunnington"),
                    '5' => ("nehalem", "nehalem-ex"),
                    _ => (null, null),
                };
                break;
            case '6':
                (march, code) = digits[1] == '5' ? ("nehalem", "nehalem-ex") : (null, null);
                break;
            case '3':
                seg = MarketSegment.Desktop;
                (march, code) = (letter, digits[1]) switch
                {
                    ("W", '5') => ("nehalem", "bloomfield"),
                    ("L", '4') when digits == "3406" => ("westmere", "clarkdale"),
                    ("W", '6') => ("westmere", "gulftown"),
                    (_, '0') or (_, '2') => ("merom", null),
                    (_, '1') or (_, '3') => ("penryn", null),
                    (_, '4') => ("nehalem", "lynnfield"),
                    (_, '5') => ("nehalem", "bloomfield"),
                    (_, '6') => ("westmere", "gulftown"),
                    _ => (null, null),
                };
                break;
            default:
                break;
        }

        return new BrandInfo(CpuVendor.Intel, ProductLines.XeonLegacy, model, null, march, code, seg);
    }

    // ---------------------------------------------------------------- Core
    private static BrandInfo? ParseCore(string c)
    {
        if (CoreUltraRegex().Match(c) is { Success: true } u)
        {
            var tier = u.Groups[1].Value;
            var n = u.Groups[2].Value;
            var series = n[0] - '0';
            var suffix = SuffixOf(n);
            var march = series switch
            {
                1 => "meteor-lake",
                2 => suffix == "V" ? "lunar-lake" : "arrow-lake",
                3 => "panther-lake",
                _ => null,
            };
            var seg = suffix is "K" or "KF" or "F" or "T" or "" ? MarketSegment.Desktop : MarketSegment.Mobile;
            if (series == 1 || suffix is "V" or "U" or "H" or "HX")
            {
                seg = MarketSegment.Mobile;
            }

            return new BrandInfo(CpuVendor.Intel, ProductLines.CoreUltra, $"Ultra {tier} {n}", series is >= 1 and <= 3 ? series : null, march, null, seg);
        }

        if (Core1stGenRegex().Match(c) is { Success: true } g1)
        {
            return Core1st(g1.Groups[1].Value, g1.Groups[2].Value, g1.Groups[3].Value);
        }

        if (CoreIRegex().Match(c) is { Success: true } ci)
        {
            return CoreI(ci.Groups[1].Value, ci.Groups[2].Value);
        }

        if (Core2Regex().Match(c) is { Success: true } c2)
        {
            return Core2(c2.Groups[1].Value);
        }

        if (CoreSeriesRegex().Match(c) is { Success: true } cs)
        {
            var n = cs.Groups[2].Value;
            var suffix = SuffixOf(n.TrimStart('N'));
            string? march = n.StartsWith('N') ? "gracemont" : n[0] switch
            {
                '1' => "raptor-lake",
                '2' => "raptor-lake",
                _ => null,
            };
            var code = n.StartsWith('N') ? "alder-lake-n" : null;
            var seg = suffix.Contains('E', StringComparison.Ordinal) ? MarketSegment.Embedded
                : suffix is "U" or "H" or "HX" || n.StartsWith('N') ? MarketSegment.Mobile : MarketSegment.Desktop;
            return new BrandInfo(CpuVendor.Intel, ProductLines.Core, $"{cs.Groups[1].Value} {n}", null, march, code, seg);
        }

        return null;
    }

    private static BrandInfo Core1st(string tier, string letter, string number)
    {
        var n = int.Parse(number, CultureInfo.InvariantCulture);
        var suffix = letter switch
        {
            "" => "",
            "M" => "M",
            "Q" => "QM",
            "U" => "UM",
            "L" => "LM",
            "E" => "E",
            "X" => n is 920 or 940 ? "XM" : "X",
            _ => letter,
        };
        var march = n >= 700 && n is not (970 or 980 or 990) ? "nehalem" : "westmere";
        var seg = suffix is "M" or "QM" or "UM" or "LM" or "XM" ? MarketSegment.Mobile : MarketSegment.Desktop;
        return new BrandInfo(CpuVendor.Intel, ProductLines.Core, $"i{tier}-{number}{suffix}", 1, march, null, seg);
    }

    private static BrandInfo CoreI(string tier, string token)
    {
        var lowerTier = tier.ToLowerInvariant();
        // Core m / Core i with a 'Y' number: 6Y30, 5Y10C, 7Y75.
        if (YNumberRegex().Match(token) is { Success: true } y)
        {
            var g = y.Groups[1].Value[0] - '0';
            var march = g switch { 5 => "broadwell", 6 => "skylake", 7 => "kaby-lake", _ => null };
            var number = token;
            if (g == 5 && token.EndsWith('C'))
            {
                number = token[..^1] + "c";
            }

            var prefix = tier == "M" ? "M" : lowerTier;
            return new BrandInfo(CpuVendor.Intel, ProductLines.Core, $"{prefix}-{number}", march is null ? null : g, march, null, MarketSegment.Mobile);
        }

        if (token.StartsWith('N') && token.Length >= 4 && char.IsAsciiDigit(token[1]))
        {
            return new BrandInfo(CpuVendor.Intel, ProductLines.Core, $"{lowerTier}-{token}", null, "gracemont", "alder-lake-n", MarketSegment.Mobile);
        }

        var digits = LeadingDigits(token);
        var suffixText = token[digits.Length..];
        if (digits.Length == 3 && tier.StartsWith('I') && suffixText.Length <= 1)
        {
            // First-generation number written with a dash ("Core(TM) i7-920 CPU") instead of "Core(TM) i7 CPU 920".
            return Core1st(tier[1..], suffixText, digits);
        }

        if (digits.Length is < 4 or > 5 || suffixText.Length > 3)
        {
            return new BrandInfo(CpuVendor.Intel, ProductLines.Core, $"{lowerTier}-{token}", null, null, null, MarketSegment.Unknown)
            {
                Note = "Core model number not in the expected form",
            };
        }

        var gen = digits.Length == 5 ? (digits[0] - '0') * 10 + (digits[1] - '0')
            : digits[0] == '1' ? 10 + (digits[1] - '0')
            : digits[0] - '0';
        if (gen is < 2 or > 14)
        {
            return new BrandInfo(CpuVendor.Intel, ProductLines.Core, $"{lowerTier}-{token}", null, null, null, MarketSegment.Unknown) { Note = "Core generation out of range" };
        }

        var (m, code) = CoreMarch(gen, digits, suffixText);
        var segment = CoreSegment(gen, digits, suffixText);
        return new BrandInfo(CpuVendor.Intel, ProductLines.Core, $"{lowerTier}-{token}", m is null ? null : gen, m, code, segment);
    }

    private static (string? March, string? Codename) CoreMarch(int gen, string d, string suffix)
    {
        var hedt = suffix is "X" or "XE" or "K" && d.Length == 4;
        var hedtOrPlain = suffix is "" or "K" or "X"; // i7-3820 vs i7-3820QM, i7-4930K vs i7-4930MX, i7-4960X vs i7-4960HQ
        switch (gen)
        {
            case 2:
                return ("sandy-bridge", null);
            case 3:
                return d is "3820" or "3930" or "3960" or "3970" && hedtOrPlain ? ("sandy-bridge", "sandy-bridge-e") : ("ivy-bridge", null);
            case 4:
                return d is "4820" or "4930" or "4960" && hedtOrPlain ? ("ivy-bridge", "ivy-bridge-e") : ("haswell", null);
            case 5:
                return d is "5820" or "5930" or "5960" && hedtOrPlain ? ("haswell", "haswell-e") : ("broadwell", null);
            case 6:
                return d is "6800" or "6850" or "6900" or "6950" && hedt ? ("broadwell", "broadwell-e") : ("skylake", null);
            case 7:
                return d is "7800" or "7820" or "7900" or "7920" or "7940" or "7960" or "7980" && suffix is "X" or "XE"
                    ? ("skylake", "skylake-x")
                    : ("kaby-lake", d is "7640" or "7740" ? "kaby-lake-x" : null);
            case 8:
                if (suffix == "Y")
                {
                    return ("amber-lake", null);
                }

                if (suffix == "U")
                {
                    return d[2..] switch
                    {
                        "50" or "30" => ("kaby-lake", "kaby-lake-r"),
                        "65" or "45" => ("whiskey-lake", null),
                        "59" or "69" or "79" or "09" or "57" => ("coffee-lake", null),
                        "21" => ("cannon-lake", null),
                        _ => (null, null),
                    };
                }

                if (suffix == "G" && d[1] is '3' or '7' or '8')
                {
                    return ("kaby-lake", "kaby-lake-g");
                }

                return ("coffee-lake", null);
            case 9:
                return suffix is "X" or "XE" ? ("skylake", "skylake-x") : ("coffee-lake", null);
            case 10:
                if (d.Length == 4)
                {
                    return ("ice-lake", null);
                }

                if (suffix is "X" or "XE")
                {
                    return ("cascade-lake", "cascade-lake-x");
                }

                return suffix == "Y" ? ("amber-lake", null) : ("comet-lake", null);
            case 11:
                return d.Length == 4 || suffix.StartsWith('H') || suffix is "B" or "KB" ? ("tiger-lake", null) : ("rocket-lake", null);
            case 12:
                return ("alder-lake", null);
            case 13 or 14:
                return ("raptor-lake", null);
            default:
                return (null, null);
        }
    }

    private static MarketSegment CoreSegment(int gen, string digits, string suffix)
    {
        if (suffix.EndsWith('E') && suffix.Length >= 2 && suffix != "XE")
        {
            return MarketSegment.Embedded;
        }

        if (suffix.Contains('U', StringComparison.Ordinal) || suffix.Contains('Y', StringComparison.Ordinal) || suffix.StartsWith('H') || suffix.StartsWith('M')
            || suffix is "QM" or "XM")
        {
            return MarketSegment.Mobile;
        }

        if (suffix.StartsWith('G') && suffix.Length == 2)
        {
            return MarketSegment.Mobile; // Ice Lake / Tiger Lake G1/G4/G7
        }

        if (suffix == "G" && gen == 8)
        {
            return MarketSegment.Mobile; // Kaby Lake-G
        }

        if (suffix.StartsWith('P') && gen >= 12)
        {
            return MarketSegment.Mobile;
        }

        if (gen >= 10 && digits.Length == 4)
        {
            return MarketSegment.Mobile; // 10xx/11xx/12xx/13xx four-digit mobile parts
        }

        return MarketSegment.Desktop;
    }

    private static BrandInfo Core2(string model)
    {
        var letters = LeadingLetters(model);
        var digits = model[letters.Length..];
        string? march = null;
        if (digits.Length == 4)
        {
            march = (letters, digits[0]) switch
            {
                ("E", '4' or '6') => "merom",
                ("E", '7' or '8') => "penryn",
                ("T", '5' or '7') => "merom",
                ("T", '6' or '8' or '9') => "penryn",
                ("Q" or "QX", '6') => "merom",
                ("Q" or "QX", '8' or '9') => "penryn",
                ("X", '6' or '7') => "merom",
                ("X", '9') => "penryn",
                ("L" or "U", '7' or '2') => "merom",
                ("L", '9') => "penryn",
                ("P" or "SP" or "SL" or "SU", _) => "penryn",
                ("", _) => "merom",
                _ => null,
            };
        }

        var seg = letters switch
        {
            "T" or "P" or "L" or "U" or "SU" or "SL" or "SP" => MarketSegment.Mobile,
            "E" or "Q" or "QX" or "" => MarketSegment.Desktop,
            "X" => digits is "6800" or "9650" or "9770" or "9775" ? MarketSegment.Desktop : MarketSegment.Mobile,
            _ => MarketSegment.Unknown,
        };
        return new BrandInfo(CpuVendor.Intel, ProductLines.Core2, model, null, march, null, seg);
    }

    // ---------------------------------------------------------------- Atom
    private static BrandInfo ParseAtom(string c)
    {
        if (AtomXRegex().Match(c) is { Success: true } ax)
        {
            // x5-Z8350, x7-Z8750, x5-E8000, x5-E3940
            var tier = ax.Groups[1].Value;
            var n = ax.Groups[2].Value;
            return AtomModel(n, $"x{tier}-{n}");
        }

        if (AtomX6Regex().Match(c) is { Success: true } x6)
        {
            return new BrandInfo(CpuVendor.Intel, ProductLines.Atom, "x" + x6.Groups[1].Value, null, "tremont", "elkhart-lake", MarketSegment.Embedded);
        }

        if (AtomModelRegex().Match(c) is { Success: true } am)
        {
            var n = am.Groups[1].Value;
            return AtomModel(n, n);
        }

        return new BrandInfo(CpuVendor.Intel, ProductLines.Atom, null, null, null, null, MarketSegment.Unknown) { Note = "Atom brand string without a recognised model number" };
    }

    private static BrandInfo AtomModel(string n, string model)
    {
        var letter = char.IsAsciiLetter(n[0]) ? n[0] : ' ';
        var digits = LeadingDigits(letter == ' ' ? n : n[1..]);
        (string? march, string? code, MarketSegment seg) = (letter, digits.Length, digits.Length > 0 ? digits[0] : ' ', digits.Length > 1 ? digits[1] : ' ') switch
        {
            ('C', 4, '2', _) => ("silvermont", "avoton", MarketSegment.Server),
            ('C', 4, '3', _) => ("goldmont", "denverton", MarketSegment.Server),
            ('C', 4, '5', _) => ("tremont", "parker-ridge", MarketSegment.Server),
            ('C', 4, '1', _) => ("crestmont", "grand-ridge", MarketSegment.Server),
            ('P', 4, '5', _) => ("tremont", "snow-ridge", MarketSegment.Server),
            ('E', 4, '3', '8') => ("silvermont", "bay-trail", MarketSegment.Embedded),
            ('E', 4, '3', '9') => ("goldmont", "apollo-lake", MarketSegment.Embedded),
            ('E', 4, '8', _) => ("airmont", "braswell", MarketSegment.Embedded),
            ('E', 3, '6', _) => ("bonnell", "tunnel-creek", MarketSegment.Embedded),
            ('Z', 4, '8', _) => ("airmont", "cherry-trail", MarketSegment.Mobile),
            ('Z', 4, '3', _) => Z3(digits),
            ('Z', 4, '2', _) => ("saltwell", digits[1] == '4' ? "medfield" : "cloverview", MarketSegment.Mobile),
            ('Z', 3, '5', _) => ("bonnell", "silverthorne", MarketSegment.Mobile),
            ('Z', 3, '6', _) => ("bonnell", "lincroft", MarketSegment.Mobile),
            ('N', 3, '2', _) => ("bonnell", "diamondville", MarketSegment.Mobile),
            ('N', 3, '4' or '5', _) => ("bonnell", "pineview", MarketSegment.Mobile),
            ('D', 3, '4' or '5', _) => ("bonnell", "pineview", MarketSegment.Desktop),
            ('N', 4, '2', _) => ("saltwell", "cedarview", MarketSegment.Mobile),
            ('D', 4, '2', _) => ("saltwell", "cedarview", MarketSegment.Desktop),
            ('S', 4, '1', '2') => ("saltwell", "centerton", MarketSegment.Server),
            (' ', 3, '2' or '3', _) => ("bonnell", "diamondville", MarketSegment.Desktop),
            _ => (null, null, MarketSegment.Unknown),
        };
        return new BrandInfo(CpuVendor.Intel, ProductLines.Atom, model, null, march, code, seg);
    }

    private static (string?, string?, MarketSegment) Z3(string digits) => digits[1] switch
    {
        '4' => ("silvermont", "merrifield", MarketSegment.Mobile),
        '5' => ("silvermont", "moorefield", MarketSegment.Mobile),
        _ => ("silvermont", "bay-trail", MarketSegment.Mobile),
    };

    // ---------------------------------------------------------------- Pentium / Celeron
    private static readonly FrozenDictionary<string, (string March, string Codename)> SocParts = BuildSocParts();

    private static FrozenDictionary<string, (string, string)> BuildSocParts()
    {
        var d = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        void Add(string march, string code, string list)
        {
            foreach (var n in list.Split(' '))
            {
                d[n] = (march, code);
            }
        }

        Add("silvermont", "bay-trail", "N2805 N2806 N2807 N2808 N2810 N2815 N2820 N2830 N2840 N2910 N2920 N2930 N2940 J1750 J1800 J1850 J1900 N3510 N3520 N3530 N3540 J2850 J2900");
        Add("airmont", "braswell", "N3000 N3010 N3050 N3060 N3150 N3160 J3060 J3160 N3700 N3710 J3710");
        Add("goldmont", "apollo-lake", "N3350 N3450 J3355 J3455 N4200 J4205 N3350E N3450E J3455E N4200E J3355E");
        Add("goldmont-plus", "gemini-lake", "N4000 N4100 J4005 J4105 N5000 J5005 N4020 N4120 J4025 J4125 N5030 J5040 N4000C N4020C N4120C N4500C");
        Add("tremont", "jasper-lake", "N4500 N4505 N5100 N5105 N6000 N6005");
        Add("tremont", "elkhart-lake", "J6412 J6413 N6210 N6211 J6426 N6415");
        return d.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static BrandInfo ParsePentiumCeleron(string c)
    {
        var line = c.Contains("CELERON", StringComparison.Ordinal) ? ProductLines.Celeron : ProductLines.Pentium;
        var m = PentiumModelRegex().Match(c);
        if (!m.Success)
        {
            string? march = null;
            if (c.Contains("PENTIUM 4", StringComparison.Ordinal) || c.Contains("PENTIUM D", StringComparison.Ordinal))
            {
                march = "netburst";
            }
            else if (c.Contains("PENTIUM M", StringComparison.Ordinal) || c.Contains("CELERON M", StringComparison.Ordinal))
            {
                march = "pentium-m";
            }

            return new BrandInfo(CpuVendor.Intel, line, null, null, march, null, MarketSegment.Unknown) { Note = "no model number" };
        }

        var n = m.Groups[2].Value;
        var tierWord = m.Groups[1].Value;
        var model = tierWord.Length > 0 ? $"{TitleCase(tierWord)} {n}" : n;
        if (SocParts.TryGetValue(n, out var soc))
        {
            var seg = soc.Codename == "elkhart-lake" || n.EndsWith('E') ? MarketSegment.Embedded
                : n[0] == 'J' ? MarketSegment.Desktop : MarketSegment.Mobile;
            return new BrandInfo(CpuVendor.Intel, line, model, null, soc.March, soc.Codename, seg);
        }

        var (march2, seg2) = PentiumCeleronMarch(n);
        return new BrandInfo(CpuVendor.Intel, line, model, null, march2, null, seg2);
    }

    private static (string? March, MarketSegment Segment) PentiumCeleronMarch(string n)
    {
        var letters = LeadingLetters(n);
        var digits = LeadingDigits(n[letters.Length..]);
        var suffix = n[(letters.Length + digits.Length)..];
        if (letters == "G")
        {
            string? march = digits.Length switch
            {
                3 => "sandy-bridge",
                4 => digits[..2] switch
                {
                    "16" or "20" or "21" => "ivy-bridge",
                    "18" or "32" or "34" or "33" => "haswell",
                    "39" => digits[2] is '0' or '1' or '2' ? "skylake" : "kaby-lake",
                    "44" => "skylake",
                    "45" => digits[2] is '0' or '1' or '2' ? "skylake" : "kaby-lake",
                    "46" => "kaby-lake",
                    "49" or "54" or "55" or "56" => "coffee-lake",
                    "59" or "64" or "65" or "66" => "comet-lake",
                    "69" => digits[2] == '5' || digits[2] == '6' ? "westmere" : "alder-lake",
                    "74" => "alder-lake",
                    _ => null,
                },
                _ => null,
            };
            return (march, MarketSegment.Desktop);
        }

        if (letters is "B")
        {
            return ("sandy-bridge", MarketSegment.Mobile);
        }

        if (letters is "P" or "U" && digits.Length == 4)
        {
            return ("westmere", MarketSegment.Mobile);
        }

        if (letters is "E" or "T" or "SU" or "" && digits.Length == 4 && letters.Length > 0)
        {
            var m = (letters, digits[0]) switch
            {
                ("E", '1' or '2') => "merom",
                ("E", '3' or '5' or '6') => "penryn",
                ("T", '1' or '2') => "merom",
                ("T", '3' or '4') => "penryn",
                ("SU", _) => "penryn",
                _ => null,
            };
            return (m, letters == "E" ? MarketSegment.Desktop : MarketSegment.Mobile);
        }

        if (letters.Length == 0 && digits.Length == 3)
        {
            return digits[0] switch
            {
                '8' or '7' when suffix.Length == 0 && digits != "743" && digits != "723" => ("sandy-bridge", MarketSegment.Mobile),
                '4' or '2' => ("merom", MarketSegment.Desktop),
                _ => (null, MarketSegment.Unknown),
            };
        }

        if (letters.Length == 0 && digits.Length == 4)
        {
            var seg = MarketSegment.Mobile;
            string? march = digits[..2] switch
            {
                "10" or "20" or "21" => "ivy-bridge",
                "29" or "35" => "haswell",
                "32" or "37" or "38" when digits is not ("3855" or "3865" or "3867") => "broadwell",
                "38" or "39" or "44" => digits is "3865" or "3867" or "3965" ? "kaby-lake" : "skylake",
                "43" when digits == "4305" => "whiskey-lake",
                "42" => "whiskey-lake",
                "54" => "whiskey-lake",
                "45" => "kaby-lake",
                "52" or "53" or "64" => "comet-lake",
                "63" or "75" => "tiger-lake",
                "73" or "85" => "alder-lake",
                _ => null,
            };
            if (digits is "4410" or "4415" or "4417")
            {
                march = "kaby-lake";
            }

            return (march, seg);
        }

        return (null, MarketSegment.Unknown);
    }

    // ---------------------------------------------------------------- Intel Processor N100 / 5Y70
    private static BrandInfo ParseIntelProcessor(string n)
    {
        if (n.StartsWith('N') && n.Length is >= 3 and <= 4 && char.IsAsciiDigit(n[1]))
        {
            return new BrandInfo(CpuVendor.Intel, ProductLines.IntelProcessor, n, null, "gracemont", "alder-lake-n", MarketSegment.Mobile);
        }

        if (YNumberRegex().Match(n) is { Success: true } y && y.Groups[1].Value == "5")
        {
            return new BrandInfo(CpuVendor.Intel, ProductLines.IntelProcessor, n, null, "broadwell", null, MarketSegment.Mobile);
        }

        if (n.StartsWith('U') && n.Length == 4)
        {
            return new BrandInfo(CpuVendor.Intel, ProductLines.IntelProcessor, n, null, "raptor-lake", null, MarketSegment.Mobile);
        }

        return new BrandInfo(CpuVendor.Intel, ProductLines.IntelProcessor, n, null, null, null, MarketSegment.Unknown) { Note = "unknown Intel Processor number" };
    }

    // ---------------------------------------------------------------- helpers
    internal static string SuffixOf(string n) => n[LeadingDigits(n).Length..];

    internal static string LeadingDigits(string s)
    {
        var i = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        return s[..i];
    }

    internal static string LeadingLetters(string s)
    {
        var i = 0;
        while (i < s.Length && char.IsAsciiLetter(s[i]))
        {
            i++;
        }

        return s[..i];
    }

    internal static string TitleCase(string upper) =>
        upper.Length == 0 ? upper : string.Concat(upper[..1], upper[1..].ToLowerInvariant());

    [GeneratedRegex(@"\b(\d{4})\b", RegexOptions.CultureInvariant)]
    private static partial Regex FourDigitRegex();

    [GeneratedRegex(@"\bXEON (?:CPU )?(BRONZE|SILVER|GOLD|PLATINUM) (?:CPU )?([1-9]\d{3}[A-Z]{0,2}\+?)(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex ScalableRegex();

    [GeneratedRegex(@"\bXEON (?:CPU )?MAX (9\d{3})\b", RegexOptions.CultureInvariant)]
    private static partial Regex XeonMaxRegex();

    [GeneratedRegex(@"\b(E[357])(?:- ?|(?=[1248]\d{3}))(L?\d{4}[A-Z]{0,2})(?: ?V([1-9]))?(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex E357Regex();

    [GeneratedRegex(@"\bE-(2\d{3}[A-Z]{0,3})(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex XeonERegex();

    [GeneratedRegex(@"\bD-([12]\d{3}[A-Z]{0,3})(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex XeonDRegex();

    [GeneratedRegex(@"\bW-(\d{4,5}[A-Z]{0,2})(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex XeonWRegex();

    [GeneratedRegex(@"\bW([3579])-(\d{4}[A-Z]{0,2})(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex XeonWxRegex();

    [GeneratedRegex(@"\bXEON ((6\d{3}[A-Z]{0,2})(?:-[A-Z])?)(?![A-Z0-9-])", RegexOptions.CultureInvariant)]
    private static partial Regex Xeon6Regex();

    [GeneratedRegex(@"\bXEON (?:CPU )?(X|E|L|W|EC|LC)?([3567]\d{3})[A-Z]?(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex XeonLegacyRegex();

    [GeneratedRegex(@"^INTEL XEON(?: CPU)?(?: PROCESSOR)?$", RegexOptions.CultureInvariant)]
    private static partial Regex HiddenXeonRegex();

    [GeneratedRegex(@"\bCORE ULTRA (X?[3579]) ([1-9]\d{2}[A-Z]{0,2})(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex CoreUltraRegex();

    [GeneratedRegex(@"\bCORE I([3579]) CPU (?:([A-Z]) )?(\d{3})(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex Core1stGenRegex();

    [GeneratedRegex(@"\bCORE (I[3579]|M[357]?)[- ]([A-Z]?\d[0-9A-Z]{1,7})(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex CoreIRegex();

    [GeneratedRegex(@"\bCORE ?2 (?:DUO |QUAD |EXTREME |SOLO )?CPU ([A-Z]{0,2}\d{3,4})(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex Core2Regex();

    [GeneratedRegex(@"\bCORE ([3579]) (N?[1-9]\d{2}[A-Z]{0,3})(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex CoreSeriesRegex();

    [GeneratedRegex(@"^([5-9])Y\d{2}C?$", RegexOptions.CultureInvariant)]
    private static partial Regex YNumberRegex();

    [GeneratedRegex(@"\bATOM (?:CPU |PROCESSOR )?X([57])-([A-Z]\d{4}[A-Z]?)(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex AtomXRegex();

    [GeneratedRegex(@"\bATOM (?:CPU |PROCESSOR )?X(6\d{3}[A-Z]{0,2})(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex AtomX6Regex();

    [GeneratedRegex(@"\bATOM (?:CPU |PROCESSOR )?([CEZNDPS]?\d{3,4}[A-Z]?)(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex AtomModelRegex();

    [GeneratedRegex(@"\b(?:PENTIUM|CELERON)(?: (GOLD|SILVER))?(?: DUAL-CORE| DUAL)?(?: CPU| PROCESSOR)? ([A-Z]{0,2}\d{3,4}[A-Z]{0,2})(?![A-Z0-9.])", RegexOptions.CultureInvariant)]
    private static partial Regex PentiumModelRegex();

    [GeneratedRegex(@"^INTEL (?:PROCESSOR )?([A-Z]?\d[0-9A-Z]{1,5})(?: CPU| PROCESSOR)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IntelProcessorRegex();
}
