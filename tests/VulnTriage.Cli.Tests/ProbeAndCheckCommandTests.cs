using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VulnTriage.Cli.Commands;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;

namespace VulnTriage.Cli.Tests;

/// <summary>The captured host trees (tests/VulnTriage.Inventory.Tests/testdata/hosts, linked into this project's output).</summary>
internal static class HostTrees
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "testdata", "hosts");

    public static string Tree(string name) => Path.Combine(Root, name);

    public static IEnumerable<string> All => Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static TheoryData<string> AllData
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in All)
            {
                data.Add(name);
            }

            return data;
        }
    }

    public static string TempDirectory(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;

    public static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, new UTF8Encoding(false));
    }
}

public sealed class ProbeCommandTests
{
    [Theory]
    [MemberData(nameof(HostTrees.AllData), MemberType = typeof(HostTrees))]
    public void Should_Print_One_Valid_Probe_Document_When_Probing_Each_Captured_Tree(string tree)
    {
        // When
        var r = CliRunner.Run("probe", "--root", HostTrees.Tree(tree));

        // Then
        Assert.True(r.ExitCode == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal("vulntriage-probe/1", doc.RootElement.GetProperty("schema").GetString());
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("firmware").ValueKind);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("missing").ValueKind);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("problems").ValueKind);
        Assert.True(Encoding.UTF8.GetByteCount(r.Out) <= 100_000);
    }

    [Fact]
    public void Should_Print_The_Firmware_As_The_Issue_Shows_When_Probing_The_Me11_Laptop()
    {
        // When
        var r = CliRunner.Run("probe", "--root", HostTrees.Tree("me11-laptop-affected"));

        // Then
        using var doc = JsonDocument.Parse(r.Out);
        var firmware = doc.RootElement.GetProperty("firmware")[0];
        Assert.Equal("me", firmware.GetProperty("kind").GetString());
        Assert.Equal("11.6.12.3202", firmware.GetProperty("version").GetString());
        Assert.Equal("/sys/class/mei/mei0/fw_ver", firmware.GetProperty("source").GetString());
        Assert.Equal("HP EliteBook 840 G4", doc.RootElement.GetProperty("platform").GetProperty("product_name").GetString());
    }

    [Fact]
    public void Should_Print_Clear_Problems_When_Probing_The_Garbage_Tree()
    {
        // When
        var r = CliRunner.Run("probe", "--root", HostTrees.Tree("garbage"));

        // Then
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        var messages = doc.RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("path").GetString()}: {p.GetProperty("message").GetString()}").ToList();
        Assert.Contains("/proc/cpuinfo: contains NUL bytes (binary data, not text)", messages);
        Assert.Contains("/sys/class/dmi/id/sys_vendor: is a directory, not a file", messages);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("cpu").ValueKind);
    }

    [Fact]
    public void Should_Print_A_Valid_Document_When_Probing_This_Machine()
    {
        // When
        var r = CliRunner.Run("probe");

        // Then
        Assert.True(r.ExitCode == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal("vulntriage-probe/1", doc.RootElement.GetProperty("schema").GetString());
        Assert.Equal(JsonValueKind.Object, doc.RootElement.GetProperty("cpu").ValueKind);
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("kernel").GetProperty("release").GetString()));
    }

    [Fact]
    public void Should_Exit_3_And_Still_List_What_Is_Missing_When_Nothing_Can_Be_Read()
    {
        // When
        var r = CliRunner.Run("probe", "--root", HostTrees.TempDirectory("vt-empty-"));

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("nothing could be read", r.Err, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Contains(doc.RootElement.GetProperty("missing").EnumerateArray(), m => m.GetString() == "/proc/cpuinfo");
    }

    [Fact]
    public void Should_Exit_3_When_The_Root_Does_Not_Exist()
    {
        // When
        var r = CliRunner.Run("probe", "--root", Path.Combine(HostTrees.TempDirectory("vt-none-"), "absent"));

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.Contains("is not a directory", r.Err, StringComparison.Ordinal);
    }
}

public sealed partial class CheckCommandTests
{
    [Theory]
    [InlineData("me11-laptop-affected", 2, "CRITICAL", "affected", "INTEL-SA-00086#firmware/me11-vulnerable-branch")]
    [InlineData("me11-8-desktop-fixed", 0, "OK", "fixed", "INTEL-SA-00086#firmware/me11-fixed-branch")]
    [InlineData("me12-whiskey-lake-not-affected", 0, "OK", "not_affected", "INTEL-SA-00086#firmware/me12-and-later")]
    [InlineData("apl-txe30-affected", 2, "CRITICAL", "affected", "INTEL-SA-00086#firmware/txe3-vulnerable-branch")]
    [InlineData("apl-txe31-fixed", 0, "OK", "fixed", "INTEL-SA-00086#firmware/txe3-1-fixed")]
    [InlineData("ec2-instance", 0, "OK", "provider_managed", "INTEL-SA-00086#cloud/aws")]
    [InlineData("garbage", 3, "UNKNOWN", "unknown", "INTEL-SA-00086#cpu/no-cpu-facts")]
    [InlineData("partly-garbage", 2, "CRITICAL", "affected", "INTEL-SA-00086#firmware/me11-vulnerable-branch")]
    public void Should_Print_One_Status_Line_And_The_Plugin_Exit_Code_When_Firmware_Or_Cloud_Decides(string tree, int exit, string status, string verdict, string clause)
    {
        // When
        var r = CliRunner.Run("check", "INTEL-SA-00086", "--root", HostTrees.Tree(tree));

        // Then
        AssertStatusLine(r, exit, status, verdict, clause);
    }

    /// <summary>These verdicts rest on processor identification (stage cpu); they pass once CpuIdentifier is implemented.</summary>
    [Theory]
    [InlineData("sps-server-no-mei", 1, "WARNING", "needs_confirmation", "INTEL-SA-00086#cpu/xeon-scalable-1st-gen")]
    [InlineData("kvm-guest", 1, "WARNING", "needs_confirmation", "INTEL-SA-00086#cpu/virtual-machine")]
    [InlineData("amd-host", 0, "OK", "not_affected", "INTEL-SA-00086#cpu/outside-listed-families")]
    public void Should_Print_The_Cpu_Stage_Verdict_When_Identification_Decides(string tree, int exit, string status, string verdict, string clause)
    {
        // When
        var r = CliRunner.Run("check", "INTEL-SA-00086", "--root", HostTrees.Tree(tree));

        // Then
        AssertStatusLine(r, exit, status, verdict, clause);
    }

    [Fact]
    public void Should_Say_Where_To_Read_The_Sps_Version_When_The_Server_Has_No_Mei_Device()
    {
        // When
        var r = CliRunner.Run("check", "INTEL-SA-00086", "--root", HostTrees.Tree("sps-server-no-mei"));

        // Then
        Assert.Contains("no MEI device: SPS servers hide the engine from Linux; read the SPS version from the BMC", r.Out, StringComparison.Ordinal);
        Assert.NotEqual(0, r.ExitCode);
    }

    [Fact]
    public void Should_Print_The_Issue_Example_When_The_Me11_Laptop_Is_Affected()
    {
        // When
        var r = CliRunner.Run("check", "INTEL-SA-00086", "--root", HostTrees.Tree("me11-laptop-affected"));

        // Then
        Assert.StartsWith("INTEL-SA-00086 CRITICAL: affected — ME 11.6.12.3202 matches rule 'me11-vulnerable-branch' ", r.Out, StringComparison.Ordinal);
        Assert.Contains("(clause INTEL-SA-00086#firmware/me11-vulnerable-branch)", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("check", "NO-SUCH-ADVISORY")]
    [InlineData("check", "INTEL-SA-00086", "--no-such-option")]
    [InlineData("check", "INTEL-SA-00086", "--root", "/definitely/not/here")]
    public void Should_Exit_3_With_An_Unknown_Status_Line_When_Anything_Is_Wrong(params string[] args)
    {
        // When
        var r = CliRunner.Run(args);

        // Then
        Assert.Equal(3, r.ExitCode);
        Assert.StartsWith("VULNTRIAGE UNKNOWN: ", r.Out, StringComparison.Ordinal);
        Assert.Single(r.Out.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Should_Keep_The_Line_Within_1024_Characters_And_Make_Controls_Visible_When_The_Reason_Is_Huge_And_Hostile()
    {
        // Given
        var host = new Host("h", "h", null, HostStatus.Working, false, [], null, [], "Linux", null);
        var reason = "\u001b[31mred\u001b[0m\r\nfake line " + new string('x', 5000);
        var evidence = new Evidence("INTEL-SA-00086#cpu/no-cpu-facts", EvidenceKind.NoCpuFacts, []) { Subject = reason };
        var finding = new Finding("INTEL-SA-00086", host, Verdict.Unknown, Stage.Cpu, HostEnvironment.OnPremises, [], [evidence], [], FindingAction.CollectFacts);

        // When
        var line = CheckCommand.StatusLine([finding, finding with { AdvisoryId = "ACME-SA-1", Verdict = Verdict.Affected }]);

        // Then
        Assert.True(line.Length <= CheckCommand.MaxLineLength, line.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(line, char.IsControl);
        Assert.StartsWith("ACME-SA-1 CRITICAL: affected — No CPU facts in the inventory (\\u001b[31mred", line, StringComparison.Ordinal);
        Assert.Contains("(clause INTEL-SA-00086#cpu/no-cpu-facts) | ", line.Replace("…", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.EndsWith("(clause INTEL-SA-00086#cpu/no-cpu-facts)", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Escape_A_Hostile_Brand_String_When_Checking_A_Tree_That_Carries_One()
    {
        // Given
        var root = HostTrees.TempDirectory("vt-hostile-");
        HostTrees.Write(root, "proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\nmodel name\t: Evil\u001b]0;pwned\u0007 CPU\nstepping\t: 4\n");

        // When
        var r = CliRunner.Run("check", "INTEL-SA-00086", "--root", root);

        // Then
        var line = r.Out.TrimEnd('\n');
        Assert.DoesNotContain(line, char.IsControl);
        Assert.True(line.Length <= CheckCommand.MaxLineLength);
    }

    internal static (int Exit, string Verdict) ParseStatus(CliRunner.Result r)
    {
        var match = StatusPattern().Match(r.Out);
        Assert.True(match.Success, r.Out);
        return (r.ExitCode, match.Groups["verdict"].Value);
    }

    private static void AssertStatusLine(CliRunner.Result r, int exit, string status, string verdict, string clause)
    {
        var line = r.Out.TrimEnd('\n');
        Assert.True(r.ExitCode == exit, $"exit {r.ExitCode}: {r.Out}{r.Err}");
        Assert.DoesNotContain('\n', line);
        Assert.True(line.Length <= CheckCommand.MaxLineLength);
        Assert.StartsWith($"INTEL-SA-00086 {status}: {verdict} — ", line, StringComparison.Ordinal);
        Assert.EndsWith($"(clause {clause})", line, StringComparison.Ordinal);
    }

    [GeneratedRegex("^INTEL-SA-00086 (?<status>[A-Z]+): (?<verdict>[a-z_]+) — ")]
    private static partial Regex StatusPattern();
}

public sealed class ProbeTriageAgreementTests
{
    [Fact]
    public void Should_Give_The_Same_Verdicts_As_Check_When_Triage_Reads_The_Probe_Outputs_As_Facts()
    {
        // Given: an inventory in `mkr hosts -v` shape built from each tree's probe, and the probes as --facts files
        var facts = HostTrees.TempDirectory("vt-agree-facts-");
        var hosts = new JsonArray();
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tree in HostTrees.All)
        {
            var probe = CliRunner.Run("probe", "--root", HostTrees.Tree(tree));
            Assert.Equal(0, probe.ExitCode);
            var doc = JsonNode.Parse(probe.Out)!.AsObject();
            var name = doc["hostname"]!.GetValue<string>();
            File.WriteAllText(Path.Combine(facts, name + ".json"), probe.Out, new UTF8Encoding(false));
            hosts.Add(ToMackerelHost(tree, name, doc));
            expected[name] = CheckCommandTests.ParseStatus(CliRunner.Run("check", "INTEL-SA-00086", "--root", HostTrees.Tree(tree))).Verdict;
        }

        var inventory = CliRunner.TempFile(hosts.ToJsonString());

        // When
        var triage = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", inventory, "--facts", facts, "--format", "json");

        // Then
        Assert.True(triage.ExitCode is 0 or 1, triage.Err);
        using var report = JsonDocument.Parse(triage.Out);
        var actual = report.RootElement.GetProperty("findings").EnumerateArray()
            .ToDictionary(f => f.GetProperty("host").GetProperty("name").GetString()!, f => f.GetProperty("verdict").GetString()!, StringComparer.Ordinal);
        Assert.Equal(expected.Count, HostTrees.All.Count());
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), actual.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    /// <summary>What mackerel-agent would have sent for the same host: meta.cpu (strings, as the agent sends them) and meta.cloud.</summary>
    private static JsonObject ToMackerelHost(string tree, string name, JsonObject probe)
    {
        var cpus = new JsonArray();
        if (probe["cpu"] is JsonObject cpu)
        {
            var entry = new JsonObject();
            foreach (var (from, to) in new[] { ("vendor_id", "vendor_id"), ("model_name", "model_name"), ("family", "family"), ("model", "model"), ("stepping", "stepping") })
            {
                if (cpu[from] is JsonValue value)
                {
                    entry[to] = value.ToString();
                }
            }

            for (var i = 0; i < Math.Max(1, cpu["logical_cpus"]!.GetValue<int>()); i++)
            {
                cpus.Add(entry.DeepClone());
            }
        }

        var meta = new JsonObject { ["cpu"] = cpus };
        if (probe["cloud"]?.GetValue<string>() is { } cloud)
        {
            meta["cloud"] = new JsonObject
            {
                ["provider"] = cloud switch { "aws" => "ec2", "gcp" => "gce", _ => "AzureVM" },
                ["metadata"] = new JsonObject { ["instance-type"] = probe["platform"]?["product_name"]?.GetValue<string>() },
            };
        }

        return new JsonObject
        {
            ["id"] = "id-" + tree,
            ["name"] = name,
            ["status"] = "working",
            ["isRetired"] = false,
            ["roles"] = new JsonObject(),
            ["meta"] = meta,
        };
    }

    [Fact]
    public void Should_Answer_Without_Hanging_When_The_Firmware_Version_File_Is_A_Fifo()
    {
        // Given: issue 16 attack 5 — a captured tree whose fw_ver is a FIFO (reading it used to block forever)
        var root = Directory.CreateTempSubdirectory("vt-fifo-root-").FullName;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "testdata", "hosts", "me11-8-desktop-fixed"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "testdata", "hosts", "me11-8-desktop-fixed"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var fwVer = Path.Combine(root, "sys", "class", "mei", "mei0", "fw_ver");
        File.Delete(fwVer);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fwVer]))
        {
            mkfifo.WaitForExit();
        }

        // When
        var check = CliRunner.Run("check", "INTEL-SA-00086", "--root", root);
        var probe = CliRunner.Run("probe", "--root", root);

        // Then: the firmware is unknown to the probe, so the listed CPU needs confirmation; the FIFO is a problem
        Assert.Equal(1, check.ExitCode);
        Assert.StartsWith("INTEL-SA-00086 WARNING", check.Out, StringComparison.Ordinal);
        Assert.Equal(0, probe.ExitCode);
        Assert.Contains("FIFO", probe.Out, StringComparison.Ordinal);
    }
}
