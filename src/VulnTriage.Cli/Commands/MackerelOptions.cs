using System.CommandLine;
using VulnTriage.Inventory.MackerelApi;

namespace VulnTriage.Cli.Commands;

/// <summary>The options of <c>--inventory mackerel</c> (the live Mackerel API), added to <c>triage</c> and <c>hosts</c>.</summary>
internal sealed class MackerelOptions
{
    /// <summary>The <c>--inventory</c> value that selects the API (a file of that name: <c>./mackerel</c>).</summary>
    public const string InventoryKeyword = "mackerel";

    public Option<string?> ApiBase { get; } = new("--apibase")
    {
        Description = "Mackerel API base URL (with --inventory mackerel). Default: $MACKEREL_APIBASE, else apibase in the agent config, else https://api.mackerelio.com.",
    };

    public Option<string?> Conf { get; } = new("--conf")
    {
        Description = "mackerel-agent config file to read apikey/apibase from when MACKEREL_APIKEY is not set (default /etc/mackerel-agent/mackerel-agent.conf).",
    };

    public Option<string?> Service { get; } = new("--service")
    {
        Description = "With --inventory mackerel: only hosts of this service.",
    };

    public Option<string[]> Role { get; } = new("--role")
    {
        Description = "With --inventory mackerel and --service: only hosts of this role (repeatable; the union).",
    };

    public Option<string[]> Status { get; } = new("--status")
    {
        Description = "With --inventory mackerel: only hosts of this status (repeatable). Default: all four (working, standby, maintenance, poweroff).",
    };

    public Option<int> Concurrency { get; } = new("--api-concurrency")
    {
        Description = "With --inventory mackerel: metadata requests in flight at once (1-64).",
        DefaultValueFactory = _ => 8,
    };

    public Option<double> Timeout { get; } = new("--api-timeout")
    {
        Description = "With --inventory mackerel: per-request timeout in seconds.",
        DefaultValueFactory = _ => 30,
    };

    public Option<double> Deadline { get; } = new("--api-deadline")
    {
        Description = "With --inventory mackerel: the whole API read must finish within this many seconds.",
        DefaultValueFactory = _ => 600,
    };

    /// <summary>Creates the options and adds them to <paramref name="command"/>.</summary>
    public static MackerelOptions AddTo(Command command)
    {
        var o = new MackerelOptions();
        o.Status.AcceptOnlyFromAmong([.. MackerelApiOptions.AllStatuses]);
        o.Concurrency.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 64)
            {
                r.AddError("--api-concurrency must be between 1 and 64");
            }
        });
        o.Timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is not (> 0 and <= 3600))
            {
                r.AddError("--api-timeout must be more than 0 and at most 3600 seconds");
            }
        });
        o.Deadline.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is not (> 0 and <= 86400))
            {
                r.AddError("--api-deadline must be more than 0 and at most 86400 seconds");
            }
        });
        command.Options.Add(o.ApiBase);
        command.Options.Add(o.Conf);
        command.Options.Add(o.Service);
        command.Options.Add(o.Role);
        command.Options.Add(o.Status);
        command.Options.Add(o.Concurrency);
        command.Options.Add(o.Timeout);
        command.Options.Add(o.Deadline);
        return o;
    }
}
