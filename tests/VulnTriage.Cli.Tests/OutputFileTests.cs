namespace VulnTriage.Cli.Tests;

/// <summary>
/// Issue 16 attack 1: `--out` wrote to the predictable `&lt;out&gt;.tmp-&lt;PID&gt;`, following a symbolic link planted
/// there, then renamed it: in a shared directory another user could make it overwrite any file the runner can write.
/// </summary>
public sealed class OutputFileTests
{
    [Fact]
    public void Should_Leave_A_Planted_Link_Target_Untouched_When_Writing_The_Report()
    {
        // Given: a shared directory where someone planted <out>.tmp-<our pid> -> a file of ours
        var shared = Directory.CreateTempSubdirectory("vt-shared-").FullName;
        var victim = Path.Combine(Directory.CreateTempSubdirectory("vt-home-").FullName, "authorized_keys");
        File.WriteAllText(victim, "ssh-ed25519 AAAA precious\n");
        var report = Path.Combine(shared, "report.md");
        File.CreateSymbolicLink(report + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), victim);

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--out", report);

        // Then
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("ssh-ed25519 AAAA precious\n", File.ReadAllText(victim));
        Assert.StartsWith("# ", File.ReadAllText(report), StringComparison.Ordinal);
        Assert.Null(new FileInfo(report).LinkTarget);
    }

    [Fact]
    public void Should_Leave_No_Temporary_File_When_The_Report_Is_Written()
    {
        // Given
        var dir = Directory.CreateTempSubdirectory("vt-out-").FullName;
        var report = Path.Combine(dir, "report.html");

        // When
        CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--out", report);

        // Then
        Assert.Equal(["report.html"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Should_Replace_A_Link_At_The_Target_Instead_Of_Writing_Through_It_When_Out_Is_A_Link()
    {
        // Given: the target name itself is a link to another file (rename replaces the link, never its target)
        var dir = Directory.CreateTempSubdirectory("vt-out-").FullName;
        var other = Path.Combine(dir, "other.txt");
        File.WriteAllText(other, "keep");
        var report = Path.Combine(dir, "report.md");
        File.CreateSymbolicLink(report, other);

        // When
        CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--out", report);

        // Then
        Assert.Equal("keep", File.ReadAllText(other));
        Assert.Null(new FileInfo(report).LinkTarget);
    }
}
