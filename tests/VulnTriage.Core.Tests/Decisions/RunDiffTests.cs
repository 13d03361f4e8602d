using VulnTriage.Core.Decisions;
using VulnTriage.Core.Matching;

namespace VulnTriage.Core.Tests.Decisions;

public sealed class RunDiffTests
{
    private const string Advisory = "INTEL-SA-00086";

    private static SavedFinding S(string id, Verdict verdict, Stage stage = Stage.Firmware) =>
        new(Advisory, id, id + ".example.com", verdict, stage, null, null, [$"{Advisory}#x"]);

    [Fact]
    public void Should_Report_Newly_Affected_Newly_Fixed_Moved_Gone_And_New_When_Comparing_Two_Runs()
    {
        // Given
        var before = new SavedRun("r-1", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), "hosts.json", "0.1.0", [Advisory],
            [S("a", Verdict.NeedsConfirmation, Stage.Cpu), S("b", Verdict.Affected), S("c", Verdict.Unknown, Stage.Cpu), S("d", Verdict.Fixed), S("gone", Verdict.Affected)]);
        var after = new SavedRun("r-2", new DateTimeOffset(2026, 11, 8, 0, 0, 0, TimeSpan.Zero), "hosts.json", "0.1.0", [Advisory],
            [S("a", Verdict.Affected), S("b", Verdict.Fixed), S("c", Verdict.NotAffected, Stage.Decision), S("d", Verdict.Fixed), S("new", Verdict.Affected), S("new2", Verdict.Unknown, Stage.Cpu)]);

        // When
        var diff = RunDiff.Compare(before, after, Advisory);

        // Then
        Assert.Equal(["a", "new"], diff.NewlyAffected.Select(c => c.HostId));
        Assert.Equal(["b"], diff.NewlyFixed.Select(c => c.HostId));
        Assert.Equal([("c", (Verdict?)Verdict.Unknown, (Verdict?)Verdict.NotAffected)], diff.Moved.Select(c => (c.HostId, c.From, c.To)));
        Assert.Equal(["gone"], diff.Gone.Select(c => c.HostId));
        Assert.Equal(["new", "new2"], diff.New.Select(c => c.HostId));
        Assert.Equal(2, diff.Previous.Counts.Affected);
        Assert.Equal(2, diff.Latest.Counts.Fixed);
        Assert.False(diff.IsEmpty);
    }

    [Fact]
    public void Should_Be_Empty_When_Nothing_Changed()
    {
        // Given
        var run = new SavedRun("r-1", DateTimeOffset.UnixEpoch, "hosts.json", "0.1.0", [Advisory], [S("a", Verdict.Affected)]);

        // When
        var diff = RunDiff.Compare(run, run with { Id = "r-2" }, Advisory);

        // Then
        Assert.True(diff.IsEmpty);
    }
}
