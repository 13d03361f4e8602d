using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Tests.Matching;
using VulnTriage.Core.Versions;

namespace VulnTriage.Core.Tests.Inventory;

/// <summary>
/// Merging inventories by host identity. Brand strings and identities are those of the sample fleet
/// (samples/mackerel/hosts.json; EC2 custom identifier and instance id from mackerel.md §7.2) and of Fleet's documented
/// example, where two containers report the same SMBIOS UUID (fleetdm/fleet docs/api/rest-endpoints.md).
/// </summary>
public sealed class HostMergeTests
{
    private const string Gold6130 = "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz";
    private const string I76700 = "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz";
    private const string Epyc7502P = "AMD EPYC 7502P 32-Core Processor";

    private static Host H(
        string name,
        string source,
        ProcessorFact[]? cpus = null,
        CloudInfo? cloud = null,
        HostStatus status = HostStatus.Unknown,
        bool retired = false,
        HostKey?[]? keys = null,
        HostLabel[]? labels = null,
        RoleRef[]? roles = null) =>
        new(name, name, null, status, retired, [.. roles ?? []], cloud, [.. cpus ?? []], null, cpus is null ? "no cpu" : null,
            [.. labels ?? []], HostProvenance.Of(source, keys ?? []));

    private static ProcessorFact Cpu(string? vendor, string? brand, CpuSignature? signature, string source) =>
        new(vendor, brand, signature, 8, 1, source, source + " signature");

    private static HostMergeResult Merge(params (string Name, HostRecord[] Hosts)[] inventories) =>
        HostMerge.Merge([.. inventories.Select(i => new InventoryHosts(i.Name, i.Hosts))]);

    private static HostRecord R(Host host, HostFacts? facts = null) => new(host, facts);

    public sealed class Identity
    {
        [Fact]
        public void Should_Pass_One_Inventory_Through_Unchanged_When_Nothing_Is_Merged()
        {
            // Given: two Mackerel hosts with the same name (Mackerel allows it)
            var a = R(H("db01", "m"));
            var b = R(H("db01", "m"));

            // When
            var result = Merge(("m", [a, b]));

            // Then
            Assert.Equal([a, b], result.Hosts);
            Assert.Empty(result.Diagnostics);
        }

        [Fact]
        public void Should_Join_By_Name_Ignoring_Case_And_The_Trailing_Dot()
        {
            // When
            var result = Merge(("m", [R(H("db01.dc1.example.com", "m"))]), ("o", [R(H("DB01.dc1.example.com.", "o:3"))]));

            // Then
            var host = Assert.Single(result.Hosts).Host;
            Assert.Equal("db01.dc1.example.com", host.Name);
            Assert.Equal(["m", "o:3"], host.Provenance!.Sources);
            Assert.Empty(result.Diagnostics);
        }

        [Fact]
        public void Should_Join_By_Instance_Id_When_The_Names_Differ()
        {
            // Given: Mackerel's EC2 host (custom identifier set by the agent) and a CMDB row that names the instance
            var mackerel = H("ip-10-0-1-23.ap-northeast-1.compute.internal", "m", keys: [.. HostKey.FromCustomIdentifier("i-0a1b2c3d4e5f67890.ec2.amazonaws.com")]);
            var cmdb = H("payments-api-1", "csv:7", keys: [HostKey.TryCreate(HostKeyKind.InstanceId, "i-0a1b2c3d4e5f67890")]);

            // When
            var result = Merge(("m", [R(mackerel)]), ("csv", [R(cmdb)]));

            // Then
            Assert.Equal("ip-10-0-1-23.ap-northeast-1.compute.internal", Assert.Single(result.Hosts).Host.Name);
        }

        [Fact]
        public void Should_Keep_Hosts_Apart_When_One_Name_Meets_Two_Different_Instance_Ids()
        {
            // Given: a reused name; the instance ids say these are two machines
            var old = H("web01", "m", keys: [HostKey.TryCreate(HostKeyKind.InstanceId, "i-0aaaaaaaaaaaaaaaa")]);
            var replacement = H("web01", "o:1", keys: [HostKey.TryCreate(HostKeyKind.InstanceId, "i-0bbbbbbbbbbbbbbbb")]);

            // When
            var result = Merge(("m", [R(old)]), ("o", [R(replacement)]));

            // Then
            Assert.Equal(2, result.Hosts.Length);
            var d = Assert.Single(result.Diagnostics);
            Assert.Equal((HostMerge.JoinRefusedCode, DiagnosticSeverity.Warning, "o:1"), (d.Code, d.Severity, d.Location.Source));
            Assert.Contains("i-0aaaaaaaaaaaaaaaa", d.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Keep_Hosts_Apart_When_A_Uuid_Matches_Two_Hosts()
        {
            // Given: Fleet's documented example — two containers reporting one SMBIOS UUID — and an osquery host with it
            const string uuid = "392547dc-0000-0000-a87a-d701ff75bc65";
            var fleet = new[] { R(H("2ceca32fe484", "f:1", keys: [HostKey.TryCreate(HostKeyKind.MachineUuid, uuid)])), R(H("4cc885c20110", "f:2", keys: [HostKey.TryCreate(HostKeyKind.MachineUuid, uuid)])) };
            var osquery = R(H("builder-7", "o:1", keys: [HostKey.TryCreate(HostKeyKind.MachineUuid, uuid.ToUpperInvariant())]));

            // When
            var result = Merge(("fleet", fleet), ("osquery", [osquery]));

            // Then
            Assert.Equal(3, result.Hosts.Length);
            Assert.Equal(HostMerge.JoinRefusedCode, Assert.Single(result.Diagnostics).Code);
        }

        [Fact]
        public void Should_Not_Join_By_A_Placeholder_Uuid_When_Firmware_Left_It_Unset()
        {
            // Then: 03000200-0400-0500-0006-000700080009 is what many boards ship; it identifies nothing
            Assert.Null(HostKey.TryCreate(HostKeyKind.MachineUuid, "03000200-0400-0500-0006-000700080009"));
            Assert.Null(HostKey.TryCreate(HostKeyKind.MachineUuid, "NA"));
            Assert.Null(HostKey.TryCreate(HostKeyKind.Name, "localhost.localdomain"));
            Assert.Equal("4c4c4544-0046-3010-8034-b7c04f4a4d32", HostKey.TryCreate(HostKeyKind.MachineUuid, " 4C4C4544-0046-3010-8034-B7C04F4A4D32 ")!.Value);
        }

        [Fact]
        public void Should_Keep_A_Second_Record_Of_One_Inventory_Apart_When_Both_Match_One_Host()
        {
            // Given: two osquery identifiers for the machine Mackerel knows (host_identifier changed from hostname to uuid)
            const string uuid = "4c4c4544-0046-3010-8034-b7c04f4a4d32";
            var mackerel = R(H("db01", "m", keys: [HostKey.TryCreate(HostKeyKind.MachineUuid, uuid)]));
            var byName = R(H("db01", "o:1"));
            var byUuid = R(H("db01-renamed", "o:9", keys: [HostKey.TryCreate(HostKeyKind.MachineUuid, uuid)]));

            // When
            var result = Merge(("m", [mackerel]), ("o", [byName, byUuid]));

            // Then
            Assert.Equal(2, result.Hosts.Length);
            Assert.Contains("already has a record from this inventory", Assert.Single(result.Diagnostics).Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("i-0a1b2c3d4e5f67890.ec2.amazonaws.com", "i-0a1b2c3d4e5f67890")]
        [InlineData("4815162342108151623.gce.cloud.google.com", "4815162342108151623")]
        [InlineData("8B0E4F8E-3C1A-4C6E-9F0E-2D3A4B5C6D7E.virtual_machine.azure.microsoft.com", "8b0e4f8e-3c1a-4c6e-9f0e-2d3a4b5c6d7e")]
        [InlineData("my-own-label", null)]
        public void Should_Derive_The_Instance_Id_When_The_Agent_Set_The_Custom_Identifier(string customIdentifier, string? instance)
        {
            // When
            var keys = HostKey.FromCustomIdentifier(customIdentifier).ToList();

            // Then
            Assert.Equal(new HostKey(HostKeyKind.CustomIdentifier, customIdentifier), keys[0]);
            Assert.Equal(instance, keys.Skip(1).SingleOrDefault()?.Value);
        }
    }

    public sealed class Facts
    {
        [Fact]
        public void Should_Combine_The_Brand_Of_One_Source_With_The_Signature_Of_Another_When_They_Agree()
        {
            // Given: osquery gives the brand only; the CMDB gives vendor and signature
            var osquery = H("db01", "o:1", [Cpu(null, Gold6130, null, "system_info.cpu_brand (o:1)")]);
            var cmdb = H("db01", "c:2", [Cpu("GenuineIntel", "Intel Xeon Gold 6130", new CpuSignature(6, 85, 4), "column cpu (c:2)")]);

            // When
            var result = Merge(("o", [R(osquery)]), ("c", [R(cmdb)]));

            // Then
            var cpu = Assert.Single(Assert.Single(result.Hosts).Host.Processors);
            Assert.Equal(("GenuineIntel", Gold6130, new CpuSignature(6, 85, 4)), (cpu.VendorId, cpu.BrandString, cpu.Signature));
            Assert.Equal(("system_info.cpu_brand (o:1)", "column cpu (c:2) signature"), (cpu.Source, cpu.SignatureSource));
            Assert.Empty(result.Diagnostics);
        }

        [Fact]
        public void Should_Name_The_Inventory_Beside_Mackerel_Sources_When_Several_Meet()
        {
            // Given: Mackerel's reader names only the field
            var mackerel = new Host("3yAb", "db01", null, HostStatus.Working, false, [], null, [new ProcessorFact("GenuineIntel", Gold6130, new CpuSignature(6, 85, 4), 64, 2)], "Linux", null);

            // When
            var cpu = Merge(("hosts.json", [R(mackerel)]), ("o", [R(H("db01", "o:1"))])).Hosts[0].Host.Processors[0];

            // Then
            Assert.Equal(("meta.cpu (hosts.json)", "meta.cpu family/model/stepping (hosts.json)"), (cpu.Source, cpu.SignatureSource));
        }

        [Fact]
        public void Should_Keep_Both_Processors_And_Warn_When_Two_Sources_Name_Different_Parts()
        {
            // Given: the agent reports an EPYC; a stale CMDB row still says Core i7-6700
            var mackerel = H("ws01", "m", [Cpu("AuthenticAMD", Epyc7502P, new CpuSignature(23, 49, 0), "meta.cpu")], status: HostStatus.Working);
            var cmdb = H("ws01", "c:4", [Cpu("GenuineIntel", I76700, null, "column cpu (c:4)")]);

            // When
            var result = Merge(("m", [R(mackerel)]), ("c", [R(cmdb)]));

            // Then: the conflict is named, with both values and sources
            var host = Assert.Single(result.Hosts).Host;
            Assert.Equal([Epyc7502P, I76700], host.Processors.Select(p => p.BrandString));
            var d = Assert.Single(result.Diagnostics);
            Assert.Equal((HostMerge.ConflictCode, "c:4"), (d.Code, d.Location.Source));
            Assert.Contains(I76700, d.Message, StringComparison.Ordinal);
            Assert.Contains(Epyc7502P, d.Message, StringComparison.Ordinal);

            // …and the verdict considers each: the AMD part alone is not affected, the pair needs confirmation.
            var cache = new IdentificationCache();
            Assert.Equal(Verdict.NotAffected, AdvisoryEvaluator.Evaluate(TestData.Advisory, mackerel, HostFacts.None, cache).Verdict);
            Assert.Equal(Verdict.NeedsConfirmation, AdvisoryEvaluator.Evaluate(TestData.Advisory, host, HostFacts.None, cache).Verdict);
        }

        [Fact]
        public void Should_Not_Warn_When_A_Cmdb_Spells_The_Same_Part_Differently()
        {
            // Given
            var agent = H("fs01", "m", [Cpu("GenuineIntel", "Intel(R) Xeon(R) CPU E3-1240 v6 @ 3.70GHz", null, "meta.cpu")]);
            var cmdb = H("fs01", "c:2", [Cpu(null, "Xeon E3-1240 v6", null, "column cpu (c:2)")]);

            // When
            var result = Merge(("m", [R(agent)]), ("c", [R(cmdb)]));

            // Then
            Assert.Equal("Intel(R) Xeon(R) CPU E3-1240 v6 @ 3.70GHz", Assert.Single(result.Hosts[0].Host.Processors).BrandString);
            Assert.Empty(result.Diagnostics);
        }

        [Fact]
        public void Should_Judge_The_Host_On_Its_Hardware_And_Warn_When_Sources_Name_Different_Clouds()
        {
            // Given
            var aws = H("vm01", "m", cloud: new CloudInfo(CloudProvider.Aws, "ec2", "m5.large", "meta.cloud.provider"));
            var azure = H("vm01", "c:3", cloud: new CloudInfo(CloudProvider.Azure, "azure", null, "column cloud (c:3)"));

            // When
            var result = Merge(("m", [R(aws)]), ("c", [R(azure)]));

            // Then
            Assert.Null(Assert.Single(result.Hosts).Host.Cloud);
            Assert.Contains("neither is used", Assert.Single(result.Diagnostics).Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Take_The_Cloud_And_Fill_The_Instance_Type_When_Only_One_Source_Names_A_Provider()
        {
            // Given
            var osquery = H("vm01", "o:2", cloud: new CloudInfo(CloudProvider.Aws, "aws", null, "system_info.hardware_vendor: Amazon EC2 (o:2)"));
            var cmdb = H("vm01", "c:3", cloud: new CloudInfo(CloudProvider.Aws, "ec2", "m5.large", "column cloud (c:3)"));

            // When
            var cloud = Merge(("o", [R(osquery)]), ("c", [R(cmdb)])).Hosts[0].Host.Cloud!;

            // Then
            Assert.Equal((CloudProvider.Aws, "m5.large", "system_info.hardware_vendor: Amazon EC2 (o:2)"), (cloud.Provider, cloud.InstanceType, cloud.Evidence));
        }

        [Theory]
        [InlineData(HostStatus.Working, false, true, false, true)]
        [InlineData(HostStatus.Unknown, false, true, true, false)]
        [InlineData(HostStatus.PowerOff, false, false, false, false)]
        public void Should_Call_A_Host_Retired_Only_When_No_Source_Reports_It_Active(HostStatus firstStatus, bool firstRetired, bool secondRetired, bool retired, bool warns)
        {
            // Given: the first source (Mackerel, or an agent without status), the second a CMDB
            var first = H("db00", "a", status: firstStatus, retired: firstRetired);
            var second = H("db00", "b:5", retired: secondRetired);

            // When
            var result = Merge(("a", [R(first)]), ("b", [R(second)]));

            // Then
            Assert.Equal(retired, result.Hosts[0].Host.IsRetired);
            Assert.Equal(warns, result.Diagnostics.Any(d => d.Code == HostMerge.ConflictCode));
        }

        [Fact]
        public void Should_Keep_Every_Firmware_Version_And_Warn_When_Two_Sources_Disagree()
        {
            // Given: a probe read ME 11.8 (fixed); the Mackerel metadata still has 11.6 (affected)
            var probe = new HostFacts([new FirmwareFact(FirmwareKind.Me, FirmwareVersion.Parse("11.8.50.3425"), null, "/sys/class/mei/mei0/fw_ver (p/ws01.json)")], "p/ws01.json", []);
            var metadata = new HostFacts([new FirmwareFact(FirmwareKind.Me, FirmwareVersion.Parse("11.6.12.3202"), true, "mackerel metadata")], "mackerel metadata", ["note"]);

            // When
            var result = Merge(("p", [R(H("ws01", "p/ws01.json"), probe)]), ("m", [R(H("ws01", "m"), metadata)]));

            // Then
            var facts = result.Hosts[0].Facts!;
            Assert.Equal(["11.8.50.3425", "11.6.12.3202"], facts.Firmware.Select(f => f.Display));
            Assert.Equal(["note"], facts.Notes);
            Assert.Contains("worse verdict wins", Assert.Single(result.Diagnostics).Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Union_Labels_And_Roles_When_Each_Source_Gives_Some()
        {
            // Given
            var mackerel = H("db01", "m", roles: [new RoleRef("Payments", "db")]);
            var osquery = H("db01", "o:1", labels: [new HostLabel("team", "payments-sre", "osquery decorations")]);
            var ansible = H("db01", "a", labels: [new HostLabel("group", "db", "ansible group"), new HostLabel("team", "payments-sre", "csv")]);

            // When
            var host = Merge(("m", [R(mackerel)]), ("o", [R(osquery)]), ("a", [R(ansible)])).Hosts[0].Host;

            // Then
            Assert.Equal(["group=db", "team=payments-sre"], host.Labels.Select(l => l.ToString()));
            Assert.Equal([new RoleRef("Payments", "db")], host.Roles);
        }
    }
}
