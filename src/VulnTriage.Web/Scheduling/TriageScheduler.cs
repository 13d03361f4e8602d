using System.Collections.Immutable;
using Microsoft.Extensions.Hosting;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Reporting;
using VulnTriage.Storage;
using VulnTriage.Web.Data;
using VulnTriage.Web.Notifications;

namespace VulnTriage.Web.Scheduling;

/// <summary>The scheduled triage (<c>serve --triage-every</c>).</summary>
/// <param name="Every">How often.</param>
/// <param name="Inventory">What is read, for messages and for a failed run's record (e.g. <c>mackerel</c>).</param>
/// <param name="Advisories">The advisory ids evaluated (a failed run records them).</param>
/// <param name="Triage">Reads the fleet and triages it (the CLI's triage, with the live API's retries and deadline); throws when it cannot.</param>
public sealed record ScheduleOptions(TimeSpan Every, string Inventory, ImmutableArray<string> Advisories, Func<CancellationToken, TriageReport> Triage)
{
    /// <summary>How long a server's claim on the run lasts without renewal (renewed every third of it while it runs).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>What one attempt did.</summary>
public enum ScheduledOutcome
{
    /// <summary>The run was saved.</summary>
    Saved,

    /// <summary>The triage failed; the run was recorded with its error.</summary>
    Failed,

    /// <summary>Another run was in progress in this server.</summary>
    Busy,

    /// <summary>Another server holds the lease (it is running the triage).</summary>
    LeasedElsewhere,
}

/// <summary>
/// Runs the triage on a schedule and saves it: one run at a time in this server (a gate) and across servers sharing
/// the store (a lease row, renewed while the run lasts and released after). A failed triage is recorded as a failed run
/// with its error, never half-saved. When a saved run changes things (hosts newly affected or newly fixed, the
/// <c>vulntriage diff</c> lists), the notifiers are told — in the background: a slow or failing webhook never delays
/// or fails the run. Time comes from the injected <see cref="TimeProvider"/>, so tests drive the schedule.
/// </summary>
public sealed class TriageScheduler : BackgroundService
{
    /// <summary>The lease's name in the store.</summary>
    public const string LeaseName = "scheduled-triage";

    private readonly ScheduleOptions _schedule;
    private readonly DashboardData _data;
    private readonly Notifier _notifier;
    private readonly ServeOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _holder;
    private CancellationToken _stopping;

    /// <summary>Creates the scheduler.</summary>
    public TriageScheduler(ScheduleOptions schedule, DashboardData data, Notifier notifier, ServeOptions options)
    {
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        _data = data ?? throw new ArgumentNullException(nameof(data));
        _notifier = notifier ?? throw new ArgumentNullException(nameof(notifier));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _holder = options.Ids.NewId("serve");
    }

    /// <summary>The notifications started by saved runs (tests wait for them; nobody else needs to).</summary>
    public Task Notifications { get; private set; } = Task.CompletedTask;

    /// <summary>Starts a run now unless one is in progress here (the admin's "run now"). Returns whether it started.</summary>
    public bool TryStartNow()
    {
        if (_gate.CurrentCount == 0)
        {
            return false;
        }

        _ = Task.Run(() => RunOnceAsync(_stopping));
        return true;
    }

    /// <summary>One scheduled run: lease, triage, save (or record the failure), notify.</summary>
    public async Task<ScheduledOutcome> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return ScheduledOutcome.Busy;
        }

        try
        {
            var clock = _options.Clock;
            var now = clock.GetUtcNow();
            if (!_data.Store.Run(s => s.TryTakeLease(LeaseName, _holder, now, now + _schedule.Lease)))
            {
                Log("scheduled triage skipped: another server holds the lease");
                return ScheduledOutcome.LeasedElsewhere;
            }

            var renewEvery = _schedule.Lease / 3;
            using var renew = clock.CreateTimer(_ => Renew(), null, renewEvery, renewEvery);
            try
            {
                return await Task.Run(() => RunLeased(cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _data.Store.Run(s =>
                {
                    s.ReleaseLease(LeaseName, _holder);
                    return true;
                });
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(_schedule.Every, _options.Clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The schedule must outlive a failing store: log the line and try again at the next tick.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log($"scheduled triage: {e.GetType().Name}: {OneLine(e.Message)}");
                try
                {
                    await Task.Delay(_schedule.Every, _options.Clock, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private ScheduledOutcome RunLeased(CancellationToken cancellationToken)
    {
        var id = _options.Ids.NewId("r");
        TriageReport report;
        try
        {
            report = _schedule.Triage(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Whatever went wrong reading the fleet is recorded as the run's error, in one line.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var error = OneLine(e.Message);
            _data.Store.Run(s =>
            {
                s.SaveRun(SavedRun.FailedRun(id, _options.Clock.GetUtcNow(), _schedule.Inventory, _options.ToolVersion, _schedule.Advisories, error));
                return true;
            });
            _data.Invalidate();
            Log($"scheduled triage failed; recorded run {id}: {error}");
            return ScheduledOutcome.Failed;
        }

        // The previous run of each advisory, for the diff the notifications carry.
        var previous = _data.Store.Run(s => report.Advisories.ToDictionary(a => a.Id, a => s.RunIds(a.Id) is { IsEmpty: false } ids ? ids[^1] : null, StringComparer.Ordinal));
        var saved = _data.Store.Run(s =>
        {
            SavedRuns.ApplyAndSave(report, s, id);
            return s.LoadRun(id)!;
        });
        _data.Invalidate();
        Log($"scheduled triage saved run {id}: {saved.Findings.Length} findings from {_schedule.Inventory}");

        var diffs = ImmutableArray.CreateBuilder<RunDiff>();
        foreach (var (advisory, previousId) in previous)
        {
            // The first run of an advisory is the baseline: nothing "changed", so nothing is announced.
            if (previousId is null || _data.Store.Run(s => s.LoadRun(previousId)) is not { } before)
            {
                continue;
            }

            var diff = RunDiff.Compare(before, saved, advisory);
            if (!diff.NewlyAffected.IsEmpty || !diff.NewlyFixed.IsEmpty)
            {
                diffs.Add(diff);
            }
        }

        if (diffs.Count > 0)
        {
            Notifications = _notifier.NotifyAsync(diffs.ToImmutable(), id, _stopping);
        }

        return ScheduledOutcome.Saved;
    }

    private void Renew()
    {
        try
        {
            var now = _options.Clock.GetUtcNow();
            if (!_data.Store.Run(s => s.TryTakeLease(LeaseName, _holder, now, now + _schedule.Lease)))
            {
                Log("scheduled triage: the lease was lost while running");
            }
        }
#pragma warning disable CA1031 // A timer callback must not throw; the next renewal tries again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log($"scheduled triage: renewing the lease failed: {OneLine(e.Message)}");
        }
    }

    private void Log(string line)
    {
        lock (_options.Log)
        {
            _options.Log.WriteLine("vulntriage serve: " + line);
            _options.Log.Flush();
        }
    }

    internal static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    /// <inheritdoc />
    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }
}
