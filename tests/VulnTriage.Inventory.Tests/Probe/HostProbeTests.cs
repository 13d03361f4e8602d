using System.Text;
using System.Text.Json;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Versions;
using VulnTriage.Inventory.Probe;

namespace VulnTriage.Inventory.Tests.Probe;

public sealed class HostProbeTests
{
    internal static string Tree(string name) => Path.Combine(AppContext.BaseDirectory, "testdata", "hosts", name);

    [Theory]
    [InlineData("me11-laptop-affected", "me", "11.6.12.3202", "/sys/class/mei/mei0/fw_ver")]
    [InlineData("me11-8-desktop-fixed", "me", "11.8.50.3425", "/sys/class/mei/mei0/fw_ver")]
    [InlineData("me12-whiskey-lake-not-affected", "me", "12.0.35.1427", "/sys/class/mei/mei0/fw_ver")]
    [InlineData("apl-txe30-affected", "txe", "3.0.13.1144", "/sys/class/mei/mei0/fw_ver")]
    [InlineData("apl-txe31-fixed", "txe", "3.1.50.2222", "/sys/class/mei/mei0/fw_ver")]
    [InlineData("partly-garbage", "me", "11.7.0.1229", "/sys/class/mei/mei0/fw_ver")]
    public void Should_Record_The_Running_Firmware_With_Its_Kind_And_Source_When_Fw_Ver_Is_Readable(string tree, string kind, string version, string source)
    {
        // When
        var probe = HostProbe.Run(Tree(tree));

        // Then
        var firmware = Assert.Single(probe.Firmware);
        Assert.Equal(kind, firmware.Kind);
        Assert.Equal(version, firmware.Version);
        Assert.Equal(source, firmware.Source);
        Assert.DoesNotContain(HostProbe.NoMeiDeviceNote, probe.Notes);
    }

    [Fact]
    public void Should_Tell_Txe_From_The_Apollo_Lake_Device_Id_When_Probing_The_Txe_Box()
    {
        // When
        var probe = HostProbe.Run(Tree("apl-txe30-affected"));

        // Then
        Assert.Equal("0x5a9a", Assert.Single(probe.Mei).PciDevice);
        Assert.Contains("Apollo Lake", probe.Firmware[0].KindReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("me11-laptop-affected", "GenuineIntel", "Intel(R) Core(TM) i7-7500U CPU @ 2.70GHz", 6, 142, 9, "0xde")]
    [InlineData("me11-8-desktop-fixed", "GenuineIntel", "Intel(R) Core(TM) i7-7700 CPU @ 3.60GHz", 6, 158, 9, "0xea")]
    [InlineData("me12-whiskey-lake-not-affected", "GenuineIntel", "Intel(R) Core(TM) i7-8565U CPU @ 1.80GHz", 6, 142, 11, "0xb8")]
    [InlineData("apl-txe30-affected", "GenuineIntel", "Intel(R) Celeron(R) CPU J3455 @ 1.50GHz", 6, 92, 9, null)]
    [InlineData("sps-server-no-mei", "GenuineIntel", "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", 6, 85, 4, "0x2000069")]
    [InlineData("amd-host", "AuthenticAMD", "AMD EPYC 7502P 32-Core Processor", 23, 49, 0, "0x8301052")]
    [InlineData("kvm-guest", "GenuineIntel", "Intel Xeon Processor (Skylake, IBRS)", 6, 85, 4, "0x1")]
    [InlineData("amd-epyc-guest", "AuthenticAMD", "AMD EPYC", 25, 17, 1, "0x1000065")]
    [InlineData("ec2-instance", "GenuineIntel", "Intel(R) Xeon(R) Platinum 8175M CPU @ 2.50GHz", 6, 85, 4, "0x200005e")]
    public void Should_Read_The_Processor_When_Cpuinfo_Is_Real(string tree, string vendor, string model, int family, int modelNumber, int stepping, string? microcode)
    {
        // When
        var cpu = HostProbe.Run(Tree(tree)).Cpu;

        // Then
        Assert.NotNull(cpu);
        Assert.Equal(vendor, cpu.VendorId);
        Assert.Equal(model, cpu.ModelName);
        Assert.Equal(new CpuSignature(family, modelNumber, stepping), cpu.Signature);
        Assert.Equal(microcode, cpu.Microcode);
        Assert.True(cpu.LogicalCpus >= 1);
    }

    [Fact]
    public void Should_Count_Logical_Cpus_And_See_The_Hypervisor_Flag_When_Probing_The_Kvm_Guest()
    {
        // When
        var probe = HostProbe.Run(Tree("kvm-guest"));

        // Then
        Assert.Equal(4, probe.Cpu!.LogicalCpus);
        Assert.Equal(1, probe.Cpu.Sockets);
        Assert.True(probe.Cpu.HypervisorFlag);
        Assert.True(probe.Virtualization.IsVirtual);
        Assert.Equal("kvm", probe.Virtualization.Hypervisor);
        Assert.Null(probe.Cloud);
        Assert.Contains(HostProbe.NoMeiVirtualNote, probe.Notes);
        Assert.Contains("/sys/class/dmi/id/board_vendor", probe.Missing);
    }

    [Fact]
    public void Should_Say_Aws_When_Dmi_Says_Amazon_Ec2()
    {
        // When
        var probe = HostProbe.Run(Tree("ec2-instance"));

        // Then
        Assert.Equal("aws", probe.Cloud);
        Assert.True(probe.Virtualization.IsVirtual);
        Assert.Contains(probe.Virtualization.Evidence, e => e.Contains("Amazon EC2", StringComparison.Ordinal));
        Assert.Empty(probe.Notes);
    }

    [Fact]
    public void Should_Note_The_Missing_Mei_Device_And_Record_No_Firmware_When_Probing_The_Sps_Server()
    {
        // When
        var probe = HostProbe.Run(Tree("sps-server-no-mei"));

        // Then
        Assert.Empty(probe.Firmware);
        Assert.Contains(HostProbe.NoMeiDeviceNote, probe.Notes);
        Assert.Contains("/sys/class/mei", probe.Missing);
        Assert.False(probe.Virtualization.IsVirtual);
        Assert.Equal("PowerEdge R740", probe.Platform!.ProductName);
    }

    [Fact]
    public void Should_Not_Add_The_Sps_Note_When_The_Host_Is_Amd()
    {
        // When
        var probe = HostProbe.Run(Tree("amd-host"));

        // Then
        Assert.Empty(probe.Firmware);
        Assert.Empty(probe.Notes);
        Assert.Contains("/sys/class/mei", probe.Missing);
    }

    [Fact]
    public void Should_Read_Every_Platform_Field_But_Never_The_Serial_When_Probing_The_Laptop()
    {
        // When
        var probe = HostProbe.Run(Tree("me11-laptop-affected"));
        var json = Encoding.UTF8.GetString(ProbeJson.Write(probe));

        // Then
        Assert.Equal(new ProbePlatform("HP", "HP EliteBook 840 G4", "HP", "P78 Ver. 01.11", "06/19/2017", "HP", "828C", null), probe.Platform);
        Assert.True(File.Exists(Path.Combine(Tree("me11-laptop-affected"), "sys/class/dmi/id/product_serial")));
        Assert.DoesNotContain("MUST-NOT-BE-READ", json, StringComparison.Ordinal);
        Assert.Equal("hp840g4-01", probe.Hostname);
        Assert.Equal("5.4.0-150-generic", probe.KernelRelease);
        Assert.Contains(probe.Vulnerabilities, v => v.Key == "meltdown" && v.Value == "Mitigation: PTI");
    }

    [Fact]
    public void Should_List_Clear_Problems_And_No_Facts_When_Every_File_Is_Garbage()
    {
        // When
        var probe = HostProbe.Run(Tree("garbage"));

        // Then
        Assert.Null(probe.Cpu);
        Assert.Empty(probe.Firmware);
        Assert.Contains(probe.Problems, p => p.Path == "/proc/cpuinfo" && p.Message.Contains("NUL bytes", StringComparison.Ordinal));
        Assert.Contains(probe.Problems, p => p.Path == "/sys/class/dmi/id/sys_vendor" && p.Message.Contains("directory", StringComparison.Ordinal));
        Assert.Contains(probe.Problems, p => p.Path == "/sys/class/dmi/id/product_name" && p.Message.Contains("UTF-8", StringComparison.Ordinal));
        Assert.Contains(probe.Problems, p => p.Path == "/sys/class/mei/mei0/fw_ver" && p.Message.Contains("platform:major.minor.hotfix.build", StringComparison.Ordinal));
        Assert.Contains(probe.Problems, p => p.Path == "/sys/devices/system/cpu/vulnerabilities/meltdown");
    }

    [Fact]
    public void Should_Keep_The_Firmware_And_List_The_Cpu_Problems_When_Only_Cpuinfo_And_Dmi_Are_Garbage()
    {
        // When
        var probe = HostProbe.Run(Tree("partly-garbage"));

        // Then
        Assert.Single(probe.Firmware);
        Assert.Contains(probe.Problems, p => p.Path == "/proc/cpuinfo" && p.Message.Contains("'cpu family' value 'six' is not a decimal number", StringComparison.Ordinal));
        Assert.Contains(probe.Problems, p => p.Path == "/sys/class/dmi/id/product_name");
        Assert.Null(probe.Cpu!.Signature);
    }

    [Fact]
    public void Should_Read_Nothing_And_List_What_Is_Missing_When_The_Root_Is_Empty()
    {
        // Given
        var root = Directory.CreateTempSubdirectory("vt-probe-empty-").FullName;

        // When
        var probe = HostProbe.Run(root);

        // Then
        Assert.False(probe.ReadAnything);
        Assert.Contains("/proc/cpuinfo", probe.Missing);
        Assert.Contains("/sys/class/dmi/id", probe.Missing);
        Assert.Contains("/sys/class/mei", probe.Missing);
        Assert.Contains("/proc/sys/kernel/osrelease", probe.Missing);
        Assert.Empty(probe.Problems);
    }

    [Theory]
    [InlineData("Microsoft Corporation", "Virtual Machine", HostProbe.AzureChassisAssetTag, "azure", "hyperv")]
    [InlineData("Microsoft Corporation", "Virtual Machine", "", null, "hyperv")]
    [InlineData("Google", "Google Compute Engine", "", "gcp", "kvm")]
    [InlineData("VMware, Inc.", "VMware Virtual Platform", "", null, "vmware")]
    [InlineData("Xen", "HVM domU", "", null, "xen")]
    public void Should_Tell_The_Hypervisor_And_Cloud_From_Dmi_When_Vendors_Say_So(string vendor, string product, string assetTag, string? cloud, string hypervisor)
    {
        // Given
        var root = Directory.CreateTempSubdirectory("vt-probe-dmi-").FullName;
        Write(root, "sys/class/dmi/id/sys_vendor", vendor + "\n");
        Write(root, "sys/class/dmi/id/product_name", product + "\n");
        if (assetTag.Length > 0)
        {
            Write(root, "sys/class/dmi/id/chassis_asset_tag", assetTag + "\n");
        }

        // When
        var probe = HostProbe.Run(root);

        // Then
        Assert.Equal(cloud, probe.Cloud);
        Assert.True(probe.Virtualization.IsVirtual);
        Assert.Equal(hypervisor, probe.Virtualization.Hypervisor);
    }

    [Theory]
    [InlineData(0, "11.8.50.3425", "0x9d3a", "me")]
    [InlineData(0, "3.0.13.1144", null, "txe")]
    [InlineData(0, "4.0.20.1310", "0x319a", "txe")]
    [InlineData(3, "4.0.4.294", null, "sps")]
    [InlineData(0, "16.1.32.2473", "0x51e0", "me")]
    [InlineData(0, "4.0.4.294", "0xa1ba", null)]
    [InlineData(0, "2.0.0.1094", null, null)]
    [InlineData(5, "11.8.50.3425", "0x9d3a", null)]
    public void Should_Tell_The_Kind_Or_Leave_It_Open_When_Inferring_From_Version_And_Device(int platform, string version, string? pci, string? kind)
    {
        // When
        var (inferred, reason) = HostProbe.InferKind(new MeiFirmwareLine(platform, FirmwareVersion.Parse(version)), pci);

        // Then
        Assert.Equal(kind, inferred);
        Assert.False(string.IsNullOrWhiteSpace(reason));
    }

    [Fact]
    public void Should_Stay_Within_The_Mackerel_Limit_And_Keep_The_Firmware_When_Lists_Are_Huge()
    {
        // Given: 64+ kernel verdict files with long non-ASCII names and values (escaped as \uXXXX, six bytes each)
        var root = Directory.CreateTempSubdirectory("vt-probe-big-").FullName;
        Write(root, "sys/class/mei/mei0/device/device", "0x9d3a\n");
        Write(root, "sys/class/mei/mei0/fw_ver", "0:11.6.12.3202\n");
        for (var i = 0; i < 100; i++)
        {
            Write(root, $"sys/devices/system/cpu/vulnerabilities/{i:D3}{new string('脆', 80)}", new string('弱', 300) + "\n");
        }

        // When
        var bytes = ProbeJson.Write(HostProbe.Run(root));

        // Then
        Assert.True(bytes.Length <= ProbeJson.MaxBytes, $"{bytes.Length} bytes");
        using var doc = JsonDocument.Parse(bytes);
        Assert.True(doc.RootElement.GetProperty("truncated").GetBoolean());
        Assert.Equal("11.6.12.3202", doc.RootElement.GetProperty("firmware")[0].GetProperty("version").GetString());
    }

    [Fact]
    public void Should_Not_Truncate_When_The_Document_Is_Small()
    {
        // When
        var bytes = ProbeJson.Write(HostProbe.Run(Tree("me11-laptop-affected")));

        // Then
        using var doc = JsonDocument.Parse(bytes);
        Assert.False(doc.RootElement.GetProperty("truncated").GetBoolean());
        Assert.Equal(ProbeJson.Schema, doc.RootElement.GetProperty("schema").GetString());
    }

    internal static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, new UTF8Encoding(false));
    }
}

public sealed class ProbeToHostTests
{
    [Fact]
    public void Should_Map_The_Probe_To_A_Host_And_Facts_When_Read_Back_Through_The_Facts_Parser()
    {
        // Given
        var probe = HostProbe.Run(HostProbeTests.Tree("me11-laptop-affected"));

        // When
        var host = ProbeToHost.ToHost(probe);
        var facts = ProbeToHost.ToFacts(probe, "probe");

        // Then
        Assert.Equal("hp840g4-01", host.Name);
        var cpu = Assert.Single(host.Processors);
        Assert.Equal("Intel(R) Core(TM) i7-7500U CPU @ 2.70GHz", cpu.BrandString);
        Assert.Equal(new CpuSignature(6, 142, 9), cpu.Signature);
        Assert.Null(host.Cloud);
        var firmware = Assert.Single(facts.Firmware);
        Assert.Equal(FirmwareKind.Me, firmware.Kind);
        Assert.Equal(FirmwareVersion.Parse("11.6.12.3202"), firmware.Version);
        Assert.Equal("/sys/class/mei/mei0/fw_ver (probe)", firmware.Source);
        Assert.Equal("HP EliteBook 840 G4", facts.Platform!.ProductName);
    }

    [Fact]
    public void Should_Give_The_Cloud_And_Instance_Type_When_The_Probe_Says_Aws()
    {
        // When
        var host = ProbeToHost.ToHost(HostProbe.Run(HostProbeTests.Tree("ec2-instance")));

        // Then
        Assert.Equal(CloudProvider.Aws, host.Cloud!.Provider);
        Assert.Equal("r5.2xlarge", host.Cloud.InstanceType);
        Assert.StartsWith("probe: ", host.Cloud.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Have_No_Processors_And_Say_Why_When_Cpuinfo_Is_Unusable()
    {
        // When
        var host = ProbeToHost.ToHost(HostProbe.Run(HostProbeTests.Tree("garbage")));

        // Then
        Assert.Empty(host.Processors);
        Assert.Contains("cpuinfo", host.CpuFactsNote, StringComparison.Ordinal);
        Assert.Equal("junk-01", host.Name);
    }
}
