using System.Text.RegularExpressions;

namespace VulnTriage.Core.Identification;

/// <summary>
/// Recognises synthetic CPU models put in guests by hypervisors and emulators (cpu-identification.md §5.1):
/// QEMU/KVM named models (<c>Intel Xeon Processor (Skylake, IBRS)</c>), generic ones (<c>Common KVM processor</c>,
/// <c>QEMU Virtual CPU version 2.5+</c>) and emulation layers (<c>Virtual CPU</c>, <c>VirtualApple</c>).
/// Their CPUID signatures are synthetic too and are never decoded as real hardware.
/// </summary>
internal static partial class VirtualCpuParser
{
    private static readonly (string Key, string March)[] NameKeys =
    [
        ("sapphirerapids", "sapphire-rapids"), ("graniterapids", "granite-rapids"), ("emeraldrapids", "emerald-rapids"),
        ("sierraforest", "sierra-forest"), ("clearwaterforest", "clearwater-forest"), ("cascadelake", "cascade-lake"),
        ("cooperlake", "cooper-lake"), ("icelake", "ice-lake"), ("skylake", "skylake"), ("broadwell", "broadwell"),
        ("haswell", "haswell"), ("ivybridge", "ivy-bridge"), ("sandybridge", "sandy-bridge"),
        ("westmere", "westmere"), ("nehalem", "nehalem"), ("penryn", "penryn"), ("conroe", "merom"), ("denverton", "goldmont"),
        ("snowridge", "tremont"), ("dhyana", "zen"), ("genoa", "zen4"), ("turin", "zen5"), ("milan", "zen3"), ("rome", "zen2"),
        ("gen3classopteron", "k10"), ("gen2classopteron", "k8"), ("gen1classopteron", "k8"), ("opteron62xx", "bulldozer"),
        ("opteron63xx", "piledriver"), ("epyc", "zen"),
    ];

    /// <summary>Returns the virtual-CPU reading of the brand, or <c>null</c> when it is not a synthetic model.</summary>
    public static BrandInfo? Parse(string normalized, CpuVendor vendor)
    {
        if (normalized.Length is 0 or > BrandText.MaxParsedLength)
        {
            return null;
        }

        if (GenericRegex().IsMatch(normalized))
        {
            var name = normalized.Split('@')[0].Trim();
            var v = name.StartsWith("VirtualApple", StringComparison.OrdinalIgnoreCase) ? CpuVendor.Arm : vendor;
            return new BrandInfo(v, ProductLines.Virtual, null, null, null, null, MarketSegment.Unknown)
            {
                IsVirtual = true,
                HypervisorModel = name,
                Note = "generic hypervisor/emulator CPU model; the host processor is not visible",
            };
        }

        var named = NamedRegex().Match(normalized);
        if (!named.Success)
        {
            named = LegacyNamedRegex().Match(normalized);
            if (!named.Success)
            {
                return null;
            }
        }

        var whole = named.Value;
        var inner = named.Groups["inner"].Success ? named.Groups["inner"].Value : null;
        var brandVendor = whole.StartsWith("AMD", StringComparison.OrdinalIgnoreCase) ? CpuVendor.Amd
            : whole.StartsWith("Hygon", StringComparison.OrdinalIgnoreCase) ? CpuVendor.Hygon
            : CpuVendor.Intel;
        var model = brandVendor == CpuVendor.Intel && inner is not null
            ? inner
            : whole.Replace("AMD ", "", StringComparison.OrdinalIgnoreCase).Replace("Hygon ", "", StringComparison.OrdinalIgnoreCase)
                .Replace(" Processor", "", StringComparison.OrdinalIgnoreCase).Trim();
        var key = Letters(whole);
        string? march = null;
        foreach (var (k, m) in NameKeys)
        {
            if (key.Contains(k, StringComparison.Ordinal))
            {
                march = m;
                break;
            }
        }

        return new BrandInfo(vendor == CpuVendor.Unknown ? brandVendor : vendor, ProductLines.Virtual, null, null, march, null, MarketSegment.Unknown)
        {
            IsVirtual = true,
            HypervisorModel = model,
            Note = march is null
                ? "QEMU/KVM named CPU model"
                : $"QEMU/KVM named CPU model; the name says {march} (the host may be newer)",
        };
    }

    private static string Letters(string s)
    {
        Span<char> buffer = stackalloc char[Math.Min(s.Length, BrandText.MaxParsedLength)];
        var n = 0;
        foreach (var ch in s)
        {
            if (n < buffer.Length && (char.IsAsciiLetterOrDigit(ch)))
            {
                buffer[n++] = char.ToLowerInvariant(ch);
            }
        }

        return new string(buffer[..n]);
    }

    [GeneratedRegex(@"^(?:Common (?:32-bit )?KVM processor|QEMU (?:Virtual|TCG) CPU.*|Virtual CPU\b.*|VirtualApple\b.*|Microsoft Hyper-V.*|KVM .*processor.*)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex GenericRegex();

    [GeneratedRegex(@"^(?:Intel (?:Xeon|Core|Atom) Processor|AMD EPYC(?:-[A-Za-z0-9]+)?(?:-v\d)? Processor|AMD Opteron Processor|Hygon Dhyana(?:-[A-Za-z0-9]+)? Processor)(?: \((?<inner>[^()]{1,64})\))?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex NamedRegex();

    [GeneratedRegex(@"^(?:Intel Xeon E3?-?12xx(?: v2)?|Westmere E56xx/L56xx/X56xx|Intel Core i7 9xx|Intel Core 2 Duo P9xxx|Intel Celeron_4x0|AMD Opteron (?:23xx|22xx|240|62xx|63xx)|Intel Xeon Processor \(\w+\))(?: class CPU)?(?: \((?<inner>[^()]{1,64})\))?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex LegacyNamedRegex();
}
