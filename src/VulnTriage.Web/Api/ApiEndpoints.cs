using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Json;
using VulnTriage.Web.Data;
using VulnTriage.Web.Pages;
using VulnTriage.Web.Scheduling;
using VulnTriage.Web.Security;

namespace VulnTriage.Web.Api;

/// <summary>
/// <c>/api/v1</c>: what the pages show, as JSON. Findings and decisions are the report JSON's objects
/// (<c>docs/report.schema.json</c> <c>#/$defs/finding</c> and <c>#/$defs/decision</c>, written by the report's own
/// writer); errors are <c>application/problem+json</c> naming the field. Bearer tokens only.
/// </summary>
internal static class ApiEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    private const int MaxBodyBytes = 64 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(Policies.Viewer);
        api.MapGet("/advisories", Advisories).WithName("listAdvisories").WithSummary("Every advisory with a saved run: conclusion, counts per verdict, progress over runs.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
        api.MapGet("/advisories/{id}", Advisory).WithName("getAdvisory").WithSummary("One advisory: conclusion, counts per verdict, progress over runs.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/advisories/{id}/findings", Findings).WithName("listFindings")
            .WithSummary("The findings of the advisory's latest saved run (report JSON #/$defs/finding), filtered and paged: verdict (a verdict, needs_action or all; default all), service, team, role, status, cpu, offset, limit (≤ 1000), lang.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/hosts/{name}", Host).WithName("getHost").WithSummary("One host (by name or id): its finding per advisory in the latest saved runs, and the decisions that concern it.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/runs", Runs).WithName("listRuns").WithSummary("Every saved run, oldest first, failed ones with their error.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
        api.MapGet("/runs/diff", Diff).WithName("diffRuns").WithSummary("What changed for an advisory between two saved runs (from, to; default: the last two), as `vulntriage diff --format json`.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/runs", Trigger).WithName("startRun").WithSummary("Start the scheduled triage now (admin).")
            .RequireAuthorization(Policies.Admin).Produces(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/decisions", Decisions).WithName("listDecisions").WithSummary("The audit trail, oldest first: each record with whether it revokes or was revoked.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
        api.MapGet("/decisions/{id}", DecisionById).WithName("getDecision").WithSummary("One decision record.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/decisions", Decide).WithName("createDecision")
            .WithSummary("Record a decision (decider). The author is the token's name. 201 with Location; 400 problem+json naming the field.")
            .RequireAuthorization(Policies.Decider).Accepts<DecisionRequest>("application/json")
            .Produces(StatusCodes.Status201Created, contentType: "application/json").ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapPost("/decisions/preview", PreviewDecision).WithName("previewDecision")
            .WithSummary("Which hosts of the latest saved run a decision would select and change, without recording it (decider): the totals (matches, applies) and the hosts from offset, at most limit (default 100, ≤ 1000).")
            .RequireAuthorization(Policies.Decider).Accepts<DecisionRequest>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapPost("/decisions/{id}/revoke", Revoke).WithName("revokeDecision").WithSummary("Revoke a decision (decider): a new record. Body {\"reason\": …}.")
            .RequireAuthorization(Policies.Decider).Accepts<RevokeRequest>("application/json")
            .Produces(StatusCodes.Status201Created, contentType: "application/json").ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static string Lang(HttpContext http) => http.Request.Query["lang"].ToString() == "ja" ? "ja" : "en";

    private static JsonBody Json(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK, string? location = null) => new JsonBody(write, status, location);

    private static async Task<IResult> Advisories(HttpContext http, DashboardData data)
    {
        var snapshot = await data.SnapshotAsync().ConfigureAwait(false);
        var lang = Lang(http);
        return Json(w =>
        {
            w.WriteStartArray();
            foreach (var a in snapshot.Advisories)
            {
                WriteAdvisory(w, a, lang);
            }

            w.WriteEndArray();
        });
    }

    private static async Task<IResult> Advisory(HttpContext http, string id, DashboardData data)
    {
        var snapshot = await data.SnapshotAsync().ConfigureAwait(false);
        return snapshot.Find(id) is { } a
            ? Json(w => WriteAdvisory(w, a, Lang(http)))
            : Problems.Result(StatusCodes.Status404NotFound, "Not Found", $"no saved run of advisory '{id}'", "id");
    }

    private static void WriteAdvisory(Utf8JsonWriter w, AdvisoryState a, string lang)
    {
        w.WriteStartObject();
        w.WriteString("id", a.Id);
        w.WriteString("title", a.Advisory?.Title.Get(lang));
        w.WriteString("latestRun", a.LatestRunId);
        w.WriteString("savedAt", a.SavedAt.ToUniversalTime());
        w.WriteString("headline", ReportSentences.Headline(a.Counts, lang));
        w.WriteNumber("total", a.Counts.Total);
        WriteByVerdict(w, a.Counts);
        w.WriteStartArray("progress");
        foreach (var p in a.Progress)
        {
            w.WriteStartObject();
            w.WriteString("runId", p.RunId);
            w.WriteString("savedAt", p.SavedAt.ToUniversalTime());
            w.WriteNumber("total", p.Counts.Total);
            WriteByVerdict(w, p.Counts);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
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

    private static async Task<IResult> Findings(HttpContext http, string id, DashboardData data)
    {
        var filter = FindingFilter.From(http.Request.Query);
        if (filter.Invalid() is { } bad)
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Bad Request", $"'{http.Request.Query[bad]}' is not a valid {bad}", bad);
        }

        var limit = DefaultLimit;
        if (http.Request.Query["limit"].ToString() is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Bad Request", $"limit must be 1..{MaxLimit}", "limit");
        }

        var snapshot = await data.SnapshotAsync().ConfigureAwait(false);
        if (snapshot.Find(id) is not { } state || await data.RunAsync(state.LatestRunId).ConfigureAwait(false) is not { } view)
        {
            return Problems.Result(StatusCodes.Status404NotFound, "Not Found", $"no saved run of advisory '{id}'", "id");
        }

        var lang = Lang(http);
        var matching = view.Filtered(state.Id, filter, "all");
        var page = matching.Skip(filter.Offset).Take(limit).ToList();
        string? next = filter.Offset + limit < matching.Count
            ? "/api/v1/advisories/" + Uri.EscapeDataString(state.Id) + "/findings?" + string.Join('&', filter.Query(filter.Offset + limit).Append(("limit", limit.ToString(CultureInfo.InvariantCulture))).Append(("lang", lang))
                .Where(q => !string.IsNullOrEmpty(q.Item2)).Select(q => q.Item1 + "=" + Uri.EscapeDataString(q.Item2!)))
            : null;
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("advisory", state.Id);
            w.WriteString("run", state.LatestRunId);
            w.WriteString("savedAt", state.SavedAt.ToUniversalTime());
            w.WriteString("lang", lang);
            w.WriteNumber("total", matching.Count);
            w.WriteNumber("offset", filter.Offset);
            w.WriteNumber("limit", limit);
            w.WriteString("next", next);
            w.WriteStartArray("findings");
            foreach (var f in page)
            {
                JsonReportWriter.WriteFindingObject(w, f, lang);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> Host(HttpContext http, string name, DashboardData data)
    {
        name = Uri.UnescapeDataString(name);
        var snapshot = await data.SnapshotAsync().ConfigureAwait(false);
        var found = new List<Finding>();
        foreach (var state in snapshot.Advisories)
        {
            if (await data.RunAsync(state.LatestRunId).ConfigureAwait(false) is { } view)
            {
                found.AddRange(view.Host(name).Where(f => f.AdvisoryId == state.Id));
            }
        }

        if (found.Count == 0)
        {
            return Problems.Result(StatusCodes.Status404NotFound, "Not Found", $"no saved run has a host named '{name}'", "name");
        }

        var lang = Lang(http);
        var concerning = snapshot.Decisions.Where(d => found.Any(f => f.AdvisoryId == d.AdvisoryId && DecisionApplier.Matches(d.Selector, f))).ToList();
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", found[0].Host.Id);
            w.WriteString("name", found[0].Host.Name);
            w.WriteStartArray("findings");
            foreach (var f in found)
            {
                JsonReportWriter.WriteFindingObject(w, f, lang);
            }

            w.WriteEndArray();
            w.WriteStartArray("decisions");
            foreach (var d in concerning)
            {
                WriteRecord(w, d, snapshot.Decisions);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> Runs(DashboardData data)
    {
        var snapshot = await data.SnapshotAsync().ConfigureAwait(false);
        return Json(w =>
        {
            w.WriteStartArray();
            foreach (var r in snapshot.Runs)
            {
                w.WriteStartObject();
                w.WriteString("id", r.Id);
                w.WriteString("savedAt", r.SavedAt.ToUniversalTime());
                w.WriteString("inventory", r.Inventory);
                w.WriteString("toolVersion", r.ToolVersion);
                w.WriteStartArray("advisories");
                foreach (var a in r.Advisories)
                {
                    w.WriteStringValue(a);
                }

                w.WriteEndArray();
                w.WriteNumber("findings", r.Findings);
                w.WriteString("error", r.Error);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static async Task<IResult> Diff(HttpContext http, DashboardData data)
    {
        var q = http.Request.Query;
        var snapshot = await data.SnapshotAsync().ConfigureAwait(false);
        if (snapshot.Find(q["advisory"].ToString()) is not { } state)
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Bad Request", $"no saved run of advisory '{q["advisory"]}'", "advisory");
        }

        var ids = snapshot.Runs.Where(r => r.Error is null && r.Advisories.Contains(state.Id)).Select(r => r.Id).ToList();
        var to = q["to"].ToString() is { Length: > 0 } t ? t : ids[^1];
        var from = q["from"].ToString() is { Length: > 0 } f ? f : ids.Count >= 2 ? ids[^2] : null;
        if (!ids.Contains(to))
        {
            return Problems.Result(StatusCodes.Status404NotFound, "Not Found", $"no saved run '{to}' of {state.Id}", "to");
        }

        if (from is not null && !ids.Contains(from))
        {
            return Problems.Result(StatusCodes.Status404NotFound, "Not Found", $"no saved run '{from}' of {state.Id}", "from");
        }

        RunDiff diff;
        if (from is null)
        {
            var latest = (await data.RunAsync(to).ConfigureAwait(false))!.Run;
            diff = RunDiff.Compare(new SavedRun("(none)", latest.SavedAt, latest.Inventory, latest.ToolVersion, latest.Advisories, []), latest, state.Id);
        }
        else
        {
            diff = (await data.DiffAsync(from, to, state.Id).ConfigureAwait(false))!;
        }

        using var text = new StringWriter(CultureInfo.InvariantCulture);
        Reports.Diff.RunDiffWriter.WriteJson(diff, text);
        return Results.Text(text.ToString(), "application/json", System.Text.Encoding.UTF8);
    }

    private static IResult Trigger(IServiceProvider services)
    {
        if (services.GetService(typeof(TriageScheduler)) is not TriageScheduler scheduler)
        {
            return Problems.Result(StatusCodes.Status404NotFound, "Not Found", "no scheduled triage is configured (serve --triage-every … --inventory …)");
        }

        return scheduler.TryStartNow()
            ? Results.Accepted("/api/v1/runs")
            : Problems.Result(StatusCodes.Status409Conflict, "Conflict", "a triage is already running");
    }

    private static async Task<IResult> Decisions(DashboardData data)
    {
        var snapshot = await data.SnapshotAsync().ConfigureAwait(false);
        return Json(w =>
        {
            w.WriteStartArray();
            foreach (var d in snapshot.Decisions)
            {
                WriteRecord(w, d, snapshot.Decisions);
            }

            w.WriteEndArray();
        });
    }

    private static async Task<IResult> DecisionById(string id, DashboardData data)
    {
        var d = await data.Store.RunAsync(s => s.FindDecision(id)).ConfigureAwait(false);
        if (d is null)
        {
            return Problems.Result(StatusCodes.Status404NotFound, "Not Found", $"no decision '{id}'", "id");
        }

        var trail = (await data.SnapshotAsync().ConfigureAwait(false)).Decisions;
        return Json(w => WriteRecord(w, d, trail.Any(x => x.Id == d.Id) ? trail : trail.Add(d)));
    }

    /// <summary>A record of the audit trail: the report's decision object, whether it applies to every verdict, and the revocation links.</summary>
    private static void WriteRecord(Utf8JsonWriter w, Decision d, ImmutableArray<Decision> trail)
    {
        w.WriteStartObject();
        w.WritePropertyName("decision");
        JsonReportWriter.WriteDecisionObject(w, d);
        w.WriteBoolean("allVerdicts", d.AllVerdicts);
        w.WriteString("revokes", d.Revokes);
        w.WriteString("revokedBy", trail.FirstOrDefault(x => x.Revokes == d.Id)?.Id);
        w.WriteEndObject();
    }

    private static async Task<IResult> Decide(HttpContext http, DashboardData data, ServeOptions options) =>
        await DecideOrPreview(http, data, options, record: true).ConfigureAwait(false);

    private static async Task<IResult> PreviewDecision(HttpContext http, DashboardData data, ServeOptions options) =>
        await DecideOrPreview(http, data, options, record: false).ConfigureAwait(false);

    private static async Task<IResult> DecideOrPreview(HttpContext http, DashboardData data, ServeOptions options, bool record)
    {
        var (input, problem) = await ReadDecision(http).ConfigureAwait(false);
        if (input is null)
        {
            return problem!;
        }

        var user = Caller.Of(http.User)!;
        var (decision, field, error) = input.Check(options, record ? options.Ids.NewId("d") : "(preview)", user.Name, options.Clock.GetUtcNow());
        if (decision is null)
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Bad Request", error!, field);
        }

        if (!record)
        {
            // The hosts are paged like findings (a selector by CPU can match most of a 100,000-host fleet); the totals are not.
            var q = http.Request.Query;
            var limit = DefaultLimit;
            var offset = 0;
            if ((q["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
                || (q["offset"].ToString() is { Length: > 0 } offsetText && !int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset)))
            {
                return Problems.Result(StatusCodes.Status400BadRequest, "Bad Request", $"limit must be 1..{MaxLimit} and offset a non-negative integer", "limit");
            }

            var snapshot = await data.SnapshotAsync().ConfigureAwait(false);
            var preview = await DashboardPages.Preview(data, snapshot, decision).ConfigureAwait(false);
            return Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("run", preview?.RunId);
                var matches = preview?.Matches ?? [];
                w.WriteNumber("matches", matches.Length);
                w.WriteNumber("applies", matches.Count(m => m.Applies));
                w.WriteNumber("offset", offset);
                w.WriteNumber("limit", limit);
                w.WriteStartArray("hosts");
                foreach (var (target, machine, applies) in matches.Skip(offset).Take(limit))
                {
                    w.WriteStartObject();
                    w.WriteString("id", target.HostId);
                    w.WriteString("name", target.HostName);
                    w.WriteString("machineVerdict", machine.ToWire());
                    w.WriteBoolean("applies", applies);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        }

        await data.Store.RunAsync(s =>
        {
            s.AddDecision(decision);
            return true;
        }).ConfigureAwait(false);
        data.Invalidate();
        return Json(w => WriteRecord(w, decision, []), StatusCodes.Status201Created, "/api/v1/decisions/" + Uri.EscapeDataString(decision.Id));
    }

    private static async Task<IResult> Revoke(HttpContext http, string id, DashboardData data, ServeOptions options)
    {
        var (body, problem) = await ReadBody(http).ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        using (body)
        {
            if (!body.RootElement.TryGetProperty("reason", out var r) || r.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(r.GetString()))
            {
                return Problems.Result(StatusCodes.Status400BadRequest, "Bad Request", "a non-empty string is required", "reason");
            }

            var user = Caller.Of(http.User)!;
            var reason = r.GetString()!.Trim();
            try
            {
                var revocation = await data.Store.RunAsync(s => s.Revoke(id, options.Ids.NewId("d"), user.Name, reason, options.Clock.GetUtcNow())).ConfigureAwait(false);
                data.Invalidate();
                return Json(w => WriteRecord(w, revocation, []), StatusCodes.Status201Created, "/api/v1/decisions/" + Uri.EscapeDataString(revocation.Id));
            }
            catch (KeyNotFoundException e)
            {
                return Problems.Result(StatusCodes.Status404NotFound, "Not Found", e.Message, "id");
            }
            catch (InvalidOperationException e)
            {
                return Problems.Result(StatusCodes.Status409Conflict, "Conflict", e.Message, "id");
            }
        }
    }

    /// <summary>
    /// The decision body exactly as the issue gives it: <c>{"advisory", "selector": {"host"|"cpu"|"platform"|"service"|"role"|"label": …},
    /// "verdict", "justification", "evidence"}</c>, plus optional <c>vexJustification</c> and <c>allVerdicts</c>. Unknown fields are refused.
    /// </summary>
    private static async Task<(DecisionInput? Input, IResult? Problem)> ReadDecision(HttpContext http)
    {
        var (body, problem) = await ReadBody(http).ConfigureAwait(false);
        if (body is null)
        {
            return (null, problem);
        }

        using (body)
        {
            var root = body.RootElement;
            string? advisory = null, verdict = null, justification = null, evidence = null, vex = null, kind = null, value = null;
            var all = false;
            foreach (var p in root.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "advisory" or "verdict" or "justification" or "evidence" or "vexJustification":
                        if (p.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                        {
                            return (null, Bad(p.Name, "must be a string"));
                        }

                        var s = p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetString();
                        _ = p.Name switch
                        {
                            "advisory" => advisory = s,
                            "verdict" => verdict = s,
                            "justification" => justification = s,
                            "evidence" => evidence = s,
                            _ => vex = s,
                        };
                        break;
                    case "allVerdicts":
                        if (p.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                        {
                            return (null, Bad("allVerdicts", "must be true or false"));
                        }

                        all = p.Value.GetBoolean();
                        break;
                    case "selector":
                        if (p.Value.ValueKind != JsonValueKind.Object || p.Value.EnumerateObject().Count() != 1)
                        {
                            return (null, Bad("selector", "must be an object with exactly one of host, cpu, platform, service, role, label"));
                        }

                        var only = p.Value.EnumerateObject().First();
                        if (!DecisionVocabulary.TryParseSelectorKind(only.Name, out _))
                        {
                            return (null, Bad("selector." + only.Name, "unknown selector (host, cpu, platform, service, role, label)"));
                        }

                        if (only.Value.ValueKind != JsonValueKind.String)
                        {
                            return (null, Bad("selector." + only.Name, "must be a string"));
                        }

                        (kind, value) = (only.Name, only.Value.GetString());
                        break;
                    case "author":
                        return (null, Bad("author", "the author is the token's name; it cannot be given"));
                    default:
                        return (null, Bad(p.Name, "unknown field"));
                }
            }

            foreach (var (name, v) in new[] { ("advisory", advisory), ("selector", kind), ("verdict", verdict), ("justification", justification) })
            {
                if (v is null)
                {
                    return (null, Bad(name, "required"));
                }
            }

            return (new DecisionInput(advisory, kind, value, verdict, vex, justification, evidence, all), null);
        }
    }

    private static async Task<(JsonDocument? Body, IResult? Problem)> ReadBody(HttpContext http)
    {
        if (!(http.Request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Result(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", "send Content-Type: application/json", "body"));
        }

        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return (null, Bad("body", $"larger than {MaxBodyBytes} bytes"));
        }

        try
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
            if (buffer.Length > MaxBodyBytes)
            {
                return (null, Bad("body", $"larger than {MaxBodyBytes} bytes"));
            }

            var doc = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                return (null, Bad("body", "must be a JSON object"));
            }

            return (doc, null);
        }
        catch (JsonException e)
        {
            return (null, Bad("body", $"invalid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}"));
        }
    }

    private static IResult Bad(string field, string detail) => Problems.Result(StatusCodes.Status400BadRequest, "Bad Request", $"{field}: {detail}", field);

    /// <summary>A JSON body written with the report's writer options.</summary>
    private sealed class JsonBody(Action<Utf8JsonWriter> write, int status, string? location) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var buffer = new ArrayBufferWriter<byte>(16 * 1024);
            using (var w = new Utf8JsonWriter(buffer, JsonReportWriter.WriterOptions(indented: false)))
            {
                write(w);
            }

            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            if (location is not null)
            {
                httpContext.Response.Headers.Location = location;
            }

            await httpContext.Response.Body.WriteAsync(buffer.WrittenMemory, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}

/// <summary>The body of <c>POST /api/v1/decisions</c> (for the OpenAPI document; the server reads it field by field).</summary>
/// <param name="Advisory">Advisory or CVE id.</param>
/// <param name="Selector">Exactly one of host, cpu, platform, service, role (service:role), label (key=value).</param>
/// <param name="Verdict">not_affected, affected, fixed or accepted_risk.</param>
/// <param name="Justification">Why, in words.</param>
/// <param name="Evidence">An http(s) URL of the evidence, optional.</param>
/// <param name="VexJustification">An OpenVEX justification (not_affected only), optional.</param>
/// <param name="AllVerdicts">Apply a selector decision to every matching host, not only those that need action.</param>
internal sealed record DecisionRequest(string Advisory, SelectorRequest Selector, string Verdict, string Justification, string? Evidence, string? VexJustification, bool? AllVerdicts);

/// <summary>Exactly one property.</summary>
/// <param name="Host">A host name or id.</param>
/// <param name="Cpu">A processor model, e.g. "Xeon Gold 6130".</param>
/// <param name="Platform">"vendor/product", a vendor or a product.</param>
/// <param name="Service">A Mackerel service.</param>
/// <param name="Role">service:role.</param>
/// <param name="Label">key=value.</param>
internal sealed record SelectorRequest(string? Host, string? Cpu, string? Platform, string? Service, string? Role, string? Label);

/// <summary>The body of a revocation.</summary>
/// <param name="Reason">Why it is revoked.</param>
internal sealed record RevokeRequest(string Reason);
