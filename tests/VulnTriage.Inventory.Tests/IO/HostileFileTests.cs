using System.Diagnostics;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Inventory.Facts;
using VulnTriage.Inventory.IO;
using VulnTriage.Inventory.Probe;

namespace VulnTriage.Inventory.Tests.IO;

/// <summary>
/// Issue 16 attacks 2, 4 and 5: files are hostile too. A FIFO must never block a read, a link to /dev/zero (length 0)
/// must not bypass the size cap, and a probe --root must not follow a link out of its tree.
/// </summary>
public sealed class HostileFileTests
{
    private static string MakeFifo(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return path;
    }

    private static string TempDir() => Directory.CreateTempSubdirectory("vt-hostile-").FullName;

    [Fact]
    public void Should_Refuse_Without_Blocking_When_The_File_Is_A_Fifo()
    {
        // Given: a FIFO with no writer (opening it for reading blocks forever without O_NONBLOCK)
        var fifo = MakeFifo(Path.Combine(TempDir(), "x.json"));

        // When
        var outcome = SafeFile.TryReadAllBytes(fifo, 1 << 20, out var bytes, out var problem);

        // Then
        Assert.Equal(SafeFileOutcome.NotRegularFile, outcome);
        Assert.Empty(bytes);
        Assert.Contains("FIFO", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Refuse_A_Device_When_A_Link_Points_At_Dev_Zero()
    {
        // Given: /dev/zero reports length 0 and never ends
        var link = Path.Combine(TempDir(), "x.json");
        File.CreateSymbolicLink(link, "/dev/zero");

        // When
        var outcome = SafeFile.TryReadAllBytes(link, 1 << 20, out _, out var problem);

        // Then
        Assert.Equal(SafeFileOutcome.NotRegularFile, outcome);
        Assert.Contains("device", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Cap_By_Bytes_Read_When_The_File_Grows_Past_The_Cap()
    {
        // Given
        var path = Path.Combine(TempDir(), "big.json");
        File.WriteAllBytes(path, new byte[5000]);

        // When
        var outcome = SafeFile.TryReadAllBytes(path, 4096, out _, out var problem);

        // Then
        Assert.Equal(SafeFileOutcome.TooLarge, outcome);
        Assert.Contains("larger than 4096 bytes", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Skip_Fifos_And_Devices_With_A_Diagnostic_When_Loading_A_Facts_Directory()
    {
        // Given: a good facts file, a FIFO and a link to /dev/zero, all named *.json
        var dir = TempDir();
        File.WriteAllText(Path.Combine(dir, "db01.json"), """{"firmware":[{"kind":"sps","version":"4.0.4.294"}]}""");
        MakeFifo(Path.Combine(dir, "fifo.json"));
        File.CreateSymbolicLink(Path.Combine(dir, "zero.json"), "/dev/zero");
        var diagnostics = new List<Diagnostic>();

        // When
        var facts = FactsDirectory.Load(dir, diagnostics.Add);

        // Then
        Assert.Equal(1, facts.Count);
        Assert.Equal(2, diagnostics.Count(d => d.Code == DiagnosticCodes.FactsInvalid && d.Severity == DiagnosticSeverity.Warning));
        Assert.Contains(diagnostics, d => d.Location.Source.EndsWith("fifo.json", StringComparison.Ordinal) && d.Message.Contains("FIFO", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Location.Source.EndsWith("zero.json", StringComparison.Ordinal) && d.Message.Contains("device", StringComparison.Ordinal));
    }

    private static string CapturedTree()
    {
        // A minimal captured host: cpuinfo plus the DMI directory.
        var root = TempDir();
        Directory.CreateDirectory(Path.Combine(root, "proc"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "testdata", "hosts", "me11-8-desktop-fixed", "proc", "cpuinfo"), Path.Combine(root, "proc", "cpuinfo"));
        Directory.CreateDirectory(Path.Combine(root, "sys", "class", "dmi", "id"));
        File.WriteAllText(Path.Combine(root, "sys", "class", "dmi", "id", "sys_vendor"), "Dell Inc.\n");
        return root;
    }

    [Fact]
    public void Should_Report_A_Problem_And_Not_Follow_When_A_Probe_File_Links_Out_Of_The_Root()
    {
        // Given: product_name -> an absolute path outside the tree (the attack used /etc/shadow)
        var outside = Path.Combine(TempDir(), "secret");
        File.WriteAllText(outside, "root:$6$SECRET-HASH:19000:0:99999:7:::\n");
        var root = CapturedTree();
        File.CreateSymbolicLink(Path.Combine(root, "sys", "class", "dmi", "id", "product_name"), outside);

        // When
        var probe = HostProbe.Run(root);

        // Then
        Assert.Null(probe.Platform!.ProductName);
        Assert.Contains(probe.Problems, p => p.Path == "/sys/class/dmi/id/product_name" && p.Message.Contains("outside the probe root", StringComparison.Ordinal));
        Assert.DoesNotContain("SECRET", System.Text.Encoding.UTF8.GetString(ProbeJson.Write(probe)), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Not_List_A_Directory_Outside_The_Root_When_The_Vulnerabilities_Directory_Links_There()
    {
        // Given: vulnerabilities -> a directory outside the tree (the attack linked /etc and read 64 files)
        var outside = TempDir();
        File.WriteAllText(Path.Combine(outside, "passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        var root = CapturedTree();
        Directory.CreateDirectory(Path.Combine(root, "sys", "devices", "system", "cpu"));
        File.CreateSymbolicLink(Path.Combine(root, "sys", "devices", "system", "cpu", "vulnerabilities"), outside);

        // When
        var probe = HostProbe.Run(root);

        // Then
        Assert.Empty(probe.Vulnerabilities);
        Assert.Contains(probe.Problems, p => p.Path == "/sys/devices/system/cpu/vulnerabilities" && p.Message.Contains("outside the probe root", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Follow_A_Relative_Link_When_It_Stays_Inside_The_Root()
    {
        // Given: sysfs-style relative link /sys/class/dmi/id -> ../../devices/virtual/dmi/id (as `cp -a /sys/...` keeps it)
        var root = TempDir();
        var real = Path.Combine(root, "sys", "devices", "virtual", "dmi", "id");
        Directory.CreateDirectory(real);
        File.WriteAllText(Path.Combine(real, "sys_vendor"), "Dell Inc.\n");
        File.WriteAllText(Path.Combine(real, "product_name"), "PowerEdge R740\n");
        Directory.CreateDirectory(Path.Combine(root, "sys", "class", "dmi"));
        File.CreateSymbolicLink(Path.Combine(root, "sys", "class", "dmi", "id"), "../../devices/virtual/dmi/id");

        // When
        var probe = HostProbe.Run(root);

        // Then
        Assert.Equal("PowerEdge R740", probe.Platform!.ProductName);
    }

    [Fact]
    public void Should_Not_Follow_A_Relative_Link_When_It_Climbs_Out_Of_The_Root()
    {
        // Given
        var outside = Path.Combine(TempDir(), "secret");
        File.WriteAllText(outside, "SECRET\n");
        var root = CapturedTree();
        File.CreateSymbolicLink(Path.Combine(root, "sys", "class", "dmi", "id", "product_name"), Path.GetRelativePath(Path.Combine(root, "sys", "class", "dmi", "id"), outside));

        // When
        var probe = HostProbe.Run(root);

        // Then
        Assert.Null(probe.Platform!.ProductName);
        Assert.Contains(probe.Problems, p => p.Path == "/sys/class/dmi/id/product_name" && p.Message.Contains("out of the probe root", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Record_A_Problem_Without_Blocking_When_A_Probe_File_Is_A_Fifo()
    {
        // Given: /proc/cpuinfo is a FIFO
        var root = TempDir();
        Directory.CreateDirectory(Path.Combine(root, "proc"));
        MakeFifo(Path.Combine(root, "proc", "cpuinfo"));

        // When
        var probe = HostProbe.Run(root);

        // Then
        Assert.Null(probe.Cpu);
        Assert.Contains(probe.Problems, p => p.Path == "/proc/cpuinfo" && p.Message.Contains("FIFO", StringComparison.Ordinal));
    }
}
