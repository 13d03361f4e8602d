using System.Collections.Frozen;
using System.Globalization;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Identification;

/// <summary>
/// CPUID display family/model/stepping to microarchitecture, following the Linux kernel's
/// <c>arch/x86/include/asm/intel-family.h</c> names and the AMD Zen ranges of <c>bsp_init_amd</c>
/// (see docs/reference/cpu-identification.md §4).
/// </summary>
internal static class SignatureDecoder
{
    // Codename: the one platform the model number names; null with Codenames when one model covers several platforms
    // (the brand string then decides, see CpuIdentifier).
    private sealed record IntelModel(string March, string? Codename, string? HiddenLine = null, int? HiddenGeneration = null, string[]? Codenames = null);

    private static readonly FrozenDictionary<int, IntelModel> IntelFamily6 = new Dictionary<int, IntelModel>
    {
        [0x09] = new("pentium-m", "banias"),
        [0x0D] = new("pentium-m", "dothan"),
        [0x0E] = new("yonah", null),
        [0x0F] = new("merom", null, ProductLines.XeonLegacy),
        [0x16] = new("merom", null),
        [0x17] = new("penryn", null, ProductLines.XeonLegacy),
        [0x1D] = new("penryn", "dunnington", ProductLines.XeonLegacy),
        [0x1A] = new("nehalem", "nehalem-ep", ProductLines.XeonLegacy),
        [0x1E] = new("nehalem", null),
        [0x1F] = new("nehalem", null),
        [0x2E] = new("nehalem", "nehalem-ex", ProductLines.XeonLegacy),
        [0x25] = new("westmere", null),
        [0x2C] = new("westmere", "westmere-ep", ProductLines.XeonLegacy),
        [0x2F] = new("westmere", "westmere-ex", ProductLines.XeonE7, 1),
        [0x2A] = new("sandy-bridge", null),
        [0x2D] = new("sandy-bridge", "sandy-bridge-ep", ProductLines.XeonE5, 1),
        [0x3A] = new("ivy-bridge", null),
        [0x3E] = new("ivy-bridge", "ivy-bridge-ep", ProductLines.XeonE5, 2),
        [0x3C] = new("haswell", null),
        [0x45] = new("haswell", null),
        [0x46] = new("haswell", null),
        [0x3F] = new("haswell", "haswell-ep", ProductLines.XeonE5, 3),
        [0x3D] = new("broadwell", null),
        [0x47] = new("broadwell", null),
        [0x4F] = new("broadwell", "broadwell-ep", ProductLines.XeonE5, 4),
        [0x56] = new("broadwell", "broadwell-de", ProductLines.XeonD),
        [0x4E] = new("skylake", null),
        [0x5E] = new("skylake", null),
        [0x66] = new("cannon-lake", null),
        [0x6A] = new("ice-lake", "ice-lake-sp", ProductLines.XeonScalable, 3),
        [0x6C] = new("ice-lake", "ice-lake-d", ProductLines.XeonD),
        [0x7D] = new("ice-lake", null),
        [0x7E] = new("ice-lake", null),
        [0x9D] = new("ice-lake", null),
        [0xA5] = new("comet-lake", null),
        [0xA6] = new("comet-lake", null),
        [0x8C] = new("tiger-lake", null),
        [0x8D] = new("tiger-lake", null),
        [0xA7] = new("rocket-lake", null),
        [0x8A] = new("lakefield", null),
        [0x97] = new("alder-lake", null),
        [0x9A] = new("alder-lake", null),
        [0xB7] = new("raptor-lake", null),
        [0xBA] = new("raptor-lake", null),
        [0xBF] = new("raptor-lake", null),
        [0xAA] = new("meteor-lake", null),
        [0xAC] = new("meteor-lake", null),
        [0xB5] = new("arrow-lake", null),
        [0xC5] = new("arrow-lake", null),
        [0xC6] = new("arrow-lake", null),
        [0xBD] = new("lunar-lake", null),
        [0xCC] = new("panther-lake", null),
        [0xD5] = new("wildcat-lake", null),
        [0xD7] = new("bartlett-lake", null),
        [0x8F] = new("sapphire-rapids", "sapphire-rapids-sp", ProductLines.XeonScalable, 4),
        [0xCF] = new("emerald-rapids", "emerald-rapids-sp", ProductLines.XeonScalable, 5),
        [0xAD] = new("granite-rapids", null, ProductLines.Xeon6, Codenames: ["granite-rapids-sp", "granite-rapids-ap"]),
        [0xAE] = new("granite-rapids", "granite-rapids-d", ProductLines.Xeon6),
        [0xAF] = new("sierra-forest", "sierra-forest", ProductLines.Xeon6),
        [0xDD] = new("clearwater-forest", "clearwater-forest", ProductLines.Xeon6),
        [0x1C] = new("bonnell", null),
        [0x26] = new("bonnell", "lincroft"),
        [0x36] = new("saltwell", "cedarview"),
        [0x27] = new("saltwell", "medfield"),
        [0x35] = new("saltwell", "cloverview"),
        [0x37] = new("silvermont", "bay-trail"),
        [0x4D] = new("silvermont", "avoton"),
        [0x4A] = new("silvermont", "merrifield"),
        [0x5A] = new("silvermont", "moorefield"),
        [0x4C] = new("airmont", null, Codenames: ["braswell", "cherry-trail"]),
        [0x75] = new("airmont", "lightning-mountain"),
        [0x5C] = new("goldmont", "apollo-lake"),
        [0x5F] = new("goldmont", "denverton"),
        [0x7A] = new("goldmont-plus", "gemini-lake"),
        [0x86] = new("tremont", null, Codenames: ["snow-ridge", "jacobsville", "parker-ridge"]),
        [0x96] = new("tremont", "elkhart-lake"),
        [0x9C] = new("tremont", "jasper-lake"),
        [0xBE] = new("gracemont", "alder-lake-n"),
        [0xB6] = new("crestmont", "grand-ridge"),
        [0x57] = new("knights-landing", "knights-landing"),
        [0x85] = new("knights-mill", "knights-mill"),
    }.ToFrozenDictionary();

    public static SignatureInfo Decode(CpuVendor vendor, CpuSignature signature)
    {
        var (family, model, stepping) = (signature.Family, signature.Model, signature.Stepping);
        if (family is < 0 or > 0x2FF || model is < 0 or > 0xFFF || stepping is < 0 or > 0xFF)
        {
            return SignatureInfo.Unknown(string.Create(CultureInfo.InvariantCulture, $"signature {family}/{model}/{stepping} is out of range"));
        }

        var text = signature.ToString();
        return vendor switch
        {
            CpuVendor.Intel => DecodeIntel(family, model, stepping, text),
            CpuVendor.Amd => DecodeAmd(family, model, text),
            CpuVendor.Hygon => family == 0x18
                ? SignatureInfo.Of("zen", "dhyana", $"{text} is Hygon Dhyana (Zen-derived, family 18h)")
                : SignatureInfo.Unknown($"{text} is not a known Hygon signature"),
            _ => SignatureInfo.Unknown($"{text} cannot be decoded without a known vendor"),
        };
    }

    private static SignatureInfo DecodeIntel(int family, int model, int? stepping, string text)
    {
        if (family == 0xF)
        {
            return SignatureInfo.Of("netburst", null, $"{text} is NetBurst (Pentium 4 / Pentium D / old Xeon)");
        }

        if (family == 0xB)
        {
            return SignatureInfo.Of("knights-corner", "knights-corner", $"{text} is Xeon Phi Knights Corner");
        }

        if (family != 6)
        {
            return SignatureInfo.Unknown($"Intel family {family:X2}h is not in the table");
        }

        switch (model)
        {
            case 0x55:
                return stepping switch
                {
                    null => SignatureInfo.Unknown($"{text} without a stepping is Skylake-SP, Cascade Lake or Cooper Lake"),
                    <= 4 => new SignatureInfo("skylake", ["skylake"], "skylake-sp", ["skylake-sp", "skylake-x", "skylake-w", "skylake-d"],
                        $"{text} (stepping ≤ 4) is Skylake-SP/X/W/D")
                    { HiddenXeonLine = ProductLines.XeonScalable, HiddenXeonGeneration = 1 },
                    >= 5 and <= 7 => new SignatureInfo("cascade-lake", ["cascade-lake"], "cascade-lake-sp", ["cascade-lake-sp", "cascade-lake-x", "cascade-lake-w", "cascade-lake-ap"],
                        $"{text} (stepping 5–7) is Cascade Lake")
                    { HiddenXeonLine = ProductLines.XeonScalable, HiddenXeonGeneration = 2 },
                    10 or 11 => new SignatureInfo("cooper-lake", ["cooper-lake"], "cooper-lake-sp", ["cooper-lake-sp"], $"{text} (stepping 10–11) is Cooper Lake")
                    { HiddenXeonLine = ProductLines.XeonScalable, HiddenXeonGeneration = 3 },
                    _ => SignatureInfo.Unknown($"{text}: stepping {stepping} of model 55h is not a known Skylake/Cascade Lake/Cooper Lake stepping"),
                };
            case 0x8E:
                return stepping switch
                {
                    null => SignatureInfo.Unknown($"{text} without a stepping is Kaby Lake, Amber Lake, Whiskey Lake or Comet Lake"),
                    9 => new SignatureInfo("kaby-lake", ["kaby-lake", "amber-lake"], null, [], $"{text} (stepping 9) is Kaby Lake-U/Y or Amber Lake-Y"),
                    10 => new SignatureInfo("kaby-lake", ["kaby-lake", "coffee-lake"], null, [], $"{text} (stepping A) is Kaby Lake-R or Coffee Lake-U"),
                    11 => new SignatureInfo("whiskey-lake", ["whiskey-lake", "amber-lake"], null, [], $"{text} (stepping B) is Whiskey Lake (or Amber Lake)"),
                    12 => new SignatureInfo("comet-lake", ["comet-lake", "whiskey-lake", "amber-lake"], null, [], $"{text} (stepping C) is Whiskey Lake, Comet Lake-U or Amber Lake"),
                    _ => SignatureInfo.Unknown($"{text}: stepping {stepping} of model 8Eh is not in the table"),
                };
            case 0x9E:
                return stepping switch
                {
                    null => SignatureInfo.Unknown($"{text} without a stepping is Kaby Lake or Coffee Lake"),
                    9 => SignatureInfo.Of("kaby-lake", null, $"{text} (stepping 9) is Kaby Lake-S/H/G/X or Xeon E3 v6"),
                    >= 10 and <= 13 => SignatureInfo.Of("coffee-lake", null, $"{text} (stepping A–D) is Coffee Lake"),
                    _ => SignatureInfo.Unknown($"{text}: stepping {stepping} of model 9Eh is not in the table"),
                };
            default:
                break;
        }

        if (!IntelFamily6.TryGetValue(model, out var entry))
        {
            return SignatureInfo.Unknown($"Intel model {text} is not in the table");
        }

        var codenames = entry.Codenames ?? (entry.Codename is null ? [] : [entry.Codename]);
        return new SignatureInfo(entry.March, [entry.March], entry.Codename, codenames, $"{text} is {entry.March}")
        {
            HiddenXeonLine = entry.HiddenLine,
            HiddenXeonGeneration = entry.HiddenGeneration,
        };
    }

    private static SignatureInfo DecodeAmd(int family, int model, string text)
    {
        switch (family)
        {
            case 0x17:
                if (model is 0x08 or 0x18)
                {
                    return SignatureInfo.Of("zen+", null, $"{text} is Zen+ (12 nm)");
                }

                if (model is (>= 0x00 and <= 0x2F) or (>= 0x50 and <= 0x5F))
                {
                    return SignatureInfo.Of("zen", null, $"{text} is Zen");
                }

                if (model is (>= 0x30 and <= 0x4F) or (>= 0x60 and <= 0x7F) or 0x90 or 0x91 or (>= 0xA0 and <= 0xAF))
                {
                    return SignatureInfo.Of("zen2", null, $"{text} is Zen 2");
                }

                return SignatureInfo.Unknown($"AMD family 17h model {model:X2}h is not in the table");
            case 0x19:
                if (model is (>= 0x00 and <= 0x0F) or (>= 0x20 and <= 0x5F))
                {
                    return SignatureInfo.Of("zen3", null, $"{text} is Zen 3");
                }

                if (model is (>= 0x10 and <= 0x1F) or (>= 0x60 and <= 0xAF))
                {
                    return SignatureInfo.Of("zen4", null, $"{text} is Zen 4");
                }

                return SignatureInfo.Unknown($"AMD family 19h model {model:X2}h is not in the table");
            case 0x1A:
                return SignatureInfo.Of("zen5", null, $"{text} is Zen 5 (family 1Ah)");
            case 0x18:
                return SignatureInfo.Of("zen", "dhyana", $"{text} is Hygon Dhyana (Zen-derived)");
            case 0x16:
                return SignatureInfo.Of("jaguar", null, $"{text} is Jaguar/Puma (family 16h)");
            case 0x15:
                return model switch
                {
                    <= 0x01 => SignatureInfo.Of("bulldozer", null, $"{text} is Bulldozer"),
                    0x02 or (>= 0x10 and <= 0x1F) => SignatureInfo.Of("piledriver", null, $"{text} is Piledriver"),
                    >= 0x30 and <= 0x3F => SignatureInfo.Of("steamroller", null, $"{text} is Steamroller"),
                    >= 0x60 and <= 0x7F => SignatureInfo.Of("excavator", null, $"{text} is Excavator"),
                    _ => SignatureInfo.Unknown($"AMD family 15h model {model:X2}h is not in the table"),
                };
            case 0x14:
                return SignatureInfo.Of("bobcat", null, $"{text} is Bobcat (family 14h)");
            case 0x12:
                return SignatureInfo.Of("k10", "llano", $"{text} is Llano (K10-based, family 12h)");
            case 0x11:
                return SignatureInfo.Of("k8", "griffin", $"{text} is Griffin (K8-based, family 11h)");
            case 0x10:
                return SignatureInfo.Of("k10", null, $"{text} is K10 (family 10h)");
            case 0x0F:
                return SignatureInfo.Of("k8", null, $"{text} is K8 (family 0Fh)");
            default:
                return SignatureInfo.Unknown($"AMD family {family:X2}h is not in the table");
        }
    }
}
