using System.Diagnostics;
using System.Text.Json;

namespace VulnTriage.Cli.Tests;

/// <summary>Runs the built <c>vulntriage</c> executable as a separate process on the shipped samples.</summary>
public sealed class EndToEndTests
{
    private static (int Code, string Out, string Err) RunProcess(string? stdinFile, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdinFile is not null,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vulntriage.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        if (stdinFile is not null)
        {
            using (var input = File.OpenRead(stdinFile))
            {
                input.CopyTo(p.StandardInput.BaseStream);
            }

            p.StandardInput.Close();
        }

        var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Should_Triage_The_Samples_From_A_Pipe_When_Run_As_A_Process()
    {
        // When: mkr hosts -v | vulntriage triage INTEL-SA-00086 --inventory - --format json
        var (code, stdout, stderr) = RunProcess(CliRunner.SampleInventory, "triage", "INTEL-SA-00086", "--inventory", "-", "--facts", CliRunner.SampleFacts, "--format", "json");

        // Then
        Assert.True(code == 1, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("1.1", doc.RootElement.GetProperty("schemaVersion").GetString());
        Assert.Equal(38, doc.RootElement.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public void Should_Print_One_Line_And_Exit_3_When_Run_On_Garbage()
    {
        // Given
        var path = CliRunner.TempFile("{\"hosts\": [ {\"id\": ");

        // When
        var (code, stdout, stderr) = RunProcess(null, "triage", "INTEL-SA-00086", "--inventory", path);

        // Then
        Assert.Equal(3, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Should_Merge_Inventories_Of_Several_Kinds_When_Run_As_A_Process()
    {
        // When: the osquery log from a pipe, the Ansible cache, the CMDB CSV with its column map
        var (code, stdout, stderr) = RunProcess(
            Path.Combine(CliRunner.Samples, "osquery", "osqueryd.results.log"),
            "triage", "INTEL-SA-00086", "--inventory", "-", "--inventory", "ansible:" + Path.Combine(CliRunner.Samples, "ansible", "fact_cache"),
            "--inventory", "csv:" + Path.Combine(CliRunner.Samples, "csv", "hosts.csv"), "--map", "status=lifecycle,model=cpu_model_id,label.team=owner_team",
            "--facts", CliRunner.SampleFacts, "--format", "json", "--group-by", "label:team");

        // Then: 40 CMDB hosts minus the 2 retired ones, one finding each
        Assert.True(code == 1, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(38, doc.RootElement.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public void Should_Run_Hosts_And_Advisories_When_Run_As_A_Process()
    {
        // Then
        Assert.Equal(0, RunProcess(null, "hosts", "--inventory", CliRunner.SampleInventory).Code);
        Assert.Equal(0, RunProcess(null, "advisories", "list").Code);
        Assert.Equal(0, RunProcess(null, "advisories", "show", "INTEL-SA-00086").Code);
    }
}
