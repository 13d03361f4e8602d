using System.Runtime.CompilerServices;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;

namespace VulnTriage.Storage.Tests;

/// <summary>
/// Child-process mode of this test executable: when started with <c>VT_CHILD_DB</c> set (a file or a PostgreSQL URL), it writes to that store in a
/// loop instead of running tests, printing each id on stdout only after its transaction committed (an acknowledgement),
/// then exits. Used by the cross-process and kill tests. <c>VT_CHILD_PREFIX</c> names the ids, <c>VT_CHILD_COUNT</c> bounds
/// the loop (default: until killed, at most 100000), <c>VT_CHILD_RUN_FINDINGS</c> adds a saved run of that many findings
/// after every decision (a large transaction, so a kill likely lands inside one).
/// </summary>
internal static class ChildWriter
{
    public const string DbVariable = "VT_CHILD_DB";

#pragma warning disable CA2255 // The module initializer is the child-process entry point of this test executable.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void MaybeRun()
    {
        var db = Environment.GetEnvironmentVariable(DbVariable);
        if (string.IsNullOrEmpty(db))
        {
            return;
        }

        var prefix = Environment.GetEnvironmentVariable("VT_CHILD_PREFIX") ?? "c";
        var count = int.TryParse(Environment.GetEnvironmentVariable("VT_CHILD_COUNT"), out var n) ? n : 100_000;
        var findings = int.TryParse(Environment.GetEnvironmentVariable("VT_CHILD_RUN_FINDINGS"), out var f) ? f : 0;
        using var state = StateStores.Open(StateLocation.IsPostgresUrl(db) ? StateLocation.ParsePostgresUrl(db) : StateLocation.File(db), TimeProvider.System);
        var stdout = Console.Out;
        stdout.WriteLine("ready");
        stdout.Flush();
        for (var i = 0; i < count; i++)
        {
            var id = $"{prefix}-{i:D6}";
            state.AddDecision(new Decision(id, "INTEL-SA-00086", new DecisionSelector(SelectorKind.Host, $"host-{i}"), Verdict.NotAffected,
                VexJustification.ComponentNotPresent, $"written by child {prefix}", null, prefix, TimeProvider.System.GetUtcNow()));
            stdout.WriteLine("decision " + id);
            stdout.Flush();
            if (findings > 0)
            {
                var runId = "r" + id;
                state.SaveRun(new SavedRun(runId, TimeProvider.System.GetUtcNow(), "child", "test", ["INTEL-SA-00086"],
                    [.. Enumerable.Range(0, findings).Select(k => new SavedFinding("INTEL-SA-00086", $"h{k:D6}", $"host-{k}.example.com", Verdict.NeedsConfirmation, Stage.Cpu, null, null, ["INTEL-SA-00086#cpu/xeon-scalable-1st-gen"]))]));
                stdout.WriteLine("run " + runId);
                stdout.Flush();
            }
        }

        stdout.WriteLine("done");
        stdout.Flush();
        Environment.Exit(0);
    }
}
