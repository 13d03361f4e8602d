using System.Globalization;
using System.Text.RegularExpressions;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Cpe;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Versions;

namespace VulnTriage.Advisories.Nvd;

/// <summary>What one NVD match criterion is, for a host triage.</summary>
internal enum CpeRole
{
    /// <summary>A processor (<c>h:intel:xeon_gold_6248</c>, <c>h:intel:core_i7:8700k</c>, <c>h:amd:epyc_7502</c>): a <c>cpu.cpe</c> criterion.</summary>
    Processor,

    /// <summary>Intel ME/SPS/TXE (or AMT) firmware with versions: a firmware rule.</summary>
    Firmware,

    /// <summary>A processor's own firmware (<c>o:amd:epyc_7502_firmware</c>): names the processor; no host fact confirms it.</summary>
    ProcessorFirmware,

    /// <summary>Intel's microcode package (<c>o:intel:microcode</c>, versions are release dates): no host fact confirms it.</summary>
    Microcode,

    /// <summary>Anything else: listed in the draft under <c>source.unmapped</c> with the reason.</summary>
    Unmapped,
}

/// <summary>One criterion and what it maps to.</summary>
internal sealed record ClassifiedCpe(NvdCpeMatch Match, CpeRole Role, FirmwareKind? Kind = null, FirmwareMatch? Range = null, string? Reason = null, string? VersionNote = null)
{
    /// <summary>For <see cref="CpeRole.ProcessorFirmware"/>: the processor the firmware belongs to (product without <c>_firmware</c>, any version).</summary>
    public CpeMatchCriterion? ProcessorOfFirmware { get; init; }
}

/// <summary>
/// Classifies NVD match criteria (docs/nvd-import.md "What maps to what"): processors by their CPE product, Intel's
/// management-engine firmware by product and version, processor firmware and microcode packages; everything else is
/// unmapped with a reason key (<c>software</c>, <c>platform-hardware</c>, <c>platform-firmware</c>,
/// <c>unknown-product</c>, <c>no-version</c>, <c>version-scheme</c>, <c>malformed</c>).
/// </summary>
internal static partial class NvdCpeRoles
{
    // What a criterion maps to depends on its string and range alone; feeds repeat them record after record.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ClassifiedCpe> Memo = new(StringComparer.Ordinal);

    public static ClassifiedCpe Classify(NvdCpeMatch match)
    {
        if (match.Name is null)
        {
            return new ClassifiedCpe(match, CpeRole.Unmapped, Reason: "malformed");
        }

        var key = match.Display;
        if (Memo.TryGetValue(key, out var known))
        {
            return known with { Match = match };
        }

        var result = Compute(match);
        if (Memo.Count >= 200_000)
        {
            Memo.Clear();
        }

        Memo[key] = result;
        return result;
    }

    private static ClassifiedCpe Compute(NvdCpeMatch match)
    {
        if (match.Name is not { } name)
        {
            return new ClassifiedCpe(match, CpeRole.Unmapped, Reason: "malformed");
        }

        if (name.Part is not { Kind: CpeValueKind.Text, HasWildcards: false } partValue
            || name.Vendor is not { Kind: CpeValueKind.Text, HasWildcards: false } vendorValue
            || name.Product is not { Kind: CpeValueKind.Text, HasWildcards: false } productValue)
        {
            return new ClassifiedCpe(match, CpeRole.Unmapped, Reason: "unknown-product");
        }

        var part = partValue.Literal.ToLowerInvariant();
        var vendor = vendorValue.Literal.ToLowerInvariant();
        var product = productValue.Literal.ToLowerInvariant();
        switch (part)
        {
            case "h" when IsProcessor(vendor, product):
                return new ClassifiedCpe(match, CpeRole.Processor);
            case "h":
                return new ClassifiedCpe(match, CpeRole.Unmapped, Reason: vendor is "intel" or "amd" ? "unknown-product" : "platform-hardware");
            case "o" when vendor == "intel" && EngineKind(product) is { } kind:
                return Engine(match, name, kind, product == "active_management_technology_firmware");
            case "o" when vendor == "intel" && product == "microcode":
                return new ClassifiedCpe(match, CpeRole.Microcode, VersionNote: VersionText(match));
            case "o" when product.EndsWith("_firmware", StringComparison.Ordinal) && IsProcessor(vendor, product[..^"_firmware".Length]):
                return new ClassifiedCpe(match, CpeRole.ProcessorFirmware, VersionNote: VersionText(match))
                {
                    ProcessorOfFirmware = new CpeMatchCriterion(CpeName.Create('h', vendor, product[..^"_firmware".Length])),
                };
            case "o" when product.EndsWith("_firmware", StringComparison.Ordinal):
                return new ClassifiedCpe(match, CpeRole.Unmapped, Reason: "platform-firmware");
            default:
                return new ClassifiedCpe(match, CpeRole.Unmapped, Reason: "software");
        }
    }

    /// <summary>Whether a hardware product of this vendor is a processor NVD names (both naming styles).</summary>
    public static bool IsProcessor(string vendor, string product) => vendor switch
    {
        "intel" => IntelProcessor().IsMatch(product),
        "amd" => AmdProcessor().IsMatch(product),
        _ => false,
    };

    private static FirmwareKind? EngineKind(string product) => product switch
    {
        "manageability_engine_firmware" or "active_management_technology_firmware" or "converged_security_and_management_engine_firmware" => FirmwareKind.Me,
        "server_platform_services_firmware" => FirmwareKind.Sps,
        "trusted_execution_engine_firmware" => FirmwareKind.Txe,
        _ => null,
    };

    // ME/SPS/TXE versions: a range becomes at_least/below; an exact version with fewer than four fields is the branch NVD
    // means by it (11.0 is the 11.0.x.x branch: shared/docs/reference/intel-sa-00086.md §4.2 (c)); four fields are one build.
    private static ClassifiedCpe Engine(NvdCpeMatch match, CpeName name, FirmwareKind kind, bool amt)
    {
        var note = amt ? "amt" : null;
        if (match.Range is { IsBounded: true } range)
        {
            FirmwareVersion? atLeast = null, below = null;
            string?[] bounds = [range.StartIncluding, range.StartExcluding, range.EndIncluding, range.EndExcluding];
            if (bounds.Any(b => b is not null && Pad(b) is null))
            {
                return new ClassifiedCpe(match, CpeRole.Unmapped, Reason: "version-scheme");
            }

            if (range.StartIncluding is { } a)
            {
                atLeast = Pad(a);
            }
            else if (range.StartExcluding is { } b)
            {
                atLeast = Next(Pad(b)!.Value);
            }

            if (range.EndExcluding is { } c)
            {
                below = Pad(c);
            }
            else if (range.EndIncluding is { } d)
            {
                below = Next(Pad(d)!.Value);
            }

            return new ClassifiedCpe(match, CpeRole.Firmware, kind, new FirmwareMatch(null, null, null, atLeast, below), VersionNote: note);
        }

        if (name.Version is not { Kind: CpeValueKind.Text, HasWildcards: false } version)
        {
            return new ClassifiedCpe(match, CpeRole.Unmapped, Reason: "no-version");
        }

        var fields = version.Literal.Split('.');
        if (fields.Length is < 1 or > 4 || !fields.All(f => f.Length is > 0 and <= 9 && f.All(char.IsAsciiDigit)))
        {
            return new ClassifiedCpe(match, CpeRole.Unmapped, Reason: "version-scheme");
        }

        var n = fields.Select(f => int.Parse(f, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        var result = n.Length switch
        {
            1 => new FirmwareMatch(IntSet.Of(n[0]), null, null, null, null),
            2 => new FirmwareMatch(IntSet.Of(n[0]), IntSet.Of(n[1]), null, null, null),
            3 => new FirmwareMatch(IntSet.Of(n[0]), IntSet.Of(n[1]), IntSet.Of(n[2]), null, null),
            _ => new FirmwareMatch(null, null, null, new FirmwareVersion(n[0], n[1], n[2], n[3]), Next(new FirmwareVersion(n[0], n[1], n[2], n[3]))),
        };
        return new ClassifiedCpe(match, CpeRole.Firmware, kind, result, VersionNote: note);
    }

    // "8.1.71.3608" → 8.1.71.3608; "11.8" → 11.8.0.0 (missing fields are 0, as NVD's comparers pad them).
    private static FirmwareVersion? Pad(string text)
    {
        var fields = text.Split('.');
        if (fields.Length is < 1 or > 4 || !fields.All(f => f.Length is > 0 and <= 9 && f.All(char.IsAsciiDigit)))
        {
            return null;
        }

        var n = fields.Select(f => int.Parse(f, NumberStyles.None, CultureInfo.InvariantCulture)).Concat([0, 0, 0]).Take(4).ToArray();
        return new FirmwareVersion(n[0], n[1], n[2], n[3]);
    }

    // The smallest version after v (an inclusive end becomes an exclusive one).
    private static FirmwareVersion Next(FirmwareVersion v) => v with { Build = v.Build + 1 };

    private static string? VersionText(NvdCpeMatch match) =>
        match.Range is { IsBounded: true } r ? r.ToString()
        : match.Name?.Version is { Kind: CpeValueKind.Text } v ? v.Literal
        : null;

    [GeneratedRegex("^(core|xeon|atom|celeron|pentium|processor)(_|$)", RegexOptions.CultureInvariant)]
    private static partial Regex IntelProcessor();

    [GeneratedRegex("^(epyc|ryzen|athlon|opteron|threadripper|phenom|sempron|turion)(_|$)", RegexOptions.CultureInvariant)]
    private static partial Regex AmdProcessor();
}
