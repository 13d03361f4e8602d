using System.Diagnostics;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;

namespace VulnTriage.Storage.Tests;

/// <summary>Several threads and processes writing at once, and a writer killed mid-write, against each store.</summary>
public abstract class ConcurrencyTests
{
    protected abstract StoreKind Kind { get; }

    private static void AssertSound(IStateStore db)
    {
        if (db is Sqlite.SqliteStateStore sqlite)
        {
            Assert.Equal("ok", sqlite.IntegrityCheck());
        }

        Assert.Equal(Migrations.MigrationSet.Latest(Migrations.MigrationSet.Sqlite), db.SchemaVersion);
    }

    private static string TestExecutable => typeof(ChildWriter).Assembly.Location;

    private static string CliDll => Path.Combine(AppContext.BaseDirectory, "vulntriage.dll");

    private static Process StartChild(string db, string prefix, int? count, int runFindings = 0)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(TestExecutable);
        info.Environment[ChildWriter.DbVariable] = db;
        info.Environment["VT_CHILD_PREFIX"] = prefix;
        if (count is { } n)
        {
            info.Environment["VT_CHILD_COUNT"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        info.Environment["VT_CHILD_RUN_FINDINGS"] = runFindings.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Process.Start(info)!;
    }

    [Fact]
    public void Should_Keep_Every_Write_When_Two_Threads_Write_Through_Separate_Connections()
    {
        // Given
        using var tmp = TestStore.Create(Kind);
        using (tmp.Open())
        {
        }

        // When
        Parallel.For(0, 2, t =>
        {
            using var db = tmp.Open();
            for (var i = 0; i < 100; i++)
            {
                db.AddDecision(new Decision($"t{t}-{i}", "INTEL-SA-00086", new DecisionSelector(SelectorKind.Host, $"h{i}"), Verdict.Fixed, null, "patched", null, $"thread{t}", TestStore.Now));
            }
        });

        // Then
        using var check = tmp.Open();
        Assert.Equal(200, check.Decisions().Length);
        AssertSound(check);
    }

    [Fact]
    public async Task Should_Keep_Every_Write_When_Two_Processes_Write_At_Once()
    {
        // Given: a fresh path; both children open (and race to migrate) the same new file
        using var tmp = TestStore.Create(Kind);

        // When
        using var a = StartChild(tmp.Db, "a", 150);
        using var b = StartChild(tmp.Db, "b", 150);
        var outA = a.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var outB = b.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errA = a.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errB = b.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        await a.WaitForExitAsync(timeout.Token);
        await b.WaitForExitAsync(timeout.Token);

        // Then
        Assert.True(a.ExitCode == 0, "child a: " + await errA);
        Assert.True(b.ExitCode == 0, "child b: " + await errB);
        Assert.EndsWith("done", (await outA).TrimEnd(), StringComparison.Ordinal);
        Assert.EndsWith("done", (await outB).TrimEnd(), StringComparison.Ordinal);
        using var db = tmp.Open();
        var ids = db.Decisions().Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(300, ids.Count);
        AssertSound(db);
    }

    [Fact]
    public async Task Should_Record_Every_Decision_When_Several_Cli_Processes_Decide_At_Once()
    {
        // Given: the built CLI, started as real processes against one new database
        using var tmp = TestStore.Create(Kind);
        var hosts = Enumerable.Range(0, 4).Select(i => $"db{i:D2}.dc1.example.com").ToList();

        // When
        var processes = hosts.Select(h =>
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { CliDll, "decide", "INTEL-SA-00086", "--verdict", "fixed", "--justification", "SPS updated to 4.1.4.339", "--author", "ops", "--host", h, "--db", tmp.Db })
            {
                info.ArgumentList.Add(arg);
            }

            return Process.Start(info)!;
        }).ToList();
        var outputs = processes.Select(p => (Out: p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken), Err: p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken))).ToList();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        foreach (var p in processes)
        {
            await p.WaitForExitAsync(timeout.Token);
        }

        // Then
        var ids = new List<string>();
        for (var i = 0; i < processes.Count; i++)
        {
            Assert.True(processes[i].ExitCode == 0, $"process {i}: {await outputs[i].Err}");
            ids.Add((await outputs[i].Out).Trim());
            processes[i].Dispose();
        }

        using var db = tmp.Open();
        var trail = db.Decisions();
        Assert.Equal(hosts.Order(StringComparer.Ordinal), trail.Select(d => d.Selector.Value).Order(StringComparer.Ordinal));
        Assert.Equal(ids.Order(StringComparer.Ordinal), trail.Select(d => d.Id).Order(StringComparer.Ordinal));
        AssertSound(db);
    }

    [Fact]
    public void Should_Open_Cleanly_With_Every_Acknowledged_Write_When_A_Writer_Is_Killed_Mid_Write()
    {
        // Given: a child writing a decision and then a 3000-finding run per iteration, forever
        using var tmp = TestStore.Create(Kind);
        const int RunFindings = 3000;
        var acknowledged = new List<string>();
        using var child = StartChild(tmp.Db, "k", count: null, runFindings: RunFindings);
        var stopwatch = Stopwatch.StartNew();
        while (acknowledged.Count < 40 && stopwatch.Elapsed < TimeSpan.FromSeconds(60))
        {
            var line = child.StandardOutput.ReadLine();
            if (line is null)
            {
                break;
            }

            if (line.StartsWith("decision ", StringComparison.Ordinal) || line.StartsWith("run ", StringComparison.Ordinal))
            {
                acknowledged.Add(line);
            }
        }

        // When: SIGKILL, most likely inside the next run's transaction
        child.Kill(entireProcessTree: true);
        child.WaitForExit();
        string? rest;
        while ((rest = child.StandardOutput.ReadLine()) is not null)
        {
            if (rest.StartsWith("decision ", StringComparison.Ordinal) || rest.StartsWith("run ", StringComparison.Ordinal))
            {
                acknowledged.Add(rest);
            }
        }

        // Then
        Assert.True(acknowledged.Count >= 40, $"the child acknowledged only {acknowledged.Count} writes: {child.StandardError.ReadToEnd()}");
        using var db = tmp.Open();
        AssertSound(db);
        var decisions = db.Decisions().Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in acknowledged.Where(l => l.StartsWith("decision ", StringComparison.Ordinal)).Select(l => l["decision ".Length..]))
        {
            Assert.Contains(id, decisions);
        }

        var runs = db.RunIds("INTEL-SA-00086");
        foreach (var id in acknowledged.Where(l => l.StartsWith("run ", StringComparison.Ordinal)).Select(l => l["run ".Length..]))
        {
            Assert.Contains(id, runs);
        }

        // Atomicity: no run is half-written.
        Assert.All(db.Progress("INTEL-SA-00086"), p => Assert.Equal(RunFindings, p.Counts.Total));
    }
}

public sealed class SqliteConcurrencyTests : ConcurrencyTests
{
    protected override StoreKind Kind => StoreKind.Sqlite;
}

public sealed class PostgresConcurrencyTests : ConcurrencyTests
{
    protected override StoreKind Kind => StoreKind.Postgres;
}
