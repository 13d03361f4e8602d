using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Matching;

namespace VulnTriage.Storage;

/// <summary>
/// The JSON form of a finding's evidence in a saved run (<c>run_evidence.evidence</c>): an array of evidence records
/// with the names of the report JSON (docs/report.schema.json: <c>clause</c>, <c>kind</c>, <c>verdict</c>, <c>rule</c>,
/// <c>predicates</c>, <c>facts</c>, <c>missing</c>) plus what the report renders into prose (<c>subject</c>,
/// <c>ruleTitle</c>, <c>note</c>, <c>detail</c>, <c>scope</c>, <c>decision</c>), so a saved run renders as the triage did.
/// Wire names are the report's: snake_case kinds and verdicts, <c>true</c>/<c>false</c>/<c>unknown</c> results.
/// </summary>
public static class EvidenceJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 16,
    };

    private static readonly Dictionary<string, EvidenceKind> Kinds =
        Enum.GetValues<EvidenceKind>().ToDictionary(Wire, k => k, StringComparer.Ordinal);

    /// <summary>The snake_case wire name of a kind (as the report JSON writes it), e.g. <c>candidate_cpu</c>.</summary>
    public static string Wire(EvidenceKind kind) => Snake(kind.ToString());

    /// <summary>Serialises an evidence array (compact JSON).</summary>
    public static string Write(ImmutableArray<Evidence> evidence) =>
        JsonSerializer.Serialize((evidence.IsDefault ? [] : evidence).Select(ToDto).ToArray(), Options);

    /// <summary>Reads an evidence array; throws <see cref="FormatException"/> when a record cannot be read back.</summary>
    public static ImmutableArray<Evidence> Read(string json)
    {
        EvidenceDto[]? dtos;
        try
        {
            dtos = JsonSerializer.Deserialize<EvidenceDto[]>(json, Options);
        }
        catch (JsonException e)
        {
            throw new FormatException("saved evidence is not valid JSON: " + e.Message, e);
        }

        return [.. (dtos ?? []).Select(FromDto)];
    }

    private static EvidenceDto ToDto(Evidence e) => new(
        e.Clause,
        Wire(e.Kind),
        e.Verdict?.ToWire(),
        e.RuleId,
        e.Subject,
        e.RuleTitle is { } t ? new TextDto(t.En, t.Ja) : null,
        e.Note is { } n ? new TextDto(n.En, n.Ja) : null,
        e.Detail,
        e.Scope?.ToString().ToLowerInvariant(),
        e.Missing.IsDefaultOrEmpty ? null : [.. e.Missing],
        [.. (e.Predicates.IsDefault ? [] : e.Predicates).Select(p => new PredicateDto(p.Predicate, p.Expected, p.Value, p.Source, p.Result.ToWire()))],
        [.. (e.Facts.IsDefault ? [] : e.Facts).Select(f => new FactDto(f.Name, f.Value, f.Source))],
        e.Decision is { } d ? DecisionDto.From(d) : null);

    private static Evidence FromDto(EvidenceDto d)
    {
        if (d.Clause is null || d.Kind is null || !Kinds.TryGetValue(d.Kind, out var kind))
        {
            throw new FormatException($"saved evidence has an unknown kind '{d.Kind}'");
        }

        return new Evidence(d.Clause, kind, [.. (d.Facts ?? []).Select(f => new EvidenceFact(f.Name ?? "", f.Value ?? "", f.Source ?? ""))])
        {
            Verdict = d.Verdict is null ? null : ParseVerdict(d.Verdict),
            RuleId = d.Rule,
            Subject = d.Subject,
            RuleTitle = d.RuleTitle is { En: { } en } t ? new LocalizedText(en, t.Ja) : null,
            Note = d.Note is { En: { } nen } n ? new LocalizedText(nen, n.Ja) : null,
            Detail = d.Detail,
            Scope = d.Scope is null ? null
                : Enum.TryParse<CpuRuleScope>(d.Scope, ignoreCase: true, out var scope) && !int.TryParse(d.Scope, out _) ? scope
                : throw new FormatException($"saved evidence has an unknown scope '{d.Scope}'"),
            Missing = [.. d.Missing ?? []],
            Predicates = [.. (d.Predicates ?? []).Select(ToPredicate)],
            Decision = d.Decision?.ToDecision(),
        };
    }

    private static Verdict ParseVerdict(string text) =>
        Verdicts.TryParse(text, out var v) ? v : throw new FormatException($"saved evidence has an unknown verdict '{text}'");

    internal static string Snake(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0)
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(pascal[i]));
        }

        return sb.ToString();
    }

    private static PredicateResult ToPredicate(PredicateDto p) => new(p.Predicate ?? "", p.Expected ?? "", p.Value ?? "", p.Source ?? "", p.Result switch
    {
        "true" => Truth.True,
        "false" => Truth.False,
        "unknown" => Truth.Unknown,
        _ => throw new FormatException($"saved evidence has an unknown predicate result '{p.Result}'"),
    });

    private sealed record EvidenceDto(
        string? Clause,
        string? Kind,
        string? Verdict,
        string? Rule,
        string? Subject,
        TextDto? RuleTitle,
        TextDto? Note,
        string? Detail,
        string? Scope,
        string[]? Missing,
        PredicateDto[]? Predicates,
        FactDto[]? Facts,
        DecisionDto? Decision);

    private sealed record TextDto(string? En, string? Ja);

    private sealed record PredicateDto(string? Predicate, string? Expected, string? Value, string? Source, string? Result);

    private sealed record FactDto(string? Name, string? Value, string? Source);

    private sealed record SelectorDto(string? Kind, string? Value);

    private sealed record DecisionDto(
        string? Id,
        string? Advisory,
        SelectorDto? Selector,
        string? Verdict,
        string? VexJustification,
        string? Justification,
        string? EvidenceUrl,
        string? Author,
        string? DecidedAt,
        string? Revokes,
        bool AllVerdicts)
    {
        public static DecisionDto From(Decision d) => new(
            d.Id,
            d.AdvisoryId,
            new SelectorDto(d.Selector.Kind.ToWire(), d.Selector.Value),
            d.Verdict.ToWire(),
            d.VexJustification?.ToWire(),
            d.Justification,
            d.EvidenceUrl,
            d.Author,
            d.DecidedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            d.Revokes,
            d.AllVerdicts);

        public Decision ToDecision()
        {
            if (Selector is null || !DecisionVocabulary.TryParseSelectorKind(Selector.Kind, out var kind))
            {
                throw new FormatException($"saved evidence has a decision with an unknown selector kind '{Selector?.Kind}'");
            }

            VexJustification? vex = null;
            if (VexJustification is not null)
            {
                vex = DecisionVocabulary.TryParseVexJustification(VexJustification, out var j) ? j
                    : throw new FormatException($"saved evidence has an unknown VEX justification '{VexJustification}'");
            }

            return new Decision(
                Id ?? "",
                Advisory ?? "",
                new DecisionSelector(kind, Selector.Value ?? ""),
                ParseVerdict(Verdict ?? ""),
                vex,
                Justification ?? "",
                EvidenceUrl,
                Author ?? "",
                DateTimeOffset.Parse(DecidedAt ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                Revokes,
                AllVerdicts);
        }
    }
}

/// <summary>The JSON form of a <see cref="SelectorTarget"/> in <c>run_findings.target</c>.</summary>
internal static class TargetJson
{
    public static string Write(SelectorTarget t) =>
        JsonSerializer.Serialize(new Dto(t.HostId, t.HostName, [.. t.Roles], t.SystemVendor, t.ProductName, [.. t.CpuModelNumbers], [.. t.CpuNames], t.Labels.IsDefaultOrEmpty ? null : [.. t.Labels]));

    public static SelectorTarget? Read(string json)
    {
        try
        {
            var d = JsonSerializer.Deserialize<Dto>(json);
            return d is null ? null : new SelectorTarget(d.HostId ?? "", d.HostName ?? "", [.. d.Roles ?? []], d.SystemVendor, d.ProductName, [.. d.CpuModelNumbers ?? []], [.. d.CpuNames ?? []])
            {
                Labels = [.. d.Labels ?? []],
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Dto(string? HostId, string? HostName, string[]? Roles, string? SystemVendor, string? ProductName, string[]? CpuModelNumbers, string[]? CpuNames, string[]? Labels = null);
}
