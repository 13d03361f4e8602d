using System.Diagnostics;
using System.Text.Json;

namespace VulnTriage.Cli.Tests;

/// <summary>
/// Issue 16, "the first hour": each newcomer stumble answered as a user would expect, run in-process and, where the
/// issue says so, as the built executable.
/// </summary>
public sealed class FirstHourTests
{
    private static (int Code, string Out, string Err) Process(string? workingDirectory, byte[]? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vulntriage.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(psi)!;
        if (stdin is not null)
        {
            p.StandardInput.BaseStream.Write(stdin);
        }

        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static string[] Lines(string text) => text.TrimEnd('\n').Split('\n');

    [Theory]
    [InlineData("unknown option '--fromat'; did you mean '--format'?", "triage", "INTEL-SA-00086", "--fromat", "html", "--inventory", "x.json")]
    [InlineData("unknown option '--inventroy'; did you mean '--inventory'?", "triage", "INTEL-SA-00086", "--inventroy", "x.json")]
    [InlineData("unknown command 'triag'; did you mean 'triage'?", "triag", "INTEL-SA-00086")]
    [InlineData("unknown command 'lst'; did you mean 'list'?", "decisions", "lst")]
    [InlineData("unknown option '--verdcit'; did you mean '--verdict'?", "decide", "INTEL-SA-00086", "--verdcit", "fixed")]
    [InlineData("missing command: one of triage,", new string[0])]
    public void Should_Name_The_Mistake_In_One_Line_And_Exit_2_When_The_Command_Line_Is_Misspelled(string expected, params string[] args)
    {
        // When
        var r = Process(null, null, args);

        // Then
        Assert.Equal(2, r.Code);
        Assert.Equal("", r.Out);
        var line = Assert.Single(Lines(r.Err));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.StartsWith("vulntriage: error: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Take_An_At_Sign_Literally_When_An_Argument_Starts_With_It()
    {
        // Given: a file that response-file expansion would read
        var secret = CliRunner.TempFile("TOP SECRET", ".txt");
        var db = Path.Combine(Path.GetTempPath(), $"vt-{Path.GetRandomFileName()}.db");

        // When
        var decided = CliRunner.Run("decide", "INTEL-SA-00086", "--verdict", "fixed", "--justification", "@" + secret, "--author", "@alice", "--host", "db01", "--db", db);
        var list = CliRunner.Run("decisions", "list", "--format", "json", "--db", db);

        // Then
        Assert.True(decided.ExitCode == 0, decided.Err);
        using var doc = JsonDocument.Parse(list.Out);
        var d = doc.RootElement[0];
        Assert.Equal("@" + secret, d.GetProperty("justification").GetString());
        Assert.Equal("@alice", d.GetProperty("author").GetString());
        Assert.DoesNotContain("TOP SECRET", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Say_It_Is_A_Directory_When_The_Inventory_Is_A_Directory()
    {
        // When: a folder that is neither a probe folder nor Ansible facts (issue 14 reads those as inventories)
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.Samples);

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("directory", Assert.Single(Lines(r.Err)), StringComparison.Ordinal);
        Assert.DoesNotContain("denied", r.Err, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Should_Say_It_Is_A_File_When_The_Facts_Directory_Is_A_File()
    {
        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--facts", CliRunner.SampleInventory);

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("is a file, not a directory", Assert.Single(Lines(r.Err)), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Name_The_Missing_Directory_When_Out_Cannot_Be_Created()
    {
        // Given
        var missing = Path.Combine(Path.GetTempPath(), "vt-missing-" + Path.GetRandomFileName(), "x.md");

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--out", missing);

        // Then
        Assert.Equal(3, r.ExitCode);
        var line = Assert.Single(Lines(r.Err));
        Assert.Contains($"the directory {Path.GetDirectoryName(missing)} does not exist", line, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp-", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Ask_For_A_File_Name_When_Out_Is_A_Directory()
    {
        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--out", Path.GetTempPath());

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("is a directory; give a file name", Assert.Single(Lines(r.Err)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".html", "<!DOCTYPE html>")]
    [InlineData(".json", "{")]
    [InlineData(".csv", "advisory,")]
    [InlineData(".md", "# ")]
    public void Should_Write_The_Format_The_Out_Extension_Names_When_No_Format_Is_Given(string extension, string start)
    {
        // Given
        var path = Path.Combine(Path.GetTempPath(), $"vt-{Path.GetRandomFileName()}{extension}");

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--out", path);

        // Then
        Assert.True(r.ExitCode == 1, r.Err);
        Assert.StartsWith(start, File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Accept_Md_As_Markdown_When_Given_As_Format()
    {
        // When
        var md = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--format", "md");
        var markdown = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--format", "markdown");

        // Then
        Assert.Equal(1, md.ExitCode);
        Assert.Equal(markdown.Out, md.Out);
    }

    [Fact]
    public void Should_Find_The_Advisory_That_Carries_A_Cve_When_A_Cve_Id_Is_Given()
    {
        // When
        var byCve = CliRunner.Run("triage", "CVE-2017-5705", "--inventory", CliRunner.SampleInventory, "--format", "json");
        var show = CliRunner.Run("advisories", "show", "cve-2017-5712");

        // Then
        Assert.True(byCve.ExitCode == 1, byCve.Err);
        using var doc = JsonDocument.Parse(byCve.Out);
        Assert.Equal("INTEL-SA-00086", doc.RootElement.GetProperty("advisories")[0].GetProperty("id").GetString());
        Assert.Equal(0, show.ExitCode);
        Assert.StartsWith("INTEL-SA-00086", show.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Warn_And_Exit_3_When_The_Inventory_Is_Mkr_Hosts_Without_V()
    {
        // Given: `mkr hosts` without -v has no meta (mackerelio/mkr hosts/hosts.go prints id, name, displayName,
        // status, memo, roleFullnames, isRetired, createdAt, ipAddresses)
        var inventory = CliRunner.TempFile("""
            [
                {"id":"2eQGEaLxiYU","name":"db01.dc1.example.com","status":"working","memo":"","roleFullnames":["Payments:db"],"isRetired":false,"createdAt":"2017-11-20T09:00:00+09:00","ipAddresses":{"eth0":"10.0.1.11"}},
                {"id":"2eQGEaLxiYV","name":"ip-10-0-1-23.ap-northeast-1.compute.internal","status":"working","memo":"","roleFullnames":["Shop:web"],"isRetired":false,"createdAt":"2019-04-01T09:00:00+09:00","ipAddresses":{"eth0":"10.0.1.23"}}
            ]
            """);

        // When
        var r = Process(null, null, "triage", "INTEL-SA-00086", "--inventory", inventory);

        // Then
        Assert.Equal(3, r.Code);
        Assert.Contains("VT1009", Assert.Single(Lines(r.Err)), StringComparison.Ordinal);
        Assert.Contains("mkr hosts -v", r.Err, StringComparison.Ordinal);
        Assert.Contains("Conclusion", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Warn_And_Exit_3_When_The_Inventory_Is_Empty()
    {
        // When
        var r = Process(null, "[]"u8.ToArray(), "triage", "INTEL-SA-00086", "--inventory", "-");

        // Then
        Assert.Equal(3, r.Code);
        Assert.Contains("VT1002", Assert.Single(Lines(r.Err)), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Name_Unmatched_Facts_Files_On_Stderr_With_A_Hint_When_Named_By_Short_Host_Name()
    {
        // Given: db01.json for the host db01.dc1.example.com
        var dir = Directory.CreateTempSubdirectory("vt-facts-").FullName;
        File.WriteAllText(Path.Combine(dir, "db01.json"), """{"firmware":[{"kind":"sps","version":"4.0.4.294"}]}""");

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--facts", dir);

        // Then
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(Lines(r.Err));
        Assert.Contains("VT3004", line, StringComparison.Ordinal);
        Assert.Contains("1 facts file names no host", line, StringComparison.Ordinal);
        Assert.Contains("name it db01.dc1.example.com.json", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Give_One_Summary_Line_When_Many_Facts_Files_Match_No_Host()
    {
        // Given: 300 stray facts files (the attack used 100,000: 100,000 diagnostic lines and an 11 MB report)
        var dir = Directory.CreateTempSubdirectory("vt-facts-").FullName;
        for (var i = 0; i < 300; i++)
        {
            File.WriteAllText(Path.Combine(dir, $"stray-{i:D4}.json"), "{}");
        }

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--facts", dir, "--format", "json");

        // Then
        Assert.Contains("300 facts files name no host", Assert.Single(Lines(r.Err)), StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Single(doc.RootElement.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("code").GetString() == "VT3004");
    }

    [Fact]
    public void Should_Count_A_Repeated_Host_Id_Once_Everywhere_When_The_Inventory_Repeats_It()
    {
        // Given: the same host three times (two inventories concatenated)
        const string Host = """{"id":"2eQGEaLxiYU","name":"db01","status":"working","isRetired":false,"roles":{},"meta":{"cpu":[{"vendor_id":"GenuineIntel","family":"6","model":"85","stepping":"4","model_name":"Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz"}]}}""";
        var inventory = CliRunner.TempFile($"[{Host},{Host},{Host}]");

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", inventory, "--format", "json");

        // Then
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(1, doc.RootElement.GetProperty("findings").GetArrayLength());
        Assert.Equal(1, doc.RootElement.GetProperty("inventory").GetProperty("hostsEvaluated").GetInt32());
        Assert.Contains("VT1008", r.Err, StringComparison.Ordinal);
        Assert.Contains("appears 3 times", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Name_The_Encoding_When_The_Inventory_Is_Utf16()
    {
        // Given: PowerShell 5's `mkr hosts -v > hosts.json` writes UTF-16LE with a BOM
        var path = Path.Combine(Path.GetTempPath(), $"vt-{Path.GetRandomFileName()}.json");
        File.WriteAllText(path, "[]", new System.Text.UnicodeEncoding(bigEndian: false, byteOrderMark: true));

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", path);

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("UTF-16LE, not UTF-8", Assert.Single(Lines(r.Err)), StringComparison.Ordinal);
        Assert.DoesNotContain("0xFF", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Neutralize_Bidi_Overrides_When_Printing_The_Hosts_Table()
    {
        // Given: a brand string carrying U+202E (right-to-left override)
        var inventory = CliRunner.TempFile("""[{"id":"x1","name":"h","status":"working","isRetired":false,"roles":{},"meta":{"cpu":[{"vendor_id":"GenuineIntel","model_name":"Intel(R) Xeon(R) \u202Egnp.exe CPU"}]}}]""");

        // When
        var r = CliRunner.Run("hosts", "--inventory", inventory);

        // Then
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("\u202E", r.Out, StringComparison.Ordinal);
        Assert.Contains("\\u202e", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Say_Standard_Input_When_The_Inventory_Was_Piped()
    {
        // When
        var r = CliRunner.RunWithInput(File.ReadAllBytes(CliRunner.SampleInventory), "triage", "INTEL-SA-00086", "--inventory", "-");

        // Then
        Assert.Contains("The inventory was read from standard input", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("read from -", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Write_One_Host_Not_One_Hosts_When_There_Is_One_Host()
    {
        // Given
        var inventory = CliRunner.TempFile("""[{"id":"x1","name":"h","status":"working","isRetired":false,"roles":{},"meta":{"cpu":[{"vendor_id":"GenuineIntel","family":"6","model":"85","stepping":"4","model_name":"Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz"}]}}]""");

        // When
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", inventory);

        // Then
        Assert.DoesNotContain("1 hosts", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("1 distinct processors", r.Out, StringComparison.Ordinal);
    }
}
