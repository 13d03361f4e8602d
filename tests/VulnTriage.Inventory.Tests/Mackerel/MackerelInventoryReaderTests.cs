using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Mackerel;

namespace VulnTriage.Inventory.Tests.Mackerel;

public sealed class MackerelInventoryReaderTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "testdata", "mackerel");

    /// <summary>
    /// The file's bytes; the <c>api-host-*</c> files are single host objects as mackerel.md §7 prints them (the
    /// inside of GET /hosts/&lt;id&gt;), so they are wrapped as <c>{"host": ...}</c>.
    /// </summary>
    private static byte[] Bytes(string file) => file.StartsWith("api-host-", StringComparison.Ordinal)
        ? Encoding.UTF8.GetBytes("{\"host\": " + Text(file) + "}")
        : File.ReadAllBytes(Path.Combine(Dir, file));

    private static string Text(string file) => File.ReadAllText(Path.Combine(Dir, file));

    private static (List<Host> Hosts, List<Diagnostic> Diagnostics) ReadAll(byte[] input, int bufferSize = 0, MackerelReaderOptions? options = null)
    {
        var diagnostics = new List<Diagnostic>();
        var stream = new NonSeekableStream(input);
        var hosts = bufferSize > 0
            ? MackerelInventoryReader.ReadWithBuffer(stream, "inv.json", diagnostics.Add, options, bufferSize).ToList()
            : MackerelInventoryReader.Read(stream, "inv.json", diagnostics.Add, options).ToList();
        return (hosts, diagnostics);
    }

    private static (List<Host> Hosts, List<Diagnostic> Diagnostics) ReadAll(string input) => ReadAll(Encoding.UTF8.GetBytes(input));

    private static Host Single(string file)
    {
        var (hosts, _) = ReadAll(Bytes(file));
        return Assert.Single(hosts);
    }

    private static Diagnostic ReadError(byte[] input, int bufferSize = 0, MackerelReaderOptions? options = null)
    {
        var ex = Assert.Throws<InputException>(() => ReadAll(input, bufferSize, options));
        return Assert.Single(ex.Diagnostics);
    }

    /// <summary>Stable text form of a host, for comparing runs (ImmutableArray equality is by reference).</summary>
    internal static string Dump(Host h)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{h.Id}|{h.Name}|{h.DisplayName}|{h.Status}|{h.IsRetired}|{h.OsName}|{h.CpuFactsNote}|{h.Cloud}|");
        sb.AppendJoin(',', h.Roles.Select(r => r.ToString()));
        foreach (var p in h.Processors)
        {
            sb.Append(CultureInfo.InvariantCulture, $"|{p.VendorId}/{p.BrandString}/{p.Signature?.ToDecimalString()}/{p.LogicalCpus}/{p.Sockets}");
        }

        return sb.ToString();
    }

    private static string Wrap(string shape, string hostJson) => shape switch
    {
        "array" => "[" + hostJson + "]",
        "hosts" => "{\"hosts\":[" + hostJson + "]}",
        _ => "{\"host\":" + hostJson + "}",
    };

    public sealed class Shapes
    {
        [Theory]
        [InlineData("array")]
        [InlineData("hosts")]
        [InlineData("host")]
        public void Should_Read_The_Host_When_The_Document_Has_Any_Mackerel_Shape(string shape)
        {
            // Given mackerel.md §7.1 wrapped as `mkr hosts -v`, GET /hosts, GET /hosts/<id>
            var input = Wrap(shape, Text("api-host-linux-gopsutil.json"));

            // When
            var (hosts, diagnostics) = ReadAll(input);

            // Then
            var host = Assert.Single(hosts);
            Assert.Equal("3yAbCdEfGh1", host.Id);
            Assert.Equal("db01.dc1.example.com", host.Name);
            Assert.Empty(diagnostics);
        }

        [Fact]
        public void Should_Read_Every_Host_And_Ignore_Other_Keys_When_The_Api_List_Has_Extra_Top_Level_Keys()
        {
            // When
            var (hosts, _) = ReadAll(Bytes("api-list-extra-keys.json"));

            // Then
            Assert.Equal(["h1", "h2"], hosts.Select(h => h.Id));
            Assert.Equal([HostStatus.Working, HostStatus.Standby], hosts.Select(h => h.Status));
        }

        [Fact]
        public void Should_Read_Roles_From_RoleFullnames_When_Mkr_Default_Output_Has_No_Roles()
        {
            // Given mkr hosts (no -v), mackerel.md §3 / mkr hosts/app_test.go
            // When
            var host = Single("mkr-hosts-default.json");

            // Then
            Assert.Equal("foo", host.Id);
            Assert.Equal("Sample Host foo", host.DisplayName);
            Assert.Equal([new RoleRef("SampleService", "app")], host.Roles);
            Assert.Empty(host.Processors);
            Assert.Equal("meta.cpu absent", host.CpuFactsNote);
        }

        [Fact]
        public void Should_Read_The_Host_When_Mkr_Verbose_Output_Has_Empty_Meta()
        {
            // Given mkr hosts -v, mackerel.md §3
            // When
            var host = Single("mkr-hosts-verbose.json");

            // Then
            Assert.Equal("sample.app1", host.Name);
            Assert.Equal(HostStatus.Working, host.Status);
            Assert.Equal([new RoleRef("SampleService", "app")], host.Roles);
            Assert.Equal("meta.cpu absent", host.CpuFactsNote);
        }

        [Fact]
        public void Should_Accept_The_Input_When_It_Starts_With_A_Utf8_Bom()
        {
            // Given
            byte[] input = [0xEF, 0xBB, 0xBF, .. Bytes("mkr-hosts-verbose.json")];

            // When
            var (hosts, _) = ReadAll(input);

            // Then
            Assert.Equal("foo", Assert.Single(hosts).Id);
        }
    }

    public sealed class Processors
    {
        [Fact]
        public void Should_Group_Logical_Cpus_When_Linux_Agent_Uses_Gopsutil_Format()
        {
            // Given mackerel.md §7.1: 8 logical CPUs, one socket
            // When
            var host = Single("api-host-linux-gopsutil.json");

            // Then
            var cpu = Assert.Single(host.Processors);
            Assert.Equal(new ProcessorFact("GenuineIntel", "Intel(R) Xeon(R) CPU E3-1230 v6 @ 3.50GHz", new CpuSignature(6, 158, 9), 8, 1), cpu);
            Assert.Equal("Linux", host.OsName);
            Assert.Equal("db01 (DC1 rack 4)", host.DisplayName);
            Assert.Equal([new RoleRef("Infra", "backup-target"), new RoleRef("Payments", "db")], host.Roles);
            Assert.Null(host.Cloud);
            Assert.Null(host.CpuFactsNote);
        }

        [Fact]
        public void Should_Count_Sockets_And_Ignore_Cores_When_An_Old_Agent_Sent_The_Cpus()
        {
            // Given mackerel.md §7.1 excerpt of an agent < 0.79 (cores = "16" per socket, must be ignored)
            var input = "{\"host\":{\"id\":\"old1\",\"name\":\"old\",\"meta\":{\"cpu\":" + Text("cpu-old-agent-excerpt.json") + "}}}";

            // When
            var host = Assert.Single(ReadAll(input).Hosts);

            // Then
            Assert.Equal(new ProcessorFact("GenuineIntel", "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", new CpuSignature(6, 85, 4), 2, 2), Assert.Single(host.Processors));
        }

        [Fact]
        public void Should_Not_Build_A_Signature_When_Windows_Sends_Model_As_Architecture()
        {
            // Given mackerel.md §7.3: "model": 9 is PROCESSOR_ARCHITECTURE_AMD64, numbers not strings
            // When
            var host = Single("api-host-windows.json");

            // Then
            Assert.Equal(new ProcessorFact("GenuineIntel", "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", null, 4, 0), Assert.Single(host.Processors));
            Assert.Equal("Microsoft Windows", host.OsName);
        }

        [Fact]
        public void Should_Read_The_Signature_When_MacOs_Agent_Maps_Brand_String_To_Model_Name()
        {
            // When
            var host = Single("api-host-macos.json");

            // Then
            Assert.Equal(new ProcessorFact("GenuineIntel", "Intel(R) Core(TM) i7-8850H CPU @ 2.60GHz", new CpuSignature(6, 158, 10), 4, 0), Assert.Single(host.Processors));
            Assert.Equal("Darwin", host.OsName);
        }

        [Fact]
        public void Should_Trim_The_Trailing_Newline_When_FreeBsd_Sends_Hw_Model()
        {
            // When
            var host = Single("api-host-freebsd.json");

            // Then
            Assert.Equal(new ProcessorFact(null, "Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz", null, 1, 0), Assert.Single(host.Processors));
        }

        [Fact]
        public void Should_Keep_The_Host_Without_Signature_And_Warn_When_Family_Is_Not_Decimal()
        {
            // Given
            var input = Bytes("api-host-bad-family.json");

            // When
            var (hosts, diagnostics) = ReadAll(input);

            // Then
            var cpu = Assert.Single(Assert.Single(hosts).Processors);
            Assert.Null(cpu.Signature);
            Assert.Equal(2, cpu.LogicalCpus);
            var d = Assert.Single(diagnostics);
            Assert.Equal(DiagnosticCodes.CpuSignatureUnparseable, d.Code);
            Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
            var text = Encoding.UTF8.GetString(input);
            var at = text.IndexOf("\"abc\"", StringComparison.Ordinal);
            Assert.Equal(at, d.Location.BytePosition);
            Assert.Equal(9, d.Location.Line);
            Assert.Equal(at - text.LastIndexOf('\n', at), d.Location.Column);
        }

        [Fact]
        public void Should_Not_Warn_When_An_Arm_Cpu_Has_No_Family_And_A_Hex_Part_Number()
        {
            // When
            var (hosts, diagnostics) = ReadAll(Bytes("api-host-arm.json"));

            // Then
            Assert.Equal(new ProcessorFact("ARM", "Neoverse-N1", null, 2, 1), Assert.Single(Assert.Single(hosts).Processors));
            Assert.Empty(diagnostics);
        }

        [Theory]
        [InlineData("api-host-meta-empty.json", "meta.cpu absent")]
        [InlineData("api-host-meta-missing.json", "meta.cpu absent")]
        [InlineData("api-host-cpu-empty.json", "meta.cpu empty")]
        [InlineData("mkr-hosts-verbose.json", "meta.cpu absent")]
        public void Should_Have_No_Processors_And_Say_Why_When_Cpu_Facts_Are_Missing(string file, string note)
        {
            // When
            var (hosts, diagnostics) = ReadAll(Bytes(file));

            // Then
            var host = Assert.Single(hosts);
            Assert.Empty(host.Processors);
            Assert.Equal(note, host.CpuFactsNote);
            Assert.Empty(diagnostics);
        }

        [Fact]
        public void Should_Separate_Processors_When_Sockets_Hold_Different_Models()
        {
            // Given
            const string input = """
                [{"id":"m","name":"mixed","meta":{"cpu":[
                {"vendor_id":"GenuineIntel","family":"6","model":"85","stepping":"4","physical_id":"0","model_name":"Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz"},
                {"vendor_id":"GenuineIntel","family":"6","model":"85","stepping":"7","physical_id":"1","model_name":"Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz"},
                {"vendor_id":"GenuineIntel","family":"6","model":"85","stepping":"4","physical_id":"0","model_name":"Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz  "},
                {"vendor_id":"GenuineIntel","family":6,"model":85,"stepping":7,"physical_id":"1","model_name":"Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz"}
                ]}}]
                """;

            // When
            var host = Assert.Single(ReadAll(input).Hosts);

            // Then: trailing spaces trimmed; numbers and strings with the same digits are the same value
            Assert.Equal(
                [
                    new ProcessorFact("GenuineIntel", "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", new CpuSignature(6, 85, 4), 2, 1),
                    new ProcessorFact("GenuineIntel", "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz", new CpuSignature(6, 85, 7), 2, 1),
                ],
                host.Processors);
        }

        [Fact]
        public void Should_Unescape_Strings_When_Cpu_Values_Use_Json_Escapes()
        {
            // Given: \u0049 is 'I'; the same brand escaped and plain is one processor
            const string input = """
                [{"id":"e","name":"esc","meta":{"cpu":[
                {"vendor_id":"GenuineIntel","model_name":"\u0049ntel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz\n"},
                {"vendor_id":"GenuineIntel","model_name":"Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz"}
                ]}}]
                """;

            // When
            var host = Assert.Single(ReadAll(input).Hosts);

            // Then
            Assert.Equal(new ProcessorFact("GenuineIntel", "Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz", null, 2, 0), Assert.Single(host.Processors));
        }
    }

    public sealed class Clouds
    {
        [Theory]
        [InlineData("api-host-ec2.json", CloudProvider.Aws, "ec2", "m5.large", "meta.cloud.provider")]
        [InlineData("api-host-gce.json", CloudProvider.Gcp, "gce", "n1-standard-2", "meta.cloud.provider")]
        [InlineData("api-host-azure.json", CloudProvider.Azure, "AzureVM", "Standard_D2s_v3", "meta.cloud.provider")]
        [InlineData("api-host-fargate.json", CloudProvider.Aws, "fargate", null, "meta.cloud.provider")]
        [InlineData("api-host-kubernetes.json", CloudProvider.None, "kubernetes", null, "meta.cloud.provider")]
        [InlineData("api-host-ecs-anywhere.json", CloudProvider.None, "ecs-anywhere", null, "meta.cloud.provider")]
        [InlineData("api-host-customidentifier-only.json", CloudProvider.Aws, "ec2", null, "customIdentifier")]
        public void Should_Map_The_Provider_When_The_Host_Names_A_Cloud(string file, CloudProvider provider, string raw, string? instanceType, string evidence)
        {
            // When
            var host = Single(file);

            // Then
            Assert.Equal(new CloudInfo(provider, raw, instanceType, evidence), host.Cloud);
        }

        [Theory]
        [InlineData("azurevm", CloudProvider.Azure)]
        [InlineData("ecs", CloudProvider.Aws)]
        [InlineData("ecs-managed", CloudProvider.Aws)]
        [InlineData("EC2", CloudProvider.Aws)]
        [InlineData("openstack", CloudProvider.None)]
        public void Should_Map_Provider_Names_Case_Insensitively_When_Reading_Meta_Cloud(string raw, CloudProvider expected)
        {
            // Given
            var input = "[{\"id\":\"c\",\"name\":\"c\",\"meta\":{\"cloud\":{\"metadata\":{\"instance-type\":\"x1\"},\"provider\":\"" + raw + "\"}}}]";

            // When
            var host = Assert.Single(ReadAll(input).Hosts);

            // Then
            Assert.Equal(expected, host.Cloud!.Provider);
            Assert.Equal(raw, host.Cloud.RawProvider);
        }

        [Fact]
        public void Should_Have_No_Cloud_When_Neither_Meta_Cloud_Nor_CustomIdentifier_Names_One()
        {
            // When
            var host = Single("api-host-linux-gopsutil.json");

            // Then
            Assert.Null(host.Cloud);
        }
    }

    public sealed class HostFields
    {
        [Fact]
        public void Should_Read_Status_Retired_And_Dedupe_Roles_When_Host_Is_Retired_And_Powered_Off()
        {
            // When
            var host = Single("api-host-retired-poweroff.json");

            // Then
            Assert.Equal(HostStatus.PowerOff, host.Status);
            Assert.True(host.IsRetired);
            Assert.Null(host.DisplayName);
            Assert.Equal([new RoleRef("Archive", "cold"), new RoleRef("Payments", "db")], host.Roles);
        }

        [Theory]
        [InlineData("api-host-meta-empty.json", HostStatus.Standby)]
        [InlineData("api-host-cpu-empty.json", HostStatus.Maintenance)]
        [InlineData("api-host-ec2.json", HostStatus.Working)]
        public void Should_Map_Status_When_Mackerel_Documents_It(string file, HostStatus expected)
        {
            // When
            var host = Single(file);

            // Then
            Assert.Equal(expected, host.Status);
            Assert.False(host.IsRetired);
        }

        [Fact]
        public void Should_Keep_The_Host_As_Unknown_And_Inform_When_Status_Is_Not_Documented()
        {
            // When
            var (hosts, diagnostics) = ReadAll(Bytes("api-host-unknown-status.json"));

            // Then
            Assert.Equal(HostStatus.Unknown, Assert.Single(hosts).Status);
            var d = Assert.Single(diagnostics);
            Assert.Equal(InventoryDiagnosticCodes.UnknownHostStatus, d.Code);
            Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        }

        [Fact]
        public void Should_Ignore_Unknown_Fields_And_Prefer_Roles_When_The_Host_Has_Extra_Keys()
        {
            // When
            var (hosts, diagnostics) = ReadAll(Bytes("api-host-unknown-fields.json"));

            // Then
            var host = Assert.Single(hosts);
            Assert.Equal("app01", host.Name);
            Assert.Equal([new RoleRef("Shop", "web")], host.Roles);
            Assert.Equal("Linux", host.OsName);
            Assert.Null(host.Cloud);
            Assert.Equal(new CpuSignature(6, 85, 4), Assert.Single(host.Processors).Signature);
            Assert.Empty(diagnostics);
        }

        [Fact]
        public void Should_Share_One_Processors_Array_When_Hosts_Send_The_Same_Cpu_Bytes_And_Report_Each_Bad_Family()
        {
            // Given two hosts with byte-identical meta.cpu, a third with another, and two with the same unparseable family
            const string cpu = """[{"vendor_id":"GenuineIntel","family":"6","model":"85","stepping":"4","model_name":"Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz","core_id":"0"}]""";
            const string bad = """[{"vendor_id":"GenuineIntel","family":"six","model":"85","stepping":"4","model_name":"Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz"}]""";
            var input = "[" + string.Join(",\n", [
                Host("a", cpu), Host("b", cpu), Host("c", cpu.Replace("\"85\"", "\"79\"", StringComparison.Ordinal)), Host("d", bad), Host("e", bad)]) + "]";

            // When
            var (hosts, diagnostics) = ReadAll(Encoding.UTF8.GetBytes(input), 1 << 20);

            // Then
            Assert.Same(ImmutableCollectionsMarshal.AsArray(hosts[0].Processors), ImmutableCollectionsMarshal.AsArray(hosts[1].Processors));
            Assert.Equal(new CpuSignature(6, 79, 4), hosts[2].Processors[0].Signature);
            Assert.Null(hosts[3].Processors[0].Signature);
            Assert.Equal(["host 'd'", "host 'e'"], diagnostics.Where(d => d.Code == DiagnosticCodes.CpuSignatureUnparseable).Select(d => d.Message[..8]));
            Assert.Equal(input.IndexOf("\"family\":\"six\"", input.IndexOf("\"e\"", StringComparison.Ordinal), StringComparison.Ordinal) + 9, diagnostics[^1].Location.BytePosition);

            static string Host(string name, string cpus) => $$$"""{"id":"{{{name}}}","name":"{{{name}}}","meta":{"cpu":{{{cpus}}}}}""";
        }

        [Fact]
        public void Should_Not_Read_Token_By_Token_What_It_Skips_When_The_Structure_Is_Sound()
        {
            // Given a bad literal inside meta.memory, which VulnTriage never reads (documented: skipped subtrees are
            // checked for structure — brackets, strings, depth, size — not token by token)
            const string input = """[{"id":"a","name":"b","meta":{"memory":{"total": tru, "x": 01},"cpu":[{"vendor_id":"GenuineIntel"}]}}]""";

            // When
            var (hosts, _) = ReadAll(Encoding.UTF8.GetBytes(input));

            // Then
            Assert.Equal("GenuineIntel", Assert.Single(Assert.Single(hosts).Processors).VendorId);
        }

        [Fact]
        public void Should_Match_Property_Names_When_They_Are_Escaped()
        {
            // Given "n\u0061me" is "name"
            const string input = """[{"\u0069d":"x1","n\u0061me":"escaped","status":"working"}]""";

            // When
            var host = Assert.Single(ReadAll(input).Hosts);

            // Then
            Assert.Equal(("x1", "escaped"), (host.Id, host.Name));
        }
    }

    // Measures process-wide live memory, so nothing else in this assembly may run beside it.
    [Collection(nameof(MemoryMeasurementGroup))]
    public sealed class Streaming
    {
        public static TheoryData<string> GoodFiles() =>
            new(Directory.GetFiles(Dir, "*.json").Select(Path.GetFileName).Where(f => !f!.StartsWith("cpu-", StringComparison.Ordinal))!);

        [Theory]
        [MemberData(nameof(GoodFiles))]
        public async Task Should_Give_The_Same_Hosts_And_Diagnostics_When_The_Buffer_Is_Tiny_Or_The_Api_Async(string file)
        {
            // Given every good example, three times over so hosts straddle buffer ends
            var one = Text(file);
            var input = file.StartsWith("api-host-", StringComparison.Ordinal)
                ? Encoding.UTF8.GetBytes("[" + one + ",\n" + one + ",\n" + one + "]")
                : Bytes(file);
            var (expected, expectedDiagnostics) = ReadAll(input);

            foreach (var size in new[] { 16, 64, 200, 1000 })
            {
                // When
                var (hosts, diagnostics) = ReadAll(input, size);
                var parallelDiagnostics = new List<Diagnostic>();
                var parallelHosts = MackerelInventoryReader.ReadWithBuffer(new NonSeekableStream(input, 7), "inv.json", parallelDiagnostics.Add, null, size, workers: 3).ToList();
                var asyncDiagnostics = new List<Diagnostic>();
                var asyncHosts = new List<Host>();
                await foreach (var h in MackerelInventoryReader.ReadAsyncWithBuffer(new NonSeekableStream(input, 7), "inv.json", asyncDiagnostics.Add, null, size))
                {
                    asyncHosts.Add(h);
                }

                // Then
                Assert.Equal(expected.Select(Dump), hosts.Select(Dump));
                Assert.Equal(expectedDiagnostics, diagnostics);
                Assert.Equal(expected.Select(Dump), asyncHosts.Select(Dump));
                Assert.Equal(expectedDiagnostics, asyncDiagnostics);
                Assert.Equal(expected.Select(Dump), parallelHosts.Select(Dump));
                Assert.Equal(expectedDiagnostics, parallelDiagnostics);
            }
        }

        [Theory]
        [InlineData(4096, 2)]
        [InlineData(1 << 16, 3)]
        [InlineData(1 << 20, 2)]
        public void Should_Give_The_Same_Hosts_In_Order_When_Hosts_Are_Parsed_On_Several_Threads(int bufferSize, int workers)
        {
            // Given a 6 MB inventory whose hosts straddle many buffer ends, and hosts with distinct bad CPU families (a diagnostic each)
            var generated = new GeneratedInventoryStream(6L << 20, 16);
            var bytes = new MemoryStream();
            generated.CopyTo(bytes);
            var text = Encoding.UTF8.GetString(bytes.ToArray()).Replace("\"id\": \"gen7\"", "\"id\": \"gen7\", \"meta2\": {\"cpu\": [{\"family\": \"x\"}]}", StringComparison.Ordinal);
            var input = Encoding.UTF8.GetBytes(text.Replace("\"family\": \"6\", \"mhz\": \"3700\", \"model\": \"85\", \"model_name\": \"Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz\", \"physical_id\": \"0\", \"stepping\": \"4\", \"vendor_id\": \"GenuineIntel\" }\n", "\"family\": \"6a\", \"model\": \"85\", \"vendor_id\": \"GenuineIntel\" }\n", StringComparison.Ordinal));
            var (expected, expectedDiagnostics) = ReadAll(input, bufferSize);

            // When
            var diagnostics = new List<Diagnostic>();
            var hosts = MackerelInventoryReader.ReadWithBuffer(new NonSeekableStream(input, 5000), "inv.json", diagnostics.Add, null, bufferSize, workers).ToList();

            // Then
            Assert.Equal(generated.HostsWritten, expected.Count);
            Assert.Equal(expected.Select(Dump), hosts.Select(Dump));
            Assert.Equal(expectedDiagnostics, diagnostics);
        }

        [Fact]
        public async Task Should_Stream_Hosts_When_Read_Asynchronously_From_The_Public_Api()
        {
            // Given
            var input = Bytes("api-list-extra-keys.json");

            // When
            var names = new List<string>();
            await foreach (var h in MackerelInventoryReader.ReadAsync(new NonSeekableStream(input, 3), "-", _ => { }, ct: TestContext.Current.CancellationToken))
            {
                names.Add(h.Name);
            }

            // Then
            Assert.Equal(["one", "two"], names);
        }

        [Fact]
        public void Should_Keep_Managed_Memory_Flat_When_Reading_A_200_MB_Inventory()
        {
            // Given a lazily generated 200 MB inventory of 16-CPU hosts
            var stream = new GeneratedInventoryStream(200L << 20, 16);
            var maxLive = 0L;
            var count = 0;

            // When
            foreach (var host in MackerelInventoryReader.Read(stream, "gen", _ => { }))
            {
                count++;
                if (count % 5000 == 0)
                {
                    maxLive = Math.Max(maxLive, GC.GetTotalMemory(forceFullCollection: true));
                }

                Assert.Equal(16, host.Processors[0].LogicalCpus);
            }

            // Then
            Assert.True(stream.BytesProduced >= 200L << 20);
            Assert.Equal(stream.HostsWritten, count);
            Assert.True(maxLive < 16L << 20, $"live managed memory reached {maxLive / (1 << 20)} MiB");
        }
    }
}

/// <summary>Tests that read process-wide memory figures run alone (xunit runs other collections in parallel).</summary>
[CollectionDefinition(nameof(MemoryMeasurementGroup), DisableParallelization = true)]
public sealed class MemoryMeasurementGroup
{
}
