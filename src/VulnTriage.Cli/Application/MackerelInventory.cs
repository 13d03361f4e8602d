using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using VulnTriage.Cli.Commands;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Inventory;
using VulnTriage.Inventory.Csv;
using VulnTriage.Inventory.MackerelApi;
using VulnTriage.Inventory.Sources;

namespace VulnTriage.Cli.Application;

/// <summary>An opened inventory: its name, what it yields, and the HTTP client to dispose when done (API only).</summary>
internal sealed class OpenedInventory(string name, InventoryReading reading, HttpClient? http, bool showsProgress = false) : IDisposable
{
    public string Name { get; } = name;

    public InventoryReading Reading { get; } = reading;

    /// <summary>Whether reading already shows its own progress line (the live API's, with the metadata count).</summary>
    public bool ShowsProgress { get; } = showsProgress;

    public void Dispose() => http?.Dispose();
}

/// <summary>
/// <c>--inventory</c> (repeatable): <c>KIND:PATH</c>, a file or directory (kind detected), <c>-</c>, or <c>mackerel</c> (the live API). Resolves the API key as <c>mkr</c> does
/// (<c>MACKEREL_APIKEY</c>, else <c>apikey</c> in the mackerel-agent config) and never prints it.
/// </summary>
internal static class MackerelInventory
{
    public const string ApiKeyVariable = "MACKEREL_APIKEY";
    public const string ApiBaseVariable = "MACKEREL_APIBASE";

    /// <summary>
    /// Opens every <c>--inventory</c>: files, directories and <c>-</c> through <see cref="InventoryOpener"/> (kind named or
    /// detected), <c>mackerel</c> through the live API; several are merged by host identity.
    /// </summary>
    public static OpenedInventory Open(
        ParseResult parse,
        IReadOnlyList<string> inventories,
        IReadOnlyList<string> maps,
        MackerelOptions options,
        CliEnvironment env,
        bool forTriage,
        bool includeRetired,
        Action<Diagnostic> report,
        CancellationToken cancellationToken,
        bool progress = true)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(inventories);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(env);
        var specs = new List<InventorySpec>();
        foreach (var argument in inventories)
        {
            specs.Add(InventorySpec.Parse(argument) ?? throw new UsageException($"--inventory {argument}: the kind needs a path, e.g. {argument}hosts.csv"));
        }

        if (specs.Count(s => s.Kind == InventoryKind.MackerelApi) > 1 || specs.Count(s => s.Path == "-") > 1)
        {
            throw new UsageException("--inventory: name the live Mackerel API and standard input (-) at most once each");
        }

        var map = CsvColumnMap.TryParse(maps, out var mapError) ?? throw new UsageException("--map: " + mapError);
        var fileOptions = new InventoryOpenOptions(map, env.OpenStandardInput);
        var readings = new List<(string Name, InventoryReading Reading)>();
        HttpClient? http = null;
        var showsProgress = false;
        try
        {
            if (!specs.Any(s => s.Kind == InventoryKind.MackerelApi) && HasApiFilters(parse, options))
            {
                throw new UsageException("--service, --role, --status and --apibase apply to --inventory mackerel only (for a file, filter with mkr hosts)");
            }

            foreach (var spec in specs)
            {
                if (spec.Kind == InventoryKind.MackerelApi)
                {
                    var api = OpenApi(parse, options, env, forTriage, includeRetired, progress, report, cancellationToken);
                    http = api.Http;
                    showsProgress = progress && env.ErrorIsTerminal;
                    readings.Add((api.Name, api.Reading));
                }
                else
                {
                    var source = InventoryOpener.Create(spec, fileOptions);
                    readings.Add((source.Name, source.Open(report, cancellationToken)));
                }
            }

            var name = string.Join(", ", readings.Select(r => r.Name));
            return new OpenedInventory(name, MergedInventory.Merge(readings, report), http, showsProgress);
        }
        catch
        {
            http?.Dispose();
            throw;
        }
    }

    private static bool HasApiFilters(ParseResult parse, MackerelOptions options) =>
        parse.GetValue(options.Service) is not null || (parse.GetValue(options.Role) ?? []).Length > 0
        || (parse.GetValue(options.Status) ?? []).Length > 0 || parse.GetValue(options.ApiBase) is not null;

    private static (string Name, InventoryReading Reading, HttpClient Http) OpenApi(
        ParseResult parse,
        MackerelOptions options,
        CliEnvironment env,
        bool forTriage,
        bool includeRetired,
        bool progress,
        Action<Diagnostic> report,
        CancellationToken cancellationToken)
    {
        var service = parse.GetValue(options.Service);
        var roles = parse.GetValue(options.Role) ?? [];
        var statuses = parse.GetValue(options.Status) ?? [];
        if (roles.Length > 0 && service is null)
        {
            throw new UsageException("--role needs --service (as in mkr hosts)");
        }

        var (apiKey, apiBase) = ResolveConnection(parse.GetValue(options.Conf), parse.GetValue(options.ApiBase), env);
        var apiOptions = new MackerelApiOptions
        {
            BaseAddress = apiBase,
            Service = service,
            Roles = [.. roles],
            Statuses = statuses.Length > 0 ? [.. statuses.Distinct(StringComparer.Ordinal)] : MackerelApiOptions.AllStatuses,
            IncludeRetired = includeRetired,
            ReadMetadata = forTriage,
            ReadServices = forTriage,
            MaxConcurrency = parse.GetValue(options.Concurrency),
            RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(options.Timeout)),
            Deadline = TimeSpan.FromSeconds(parse.GetValue(options.Deadline)),
        };

        // A long back-off must not look like a hang (it used to retry silently for a minute): every retry says so on
        // stderr, with the endpoint, the failure and the delay, whether or not stderr is a terminal.
        var gate = new Lock();
        apiOptions = apiOptions with
        {
            RetryNotice = notice =>
            {
                lock (gate)
                {
                    env.Error.WriteLine("vulntriage: " + VulnTriageCli.OneLine(notice));
                }
            },
        };

        apiOptions = env.TuneMackerelApi?.Invoke(apiOptions) ?? apiOptions;

        var http = CreateHttpClient(apiOptions.MaxConcurrency);
        try
        {
            var client = new MackerelApiClient(http, apiKey, apiOptions, TimeProvider.System);
            var source = new MackerelApiInventorySource(client, apiOptions);
            var reading = source.Open(report, cancellationToken);
            if (env.ErrorIsTerminal && progress)
            {
                reading = reading with { Entries = ProgressLine.Wrap(reading.Entries, env.Error, TimeProvider.System, "reading Mackerel", countFacts: true) };
            }

            return (source.Name, reading, http);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>The HTTP client for the API: no redirects (the key header would follow them), decompression, enough connections.</summary>
    public static HttpClient CreateHttpClient(int concurrency)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            MaxConnectionsPerServer = concurrency + 2,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
        };
        var http = new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("vulntriage/" + ToolInfo.Version);
        return http;
    }

    /// <summary>The key (env, else agent config) and the base URL (<c>--apibase</c>, env, agent config, default).</summary>
    internal static (string ApiKey, Uri ApiBase) ResolveConnection(string? confOption, string? apiBaseOption, CliEnvironment env)
    {
        var confPath = confOption ?? MackerelAgentConfig.DefaultPath;
        var apiKey = env.GetEnvironmentVariable(ApiKeyVariable)?.Trim();
        MackerelAgentConfig? conf = null;
        if (string.IsNullOrEmpty(apiKey))
        {
            conf = ReadConf(confPath, required: confOption is not null);
            apiKey = conf?.ApiKey?.Trim();
            if (string.IsNullOrEmpty(apiKey))
            {
                throw new UsageException(
                    $"no Mackerel API key: set {ApiKeyVariable} to an API key with Read permission (or run where the mackerel-agent config {confPath} has apikey, or pass --conf FILE)");
            }
        }

        if (!MackerelApiClient.IsValidApiKey(apiKey))
        {
            throw new UsageException("the Mackerel API key contains spaces or characters that cannot be sent in an HTTP header; check " + ApiKeyVariable);
        }

        var baseText = apiBaseOption ?? env.GetEnvironmentVariable(ApiBaseVariable);
        if (string.IsNullOrWhiteSpace(baseText))
        {
            conf ??= ReadConf(confPath, required: false);
            baseText = conf?.ApiBase;
        }

        if (string.IsNullOrWhiteSpace(baseText))
        {
            baseText = MackerelApiOptions.DefaultBaseAddress;
        }

        if (!Uri.TryCreate(baseText.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.UserInfo.Length > 0)
        {
            throw new UsageException($"--apibase/{ApiBaseVariable}: '{baseText}' is not an http(s) URL without user info");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            throw new UsageException($"refusing to send the API key over plain HTTP to {uri.Host}; use https");
        }

        return (apiKey, uri);
    }

    private static MackerelAgentConfig? ReadConf(string path, bool required)
    {
        // A regular file only, read without blocking and capped (the config path may be given with --conf).
        string text;
        switch (Inventory.IO.SafeFile.TryReadAllBytes(path, 1 << 20, out var bytes, out var problem))
        {
            case Inventory.IO.SafeFileOutcome.Ok:
                text = new System.Text.UTF8Encoding(false).GetString(bytes);
                break;
            case Inventory.IO.SafeFileOutcome.Missing:
                return required
                    ? throw new InputException(ConfDiagnostic(path, "the mackerel-agent config file does not exist"))
                    : null;
            case Inventory.IO.SafeFileOutcome.Unreadable when !required:
                // Usually root-only; the "no key" message then says what to do.
                return null;
            default:
                throw new InputException(ConfDiagnostic(path, "the mackerel-agent config file " + problem));
        }

        try
        {
            return MackerelAgentConfig.Parse(text);
        }
        catch (FormatException e)
        {
            throw new InputException(ConfDiagnostic(path, e.Message));
        }
    }

    private static Diagnostic ConfDiagnostic(string path, string message) =>
        new(MackerelApiDiagnosticCodes.AgentConfigInvalid, DiagnosticSeverity.Error, new SourceLocation(path), message);

    /// <summary>Team per service, for the report (services whose memo names a team).</summary>
    public static ImmutableDictionary<string, string>? Teams(ImmutableArray<ServiceInfo> services)
    {
        var teams = services.Where(s => s.Team is not null).ToImmutableDictionary(s => s.Name, s => s.Team!, StringComparer.Ordinal);
        return teams.IsEmpty ? null : teams;
    }

    /// <summary>Refuses a key on the command line (it would be visible in <c>ps</c> and shell history); never echoes it.</summary>
    public static bool RefuseKeyArgument(string[] args, TextWriter error)
    {
        foreach (var arg in args)
        {
            if (arg == "--")
            {
                break;
            }

            var name = arg.Split('=', ':')[0];
            if (name.Equals("--apikey", StringComparison.OrdinalIgnoreCase)
                || name.Equals("--api-key", StringComparison.OrdinalIgnoreCase)
                || name.Equals("-apikey", StringComparison.OrdinalIgnoreCase))
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"vulntriage: error: an API key is not accepted on the command line (it would show in ps and shell history); set {ApiKeyVariable} instead (or use the mackerel-agent config)"));
                return true;
            }
        }

        return false;
    }
}
