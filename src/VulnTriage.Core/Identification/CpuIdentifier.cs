using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Identification;

/// <summary>
/// Identifies processors from the brand string, the CPUID vendor id and the CPUID signature (each may be missing).
/// Pure: the same inputs always give the same identity. Never throws on bad input; an unrecognised processor
/// gets <see cref="IdentificationConfidence.Unknown"/> with the reason.
/// </summary>
/// <remarks>
/// Order of evidence: synthetic hypervisor models are recognised first (their signatures are synthetic and are
/// never decoded as hardware); then the brand string gives vendor, product line, model number, generation,
/// segment and a microarchitecture; the signature gives a microarchitecture. When both agree the identity is
/// <see cref="IdentificationConfidence.High"/>; when they disagree the signature wins for the microarchitecture,
/// the string for the marketing name, and confidence is at most <see cref="IdentificationConfidence.Medium"/>.
/// A result whose microarchitecture could not be determined is <see cref="IdentificationConfidence.Unknown"/>
/// (except synthetic virtual CPUs and Arm hosts, which are <see cref="IdentificationConfidence.Low"/>), so that no
/// advisory rule can place it outside its scope.
/// </remarks>
public static partial class CpuIdentifier
{
    /// <summary>Identifies one processor.</summary>
    /// <param name="vendorId">CPUID vendor string (<c>GenuineIntel</c>, <c>AuthenticAMD</c>, …) or <c>null</c>.</param>
    /// <param name="brandString">Brand string / model name as reported, or <c>null</c>.</param>
    /// <param name="signature">CPUID display family/model/stepping, or <c>null</c>.</param>
    public static ProcessorIdentity Identify(string? vendorId, string? brandString, CpuSignature? signature)
    {
        var normalized = BrandStrings.Normalize(brandString);
        var shownBrand = normalized.Length > BrandText.MaxParsedLength ? normalized[..BrandText.MaxParsedLength] + "…" : normalized;
        var idVendor = VendorFromId(vendorId);
        var reasons = new List<string>(4);

        // Windows PROCESSOR_IDENTIFIER ("Intel64 Family 6 Model 58 Stepping 9, GenuineIntel") and bare kernel "06/55".
        var brandIsSignature = false;
        var bareSignature = false;
        if (normalized.Length is > 0 and <= BrandText.MaxParsedLength)
        {
            if (WindowsIdentifierRegex().Match(normalized) is { Success: true } w)
            {
                brandIsSignature = true;
                var decoded = new CpuSignature(ParseSmall(w.Groups[2].Value), ParseSmall(w.Groups[3].Value), w.Groups[4].Success ? ParseSmall(w.Groups[4].Value) : null);
                reasons.Add($"brand string is a Windows processor identifier; decoded signature {decoded}");
                signature ??= decoded;
                if (idVendor == CpuVendor.Unknown)
                {
                    idVendor = w.Groups[5].Success ? VendorFromId(w.Groups[5].Value) : w.Groups[1].Value.StartsWith("AMD", StringComparison.OrdinalIgnoreCase) ? CpuVendor.Amd : CpuVendor.Unknown;
                }
            }
            else if (BareSignatureRegex().Match(normalized) is { Success: true } b)
            {
                brandIsSignature = true;
                bareSignature = true;
                var decoded = new CpuSignature(
                    int.Parse(b.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    int.Parse(b.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    null);
                reasons.Add($"brand string is a bare kernel family/model ({decoded}), no stepping");
                if (signature is null)
                {
                    signature = decoded;
                }
                else
                {
                    bareSignature = false;
                }
            }
        }

        var clean = brandIsSignature ? "" : BrandText.Clean(normalized);
        var brandVendor = VendorFromBrand(clean);
        var vendor = idVendor != CpuVendor.Unknown ? idVendor : brandVendor;
        if (vendor == CpuVendor.Via && brandVendor == CpuVendor.Zhaoxin)
        {
            vendor = CpuVendor.Zhaoxin;
        }

        if (vendor == CpuVendor.Unknown && signature is { } guess)
        {
            vendor = VendorFromSignature(guess);
            if (vendor != CpuVendor.Unknown)
            {
                reasons.Add($"vendor inferred from signature family {guess.Family:X2}h");
            }
        }

        if (idVendor != CpuVendor.Unknown && brandVendor != CpuVendor.Unknown && idVendor != brandVendor
            && !(idVendor == CpuVendor.Via && brandVendor == CpuVendor.Zhaoxin))
        {
            reasons.Add($"vendor id says {idVendor} but the brand string says {brandVendor}");
        }

        var virt = brandIsSignature ? null : VirtualCpuParser.Parse(normalized, vendor);
        if (virt is not null)
        {
            reasons.Add(virt.Note ?? "virtual CPU");
            if (signature is not null)
            {
                reasons.Add($"signature {signature.Value} is synthetic and was not decoded");
            }

            // A synthetic model hides the physical processor: only the CPUID vendor id (which KVM, Hyper-V and VMware pass
            // through from the host) is known; everything else about the physical part is unknown.
            var hostVendor = idVendor != CpuVendor.Unknown ? ValueSet<CpuVendor>.Of(idVendor) : ValueSet<CpuVendor>.Unknown;
            return new ProcessorIdentity(virt.Vendor, virt.Line, virt.Model, null, virt.March, null, virt.Segment, true,
                virt.HypervisorModel, IdentificationConfidence.Low, string.Join("; ", reasons), shownBrand, signature)
            {
                PossibleVendors = hostVendor,
                PossibleProductLines = ValueSet<string>.Unknown,
                PossibleGenerations = ValueSet<int>.Unknown,
                PossibleMicroarchitectures = ValueSet<string>.Unknown,
                PossibleCodenames = ValueSet<string>.Unknown,
                PossibleSegments = ValueSet<MarketSegment>.Unknown,
                Origins = new IdentityOrigins(hostVendor.IsKnown ? "vendor id (the host's, under a hypervisor)" : "", "", "", "", "", ""),
            };
        }

        var brand = ParseBrand(clean, brandVendor != CpuVendor.Unknown ? brandVendor : vendor);
        if (brand.Vendor != CpuVendor.Unknown && vendor == CpuVendor.Unknown)
        {
            vendor = brand.Vendor;
        }

        var sig = signature is { } sgn ? SignatureDecoder.Decode(vendor, sgn) : null;
        var identity = Combine(vendor, brand, sig, signature, clean.Length == 0, bareSignature, reasons, shownBrand);
        return WithSets(identity, idVendor, brandVendor, brand, sig);
    }

    /// <summary>
    /// What is still possible for each attribute: the brand string's knowledge intersected with the signature's (catalog
    /// rows). An empty intersection of two sources that disagree is never taken as "none": the signature's set wins
    /// (as it does for the scalar microarchitecture), or the attribute stays unknown. Only a generation can be Known(∅):
    /// a part the brand string positively names without one (N-series, Core Series, Pentium, Celeron, Atom).
    /// </summary>
    private static ProcessorIdentity WithSets(ProcessorIdentity id, CpuVendor idVendor, CpuVendor brandVendor, BrandInfo brand, SignatureInfo? sig)
    {
        // Vendors: the vendor id decides; a brand string that names another vendor leaves both possible.
        var vendors = id.Vendor == CpuVendor.Unknown ? ValueSet<CpuVendor>.Unknown : ValueSet<CpuVendor>.Of(id.Vendor);
        var vendorOrigin = idVendor != CpuVendor.Unknown ? "vendor id" : brandVendor != CpuVendor.Unknown ? "brand string" : "signature";
        if (idVendor != CpuVendor.Unknown && brandVendor != CpuVendor.Unknown && idVendor != brandVendor
            && !(idVendor == CpuVendor.Via && brandVendor == CpuVendor.Zhaoxin))
        {
            vendors = ValueSet<CpuVendor>.Of(idVendor, brandVendor);
            vendorOrigin = "vendor id and brand string (they disagree)";
        }

        // A CPUID the hypervisor masked (kvm64 under a real model name) says nothing about the part.
        var masked = id.IsVirtual && id.HypervisorModel is not null;
        var rows = masked || sig is null ? [] : sig.Rows;
        var sigText = id.Signature is { } st ? "signature " + st : "signature";

        // Microarchitecture.
        var brandMarches = brand.March is null ? ValueSet<string>.Unknown : ValueSet<string>.Of([brand.March, .. brand.MarchAlternatives]);
        var sigMarches = rows.IsDefaultOrEmpty ? ValueSet<string>.Unknown : ValueSet<string>.Of(rows.Select(r => r.Microarchitecture));
        var (marches, marchOrigin) = Meet(brandMarches, sigMarches, "brand string", sigText, preferSecond: true);
        if (!rows.IsDefaultOrEmpty && marches.IsKnown)
        {
            var kept = rows.Where(r => marches.Values.Contains(r.Microarchitecture)).ToImmutableArray();
            rows = kept.IsEmpty ? rows : kept;
        }

        // Codename: the brand's, the signature rows', and what the microarchitectures allow, intersected. A brand string
        // that names no codename still narrows it: the catalog rows of its microarchitecture that ship its line and
        // generation (i5-4590, Core 4th gen Haswell: 06_3C/45/46, never the Haswell-E die of the 5th-gen-numbered i7-5930K).
        var brandCodenames = brand.Codename is null ? BrandRowCodenames(vendors, brand, brandMarches) : ValueSet<string>.Of(brand.Codename);
        var sigCodenames = rows.IsDefaultOrEmpty || rows.Any(r => r.Codenames.IsDefaultOrEmpty)
            ? ValueSet<string>.Unknown
            : ValueSet<string>.Of(rows.SelectMany(r => r.Codenames));
        var marchCodenames = ValueSet<string>.Unknown;
        if (marches.IsKnown && marches.Values.Length > 0 && marches.Values.All(m => Catalog.CpuCatalog.CodenamesOf(m).Count > 0))
        {
            marchCodenames = ValueSet<string>.Of(marches.Values.SelectMany(m => Catalog.CpuCatalog.CodenamesOf(m)));
        }

        var (codenames, codenameOrigin) = Meet(brandCodenames, sigCodenames, "brand string", sigText, preferSecond: true);
        if (!codenames.IsKnown && marchCodenames.IsKnown)
        {
            (codenames, codenameOrigin) = (marchCodenames, "microarchitecture (" + marchOrigin + ")");
        }
        else if (codenames.IsKnown && marchCodenames.IsKnown && codenames.Intersect(marchCodenames).Values.Length > 0)
        {
            codenames = codenames.Intersect(marchCodenames);
        }

        // Segment: on disagreement both stay possible (a segment is a marketing fact the two sources may name differently).
        var brandSegments = brand.Segment == MarketSegment.Unknown ? ValueSet<MarketSegment>.Unknown : ValueSet<MarketSegment>.Of(brand.Segment);
        if (id.Segment != MarketSegment.Unknown && !brandSegments.IsKnown)
        {
            brandSegments = ValueSet<MarketSegment>.Of(id.Segment);
        }

        var sigSegments = rows.IsDefaultOrEmpty || rows.Any(r => r.Segments.IsDefaultOrEmpty)
            ? ValueSet<MarketSegment>.Unknown
            : ValueSet<MarketSegment>.Of(rows.SelectMany(r => r.Segments));
        var segments = brandSegments.Intersect(sigSegments);
        var segmentOrigin = Origin(brandSegments, sigSegments, "brand string", sigText);
        if (segments.IsKnown && segments.Values.Length == 0)
        {
            segments = brandSegments.Union(sigSegments);
            segmentOrigin = "brand string or " + sigText + " (they disagree)";
        }

        // Product line: the brand string names the marketing line; without one, the rows' lines.
        var rowLines = rows.IsDefaultOrEmpty || rows.Any(r => r.ProductLines.IsDefaultOrEmpty)
            ? ValueSet<string>.Unknown
            : ValueSet<string>.Of(rows.SelectMany(r => r.ProductLines.Select(l => l.Line)));
        ValueSet<string> lines;
        string lineOrigin;
        if (id.ProductLine is not null && !brand.Hidden && brand.Line is not null)
        {
            (lines, lineOrigin) = (ValueSet<string>.Of(id.ProductLine), "brand string");
        }
        else if (id.ProductLine is not null)
        {
            (lines, lineOrigin) = (ValueSet<string>.Of(id.ProductLine), sigText);
        }
        else if (brand.Hidden && rowLines.IsKnown)
        {
            var xeons = rowLines.Values.Where(l => l.StartsWith("xeon", StringComparison.Ordinal)).ToList();
            (lines, lineOrigin) = xeons.Count > 0 ? (ValueSet<string>.Of(xeons), sigText) : (ValueSet<string>.Unknown, "");
        }
        else
        {
            (lines, lineOrigin) = (rowLines, rowLines.IsKnown ? sigText : "");
        }

        // Generation, within the possible lines.
        var (generations, generationOrigin) = Generations(id, brand, rows, lines, sigText);

        // Lines from the signature alone go with their own generations: keep them paired for the rules.
        var worlds = ImmutableArray<LineWorld>.Empty;
        if (brand.Line is null && id.ProductLine is null && lines.IsKnown && lines.Values.Length > 1 && !rows.IsDefaultOrEmpty)
        {
            worlds = [.. lines.Values.Select(line =>
            {
                var entries = rows.SelectMany(r => r.ProductLines).Where(l => l.Line == line).ToList();
                var gens = entries.Any(e => e.AlsoWithoutGeneration && !e.Generations.IsDefaultOrEmpty)
                    ? ValueSet<int>.Unknown
                    : ValueSet<int>.Of(entries.SelectMany(e => e.Generations.IsDefault ? [] : e.Generations));
                return new LineWorld(line, gens);
            })];
        }

        return id with
        {
            PossibleVendors = vendors,
            PossibleProductLines = lines,
            PossibleGenerations = generations,
            PossibleMicroarchitectures = marches,
            PossibleCodenames = codenames,
            PossibleSegments = segments,
            LineWorlds = worlds,
            Origins = new IdentityOrigins(vendors.IsKnown ? vendorOrigin : "", lineOrigin, generationOrigin, marchOrigin, codenameOrigin, segmentOrigin),
        };
    }

    /// <summary>The codenames of the catalog rows that ship the brand's line (and generation) on its microarchitecture; Unknown when that says nothing.</summary>
    private static ValueSet<string> BrandRowCodenames(ValueSet<CpuVendor> vendors, BrandInfo brand, ValueSet<string> brandMarches)
    {
        if (brand.Line is null || brand.Hidden || !brandMarches.IsKnown || !vendors.IsSingle)
        {
            return ValueSet<string>.Unknown;
        }

        var vendor = vendors.Values[0];
        var rows = Catalog.CpuCatalog.Entries.Where(r => r.Vendor == vendor && brandMarches.Values.Contains(r.Microarchitecture)
            && r.ProductLines.Any(l => l.Line == brand.Line && (brand.Generation is not { } g || l.Generations.Contains(g)))).ToList();
        return rows.Count == 0 || rows.Any(r => r.Codenames.IsDefaultOrEmpty)
            ? ValueSet<string>.Unknown
            : ValueSet<string>.Of(rows.SelectMany(r => r.Codenames));
    }

    private static (ValueSet<int> Set, string Origin) Generations(
        ProcessorIdentity id, BrandInfo brand, ImmutableArray<Catalog.CpuCatalogEntry> rows, ValueSet<string> lines, string sigText)
    {
        if (id.Generation is { } g)
        {
            return (ValueSet<int>.Of(g), brand.Generation is not null ? "brand string" : sigText);
        }

        // What the signature's rows say for the possible lines: their generations, or "none" when a line has none there.
        ValueSet<int> fromRows = ValueSet<int>.Unknown;
        if (!rows.IsDefaultOrEmpty && lines.IsKnown && lines.Values.Length > 0)
        {
            var entries = rows.SelectMany(r => r.ProductLines).Where(l => lines.Values.Contains(l.Line)).ToList();
            if (entries.Count > 0 && lines.Values.All(l => entries.Any(e => e.Line == l)))
            {
                // A line that ships both with and without a generation on the row (Core 13th gen and Core 7 150U) can be either.
                fromRows = entries.Any(e => e.AlsoWithoutGeneration && !e.Generations.IsDefaultOrEmpty)
                    ? ValueSet<int>.Unknown
                    : ValueSet<int>.Of(entries.SelectMany(e => e.Generations.IsDefault ? [] : e.Generations));
            }
        }

        if (brand.Line is not null && !brand.Hidden)
        {
            // Lines without a generation in VulnTriage's vocabulary: the brand string names one, so there is none.
            if (!LinesWithGenerations.Contains(brand.Line))
            {
                return (ValueSet<int>.None, "brand string (the line has no generations)");
            }

            // A line that has generations, a model number the parser read, and no generation: the signature decides;
            // without one, only model numbers known to carry none (N-series, Core Series) are "none".
            if (fromRows.IsKnown)
            {
                return (fromRows, sigText);
            }

            if (brand.Line == ProductLines.Core && brand.Model is { } model && NoGenerationModelRegex().IsMatch(model))
            {
                return (ValueSet<int>.None, "brand string (this model number has no generation)");
            }

            return (ValueSet<int>.Unknown, "");
        }

        return (fromRows, fromRows.IsKnown ? sigText : "");
    }

    /// <summary>Product lines whose parts carry a generation (see <see cref="ProcessorIdentity.Generation"/>).</summary>
    private static readonly FrozenSet<string> LinesWithGenerations = new[]
    {
        ProductLines.Core, ProductLines.CoreUltra, ProductLines.XeonE3, ProductLines.XeonE5, ProductLines.XeonE7,
        ProductLines.XeonScalable, ProductLines.Epyc, ProductLines.Ryzen, ProductLines.Threadripper,
    }.ToFrozenSet(StringComparer.Ordinal);

    // Intersect two sources; when both are known and disagree, prefer the second (the signature) when asked.
    private static (ValueSet<string> Set, string Origin) Meet(ValueSet<string> first, ValueSet<string> second, string firstName, string secondName, bool preferSecond)
    {
        var both = first.Intersect(second);
        if (both.IsKnown && both.Values.Length == 0)
        {
            return preferSecond ? (second, secondName + " (the brand string disagrees)") : (ValueSet<string>.Unknown, "");
        }

        return (both, Origin(first, second, firstName, secondName));
    }

    private static string Origin<T>(ValueSet<T> first, ValueSet<T> second, string firstName, string secondName)
        where T : notnull =>
        (first.IsKnown, second.IsKnown) switch
        {
            (true, true) => firstName + " and " + secondName,
            (true, false) => firstName,
            (false, true) => secondName,
            _ => "",
        };

    // Intel N-series Core i3-N300/N305 and Core Series (Core 3 N355, Core 7 150U, Core 5 120U, Core 7 251TE): no "Nth generation".
    [GeneratedRegex(@"^(i[3579]-N\d{3}|[3579] [0-9A-Z]{3,6})$", RegexOptions.CultureInvariant)]
    private static partial Regex NoGenerationModelRegex();

    private static ProcessorIdentity Combine(
        CpuVendor vendor, BrandInfo brand, SignatureInfo? sig, CpuSignature? signature, bool noBrand, bool bareSignature, List<string> reasons, string shownBrand)
    {
        var line = brand.Line;
        var generation = brand.Generation;
        var segment = brand.Segment;
        var isVirtual = false;
        string? hypervisorModel = null;
        string? march;
        string? codename = brand.Codename;
        IdentificationConfidence confidence;

        var brandText = brand.Model is not null ? $"{line} {brand.Model}" : line;
        if (brand.March is not null)
        {
            reasons.Add($"brand string: {brandText} is {brand.March}");
        }
        else if (brand.Note is not null)
        {
            reasons.Add($"brand string: {brand.Note}");
        }
        else if (!noBrand)
        {
            reasons.Add(brandText is null ? "brand string not recognised" : $"brand string: {brandText}, microarchitecture not determined");
        }

        if (sig is not null)
        {
            reasons.Add($"signature: {sig.Description}");
        }

        if (brand.March is not null && sig is { Known: true })
        {
            var agreed = sig.MarchCandidates.Contains(brand.March, StringComparer.Ordinal) ? brand.March
                : brand.MarchAlternatives.FirstOrDefault(a => sig.MarchCandidates.Contains(a, StringComparer.Ordinal));
            if (agreed is not null)
            {
                march = agreed;
                confidence = IdentificationConfidence.High;
                if (codename is null || (sig.CodenameCandidates.Count > 0 && !sig.CodenameCandidates.Contains(codename, StringComparer.Ordinal) && agreed != brand.March))
                {
                    codename = sig.Codename ?? codename;
                }

                reasons.Add("brand string and signature agree");
            }
            else if (signature is { } masked && IsHypervisorMaskedSignature(vendor, masked, brand.March))
            {
                // A hypervisor that passes the model name through but presents a generic CPUID (KVM's kvm64/qemu64:
                // Intel family 0Fh model 6). The signature says nothing about the physical part; the name is all there is.
                march = brand.March;
                isVirtual = true;
                hypervisorModel = $"CPUID masked by the hypervisor ({masked})";
                confidence = IdentificationConfidence.Low;
                reasons.Add($"brand string names a {brand.March} part but the signature {masked} is a hypervisor's generic CPU model: the physical CPU is hidden");
            }
            else
            {
                march = sig.March;
                codename = sig.Codename;
                confidence = IdentificationConfidence.Medium;
                reasons.Add($"brand string and signature DISAGREE ({brand.March} vs {sig.March}): signature wins for the microarchitecture, brand string for the name");
            }
        }
        else if (brand.March is not null)
        {
            march = brand.March;
            confidence = IdentificationConfidence.Medium;
            reasons.Add(sig is null ? "identified from the brand string only" : "identified from the brand string only (signature not recognised)");
        }
        else if (sig is { Known: true })
        {
            march = sig.March;
            codename ??= sig.Codename;
            if (brand.Hidden)
            {
                isVirtual = true;
                line ??= sig.HiddenXeonLine;
                generation ??= sig.HiddenXeonGeneration;
                confidence = IdentificationConfidence.Medium;
                reasons.Add("hidden brand string (no model number; hypervisor-masked, e.g. GCE): identified from the signature");
            }
            else if (bareSignature || brand.Generic)
            {
                confidence = IdentificationConfidence.Low;
                reasons.Add(brand.Generic ? "generic or engineering-sample brand string: identified from the signature only" : "identified from a bare family/model only");
            }
            else if (noBrand || line is not null)
            {
                confidence = IdentificationConfidence.Medium;
                reasons.Add("identified from the signature only");
            }
            else
            {
                confidence = IdentificationConfidence.Low;
                reasons.Add("brand string not recognised: identified from the signature only");
            }
        }
        else
        {
            march = null;
            isVirtual = brand.Hidden;
            confidence = vendor == CpuVendor.Arm ? IdentificationConfidence.Low : IdentificationConfidence.Unknown;
            reasons.Add(vendor == CpuVendor.Arm
                ? "Arm processor: identified only by vendor"
                : "microarchitecture could not be determined: identification is UNKNOWN");
        }

        if (segment == MarketSegment.Unknown && brand.Hidden && line is ProductLines.XeonScalable or ProductLines.XeonE5 or ProductLines.XeonE7 or ProductLines.XeonD or ProductLines.Xeon6)
        {
            segment = MarketSegment.Server;
        }

        return new ProcessorIdentity(vendor, line, brand.Model, generation, march, codename, segment, isVirtual, hypervisorModel,
            confidence, string.Join("; ", reasons), shownBrand, signature);
    }

    /// <summary>
    /// Whether a signature that contradicts a modern brand string is a hypervisor's generic CPU model rather than the
    /// part's own CPUID: an Intel family-6-era (or later) name with an Intel family 0Fh (NetBurst) signature, or a Zen
    /// name with an AMD signature older than family 17h.
    /// </summary>
    private static bool IsHypervisorMaskedSignature(CpuVendor vendor, CpuSignature signature, string brandMarch) => vendor switch
    {
        CpuVendor.Intel => signature.Family == 0x0F && brandMarch != "netburst",
        CpuVendor.Amd => signature.Family < 0x17 && brandMarch.StartsWith("zen", StringComparison.Ordinal),
        _ => false,
    };

    private static BrandInfo ParseBrand(string clean, CpuVendor vendor)
    {
        if (clean.Length == 0)
        {
            return BrandInfo.None(vendor);
        }

        return vendor switch
        {
            CpuVendor.Intel => IntelBrandParser.Parse(clean),
            CpuVendor.Amd => AmdBrandParser.Parse(clean),
            CpuVendor.Hygon => AmdBrandParser.Hygon(clean),
            CpuVendor.Via => AmdBrandParser.Via(clean),
            CpuVendor.Zhaoxin => AmdBrandParser.Zhaoxin(clean),
            _ => BrandInfo.None(vendor),
        };
    }

    private static int ParseSmall(string digits) =>
        digits.Length is > 0 and <= 4 ? int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) : -1;

    internal static CpuVendor VendorFromId(string? vendorId)
    {
        if (string.IsNullOrWhiteSpace(vendorId) || vendorId.Length > 64)
        {
            return CpuVendor.Unknown;
        }

        return vendorId.Trim() switch
        {
            "GenuineIntel" or "GenuineIotel" => CpuVendor.Intel,
            "AuthenticAMD" or "AMDisbetter!" => CpuVendor.Amd,
            "HygonGenuine" => CpuVendor.Hygon,
            "CentaurHauls" or "VIA VIA VIA" => CpuVendor.Via,
            "Shanghai" => CpuVendor.Zhaoxin,
            "VirtualApple" or "Apple" or "ARM" => CpuVendor.Arm,
            "CyrixInstead" or "NexGenDriven" or "GenuineTMx86" or "TransmetaCPU" or "Geode by NSC" or "RiseRiseRise" or "SiS SiS SiS"
                or "UMC UMC UMC" or "Vortex86 SoC" or "Genuine  RDC" or "E2K MACHINE" or "MiSTer AO486" or "GenuineAO486" => CpuVendor.Other,
            _ => CpuVendor.Unknown,
        };
    }

    private static CpuVendor VendorFromBrand(string c)
    {
        if (c.Length == 0)
        {
            return CpuVendor.Unknown;
        }

        if (c.Contains("ZHAOXIN", StringComparison.Ordinal))
        {
            return CpuVendor.Zhaoxin;
        }

        if (c.Contains("HYGON", StringComparison.Ordinal))
        {
            return CpuVendor.Hygon;
        }

        if (c.Contains("INTEL", StringComparison.Ordinal) || c.StartsWith("PENTIUM", StringComparison.Ordinal) || c.StartsWith("CELERON", StringComparison.Ordinal)
            || c.StartsWith("XEON", StringComparison.Ordinal))
        {
            return CpuVendor.Intel;
        }

        if (c.Contains("AMD", StringComparison.Ordinal) || c.Contains("RYZEN", StringComparison.Ordinal) || c.Contains("EPYC", StringComparison.Ordinal)
            || c.Contains("ATHLON", StringComparison.Ordinal) || c.Contains("OPTERON", StringComparison.Ordinal))
        {
            return CpuVendor.Amd;
        }

        if (c.StartsWith("VIA ", StringComparison.Ordinal) || c.StartsWith("CENTAUR", StringComparison.Ordinal))
        {
            return CpuVendor.Via;
        }

        if (c.Contains("NEOVERSE", StringComparison.Ordinal) || c.Contains("CORTEX-", StringComparison.Ordinal) || c.StartsWith("APPLE M", StringComparison.Ordinal)
            || c.Contains("AMPERE", StringComparison.Ordinal) || c.Contains("GRAVITON", StringComparison.Ordinal) || c.Contains("KUNPENG", StringComparison.Ordinal)
            || c.StartsWith("ARMV", StringComparison.Ordinal))
        {
            return CpuVendor.Arm;
        }

        return CpuVendor.Unknown;
    }

    private static CpuVendor VendorFromSignature(CpuSignature s) => s.Family switch
    {
        6 when s.Model >= 0x0F => CpuVendor.Intel,
        0xB => CpuVendor.Intel,
        0x10 or 0x11 or 0x12 or 0x14 or 0x15 or 0x16 or 0x17 or 0x19 or 0x1A => CpuVendor.Amd,
        0x18 => CpuVendor.Hygon,
        _ => CpuVendor.Unknown,
    };

    [GeneratedRegex(@"^(Intel64|AMD64|x86|EM64T|IA64) Family (\d{1,4}) Model (\d{1,4})(?: Stepping (\d{1,4}))?,? ?(\S{1,16})?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex WindowsIdentifierRegex();

    [GeneratedRegex(@"^([0-9a-fA-F]{1,2})/([0-9a-fA-F]{1,2})$", RegexOptions.CultureInvariant)]
    private static partial Regex BareSignatureRegex();
}

/// <summary>Brand-string helpers.</summary>
public static class BrandStrings
{
    /// <summary>Trims and collapses runs of whitespace (and control characters) to one space.</summary>
    public static string Normalize(string? brand)
    {
        if (string.IsNullOrEmpty(brand))
        {
            return "";
        }

        var sb = new System.Text.StringBuilder(brand.Length);
        var pendingSpace = false;
        foreach (var ch in brand)
        {
            if (char.IsWhiteSpace(ch) || char.IsControl(ch))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(ch);
        }

        return sb.ToString();
    }
}

/// <summary>
/// Per-run memo of identifications: each distinct (vendor id, brand string, signature) is identified once.
/// Not thread-safe; one per run.
/// </summary>
public sealed class IdentificationCache
{
    private readonly Dictionary<(string? Vendor, string? Brand, CpuSignature? Signature), ProcessorIdentity> _cache = [];

    /// <summary>How many distinct processors were identified.</summary>
    public int Count => _cache.Count;

    /// <summary>Returns the cached identity or identifies and caches it.</summary>
    public ProcessorIdentity Identify(string? vendorId, string? brandString, CpuSignature? signature)
    {
        var key = (vendorId, brandString, signature);
        if (!_cache.TryGetValue(key, out var identity))
        {
            identity = CpuIdentifier.Identify(vendorId, brandString, signature);
            _cache[key] = identity;
        }

        return identity;
    }

    /// <summary>Identifies a processor fact.</summary>
    public ProcessorIdentity Identify(ProcessorFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        return Identify(fact.VendorId, fact.BrandString, fact.Signature);
    }
}
