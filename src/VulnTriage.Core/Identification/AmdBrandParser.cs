using System.Text.RegularExpressions;

namespace VulnTriage.Core.Identification;

/// <summary>Parses AMD, Hygon, VIA and Zhaoxin brand strings (cleaned form, see <see cref="BrandText.Clean"/>).</summary>
internal static partial class AmdBrandParser
{
    public static BrandInfo Parse(string c)
    {
        if (EpycRegex().Match(c) is { Success: true } e)
        {
            return Epyc(e.Groups[1].Value);
        }

        if (ThreadripperRegex().Match(c) is { Success: true } tr)
        {
            return Threadripper(tr.Groups[1].Success && tr.Groups[1].Length > 0, tr.Groups[2].Value);
        }

        if (c.Contains("RYZEN", StringComparison.Ordinal))
        {
            return Ryzen(c);
        }

        if (c.Contains("ATHLON", StringComparison.Ordinal))
        {
            return Athlon(c);
        }

        if (c.Contains("OPTERON", StringComparison.Ordinal))
        {
            return Opteron(c);
        }

        if (c.Contains("ENG SAMPLE", StringComparison.Ordinal) || c.Contains("ENGINEERING SAMPLE", StringComparison.Ordinal)
            || c.Contains("MODEL UNKNOWN", StringComparison.Ordinal) || c.Contains("HAMMER FAMILY", StringComparison.Ordinal))
        {
            return BrandInfo.None(CpuVendor.Amd) with { Generic = true, Note = "AMD engineering-sample or generic brand string" };
        }

        if (c.Contains("CUSTOM APU 0405", StringComparison.Ordinal) || c.Contains("CUSTOM APU 0932", StringComparison.Ordinal))
        {
            return new BrandInfo(CpuVendor.Amd, null, "Custom APU " + c[^4..], null, "zen2", "van-gogh", MarketSegment.Mobile);
        }

        return Legacy(c);
    }

    private static BrandInfo Epyc(string n)
    {
        var last = n[3];
        int? gen = last is >= '1' and <= '5' ? last - '0' : null;
        var march = gen switch { 1 => "zen", 2 => "zen2", 3 => "zen3", 4 => "zen4", 5 => "zen5", _ => null };
        var x = n.Length > 4 && n[4..].Contains('X', StringComparison.Ordinal);
        string? code = (n[0], gen) switch
        {
            ('7', 1) => "naples",
            ('3', 1) => "snowy-owl",
            ('7', 2) => "rome",
            ('7', 3) => x ? "milan-x" : "milan",
            ('9', 4) => n[1] == '7' ? "bergamo" : x ? "genoa-x" : "genoa",
            ('8', 4) => "siena",
            ('4', 4) => "raphael",
            ('9', 5) => "turin",
            _ => null,
        };
        return new BrandInfo(CpuVendor.Amd, ProductLines.Epyc, n, gen, march, code, MarketSegment.Server);
    }

    private static BrandInfo Threadripper(bool pro, string n)
    {
        var series = n[0] - '0';
        (string? march, string? code) = series switch
        {
            1 => ("zen", "whitehaven"),
            2 => ("zen+", "colfax"),
            3 => ("zen2", "castle-peak"),
            5 => ("zen3", "chagall"),
            7 => ("zen4", "storm-peak"),
            9 => ("zen5", "shimada-peak"),
            _ => (null, null),
        };
        return new BrandInfo(CpuVendor.Amd, ProductLines.Threadripper, pro ? "PRO " + n : n, march is null ? null : series, march, code, MarketSegment.Desktop);
    }

    private static BrandInfo Ryzen(string c)
    {
        var start = c.IndexOf("RYZEN", StringComparison.Ordinal) + 5;
        var tokens = c[start..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var parts = new List<string>(6);
        string? number = null;
        var ai = false;
        var embedded = false;
        var z = false;
        foreach (var t in tokens)
        {
            if (t is "WITH" or "W/" or "PROCESSOR" or "RADEON" or "MOBILE" or "CREATOR" || t.EndsWith("-CORE", StringComparison.Ordinal) || t.EndsWith("-CORES", StringComparison.Ordinal) || parts.Count >= 6
                || !ModelTokenRegex().IsMatch(t))
            {
                break;
            }

            ai |= t == "AI";
            embedded |= t == "EMBEDDED";
            z |= t.Length == 2 && t[0] == 'Z' && char.IsAsciiDigit(t[1]);
            if (number is null && t.Length >= 3 && char.IsAsciiDigit(t[0]) && char.IsAsciiDigit(t[1]))
            {
                number = t;
            }
            else if (number is null && embedded && t.Length >= 5 && t[0] is 'V' or 'R' && char.IsAsciiDigit(t[1]))
            {
                number = t;
            }

            parts.Add(t switch
            {
                "EXTREME" => "Extreme",
                "EMBEDDED" => "Embedded",
                "MAX" => "Max",
                "MAX+" => "Max+",
                _ => t,
            });
        }

        var model = parts.Count > 0 ? string.Join(' ', parts) : null;
        if (z)
        {
            var march = model is not null && model.StartsWith("Z1", StringComparison.Ordinal) ? "zen4" : model == "Z2 Extreme" ? "zen5" : null;
            return new BrandInfo(CpuVendor.Amd, ProductLines.Ryzen, model, null, march, null, MarketSegment.Mobile);
        }

        if (number is null)
        {
            return new BrandInfo(CpuVendor.Amd, ProductLines.Ryzen, model, null, null, null, MarketSegment.Unknown) { Note = "Ryzen brand string without a model number" };
        }

        if (embedded)
        {
            var march = number[..2] switch { "V1" or "R1" => "zen", "R2" => "zen+", "V2" => "zen2", "V3" => "zen3", _ => null };
            return new BrandInfo(CpuVendor.Amd, ProductLines.Ryzen, model, null, march, null, MarketSegment.Embedded);
        }

        if (ai)
        {
            return new BrandInfo(CpuVendor.Amd, ProductLines.Ryzen, model, null, number[0] == '3' ? "zen5" : null, null, MarketSegment.Mobile);
        }

        var digits = IntelBrandParser.LeadingDigits(number);
        var suffix = number[digits.Length..];
        if (digits.Length != 4)
        {
            return new BrandInfo(CpuVendor.Amd, ProductLines.Ryzen, model, null, null, null, MarketSegment.Unknown) { Note = "Ryzen model number not in the expected form" };
        }

        var series = digits[0] - '0';
        var apu = suffix.StartsWith('G') || suffix.StartsWith('U') || suffix.StartsWith('H') || suffix.StartsWith('C');
        string? m = series switch
        {
            1 => "zen",
            2 => apu ? "zen" : "zen+",
            3 => digits is "3250" or "3050" ? "zen" : apu ? "zen+" : "zen2",
            4 => "zen2",
            5 => suffix == "U" && digits is "5300" or "5500" or "5700" ? "zen2" : "zen3",
            6 => "zen3",
            7 => digits[2] switch { '2' => "zen2", '3' => "zen3", '4' or '0' or '5' => "zen4", _ => null },
            8 => "zen4",
            9 => "zen5",
            _ => null,
        };
        var seg = suffix.StartsWith('U') || suffix.StartsWith('H') || suffix.StartsWith('C') ? MarketSegment.Mobile : MarketSegment.Desktop;
        var info = new BrandInfo(CpuVendor.Amd, ProductLines.Ryzen, model, m is null ? null : series, m, null, seg);
        return digits is "1600" or "1200" && suffix.Length == 0 ? info with { MarchAlternatives = ["zen+"] } : info;
    }

    private static BrandInfo Athlon(string c)
    {
        var num = AthlonNumberRegex().Match(c);
        var n = num.Success ? num.Groups[1].Value : null;
        string? march;
        var seg = MarketSegment.Desktop;
        if (c.Contains("ATHLON 64", StringComparison.Ordinal) || c.Contains("ATHLON NEO", StringComparison.Ordinal) || c.Contains("ATHLON X2 DUAL", StringComparison.Ordinal)
            || c.Contains("ATHLON DUAL CORE", StringComparison.Ordinal))
        {
            march = "k8";
        }
        else if (c.Contains("ATHLON II", StringComparison.Ordinal))
        {
            march = "k10";
        }
        else if (c.Contains("ATHLON XP", StringComparison.Ordinal) || c.Contains("ATHLON MP", StringComparison.Ordinal) || n is null)
        {
            march = "k7";
        }
        else
        {
            var d = IntelBrandParser.LeadingDigits(n);
            var suffix = n[d.Length..];
            march = (d.Length, d.Length > 0 ? d[0] : ' ') switch
            {
                (3, '2' or '3') when suffix.StartsWith('G') || suffix.StartsWith('U') => "zen",
                (4, '3') => "zen",
                (4, '7') when suffix.StartsWith('U') => "zen2",
                (4, '7') => "k10",
                (4, '5') => "jaguar",
                _ => null,
            };
            if (suffix.StartsWith('U') || suffix == "E")
            {
                // U parts and the 6 W "e" parts (Athlon Silver 3050e) are notebook processors.
                seg = MarketSegment.Mobile;
            }
        }

        return new BrandInfo(CpuVendor.Amd, ProductLines.Athlon, n, null, march, null, seg);
    }

    private static BrandInfo Opteron(string c)
    {
        var m = OpteronNumberRegex().Match(c);
        if (!m.Success)
        {
            return new BrandInfo(CpuVendor.Amd, ProductLines.Opteron, null, null, null, null, MarketSegment.Server) { Note = "Opteron without a model number" };
        }

        var n = m.Groups[1].Value;
        string? march;
        if (n[0] == 'X')
        {
            march = n[1] == '2' ? "jaguar" : n[1] == '3' ? "excavator" : null;
        }
        else if (n.Length == 3)
        {
            march = "k8";
        }
        else
        {
            march = (n[0], n[1]) switch
            {
                ('1' or '2' or '8', '2') => "k8",
                ('1' or '2' or '8', '3' or '4') => "k10",
                ('4' or '6', '1') => "k10",
                ('4' or '6' or '3', '2') => "bulldozer",
                ('4' or '6' or '3', '3') => "piledriver",
                _ => null,
            };
        }

        return new BrandInfo(CpuVendor.Amd, ProductLines.Opteron, n, null, march, null, MarketSegment.Server);
    }

    private static BrandInfo Legacy(string c)
    {
        if (FxRegex().Match(c) is { Success: true } fx)
        {
            var n = fx.Groups[1].Value;
            var march = n.EndsWith('P') ? (n[0] == '7' ? "steamroller" : "excavator") : n[1] == '1' ? "bulldozer" : "piledriver";
            var code = march switch { "bulldozer" => "zambezi", "piledriver" => "vishera", _ => null };
            return new BrandInfo(CpuVendor.Amd, ProductLines.AmdLegacy, "FX-" + n, null, march, code, n.EndsWith('P') ? MarketSegment.Mobile : MarketSegment.Desktop);
        }

        if (ASeriesRegex().Match(c) is { Success: true } a)
        {
            var pro = a.Groups[1].Length > 0 || a.Groups[3].Length > 0;
            var n = a.Groups[4].Value;
            var d = n[..4];
            var march = d[0] switch
            {
                '3' => "k10",
                '4' or '5' or '6' => d is "5000" or "5100" or "5150" or "5200" or "5350" or "6210" or "6310" or "6410" ? "jaguar" : "piledriver",
                '7' => d is "7210" or "7310" or "7410" ? "jaguar" : d is "7480" or "7680" ? "excavator" : "steamroller", // A6-7480/A8-7680: Carrizo (family 15h model 60h) on FM2+
                '8' or '9' => "excavator",
                _ => null,
            };
            // M/P: notebook parts. B (PRO business parts) is both: Kaveri PRO A6-7050B/A8-7150B/A10-7350B and Carrizo
            // PRO A6-8500B…A12-8800B are FP3/FP4 notebook APUs; PRO A8-7600B/A10-7800B/7850B and A8-8650B/A10-8750B/8850B
            // are FM2+ desktop parts.
            var mobile = n.Length > 4 && (n[4] is 'M' or 'P'
                || (n[4] == 'B' && ((d[0] == '7' && d[1] <= '3') || (d[0] == '8' && d[2] == '0'))));
            var seg = mobile ? MarketSegment.Mobile : MarketSegment.Desktop;
            var model = $"{(pro ? "PRO " : "")}A{a.Groups[2].Value}-{n}";
            return new BrandInfo(CpuVendor.Amd, ProductLines.AmdLegacy, model, null, march, null, seg);
        }

        if (c.Contains("PHENOM", StringComparison.Ordinal))
        {
            var num = PhenomRegex().Match(c);
            return new BrandInfo(CpuVendor.Amd, ProductLines.AmdLegacy, num.Success ? num.Groups[1].Value : null, null, "k10", null, MarketSegment.Desktop);
        }

        if (c.Contains("TURION", StringComparison.Ordinal))
        {
            var march = c.Contains("TURION II", StringComparison.Ordinal) ? "k10" : "k8";
            return new BrandInfo(CpuVendor.Amd, ProductLines.AmdLegacy, null, null, march, null, MarketSegment.Mobile);
        }

        if (c.Contains("SEMPRON", StringComparison.Ordinal))
        {
            var march = c.Contains('+', StringComparison.Ordinal) ? "k8"
                : c.Contains("APU", StringComparison.Ordinal) ? "jaguar"
                : SempronK10Regex().IsMatch(c) ? "k10"
                : null;
            return new BrandInfo(CpuVendor.Amd, ProductLines.AmdLegacy, null, null, march, null, MarketSegment.Desktop);
        }

        if (c.Contains("DURON", StringComparison.Ordinal) || c.Contains("AMD K7", StringComparison.Ordinal))
        {
            return new BrandInfo(CpuVendor.Amd, ProductLines.AmdLegacy, null, null, "k7", null, MarketSegment.Desktop);
        }

        if (c.Contains("AMD-K5", StringComparison.Ordinal) || c.Contains("AMD-K6", StringComparison.Ordinal))
        {
            return new BrandInfo(CpuVendor.Amd, ProductLines.AmdLegacy, null, null, null, null, MarketSegment.Unknown);
        }

        if (c.StartsWith("GEODE", StringComparison.Ordinal))
        {
            return new BrandInfo(CpuVendor.Amd, ProductLines.AmdLegacy, null, null, null, null, MarketSegment.Embedded);
        }

        if (SmallApuRegex().Match(c) is { Success: true } e)
        {
            var prefix = e.Groups[1].Value;
            var n = e.Groups[2].Value;
            var march = prefix switch
            {
                "C" or "G" => "bobcat",
                "E" => "bobcat",
                "GX" => "jaguar",
                "E1" or "E2" => n[0] switch { '1' => "bobcat", '2' or '6' or '7' => "jaguar", '9' => "excavator", _ => null },
                _ => null,
            };
            if (prefix == "E2" && n.StartsWith("3000", StringComparison.Ordinal))
            {
                march = "k10";
            }

            var seg = prefix is "GX" or "G" ? MarketSegment.Embedded : MarketSegment.Mobile;
            return new BrandInfo(CpuVendor.Amd, ProductLines.AmdLegacy, $"{prefix}-{n}", null, march, null, seg);
        }

        return BrandInfo.None(CpuVendor.Amd) with { Note = "AMD brand string without a recognised product line" };
    }

    public static BrandInfo Hygon(string c)
    {
        var m = HygonRegex().Match(c);
        if (!m.Success)
        {
            return new BrandInfo(CpuVendor.Hygon, ProductLines.Hygon, null, null, null, null, MarketSegment.Unknown) { Note = "Hygon brand string without a model number" };
        }

        string n;
        int? gen;
        if (m.Groups[1].Success)
        {
            n = m.Groups[1].Value;
            gen = n[1] - '0';
        }
        else
        {
            gen = m.Groups[2].Value[0] - '0';
            n = m.Groups[3].Success ? m.Groups[3].Value : $"C86-{gen}G";
        }

        var seg = n[0] is '7' or '5' ? MarketSegment.Server : n[0] == '3' ? MarketSegment.Desktop : MarketSegment.Unknown;
        return new BrandInfo(CpuVendor.Hygon, ProductLines.Hygon, n, gen, "zen", "dhyana", seg);
    }

    public static BrandInfo Via(string c)
    {
        var m = ViaModelRegex().Match(c);
        var n = m.Success ? m.Groups[1].Value : null;
        string? march = c.Contains("NANO", StringComparison.Ordinal) || c.Contains("QUADCORE", StringComparison.Ordinal) || c.Contains("EDEN X", StringComparison.Ordinal) ? "isaiah"
            : c.Contains("C7", StringComparison.Ordinal) || c.Contains("ESTHER", StringComparison.Ordinal) ? "esther"
            : c.Contains("NEHEMIAH", StringComparison.Ordinal) ? "nehemiah"
            : null;
        return new BrandInfo(CpuVendor.Via, ProductLines.Via, n, null, march, null, MarketSegment.Unknown);
    }

    public static BrandInfo Zhaoxin(string c)
    {
        var m = ZhaoxinRegex().Match(c);
        if (!m.Success)
        {
            return new BrandInfo(CpuVendor.Zhaoxin, ProductLines.Zhaoxin, null, null, null, null, MarketSegment.Unknown) { Note = "Zhaoxin brand string without a model number" };
        }

        var kind = m.Groups[1].Value;
        var n = m.Groups[2].Value;
        var digits = IntelBrandParser.LeadingDigits(n.TrimStart('U'));
        var series = digits.Length > 0 ? digits[0] : ' ';
        string? march = (kind, series) switch
        {
            ("KX", '5') or ("KH", '2') => "wudaokou",
            ("KX", '6') or ("KH", '3') => "lujiazui",
            ("KH", '4') => "yongfeng",
            ("KX", '7') => "century-avenue", // KX-7000 (2023): Century Avenue core, CPUID 7/6Bh; KH-40000 is YongFeng (7/5Bh)
            _ => null,
        };
        return new BrandInfo(CpuVendor.Zhaoxin, ProductLines.Zhaoxin, $"{kind}-{n}", null, march, march, kind == "KH" ? MarketSegment.Server : MarketSegment.Desktop);
    }

    [GeneratedRegex(@"\bEPYC (\d[0-9A-Z]{2}\d[A-Z]{0,2})(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex EpycRegex();

    [GeneratedRegex(@"\bTHREADRIPPER (PRO )?(\d{4}[A-Z]{0,2})(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex ThreadripperRegex();

    [GeneratedRegex(@"\b(\d{3,4}[A-Z]{0,2}\+?|[A-Z]{2}-\d{4}[A-Z]?)(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex AthlonNumberRegex();

    [GeneratedRegex(@"\bOPTERON (?:PROCESSOR )?(X\d{4}|\d{3,4})(?![0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex OpteronNumberRegex();

    [GeneratedRegex(@"\bFX-(\d{4}[A-Z]?)(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex FxRegex();

    [GeneratedRegex(@"\b(PRO )?A(4|6|8|9|10|12)( PRO)?-(\d{4}[A-Z]?)(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex ASeriesRegex();

    [GeneratedRegex(@"\b([A-Z]?\d{3,4}[A-Z]?)\b", RegexOptions.CultureInvariant)]
    private static partial Regex PhenomRegex();

    [GeneratedRegex(@"\b(E1|E2|E|C|GX|G)-(T?\d{2,4}[A-Z]{0,2})(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex SmallApuRegex();

    [GeneratedRegex(@"^[A-Z0-9+]{1,12}$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelTokenRegex();

    [GeneratedRegex(@"\bSEMPRON (?:PROCESSOR )?1\d{2}\b", RegexOptions.CultureInvariant)]
    private static partial Regex SempronK10Regex();

    [GeneratedRegex(@"\bHYGON C86(?: (\d{4})|-(\d)G(?: \(OPN:(\d{4})\))?)", RegexOptions.CultureInvariant)]
    private static partial Regex HygonRegex();

    [GeneratedRegex(@"\b([LUCE]\d{4}[A-Z]?)(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex ViaModelRegex();

    [GeneratedRegex(@"\b(KX|KH)-(U?\d{4,5}[A-Z]{0,2})", RegexOptions.CultureInvariant)]
    private static partial Regex ZhaoxinRegex();
}
