using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using VulnTriage.Core.Cpe;
using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Advisories.Nvd;

/// <summary>
/// Reads one buffered NVD record (the <c>cve</c> object, or <c>{"cve": {…}}</c>) token by token, so that every
/// problem is located at its own line and column. Unknown fields are skipped.
/// </summary>
internal static partial class NvdRecordParser
{
    /// <summary>Most configurations in one record (Downfall has 522).</summary>
    public const int MaxConfigurations = 20_000;

    /// <summary>Most nodes in one configuration.</summary>
    public const int MaxNodes = 1_000;

    /// <summary>Most match criteria in one record (Downfall has 1,575).</summary>
    public const int MaxCpeMatches = 200_000;

    /// <summary>Most descriptions, references or metrics kept.</summary>
    public const int MaxItems = 10_000;

    public static NvdRecord Parse(ReadOnlySpan<byte> json, long start, Func<long, SourceLocation> locate, Action<Diagnostic> warn, string source)
    {
        var p = new State(start, locate, warn);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = NvdFeedReader.MaxDepth });
        reader.Read();
        var recordLocation = locate(start);
        _ = source;
        return CveBody(ref reader, p, recordLocation) ?? throw new InputException(new Diagnostic(NvdDiagnosticCodes.NotARecord, DiagnosticSeverity.Error, recordLocation,
            "this JSON object is not an NVD CVE record: it has no 'id' of the form CVE-YYYY-NNNN (expected the NVD CVE API 2.0 'cve' object, or an API response with 'vulnerabilities')"));
    }

    private sealed record State(long Start, Func<long, SourceLocation> Locate, Action<Diagnostic> Warn)
    {
        public int CpeMatches { get; set; }

        public SourceLocation At(in Utf8JsonReader reader) => Locate(Start + reader.TokenStartIndex);

        public void Skipped(in Utf8JsonReader reader, string what) =>
            Warn(new Diagnostic(NvdDiagnosticCodes.SkippedItem, DiagnosticSeverity.Warning, At(reader), what));

        public InputException TooLarge(in Utf8JsonReader reader, string what) =>
            new(new Diagnostic(NvdDiagnosticCodes.TooLarge, DiagnosticSeverity.Error, At(reader), what));
    }

    private static NvdRecord? CveBody(ref Utf8JsonReader reader, State p, SourceLocation location)
    {
        string? id = null, sourceIdentifier = null, published = null, lastModified = null, vulnStatus = null;
        var descriptions = ImmutableArray.CreateBuilder<NvdText>();
        var metrics = new List<NvdMetric>();
        var references = ImmutableArray.CreateBuilder<NvdReference>();
        var configurations = ImmutableArray.CreateBuilder<NvdConfiguration>();
        SourceLocation? idLocation = null;
        NvdRecord? wrapped = null;

        // The reader is at the object's StartObject: the cve object itself (the per-CVE mirror), or {"cve": {...}} (an
        // element of an API response), read in one pass.
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "cve" when reader.TokenType == JsonTokenType.StartObject:
                    wrapped ??= CveBody(ref reader, p, p.At(reader));
                    break;
                case "id":
                    idLocation = p.At(reader);
                    id = Text(ref reader, p, "id");
                    break;
                case "sourceIdentifier":
                    sourceIdentifier = Text(ref reader, p, "sourceIdentifier");
                    break;
                case "published":
                    published = Text(ref reader, p, "published");
                    break;
                case "lastModified":
                    lastModified = Text(ref reader, p, "lastModified");
                    break;
                case "vulnStatus":
                    vulnStatus = Text(ref reader, p, "vulnStatus");
                    break;
                case "descriptions":
                    Each(ref reader, p, "descriptions", (ref Utf8JsonReader r) =>
                    {
                        var (lang, value) = LangValue(ref r, p);
                        if (value is not null && descriptions.Count < MaxItems)
                        {
                            descriptions.Add(new NvdText(lang ?? "", value));
                        }
                    });
                    break;
                case "references":
                    Each(ref reader, p, "references", (ref Utf8JsonReader r) =>
                    {
                        if (Reference(ref r, p) is { } reference && references.Count < MaxItems)
                        {
                            references.Add(reference);
                        }
                    });
                    break;
                case "metrics":
                    Metrics(ref reader, p, metrics);
                    break;
                case "configurations":
                    Each(ref reader, p, "configurations", (ref Utf8JsonReader r) =>
                    {
                        if (configurations.Count >= MaxConfigurations)
                        {
                            throw p.TooLarge(r, $"the record has more than {MaxConfigurations} configurations");
                        }

                        configurations.Add(Configuration(ref r, p, configurations.Count));
                    });
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (id is null)
        {
            return wrapped;
        }

        if (!CveId().IsMatch(id))
        {
            throw new InputException(new Diagnostic(NvdDiagnosticCodes.NotARecord, DiagnosticSeverity.Error, idLocation ?? location,
                $"'id' must be a CVE id (CVE-YYYY-NNNN), got '{Shorten(id)}'"));
        }

        // Preferred metric first: NVD's own (Primary) over the CNA's, then the newest CVSS version.
        var ordered = metrics.OrderByDescending(m => m.Primary).ThenBy(m => VersionRank(m.Version)).ToImmutableArray();
        return new NvdRecord(id, sourceIdentifier, published, lastModified, vulnStatus, descriptions.ToImmutable(), ordered,
            references.ToImmutable(), configurations.ToImmutable(), location);
    }

    private static int VersionRank(string version) => version switch
    {
        "4.0" => 0,
        "3.1" => 1,
        "3.0" => 2,
        _ => 3,
    };

    private delegate void ItemReader(ref Utf8JsonReader reader);

    // The reader is at an array's StartArray (else the value is skipped with a warning); calls `item` at each element.
    private static void Each(ref Utf8JsonReader reader, State p, string what, ItemReader item)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            p.Skipped(reader, $"'{what}' is not an array; ignored");
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            item(ref reader);
        }
    }

    private static string? Text(ref Utf8JsonReader reader, State p, string what)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        p.Skipped(reader, $"'{what}' is not a string; ignored");
        reader.Skip();
        return null;
    }

    private static bool? Bool(ref Utf8JsonReader reader, State p, string what)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            default:
                p.Skipped(reader, $"'{what}' is not true or false");
                reader.Skip();
                return null;
        }
    }

    private static (string? Lang, string? Value) LangValue(ref Utf8JsonReader reader, State p)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return (null, null);
        }

        string? lang = null, value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "lang":
                    lang = Text(ref reader, p, "lang");
                    break;
                case "value":
                    value = Text(ref reader, p, "value");
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return (lang, value);
    }

    private static NvdReference? Reference(ref Utf8JsonReader reader, State p)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? url = null;
        var tags = ImmutableArray.CreateBuilder<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "url":
                    url = Text(ref reader, p, "url");
                    break;
                case "tags":
                    Each(ref reader, p, "tags", (ref Utf8JsonReader r) =>
                    {
                        if (r.TokenType == JsonTokenType.String && tags.Count < 64)
                        {
                            tags.Add(r.GetString()!);
                        }
                        else
                        {
                            r.Skip();
                        }
                    });
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return url is null ? null : new NvdReference(url, tags.ToImmutable());
    }

    // metrics: { cvssMetricV40: [...], cvssMetricV31: [...], cvssMetricV30: [...], cvssMetricV2: [...] }
    private static void Metrics(ref Utf8JsonReader reader, State p, List<NvdMetric> metrics)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            p.Skipped(reader, "'metrics' is not an object; ignored");
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString() ?? "";
            reader.Read();
            if (!name.StartsWith("cvssMetricV", StringComparison.Ordinal))
            {
                reader.Skip();
                continue;
            }

            Each(ref reader, p, name, (ref Utf8JsonReader r) =>
            {
                if (Metric(ref r, p) is { } metric && metrics.Count < MaxItems)
                {
                    metrics.Add(metric);
                }
            });
        }
    }

    private static NvdMetric? Metric(ref Utf8JsonReader reader, State p)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? source = null, type = null, version = null, vector = null, severity = null;
        decimal? score = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "source":
                    source = Text(ref reader, p, "source");
                    break;
                case "type":
                    type = Text(ref reader, p, "type");
                    break;
                case "baseSeverity":
                    severity ??= Text(ref reader, p, "baseSeverity");
                    break;
                case "cvssData" when reader.TokenType == JsonTokenType.StartObject:
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var field = reader.GetString();
                        reader.Read();
                        switch (field)
                        {
                            case "version":
                                version = Text(ref reader, p, "cvssData.version");
                                break;
                            case "vectorString":
                                vector = Text(ref reader, p, "cvssData.vectorString");
                                break;
                            case "baseSeverity":
                                severity = Text(ref reader, p, "cvssData.baseSeverity");
                                break;
                            case "baseScore" when reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out var s) && s is >= 0 and <= 10:
                                score = s;
                                break;
                            default:
                                reader.Skip();
                                break;
                        }
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return version is null || score is null ? null : new NvdMetric(version, score.Value, vector, severity, source, type == "Primary");
    }

    private static NvdConfiguration Configuration(ref Utf8JsonReader reader, State p, int index)
    {
        var location = p.At(reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            p.Skipped(reader, string.Create(CultureInfo.InvariantCulture, $"configurations[{index}] is not an object; listed as unmapped"));
            reader.Skip();
            return new NvdConfiguration(index, null, false, [], "not an object");
        }

        string? op = null, problem = null;
        var negate = false;
        var nodes = ImmutableArray.CreateBuilder<NvdNode>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "operator":
                    op = Text(ref reader, p, "operator");
                    if (op is not ("AND" or "OR"))
                    {
                        problem = $"operator '{Shorten(op ?? "")}' is neither AND nor OR";
                    }

                    break;
                case "negate":
                    negate = Bool(ref reader, p, "negate") ?? true;
                    break;
                case "nodes":
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        problem = "'nodes' is not an array";
                    }

                    Each(ref reader, p, "nodes", (ref Utf8JsonReader r) =>
                    {
                        if (nodes.Count >= MaxNodes)
                        {
                            throw p.TooLarge(r, $"a configuration has more than {MaxNodes} nodes");
                        }

                        nodes.Add(Node(ref r, p));
                    });
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (problem is null && nodes.Count == 0)
        {
            problem = "no nodes";
        }

        if (problem is not null)
        {
            p.Warn(new Diagnostic(NvdDiagnosticCodes.SkippedItem, DiagnosticSeverity.Warning, location,
                string.Create(CultureInfo.InvariantCulture, $"configurations[{index}]: {problem}; listed as unmapped")));
        }

        return new NvdConfiguration(index, op, negate, nodes.ToImmutable(), problem);
    }

    private static NvdNode Node(ref Utf8JsonReader reader, State p)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            p.Skipped(reader, "a node is not an object");
            reader.Skip();
            return new NvdNode("OR", false, [], "not an object");
        }

        string? op = null, problem = null;
        var negate = false;
        var matches = ImmutableArray.CreateBuilder<NvdCpeMatch>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "operator":
                    op = Text(ref reader, p, "node operator");
                    break;
                case "negate":
                    negate = Bool(ref reader, p, "node negate") ?? true;
                    break;
                case "cpeMatch":
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        problem = "'cpeMatch' is not an array";
                    }

                    Each(ref reader, p, "cpeMatch", (ref Utf8JsonReader r) =>
                    {
                        if (++p.CpeMatches > MaxCpeMatches)
                        {
                            throw p.TooLarge(r, $"the record has more than {MaxCpeMatches} match criteria");
                        }

                        matches.Add(CpeMatch(ref r, p));
                    });
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (op is not ("AND" or "OR"))
        {
            problem ??= op is null ? "a node has no operator" : $"node operator '{Shorten(op)}' is neither AND nor OR";
        }

        if (problem is null && matches.Count == 0)
        {
            problem = "a node has no match criteria";
        }

        return new NvdNode(op ?? "OR", negate, matches.ToImmutable(), problem);
    }

    private static NvdCpeMatch CpeMatch(ref Utf8JsonReader reader, State p)
    {
        // Locations are worked out only for a problem: a record lists thousands of criteria.
        var start = reader.TokenStartIndex;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            p.Skipped(reader, "a cpeMatch item is not an object; its configuration is listed as unmapped");
            reader.Skip();
            return new NvdCpeMatch(true, "", null, null, null, "not an object");
        }

        bool? vulnerable = null;
        string? criteria = null, id = null, si = null, se = null, ei = null, ee = null, problem = null;
        long criteriaStart = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "vulnerable":
                    vulnerable = Bool(ref reader, p, "vulnerable");
                    break;
                case "criteria":
                    criteriaStart = reader.TokenStartIndex;
                    criteria = Text(ref reader, p, "criteria");
                    break;
                case "matchCriteriaId":
                    id = Text(ref reader, p, "matchCriteriaId");
                    break;
                case "versionStartIncluding":
                    si = Version(ref reader, p, name, ref problem);
                    break;
                case "versionStartExcluding":
                    se = Version(ref reader, p, name, ref problem);
                    break;
                case "versionEndIncluding":
                    ei = Version(ref reader, p, name, ref problem);
                    break;
                case "versionEndExcluding":
                    ee = Version(ref reader, p, name, ref problem);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (criteria is null)
        {
            p.Warn(new Diagnostic(NvdDiagnosticCodes.SkippedItem, DiagnosticSeverity.Warning, p.Locate(p.Start + start), "a cpeMatch item has no 'criteria'; its configuration is listed as unmapped"));
            return new NvdCpeMatch(vulnerable ?? true, "", null, null, id, "no criteria");
        }

        // An invalid CPE string is not a feed quirk to skip: the record is corrupt.
        if (!TryParseCpe(criteria, out var cpe, out var why))
        {
            throw new InputException(new Diagnostic(NvdDiagnosticCodes.InvalidCpe, DiagnosticSeverity.Error, p.Locate(p.Start + (criteriaStart >= 0 ? criteriaStart : start)),
                $"'criteria' is not a CPE 2.3 name ({why}): '{Shorten(criteria)}'"));
        }

        if (vulnerable is null)
        {
            problem ??= "no 'vulnerable' flag";
        }

        var range = new CpeVersionRange(si, se, ei, ee);
        if (range.IsBounded && cpe!.Version.Kind != CpeValueKind.Any)
        {
            problem ??= "a version range on a criterion whose version is not '*'";
        }

        if (problem is not null)
        {
            p.Warn(new Diagnostic(NvdDiagnosticCodes.SkippedItem, DiagnosticSeverity.Warning, p.Locate(p.Start + start), $"cpeMatch {Shorten(criteria)}: {problem}; its configuration is listed as unmapped"));
        }

        return new NvdCpeMatch(vulnerable ?? true, criteria, problem is null ? cpe : null, range.IsBounded ? range : null, id, problem);
    }

    // Feeds repeat the same criteria record after record (Downfall lists each processor twice): each string is parsed once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, CpeName> Parsed = new(StringComparer.Ordinal);

    private static bool TryParseCpe(string text, out CpeName? name, out string? error)
    {
        if (Parsed.TryGetValue(text, out name))
        {
            error = null;
            return true;
        }

        if (!CpeName.TryParse(text, out name, out error))
        {
            return false;
        }

        if (Parsed.Count >= 200_000)
        {
            Parsed.Clear();
        }

        Parsed[text] = name!;
        return true;
    }

    private static string? Version(ref Utf8JsonReader reader, State p, string what, ref string? problem)
    {
        var text = Text(ref reader, p, what);
        if (text is not null && !CpeVersion.IsValid(text))
        {
            problem ??= $"'{what}' is not a version: '{Shorten(text)}'";
            return null;
        }

        return text;
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";

    [GeneratedRegex("^CVE-[0-9]{4}-[0-9]{4,}$", RegexOptions.CultureInvariant)]
    private static partial Regex CveId();
}
