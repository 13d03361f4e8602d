using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;

namespace VulnTriage.Reports.Vex;

/// <summary>
/// Writes active decisions as an OpenVEX 0.2.0 document (https://openvex.dev/ns/v0.2.0). One statement per
/// (decision, CVE of its advisory); the product is the decision's selector as an IRI
/// <c>urn:vulntriage:&lt;kind&gt;:&lt;percent-encoded value&gt;</c> (e.g. <c>urn:vulntriage:host:db01.example.com</c>).
/// Mapping: not_affected → not_affected (with the VEX justification when given, otherwise the free text as
/// impact_statement); affected → affected (action_statement); fixed → fixed; accepted_risk → affected with an
/// action_statement saying the risk was accepted. The free text is kept in status_notes. The document @id is a hash of its
/// statements, so the same decisions give the same id.
/// </summary>
public static class OpenVexWriter
{
    /// <summary>The OpenVEX context IRI.</summary>
    public const string Context = "https://openvex.dev/ns/v0.2.0";

    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);

    /// <summary>The product IRI for a selector, e.g. <c>urn:vulntriage:cpu:Xeon%20Gold%206130</c>.</summary>
    public static string ProductId(DecisionSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return "urn:vulntriage:" + selector.Kind.ToWire() + ":" + Uri.EscapeDataString(selector.Value);
    }

    /// <summary>Writes the document for <paramref name="decisions"/> (revocations and revoked decisions are left out).</summary>
    /// <param name="decisions">The audit trail (or active decisions).</param>
    /// <param name="advisories">Advisories by id, for their CVEs; a decision whose advisory is unknown uses the advisory id as the vulnerability name.</param>
    /// <param name="author">The document author.</param>
    /// <param name="timestamp">The document time.</param>
    /// <param name="toolVersion">VulnTriage's version (tooling).</param>
    /// <param name="output">Where to write.</param>
    /// <returns>The number of statements written.</returns>
    public static int Write(IEnumerable<Decision> decisions, IReadOnlyDictionary<string, Advisory> advisories, string author, DateTimeOffset timestamp, string toolVersion, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(advisories);
        ArgumentNullException.ThrowIfNull(output);
        var active = DecisionVocabulary.Active(decisions);

        using var statementsBuffer = new MemoryStream();
        var count = 0;
        using (var s = new Utf8JsonWriter(statementsBuffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = Encoder }))
        {
            s.WriteStartArray();
            foreach (var d in active)
            {
                var names = advisories.TryGetValue(d.AdvisoryId, out var advisory) && !advisory.Cves.IsDefaultOrEmpty
                    ? advisory.Cves.Select(c => c.Id).Distinct(StringComparer.Ordinal).ToList()
                    : [d.AdvisoryId];
                foreach (var name in names)
                {
                    WriteStatement(s, d, name);
                    count++;
                }
            }

            s.WriteEndArray();
        }

        var statements = statementsBuffer.ToArray();
        var id = "urn:vulntriage:openvex:" + Convert.ToHexStringLower(SHA256.HashData(statements))[..32];
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = Encoder }))
        {
            w.WriteStartObject();
            w.WriteString("@context", Context);
            w.WriteString("@id", id);
            w.WriteString("author", author);
            w.WriteString("timestamp", Time(timestamp));
            w.WriteNumber("version", 1);
            w.WriteString("tooling", "VulnTriage " + toolVersion);
            w.WritePropertyName("statements");
            w.WriteRawValue(statements, skipInputValidation: true);
            w.WriteEndObject();
        }

        output.Write(Encoding.UTF8.GetString(buffer.ToArray()));
        output.Write('\n');
        return count;
    }

    private static void WriteStatement(Utf8JsonWriter w, Decision d, string vulnerability)
    {
        w.WriteStartObject();
        w.WriteString("@id", "urn:vulntriage:decision:" + Uri.EscapeDataString(d.Id) + ":" + Uri.EscapeDataString(vulnerability));
        w.WriteStartObject("vulnerability");
        w.WriteString("name", vulnerability);
        if (!string.Equals(vulnerability, d.AdvisoryId, StringComparison.Ordinal))
        {
            w.WriteStartArray("aliases");
            w.WriteStringValue(d.AdvisoryId);
            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteString("timestamp", Time(d.DecidedAt));
        w.WriteStartArray("products");
        w.WriteStartObject();
        w.WriteString("@id", ProductId(d.Selector));
        w.WriteEndObject();
        w.WriteEndArray();

        var notes = new StringBuilder();
        notes.Append(CultureInfo.InvariantCulture, $"{d.Justification} (decision {d.Id} by {d.Author}; selector {d.Selector}");
        if (d.EvidenceUrl is { Length: > 0 } url)
        {
            notes.Append(CultureInfo.InvariantCulture, $"; evidence {url}");
        }

        notes.Append(')');
        switch (d.Verdict)
        {
            case Verdict.NotAffected:
                w.WriteString("status", "not_affected");
                w.WriteString("status_notes", notes.ToString());
                if (d.VexJustification is { } vex)
                {
                    w.WriteString("justification", vex.ToWire());
                }
                else
                {
                    w.WriteString("impact_statement", d.Justification);
                }

                break;
            case Verdict.Fixed:
                w.WriteString("status", "fixed");
                w.WriteString("status_notes", notes.ToString());
                break;
            case Verdict.AcceptedRisk:
                w.WriteString("status", "affected");
                w.WriteString("status_notes", notes.ToString());
                w.WriteString("action_statement", "Risk accepted; no remediation planned for now: " + d.Justification);
                w.WriteString("action_statement_timestamp", Time(d.DecidedAt));
                break;
            default:
                w.WriteString("status", "affected");
                w.WriteString("status_notes", notes.ToString());
                w.WriteString("action_statement", "Update the firmware as the advisory says. " + d.Justification);
                w.WriteString("action_statement_timestamp", Time(d.DecidedAt));
                break;
        }

        w.WriteEndObject();
    }

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
