using System.Diagnostics;
using System.Globalization;

namespace VulnTriage.Cli.Application;

/// <summary>
/// Wall time and CPU time (all threads) per phase of a run, printed on stderr when <c>VULNTRIAGE_TIMINGS=1</c> (for
/// the benchmark: start-up, advisory loading, reading and evaluating, writing; CPU time stays meaningful on a loaded
/// machine). Off by default; never part of a report.
/// </summary>
internal sealed class PhaseTimer
{
    public const string Variable = "VULNTRIAGE_TIMINGS";

    private readonly List<(string Name, TimeSpan Elapsed, TimeSpan Cpu, long Allocated)> _phases = [];
    private readonly bool _enabled;
    private long _last;
    private TimeSpan _lastCpu;
    private long _lastAllocated;

    public PhaseTimer(CliEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        _enabled = env.GetEnvironmentVariable(Variable) == "1";
        _last = Stopwatch.GetTimestamp();
        if (_enabled)
        {
            // Process start to the command's action: runtime start-up, assembly loading, the command-line parser.
            using var self = Process.GetCurrentProcess();
            _lastCpu = self.TotalProcessorTime;
            _lastAllocated = GC.GetTotalAllocatedBytes();
            _phases.Add(("start-up", DateTime.Now - self.StartTime, _lastCpu, _lastAllocated));
        }
    }

    /// <summary>Ends the current phase under <paramref name="name"/>.</summary>
    public void Mark(string name)
    {
        if (!_enabled)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        _phases.Add((name, Stopwatch.GetElapsedTime(_last, now), cpu - _lastCpu, allocated - _lastAllocated));
        _last = now;
        _lastCpu = cpu;
        _lastAllocated = allocated;
    }

    private static string Memory()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        using var self = Process.GetCurrentProcess();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"; allocated {GC.GetTotalAllocatedBytes() / 1048576.0:0} MiB, GCs {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, pause {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms, heap after last GC {info.HeapSizeBytes / 1048576.0:0} MiB, committed {info.TotalCommittedBytes / 1048576.0:0} MiB, peak working set {self.PeakWorkingSet64 / 1048576.0:0} MiB");
    }

    /// <summary>Prints one line: <c>vulntriage: timings: start-up 52 ms (cpu 60 ms), advisories 12 ms (cpu 12 ms), …</c>.</summary>
    public void Report(TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (_enabled)
        {
            error.WriteLine("vulntriage: timings: " + string.Join(", ", _phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Elapsed.TotalMilliseconds:0} ms (cpu {p.Cpu.TotalMilliseconds:0} ms, {p.Allocated / 1048576.0:0} MiB)")))
                + Memory());
        }
    }
}
