using System.Collections.Immutable;
using System.Globalization;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;

namespace VulnTriage.Storage;

/// <summary>What both stores do the same way: parsing stored words, building revocations, sharing evidence arrays.</summary>
internal static class StoreCommon
{
    /// <summary>
    /// Folds one row of the progress query (run, saved at, verdict or none, host count) into <paramref name="rows"/>: a
    /// run's rows come together, one per verdict; a run without findings for the advisory has one row without a verdict.
    /// </summary>
    public static void AddProgressRow(List<RunProgress> rows, string location, string advisoryId, string runId, DateTimeOffset savedAt, string? verdict, int count)
    {
        if (rows.Count == 0 || rows[^1].RunId != runId)
        {
            rows.Add(new RunProgress(runId, savedAt, advisoryId, Core.Reporting.VerdictCounts.Zero));
        }

        if (verdict is not null)
        {
            var parsed = ParseVerdict(location, verdict);
            var counts = rows[^1].Counts;
            for (var i = count; i > 0; i--)
            {
                counts = counts.Add(parsed);
            }

            rows[^1] = rows[^1] with { Counts = counts };
        }
    }

    /// <summary>ISO 8601 UTC with 100 ns precision (SQLite's text times; also how times are compared in tests).</summary>
    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>A time truncated to the minute (what <c>last_used_at</c> keeps: a login every second is not an event).</summary>
    public static DateTimeOffset ToMinute(DateTimeOffset t)
    {
        var u = t.ToUniversalTime();
        return new DateTimeOffset(u.Year, u.Month, u.Day, u.Hour, u.Minute, 0, TimeSpan.Zero);
    }

    public static Verdict ParseVerdict(string location, string text) =>
        Verdicts.TryParse(text, out var v) ? v : throw new StateDatabaseException($"{location}: unknown verdict '{text}'");

    public static Stage ParseStage(string location, string text) =>
        Verdicts.TryParseStage(text, out var s) ? s : throw new StateDatabaseException($"{location}: unknown stage '{text}'");

    public static Core.Access.Role ParseRole(string location, string text) =>
        Core.Access.Roles.TryParse(text, out var r) ? r : throw new StateDatabaseException($"{location}: unknown role '{text}'");

    public static SelectorKind ParseSelectorKind(string location, string id, string text) =>
        DecisionVocabulary.TryParseSelectorKind(text, out var kind) ? kind
            : throw new StateDatabaseException($"{location}: decision {id} has an unknown selector kind '{text}'");

    public static VexJustification? ParseVex(string location, string id, string? text) =>
        text is null ? null
        : DecisionVocabulary.TryParseVexJustification(text, out var j) ? j
        : throw new StateDatabaseException($"{location}: decision {id} has an unknown VEX justification '{text}'");

    public static ImmutableArray<Evidence> ReadEvidence(string location, string runId, string json)
    {
        try
        {
            return EvidenceJson.Read(json);
        }
        catch (FormatException e)
        {
            throw new StateDatabaseException($"{location}: run {runId}: {e.Message}", e);
        }
    }

    /// <summary>The revocation record of <paramref name="target"/>, after checking it may be revoked.</summary>
    public static Decision Revocation(Decision? target, Decision? earlier, string decisionId, string newId, string author, string reason, DateTimeOffset at)
    {
        if (target is null)
        {
            throw new KeyNotFoundException($"no decision '{decisionId}'");
        }

        if (target.IsRevocation)
        {
            throw new InvalidOperationException($"'{decisionId}' is a revocation, not a decision");
        }

        if (earlier is not null)
        {
            throw new InvalidOperationException($"decision '{decisionId}' was already revoked by '{earlier.Id}'");
        }

        return target with
        {
            Id = newId,
            VexJustification = null,
            Justification = reason,
            EvidenceUrl = null,
            Author = author,
            DecidedAt = at,
            Revokes = decisionId,
        };
    }

    /// <summary>
    /// Numbers the distinct evidence arrays of a run's findings: findings that share an array (hosts with the same
    /// hardware share one evaluation) or whose arrays serialise alike get the same number. Returns, per finding, the
    /// number or <c>null</c> (no evidence), and the (number, JSON) pairs to store.
    /// </summary>
    public static (int?[] Refs, List<(int Id, string Json)> Distinct) ShareEvidence(IReadOnlyList<SavedFinding> findings)
    {
        var byArray = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        var byJson = new Dictionary<string, int>(StringComparer.Ordinal);
        var distinct = new List<(int, string)>();
        var refs = new int?[findings.Count];
        for (var i = 0; i < findings.Count; i++)
        {
            var evidence = findings[i].Evidence;
            if (evidence.IsDefaultOrEmpty)
            {
                continue;
            }

            var key = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(evidence)!;
            if (!byArray.TryGetValue(key, out var id))
            {
                var json = EvidenceJson.Write(evidence);
                if (!byJson.TryGetValue(json, out id))
                {
                    id = distinct.Count + 1;
                    byJson[json] = id;
                    distinct.Add((id, json));
                }

                byArray[key] = id;
            }

            refs[i] = id;
        }

        return (refs, distinct);
    }

    /// <summary>
    /// Numbers the distinct contexts of a run's findings (hosts alike — same hardware, roles, status — serialise alike
    /// and share one row). Returns, per finding, the number or <c>null</c> (no context), and the (number, JSON) pairs.
    /// </summary>
    public static (int?[] Refs, List<(int Id, string Json)> Distinct) ShareContexts(IReadOnlyList<SavedFinding> findings)
    {
        var byJson = new Dictionary<string, int>(StringComparer.Ordinal);
        var distinct = new List<(int, string)>();
        var refs = new int?[findings.Count];
        for (var i = 0; i < findings.Count; i++)
        {
            if (findings[i].Context is not { } context)
            {
                continue;
            }

            var json = FindingContextJson.Write(context);
            if (!byJson.TryGetValue(json, out var id))
            {
                id = distinct.Count + 1;
                byJson[json] = id;
                distinct.Add((id, json));
            }

            refs[i] = id;
        }

        return (refs, distinct);
    }

    public static FindingContext ReadContext(string location, string runId, string json)
    {
        try
        {
            return FindingContextJson.Read(json);
        }
        catch (FormatException e)
        {
            throw new StateDatabaseException($"{location}: run {runId}: {e.Message}", e);
        }
    }

    public static ImmutableDictionary<string, string> ReadTeams(string location, string runId, string? json)
    {
        try
        {
            return FindingContextJson.ReadTeams(json);
        }
        catch (FormatException e)
        {
            throw new StateDatabaseException($"{location}: run {runId}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The findings of a run as SQLite's <c>INSERT OR REPLACE</c> kept them: one per (advisory, host id), the last one
    /// given winning, in the order of first appearance.
    /// </summary>
    public static List<SavedFinding> LastPerHost(ImmutableArray<SavedFinding> findings)
    {
        var index = new Dictionary<(string, string), int>();
        var list = new List<SavedFinding>(findings.Length);
        foreach (var f in findings.IsDefault ? [] : findings)
        {
            if (index.TryGetValue((f.AdvisoryId, f.HostId), out var at))
            {
                list[at] = f;
            }
            else
            {
                index[(f.AdvisoryId, f.HostId)] = list.Count;
                list.Add(f);
            }
        }

        return list;
    }

    public static void CheckRun(SavedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Failed && !run.Findings.IsDefaultOrEmpty)
        {
            throw new ArgumentException("a failed run carries no findings (it is never half-saved)", nameof(run));
        }
    }

    public static void CheckTokenName(string name)
    {
        if (!Core.Access.ApiToken.IsValidName(name))
        {
            throw new ArgumentException($"token name '{name}' is not 1-64 characters of letters, digits, '.', '_', '-', '@'", nameof(name));
        }
    }
}
