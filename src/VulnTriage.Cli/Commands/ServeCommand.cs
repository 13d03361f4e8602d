using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using VulnTriage.Advisories;
using VulnTriage.Cli.Application;
using VulnTriage.Core.Access;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Inventory.Facts;
using VulnTriage.Storage;
using VulnTriage.Web;
using VulnTriage.Web.Notifications;
using VulnTriage.Web.Scheduling;

namespace VulnTriage.Cli.Commands;

/// <summary>
/// <c>vulntriage serve --db FILE|URL [--urls http://127.0.0.1:8080] [--triage-every 1h --inventory mackerel|PATH (--all | --advisory ID…)]</c>:
/// the team's dashboard and JSON API (src/VulnTriage.Web), with an optional scheduled triage and notifications.
/// </summary>
internal static class ServeCommand
{
    /// <summary>The Slack-compatible incoming webhook URL (a secret: never an option).</summary>
    public const string SlackWebhookVariable = "VULNTRIAGE_SLACK_WEBHOOK_URL";

    /// <summary>The name of the admin token <c>serve</c> creates when the store has none.</summary>
    public const string BootstrapTokenName = "admin";

    public static Command Build(CliEnvironment env, CancellationToken cancellationToken)
    {
        var db = StateOptions.Db();
        var urls = new Option<string[]>("--urls")
        {
            Description = "Where to listen (repeatable, or separated by ';'). Default http://127.0.0.1:8080. A non-loopback http:// URL is refused: put a TLS reverse proxy in front, or use https:// with a certificate (docs/serve.md).",
            AllowMultipleArgumentsPerToken = false,
        };
        var advisoriesDir = CommonOptions.AdvisoriesDirectory();
        var every = new Option<string?>("--triage-every") { Description = "Run the triage on a schedule and save each run, e.g. 1h, 30m, 1d (with --inventory and --all or --advisory)." };
        var inventory = CommonOptions.Inventory();
        inventory.Required = false;
        var map = CommonOptions.CsvMap();
        var facts = new Option<string?>("--facts") { Description = "With --triage-every: the directory of per-host facts files." };
        var all = new Option<bool>("--all") { Description = "With --triage-every: evaluate every advisory in the catalog." };
        var advisory = new Option<string[]>("--advisory") { Description = "With --triage-every: the advisories to evaluate (repeatable), when not --all." };
        var annotateService = new Option<string?>("--annotate-service") { Description = "Post a Mackerel graph annotation on this service when a scheduled run changes things (key: MACKEREL_APIKEY, with write permission)." };
        var annotateRole = new Option<string[]>("--annotate-role") { Description = "With --annotate-service: scope the annotation to this role (repeatable)." };
        var dashboardUrl = new Option<string?>("--public-url") { Description = "The dashboard's address as people reach it (linked from notifications)." };
        var command = new Command("serve", $"Serve the team's dashboard and JSON API over the state store; optionally run the triage on a schedule and notify (webhook from ${SlackWebhookVariable}, Mackerel graph annotations).")
        {
            db, urls, advisoriesDir, every, inventory, map, facts, all, advisory, annotateService, annotateRole, dashboardUrl,
        };
        var mackerel = MackerelOptions.AddTo(command);

        command.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var catalog = AdvisoryCatalog.Load(parse.GetValue(advisoriesDir));
            var location = StateOptions.Resolve(parse.GetValue(db), env);
            var listen = (parse.GetValue(urls) ?? []).SelectMany(u => u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToImmutableArray();
            if (listen.IsEmpty)
            {
                listen = ["http://127.0.0.1:8080"];
            }

            foreach (var url in listen)
            {
                if (DashboardServer.RefuseUrl(url) is { } refusal)
                {
                    throw new UsageException("--urls: " + refusal);
                }
            }

            var options = new ServeOptions(location, listen, [.. catalog.Advisories], env.Clock, env.IdGenerator, env.Error, ToolInfo.Version)
            {
                Schedule = Schedule(parse, env, catalog, every, inventory, map, facts, all, advisory, mackerel),
                Notifications = Notifications(parse, env, annotateService, annotateRole, dashboardUrl, mackerel),
            };
            if (options.Schedule is null && (parse.GetValue(annotateService) is not null || env.GetEnvironmentVariable(SlackWebhookVariable) is { Length: > 0 }))
            {
                env.Error.WriteLine("vulntriage: note: notifications are sent for scheduled runs only (--triage-every)");
            }

            using var app = DashboardServer.Build(options);
            Bootstrap(location, env);
            try
            {
                app.StartAsync(cancellationToken).GetAwaiter().GetResult();
            }
            catch (IOException e)
            {
                env.Error.WriteLine($"vulntriage: error: cannot listen on {string.Join(", ", listen)}: {VulnTriageCli.OneLine(e.Message)}");
                return ExitCodes.InputError;
            }

            env.Error.WriteLine($"vulntriage serve: listening on {string.Join(", ", app.Urls)} (state: {VulnTriageCli.OneLine(location.Display)}{(options.Schedule is { } s ? $"; triage every {s.Every} from {s.Inventory}" : "")})");
            env.Error.Flush();
            try
            {
                app.WaitForShutdownAsync(cancellationToken).GetAwaiter().GetResult();
            }
            finally
            {
                app.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
            }

            env.Error.WriteLine("vulntriage serve: stopped");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// A store without any active token cannot be logged into: make an admin token and print it once on stdout (its last
    /// line, as <c>tokens create</c> does). Revoke it once real tokens exist (<c>vulntriage tokens revoke admin</c>).
    /// </summary>
    private static void Bootstrap(StateLocation location, CliEnvironment env)
    {
        using var store = StateOptions.Open(location, env);
        if (store.Tokens().Any(t => t.IsActive))
        {
            return;
        }

        var (token, secret) = store.CreateToken(env.IdGenerator.NewId("t"), BootstrapTokenName, Role.Admin, env.Clock.GetUtcNow());
        env.Error.WriteLine($"vulntriage serve: the store has no API token; created admin token '{token.Name}' ({token.Id}). Log in with it (shown once, on stdout); create personal tokens with `vulntriage tokens create` and revoke this one.");
        env.Out.WriteLine(secret);
        env.Out.Flush();
    }

    private static ScheduleOptions? Schedule(
        ParseResult parse,
        CliEnvironment env,
        AdvisoryCatalog catalog,
        Option<string?> every,
        Option<string[]> inventory,
        Option<string[]> map,
        Option<string?> facts,
        Option<bool> all,
        Option<string[]> advisory,
        MackerelOptions mackerel)
    {
        var inventories = parse.GetValue(inventory) ?? [];
        var ids = parse.GetValue(advisory) ?? [];
        if (parse.GetValue(every) is not { } text)
        {
            if (inventories.Length > 0 || parse.GetValue(all) || ids.Length > 0 || parse.GetValue(facts) is not null)
            {
                throw new UsageException("--inventory, --facts, --all and --advisory go with --triage-every");
            }

            return null;
        }

        var interval = ParseInterval(text) ?? throw new UsageException($"--triage-every: '{text}' is not a duration like 30m, 1h, 1d (at least 1m)");
        if (inventories.Length == 0)
        {
            throw new UsageException("--triage-every needs --inventory mackerel|PATH");
        }

        if (parse.GetValue(all) == (ids.Length > 0))
        {
            throw new UsageException("--triage-every needs either --all or --advisory ID (not both)");
        }

        var advisories = parse.GetValue(all) ? [.. catalog.Advisories] : CommonOptions.Resolve(catalog, ids);
        var factsPath = parse.GetValue(facts);
        var maps = parse.GetValue(map) ?? [];
        var name = string.Join(", ", inventories);
        return new ScheduleOptions(interval, name, [.. advisories.Select(a => a.Id)], cancellationToken =>
        {
            var diagnostics = new List<Diagnostic>();
            try
            {
                var factsDir = factsPath is null ? null : FactsDirectory.Load(factsPath, diagnostics.Add);
                using var opened = MackerelInventory.Open(parse, inventories, maps, mackerel, env, forTriage: true, includeRetired: false, diagnostics.Add, cancellationToken);
                var report = TriageService.Run(advisories, opened.Name, opened.Reading, factsDir, diagnostics, env.Clock, cancellationToken);

                // An empty read (no host, or no CPU facts) must not be saved as a run in which every host is gone.
                if (TriageCommand.NothingToTriage(report) is { } nothing)
                {
                    throw new InvalidOperationException(nothing.ToString());
                }

                return report;
            }
            catch (InputException e)
            {
                throw new InvalidOperationException(env.Secrets.Redact(e.Diagnostics.Count > 0 ? e.Diagnostics[0].ToString() : e.Message), e);
            }
            catch (UsageException e)
            {
                throw new InvalidOperationException(env.Secrets.Redact(e.Message), e);
            }
        });
    }

    private static NotificationOptions Notifications(ParseResult parse, CliEnvironment env, Option<string?> annotateService, Option<string[]> annotateRole, Option<string?> dashboardUrl, MackerelOptions mackerel)
    {
        Uri? webhook = null;
        if (env.GetEnvironmentVariable(SlackWebhookVariable) is { Length: > 0 } hook)
        {
            env.Secrets.Add(hook);
            webhook = Uri.TryCreate(hook, UriKind.Absolute, out var u) && u.Scheme is "https" or "http"
                ? u
                : throw new UsageException($"{SlackWebhookVariable} is not an http(s) URL");
        }

        MackerelAnnotationTarget? annotation = null;
        if (parse.GetValue(annotateService) is { } service)
        {
            var (key, apiBase) = MackerelInventory.ResolveConnection(parse.GetValue(mackerel.Conf), parse.GetValue(mackerel.ApiBase), env);
            env.Secrets.Add(key);
            annotation = new MackerelAnnotationTarget(apiBase, key, service, [.. parse.GetValue(annotateRole) ?? []]);
        }
        else if ((parse.GetValue(annotateRole) ?? []).Length > 0)
        {
            throw new UsageException("--annotate-role goes with --annotate-service");
        }

        Uri? dashboard = null;
        if (parse.GetValue(dashboardUrl) is { } d)
        {
            dashboard = Uri.TryCreate(d, UriKind.Absolute, out var du) && du.Scheme is "https" or "http" ? du : throw new UsageException($"--public-url: not an http(s) URL: '{d}'");
        }

        return new NotificationOptions(webhook, annotation) { DashboardUrl = dashboard };
    }

    /// <summary><c>90s</c>, <c>30m</c>, <c>1h</c>, <c>1d</c> (at least a minute), or <c>null</c>.</summary>
    internal static TimeSpan? ParseInterval(string text)
    {
        text = text.Trim();
        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 100_000)
        {
            return null;
        }

        TimeSpan? span = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
        return span >= TimeSpan.FromMinutes(1) ? span : null;
    }
}
