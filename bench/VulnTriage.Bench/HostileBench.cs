using System.Diagnostics;
using System.Globalization;
using System.Text;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Inventory.Mackerel;

namespace VulnTriage.Bench;

/// <summary>
/// Pathological inputs from issue 16's attack: one host with many distinct CPU entries (was quadratic: 40k entries
/// 15 s, 280k still running after 33 CPU-minutes) and many decisions by CPU over a large fleet (was 119 s for 1,000
/// decisions over 50k hosts). Times one in-process call each; median of --runs.
/// </summary>
internal static class HostileBench
{
    public static int Run(int cpuEntries, int hosts, int runs, TextWriter output)
    {
        var host = OneHost(cpuEntries);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one host, {cpuEntries} distinct CPU entries ({host.Length / 1_048_576.0:0.0} MB): {Median(runs, () => Read(host)):0} ms"));

        var findings = Fleet(hosts);
        foreach (var count in new[] { 10, 100, 1000 })
        {
            var decisions = Enumerable.Range(0, count)
                .Select(i => new Decision(string.Create(CultureInfo.InvariantCulture, $"d{i}"), "INTEL-SA-00086", new DecisionSelector(SelectorKind.Cpu, string.Create(CultureInfo.InvariantCulture, $"Xeon Gold {5100 + i}")),
                    Verdict.NotAffected, null, "bench", null, "bench", DateTimeOffset.UnixEpoch))
                .ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{hosts} hosts, {count} decisions by --cpu: {Median(runs, () => DecisionApplier.Apply(findings, decisions))} ms"));
        }

        return 0;
    }

    private static long Median(int runs, Action body)
    {
        var times = new List<long>();
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            body();
            times.Add(sw.ElapsedMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static void Read(byte[] document)
    {
        using var stream = new MemoryStream(document);
        foreach (var h in MackerelInventoryReader.Read(stream, "bench", _ => { }))
        {
            GC.KeepAlive(h);
        }
    }

    private static byte[] OneHost(int entries)
    {
        var sb = new StringBuilder("""[{"id":"h1","name":"h1","status":"working","isRetired":false,"roles":{},"meta":{"cpu":[""");
        for (var i = 0; i < entries; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $$"""{"vendor_id":"GenuineIntel","family":"6","model":"85","stepping":"4","physical_id":"{{i}}","model_name":"Intel(R) Xeon(R) Gold {{i}} CPU @ 2.10GHz"}""");
        }

        return Encoding.UTF8.GetBytes(sb.Append("]}}]").ToString());
    }

    private static List<Finding> Fleet(int hosts)
    {
        string[] brands = ["Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", "Intel(R) Xeon(R) CPU E3-1230 v5 @ 3.40GHz", "Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz", "AMD EPYC 7502P 32-Core Processor"];
        var list = new List<Finding>(hosts);
        for (var i = 0; i < hosts; i++)
        {
            var brand = brands[i % brands.Length];
            var host = new Host(string.Create(CultureInfo.InvariantCulture, $"id{i}"), string.Create(CultureInfo.InvariantCulture, $"host{i}"), null, HostStatus.Working, false,
                [new RoleRef("Shop", "web")], null, [new ProcessorFact("GenuineIntel", brand, null, 8, 1)], "Linux", null);
            var identity = new ProcessorIdentity(CpuVendor.Intel, null, null, null, null, null, MarketSegment.Unknown, false, null, IdentificationConfidence.Unknown, "bench", brand, null);
            list.Add(new Finding("INTEL-SA-00086", host, Verdict.NeedsConfirmation, Stage.Cpu, HostEnvironment.OnPremises, [identity], [], [], FindingAction.None));
        }

        return list;
    }
}
