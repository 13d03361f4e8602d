using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Common;

namespace VulnTriage.Reports.Json;

/// <summary>
/// The machine-readable report (<c>schemaVersion</c> 1.0, documented in <c>docs/report-json.md</c>, schema in
/// <c>docs/report.schema.json</c>). Keys and enum values are English snake_case; texts are in the report language.
/// Written with <see cref="Utf8JsonWriter"/>, which escapes every string; output is streamed in chunks.
/// </summary>
public sealed class JsonReportWriter : IReportWriter
{
    /// <summary>The schema version this writer produces.</summary>
    public const string SchemaVersion = "1.1";

    private const int ChunkBytes = 64 * 1024;

    // All Unicode ranges so Japanese stays readable; HTML-sensitive characters (<, >, &, ', +) are still escaped.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);

    // Property names of a finding, escaped once (a fleet writes them for every host).
    private static readonly JsonEncodedText NAction = JsonEncodedText.Encode("action", Encoder);
    private static readonly JsonEncodedText NActionKind = JsonEncodedText.Encode("actionKind", Encoder);
    private static readonly JsonEncodedText NAdvisory = JsonEncodedText.Encode("advisory", Encoder);
    private static readonly JsonEncodedText NCves = JsonEncodedText.Encode("cves", Encoder);
    private static readonly JsonEncodedText NDecision = JsonEncodedText.Encode("decision", Encoder);
    private static readonly JsonEncodedText NEnvironment = JsonEncodedText.Encode("environment", Encoder);
    private static readonly JsonEncodedText NEvidence = JsonEncodedText.Encode("evidence", Encoder);
    private static readonly JsonEncodedText NHost = JsonEncodedText.Encode("host", Encoder);
    private static readonly JsonEncodedText NId = JsonEncodedText.Encode("id", Encoder);
    private static readonly JsonEncodedText NKey = JsonEncodedText.Encode("key", Encoder);
    private static readonly JsonEncodedText NLabels = JsonEncodedText.Encode("labels", Encoder);
    private static readonly JsonEncodedText NMachine = JsonEncodedText.Encode("machine", Encoder);
    private static readonly JsonEncodedText NName = JsonEncodedText.Encode("name", Encoder);
    private static readonly JsonEncodedText NProcessors = JsonEncodedText.Encode("processors", Encoder);
    private static readonly JsonEncodedText NRetired = JsonEncodedText.Encode("retired", Encoder);
    private static readonly JsonEncodedText NRole = JsonEncodedText.Encode("role", Encoder);
    private static readonly JsonEncodedText NRoles = JsonEncodedText.Encode("roles", Encoder);
    private static readonly JsonEncodedText NService = JsonEncodedText.Encode("service", Encoder);
    private static readonly JsonEncodedText NServices = JsonEncodedText.Encode("services", Encoder);
    private static readonly JsonEncodedText NSource = JsonEncodedText.Encode("source", Encoder);
    private static readonly JsonEncodedText NSources = JsonEncodedText.Encode("sources", Encoder);
    private static readonly JsonEncodedText NStage = JsonEncodedText.Encode("stage", Encoder);
    private static readonly JsonEncodedText NStatus = JsonEncodedText.Encode("status", Encoder);
    private static readonly JsonEncodedText NValue = JsonEncodedText.Encode("value", Encoder);
    private static readonly JsonEncodedText NVerdict = JsonEncodedText.Encode("verdict", Encoder);

    /// <inheritdoc />
    public string Format => "json";

    /// <inheritdoc />
    public void Write(TriageReport report, ReportOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);

        // Counts and headlines only: every host is in "findings", so the groups of the readable reports are not made.
        var summary = ReportSummary.Create(report, options with { Grouping = false });
        var lang = summary.Lang;
        var buffer = new ArrayBufferWriter<byte>(ChunkBytes);
        using var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = Encoder });

        w.WriteStartObject();
        w.WriteString("schemaVersion", SchemaVersion);
        w.WriteStartObject("tool");
        w.WriteString("name", "VulnTriage");
        w.WriteString("version", report.ToolVersion);
        w.WriteEndObject();
        w.WriteString("generatedAt", ReportFormatting.Timestamp(report.GeneratedAt));
        w.WriteString("lang", lang);

        w.WriteStartArray("advisories");
        foreach (var a in report.Advisories)
        {
            WriteAdvisory(w, a, lang);
        }

        w.WriteEndArray();

        var inv = report.Inventory;
        w.WriteStartObject("inventory");
        w.WriteString("source", inv.Source);
        w.WriteNumber("hostsRead", inv.HostsRead);
        w.WriteNumber("hostsEvaluated", inv.HostsEvaluated);
        w.WriteNumber("retiredExcluded", inv.RetiredExcluded);
        w.WriteNumber("distinctProcessors", inv.DistinctProcessors);
        w.WriteNumber("factsFiles", inv.FactsFiles);
        w.WriteEndObject();

        w.WriteStartObject("summary");
        WriteCounts(w, summary.Counts, summary.Environments, summary.Headline);
        w.WriteStartArray("advisories");
        foreach (var a in summary.Advisories)
        {
            w.WriteStartObject();
            w.WriteString("advisory", a.Advisory.Id);
            WriteCounts(w, a.Counts, a.Environments, a.Headline);
            if (!a.DecisionLines.IsDefaultOrEmpty)
            {
                w.WriteStartArray("decisions");
                foreach (var line in a.DecisionLines)
                {
                    w.WriteStringValue(line);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartArray("diagnostics");
        foreach (var d in report.Diagnostics.IsDefault ? [] : report.Diagnostics)
        {
            w.WriteStartObject();
            w.WriteString("code", d.Code);
            w.WriteString("severity", d.Severity.ToString().ToLowerInvariant());
            w.WriteStartObject("location");
            w.WriteString("source", d.Location.Source);
            WriteNumberOrNull(w, "line", d.Location.Line > 0 ? d.Location.Line : null);
            WriteNumberOrNull(w, "column", d.Location.Column > 0 ? d.Location.Column : null);
            WriteNumberOrNull(w, "byte", d.Location.BytePosition >= 0 ? d.Location.BytePosition : null);
            w.WriteEndObject();
            w.WriteString("message", d.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("findings");
        var segments = new SegmentCache(Encoder);
        foreach (var f in report.Findings)
        {
            WriteFinding(w, f, lang, segments);
            if (w.BytesPending + buffer.WrittenCount >= ChunkBytes)
            {
                Drain(w, buffer, output);
            }
        }

        w.WriteEndArray();
        if (!report.StaleDecisions.IsDefaultOrEmpty)
        {
            w.WriteStartArray("staleDecisions");
            foreach (var d in report.StaleDecisions)
            {
                WriteDecision(w, d);
            }

            w.WriteEndArray();
        }

        if (!report.Progress.IsDefaultOrEmpty)
        {
            w.WriteStartArray("progress");
            foreach (var p in report.Progress)
            {
                w.WriteStartObject();
                w.WriteString("runId", p.RunId);
                w.WriteString("savedAt", ReportFormatting.Timestamp(p.SavedAt));
                w.WriteString("advisory", p.AdvisoryId);
                w.WriteNumber("total", p.Counts.Total);
                WriteByVerdict(w, p.Counts);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        Drain(w, buffer, output);
        output.Write('\n');
        output.Flush();
    }

    // Flush writes only whole tokens, so a chunk never ends inside a UTF-8 sequence.
    private static void Drain(Utf8JsonWriter w, ArrayBufferWriter<byte> buffer, TextWriter output)
    {
        w.Flush();
        if (output is StreamWriter { Encoding: UTF8Encoding } direct)
        {
            // The bytes are already UTF-8: skip the decode/re-encode round trip through the TextWriter.
            direct.Flush();
            direct.BaseStream.Write(buffer.WrittenSpan);
            buffer.ResetWrittenCount();
            return;
        }

        var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(buffer.WrittenCount));
        try
        {
            var n = Encoding.UTF8.GetChars(buffer.WrittenSpan, chars);
            output.Write(chars, 0, n);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }

        buffer.ResetWrittenCount();
    }

    private static void WriteAdvisory(Utf8JsonWriter w, Advisory a, string lang)
    {
        w.WriteStartObject();
        w.WriteString("id", a.Id);
        w.WriteString("title", a.Title.Get(lang));
        w.WriteString("published", a.Published.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.WriteString("severity", a.Severity);
        WriteDraft(w, a);
        w.WriteStartArray("cves");
        foreach (var cve in a.Cves.IsDefault ? [] : a.Cves)
        {
            w.WriteStartObject();
            w.WriteString("id", cve.Id);
            if (cve.CvssScore is { } score)
            {
                w.WriteStartObject("cvss");
                WriteStringOrNull(w, "version", cve.CvssVersion);
                w.WriteNumber("score", score);
                WriteStringOrNull(w, "vector", cve.CvssVector);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("cvss");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    // A draft advisory (imported, not reviewed) says so, and where it came from; curated ones carry neither key.
    private static void WriteDraft(Utf8JsonWriter w, Advisory a)
    {
        if (a.Status != AdvisoryStatus.Draft)
        {
            return;
        }

        w.WriteString("status", "draft");
        if (a.Source is not { } source)
        {
            return;
        }

        w.WriteStartObject("source");
        w.WriteString("feed", source.Feed);
        w.WriteString("record", source.Record);
        WriteStringOrNull(w, "revision", source.Revision);
        WriteStringOrNull(w, "recordStatus", source.RecordStatus);
        w.WriteNumber("configurations", source.Configurations);
        w.WriteNumber("processors", source.Processors);
        w.WriteNumber("unmapped", source.Unmapped.IsDefaultOrEmpty ? 0 : source.Unmapped.Length);
        w.WriteEndObject();
    }

    private static void WriteCounts(Utf8JsonWriter w, VerdictCounts counts, IEnumerable<EnvironmentSummary> environments, string headline)
    {
        w.WriteNumber("total", counts.Total);
        WriteByVerdict(w, counts);
        w.WriteStartArray("environments");
        foreach (var e in environments)
        {
            w.WriteStartObject();
            w.WriteString("environment", e.Environment.ToWire());
            w.WriteNumber("hosts", e.Counts.Total);
            WriteByVerdict(w, e.Counts);
            w.WriteString("headline", e.Line);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("headline", headline);
    }

    private static void WriteByVerdict(Utf8JsonWriter w, VerdictCounts counts)
    {
        w.WriteStartObject("byVerdict");
        foreach (var v in Verdicts.All)
        {
            w.WriteNumber(v.ToWire(), counts.Get(v));
        }

        w.WriteEndObject();
    }

    /// <summary>One finding as the report's <c>findings[]</c> item (schema <c>#/$defs/finding</c>); the dashboard's API writes these.</summary>
    internal static void WriteFindingObject(Utf8JsonWriter w, Finding f, string lang) => WriteFinding(w, f, lang);

    /// <summary>One decision as the report's <c>#/$defs/decision</c>.</summary>
    internal static void WriteDecisionObject(Utf8JsonWriter w, Decision d) => WriteDecision(w, d);

    /// <summary>The report's JSON writer options (indented, readable Unicode, markup characters escaped).</summary>
    internal static JsonWriterOptions WriterOptions(bool indented) => new() { Indented = indented, NewLine = "\n", Encoder = Encoder };

    private static void WriteFinding(Utf8JsonWriter w, Finding f, string lang, SegmentCache? segments = null)
    {
        w.WriteStartObject();
        w.WriteString(NAdvisory, f.AdvisoryId);

        var h = f.Host;
        w.WriteStartObject(NHost);
        w.WriteString(NId, h.Id);
        w.WriteString(NName, h.Name);
        WriteStringOrNull(w, "displayName", h.DisplayName);
        w.WriteString(NStatus, StatusWire(h.Status));
        w.WriteBoolean(NRetired, h.IsRetired);
        w.WriteString(NEnvironment, f.Environment.ToWire());
        w.WriteStartArray(NServices);
        foreach (var s in h.Roles.IsDefault ? [] : ServicesOf(h.Roles, segments))
        {
            w.WriteStringValue(s);
        }

        w.WriteEndArray();
        w.WriteStartArray(NRoles);
        foreach (var r in h.Roles.IsDefault ? [] : h.Roles)
        {
            w.WriteStartObject();
            w.WriteString(NService, r.Service);
            w.WriteString(NRole, r.Role);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        // Written only when an inventory gave them, so Mackerel-only reports keep their shape.
        if (!h.Labels.IsDefaultOrEmpty)
        {
            w.WriteStartArray(NLabels);
            foreach (var label in h.Labels)
            {
                w.WriteStartObject();
                w.WriteString(NKey, label.Key);
                w.WriteString(NValue, label.Value);
                w.WriteString(NSource, label.Source);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (h.Provenance is { Sources.IsDefaultOrEmpty: false } provenance)
        {
            w.WriteStartArray(NSources);
            foreach (var source in provenance.Sources)
            {
                w.WriteStringValue(source);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();

        w.WriteString(NVerdict, f.Verdict.ToWire());
        w.WriteString(NStage, f.Stage.ToWire());
        if (f.Machine is { } machine)
        {
            w.WriteStartObject(NMachine);
            w.WriteString(NVerdict, machine.Verdict.ToWire());
            w.WriteString(NStage, machine.Stage.ToWire());
            w.WriteEndObject();
        }

        if (f.Decision is { } decision)
        {
            w.WritePropertyName(NDecision);
            WriteDecision(w, decision);
        }

        w.WritePropertyName(NProcessors);
        if (segments is null || !segments.TryWrite(w, f.Processors.IsDefault ? null : ImmutableCollectionsMarshal.AsArray(f.Processors), lang, WriteProcessors, f.Processors))
        {
            WriteProcessors(w, f.Processors, lang);
        }

        w.WritePropertyName(NEvidence);
        if (segments is null || !segments.TryWrite(w, f.Evidence.IsDefault ? null : ImmutableCollectionsMarshal.AsArray(f.Evidence), lang, WriteEvidence, f.Evidence))
        {
            WriteEvidence(w, f.Evidence, lang);
        }

        w.WriteStartArray(NCves);
        foreach (var cve in f.Cves.IsDefault ? [] : f.Cves)
        {
            w.WriteStringValue(cve);
        }

        w.WriteEndArray();
        w.WriteString(NAction, EvidenceText.Action(f.Action, lang));
        w.WriteString(NActionKind, ActionKindWire(f.Action.Kind));
        w.WriteEndObject();
    }

    private static void WriteProcessors(Utf8JsonWriter w, ImmutableArray<ProcessorIdentity> processors, string lang)
    {
        w.WriteStartArray();
        foreach (var p in processors.IsDefault ? [] : processors)
        {
            w.WriteStartObject();
            w.WriteString("brandString", p.NormalizedBrand);
            w.WriteString("vendor", VendorWire(p.Vendor));
            WriteStringOrNull(w, "productLine", p.ProductLine);
            WriteStringOrNull(w, "modelNumber", p.ModelNumber);
            WriteNumberOrNull(w, "generation", p.Generation);
            WriteStringOrNull(w, "microarchitecture", p.Microarchitecture);
            WriteStringOrNull(w, "codename", p.Codename);
            w.WriteString("segment", p.Segment.ToString().ToLowerInvariant());
            w.WriteBoolean("virtual", p.IsVirtual);
            w.WriteString("confidence", p.Confidence.ToString().ToLowerInvariant());
            WriteStringOrNull(w, "signature", p.Signature?.ToString());
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteEvidence(Utf8JsonWriter w, ImmutableArray<Evidence> evidence, string lang)
    {
        w.WriteStartArray();
        foreach (var e in evidence.IsDefault ? [] : evidence)
        {
            w.WriteStartObject();
            w.WriteString("clause", e.Clause);
            w.WriteString("kind", Snake(e.Kind.ToString()));
            if (e.Verdict is { } verdict)
            {
                w.WriteString("verdict", verdict.ToWire());
            }

            if (e.RuleId is { } rule)
            {
                w.WriteString("rule", rule);
            }

            w.WriteString("reason", EvidenceText.Reason(e, lang));
            if (!e.Missing.IsDefaultOrEmpty)
            {
                w.WriteStartArray("missing");
                foreach (var m in e.Missing)
                {
                    w.WriteStringValue(m);
                }

                w.WriteEndArray();
            }

            w.WriteStartArray("predicates");
            foreach (var p in e.Predicates.IsDefault ? [] : e.Predicates)
            {
                w.WriteStartObject();
                w.WriteString("predicate", p.Predicate);
                w.WriteString("expected", p.Expected);
                w.WriteString("value", p.Value);
                w.WriteString("source", p.Source);
                w.WriteString("result", p.Result.ToWire());
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("facts");
            foreach (var fact in e.Facts.IsDefault ? [] : e.Facts)
            {
                w.WriteStartObject();
                w.WriteString("name", fact.Name);
                w.WriteString("value", fact.Value);
                w.WriteString("source", fact.Source);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>
    /// Fleets repeat hardware, and the triage shares one evidence array among hosts with the same processors, so
    /// the JSON of a shared processors/evidence array is rendered once (at the findings' indentation) and copied.
    /// An array is rendered and kept only from its second use, so unique arrays cost nothing extra.
    /// </summary>
    private sealed class SegmentCache(JavaScriptEncoder encoder)
    {
        // Array values inside a finding sit three levels deep (root object, findings array, finding object).
        private static readonly byte[] Indent = "\n      "u8.ToArray();

        private readonly HashSet<object> _seenOnce = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<object, byte[]> _rendered = new(ReferenceEqualityComparer.Instance);

        /// <summary>Services per shared roles array.</summary>
        public Dictionary<RoleRef[], string[]> Services { get; } = new(ReferenceEqualityComparer.Instance);

        public bool TryWrite<T>(Utf8JsonWriter w, object? key, string lang, Action<Utf8JsonWriter, T, string> render, T value)
        {
            if (key is null)
            {
                return false;
            }

            if (!_rendered.TryGetValue(key, out var bytes))
            {
                if (_seenOnce.Add(key))
                {
                    return false;
                }

                var buffer = new ArrayBufferWriter<byte>(1024);
                using (var sub = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = encoder }))
                {
                    render(sub, value, lang);
                }

                bytes = Reindent(buffer.WrittenSpan);
                _rendered[key] = bytes;
            }

            w.WriteRawValue(bytes, skipInputValidation: true);
            return true;
        }

        private static byte[] Reindent(ReadOnlySpan<byte> json)
        {
            var output = new ArrayBufferWriter<byte>(json.Length + 256);
            while (true)
            {
                var newline = json.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    output.Write(json);
                    return output.WrittenSpan.ToArray();
                }

                output.Write(json[..newline]);
                output.Write(Indent);
                json = json[(newline + 1)..];
            }
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ActionKind, string> ActionKinds = new();

    /// <summary>The wire name of an action kind, made once per kind.</summary>
    private static string ActionKindWire(ActionKind kind) => ActionKinds.GetOrAdd(kind, k => Snake(k.ToString()));

    /// <summary>
    /// The distinct services of a host's roles (sorted roles, so services come in order). Hosts of one role share one
    /// roles array, so the answer is kept per array for the report being written.
    /// </summary>
    private static string[] ServicesOf(ImmutableArray<RoleRef> roles, SegmentCache? segments)
    {
        var array = ImmutableCollectionsMarshal.AsArray(roles)!;
        if (segments is not null && segments.Services.TryGetValue(array, out var known))
        {
            return known;
        }

        var services = roles.Select(r => r.Service).Distinct(StringComparer.Ordinal).ToArray();
        if (segments is not null && segments.Services.Count < 10_000)
        {
            segments.Services[array] = services;
        }

        return services;
    }

    /// <summary>Mackerel's status words: <c>working</c>, <c>standby</c>, <c>maintenance</c>, <c>poweroff</c>, or <c>unknown</c>.</summary>
    internal static string StatusWire(HostStatus status) => status switch
    {
        HostStatus.Working => "working",
        HostStatus.Standby => "standby",
        HostStatus.Maintenance => "maintenance",
        HostStatus.PowerOff => "poweroff",
        _ => "unknown",
    };

    private static void WriteDecision(Utf8JsonWriter w, Decision d)
    {
        w.WriteStartObject();
        w.WriteString("id", d.Id);
        w.WriteString("advisory", d.AdvisoryId);
        w.WriteStartObject("selector");
        w.WriteString("kind", d.Selector.Kind.ToWire());
        w.WriteString("value", d.Selector.Value);
        w.WriteEndObject();
        w.WriteString("verdict", d.Verdict.ToWire());
        WriteStringOrNull(w, "vexJustification", d.VexJustification?.ToWire());
        w.WriteString("justification", d.Justification);
        WriteStringOrNull(w, "evidenceUrl", d.EvidenceUrl);
        w.WriteString("author", d.Author);
        w.WriteString("decidedAt", ReportFormatting.Timestamp(d.DecidedAt));
        w.WriteEndObject();
    }

    private static string VendorWire(CpuVendor vendor) => vendor.ToString().ToLowerInvariant();

    private static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>PascalCase → snake_case (enum names on the wire).</summary>
    internal static string Snake(string pascal)
    {
        var sb = new System.Text.StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
