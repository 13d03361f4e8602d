using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using VulnTriage.Advisories;
using VulnTriage.Cli.Application;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;
using VulnTriage.Reports.Vex;
using VulnTriage.Storage;

namespace VulnTriage.Cli.Commands;

/// <summary><c>vulntriage decisions list|revoke|export</c>: the audit trail of recorded decisions.</summary>
internal static class DecisionsCommand
{
    public static Command Build(CliEnvironment env) => new("decisions", "List, revoke and export recorded decisions (an audit trail: nothing is deleted; a revocation is a new record).")
    {
        List(env),
        Revoke(env),
        Export(env),
    };

    private static Command List(CliEnvironment env)
    {
        var all = new Option<bool>("--all") { Description = "Show the whole audit trail: revoked decisions and revocations too." };
        var advisory = new Option<string?>("--advisory") { Description = "Only decisions about this advisory." };
        var format = new Option<string>("--format", "-f") { Description = "Output format.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var db = StateOptions.Db();
        var command = new Command("list", "List the active decisions (with --all: every record, with its standing).") { all, advisory, format, db };
        command.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var location = StateOptions.Resolve(parse.GetValue(db), env);

            // A --db that names nothing is a typo, not an empty audit trail; the default location may simply not exist yet.
            var trail = parse.GetValue(db) is not null || StateStores.Exists(location) ? ReadTrail(location) : [];
            var rows = DecisionVocabulary.Standing(trail)
                .Where(s => parse.GetValue(all) || s.IsActive)
                .Where(s => parse.GetValue(advisory) is not { } a || string.Equals(s.Decision.AdvisoryId, a, StringComparison.OrdinalIgnoreCase))
                .ToList();
            if (parse.GetValue(format) == "json")
            {
                WriteJson(rows, env.Out);
            }
            else
            {
                WriteTable(rows, env.Out);
            }

            env.Out.Flush();
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Revoke(CliEnvironment env)
    {
        var id = new Argument<string>("ID") { Description = "The decision to revoke." };
        var author = new Option<string>("--author") { Description = "Who revokes it.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why it no longer holds.", Required = true };
        var db = StateOptions.Db();
        var command = new Command("revoke", "Withdraw a decision by recording a revocation (the decision itself stays in the audit trail).") { id, author, reason, db };
        command.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var who = parse.GetRequiredValue(author).Trim();
            var why = parse.GetRequiredValue(reason).Trim();
            if (who.Length == 0 || why.Length == 0)
            {
                throw new UsageException("--author and --reason must not be empty");
            }

            var location = StateOptions.Resolve(parse.GetValue(db), env);
            if (!StateStores.Exists(location))
            {
                throw new UsageException($"no decision '{parse.GetRequiredValue(id)}': {location.Display} does not exist");
            }

            using var state = StateOptions.Open(location, env);
            Decision revocation;
            try
            {
                revocation = state.Revoke(parse.GetRequiredValue(id), env.IdGenerator.NewId("d"), who, why, env.Clock.GetUtcNow());
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
            {
                throw new UsageException(e.Message, e);
            }

            env.Out.WriteLine(revocation.Id);
            env.Out.Flush();
            env.Error.WriteLine($"vulntriage: recorded {revocation.Id}: revokes {VulnTriageCli.OneLine(revocation.Revokes!)}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Export(CliEnvironment env)
    {
        var format = new Option<string>("--format", "-f") { Description = "Export format.", DefaultValueFactory = _ => "openvex" };
        format.AcceptOnlyFromAmong("openvex");
        var advisory = new Option<string?>("--advisory") { Description = "Only decisions about this advisory." };
        var author = new Option<string>("--author") { Description = "The VEX document's author.", DefaultValueFactory = _ => "VulnTriage" };
        var output = CommonOptions.OutFile();
        var advisoriesDir = CommonOptions.AdvisoriesDirectory();
        var db = StateOptions.Db();
        var command = new Command("export", "Export the active decisions as an OpenVEX 0.2.0 document (one statement per decision and CVE).") { format, advisory, author, output, advisoriesDir, db };
        command.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var location = StateOptions.Resolve(parse.GetValue(db), env);
            var trail = parse.GetValue(db) is not null || StateStores.Exists(location) ? ReadTrail(location) : [];
            var active = DecisionVocabulary.Active(trail)
                .Where(d => parse.GetValue(advisory) is not { } a || string.Equals(d.AdvisoryId, a, StringComparison.OrdinalIgnoreCase))
                .ToList();
            if (active.Count == 0)
            {
                env.Error.WriteLine("vulntriage: error: no active decisions to export (an OpenVEX document needs at least one statement)");
                return ExitCodes.InputError;
            }

            var catalog = AdvisoryCatalog.Load(parse.GetValue(advisoriesDir));
            var advisories = new Dictionary<string, Advisory>(StringComparer.Ordinal);
            foreach (var d in active)
            {
                if (!advisories.ContainsKey(d.AdvisoryId) && catalog.Find(d.AdvisoryId) is { } a)
                {
                    advisories[d.AdvisoryId] = a;
                }
            }

            CommonOptions.WriteOutput(parse.GetValue(output), env, w => OpenVexWriter.Write(active, advisories, parse.GetValue(author) ?? "VulnTriage", env.Clock.GetUtcNow(), ToolInfo.Version, w));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static System.Collections.Immutable.ImmutableArray<Decision> ReadTrail(StateLocation location)
    {
        using var state = StateOptions.OpenReadOnly(location);
        return state.Decisions();
    }

    private static void WriteTable(List<DecisionStatus> rows, TextWriter w)
    {
        if (rows.Count == 0)
        {
            w.WriteLine("No decisions.");
            return;
        }

        string[] header = ["ID", "STANDING", "ADVISORY", "SELECTOR", "VERDICT", "VEX", "AUTHOR", "DECIDED", "JUSTIFICATION", "EVIDENCE"];
        var table = rows.Select(s => new[]
        {
            s.Decision.Id,
            Standing(s),
            s.Decision.AdvisoryId,
            s.Decision.Selector.ToString(),
            s.Decision.IsRevocation ? "-" : s.Decision.Verdict.ToWire(),
            s.Decision.VexJustification?.ToWire() ?? "-",
            s.Decision.Author,
            s.Decision.DecidedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            s.Decision.Justification,
            s.Decision.EvidenceUrl ?? "-",
        }.Select(VulnTriageCli.OneLine).ToArray()).ToList();
        var widths = header.Select((h, i) => Math.Min(60, Math.Max(h.Length, table.Max(r => r[i].Length)))).ToArray();
        w.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var r in table)
        {
            w.WriteLine(string.Join("  ", r.Select((c, i) => i == r.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static string Standing(DecisionStatus s) =>
        s.Decision.Revokes is { } target ? "revokes " + target
        : s.RevokedBy is { } by ? "revoked by " + by.Id
        : "active";

    private static void WriteJson(List<DecisionStatus> rows, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) }))
        {
            w.WriteStartArray();
            foreach (var s in rows)
            {
                var d = s.Decision;
                w.WriteStartObject();
                w.WriteString("id", d.Id);
                w.WriteString("standing", s.IsActive ? "active" : d.IsRevocation ? "revocation" : "revoked");
                w.WriteString("advisory", d.AdvisoryId);
                w.WriteStartObject("selector");
                w.WriteString("kind", d.Selector.Kind.ToWire());
                w.WriteString("value", d.Selector.Value);
                w.WriteEndObject();
                w.WriteString("verdict", d.Verdict.ToWire());
                w.WriteBoolean("allVerdicts", d.AllVerdicts);
                if (d.VexJustification is { } vex)
                {
                    w.WriteString("vexJustification", vex.ToWire());
                }
                else
                {
                    w.WriteNull("vexJustification");
                }

                w.WriteString("justification", d.Justification);
                if (d.EvidenceUrl is { } url)
                {
                    w.WriteString("evidenceUrl", url);
                }
                else
                {
                    w.WriteNull("evidenceUrl");
                }

                w.WriteString("author", d.Author);
                w.WriteString("decidedAt", d.DecidedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                if (d.Revokes is { } revokes)
                {
                    w.WriteString("revokes", revokes);
                }
                else
                {
                    w.WriteNull("revokes");
                }

                if (s.RevokedBy is { } by)
                {
                    w.WriteString("revokedBy", by.Id);
                }
                else
                {
                    w.WriteNull("revokedBy");
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        output.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        output.Write('\n');
    }
}
