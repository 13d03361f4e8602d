using System.Text;
using VulnTriage.Inventory.Mackerel;

namespace VulnTriage.Inventory.Tests.Mackerel;

/// <summary>
/// Issue 16 attack 6: one host with many distinct CPU entries took quadratic time (10k entries 1.5 s, 40k 15 s, a 59 MB
/// host with 280k still running after 33 CPU-minutes). The work is counted, not timed: comparisons must grow linearly.
/// </summary>
public sealed class CpuAggregatorTests
{
    private static (byte[] Buffer, List<RawValue> Values) Strings(int n, string format)
    {
        var text = new StringBuilder();
        var values = new List<RawValue>();
        for (var i = 0; i < n; i++)
        {
            var start = Encoding.UTF8.GetByteCount(text.ToString());
            var s = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, i);
            text.Append(s);
            values.Add(new RawValue(i, start, Encoding.UTF8.GetByteCount(s), null));
        }

        return (Encoding.UTF8.GetBytes(text.ToString()), values);
    }

    [Fact]
    public void Should_Compare_A_Linear_Number_Of_Times_When_Every_Cpu_Entry_Is_Distinct()
    {
        // Given: 20,000 distinct model names
        const int N = 20_000;
        var (buffer, names) = Strings(N, "Intel(R) Xeon(R) CPU E5-{0:D6} v4 @ 2.20GHz");
        var aggregator = new CpuAggregator();

        // When
        foreach (var name in names)
        {
            var entry = new CpuEntry { ModelName = name };
            aggregator.Add(ref entry, buffer);
        }

        var processors = aggregator.Build(buffer, new StringCache(), out _);

        // Then: one comparison with the previous group, plus the (rare) hash-chain hits
        Assert.Equal(N, processors.Length);
        Assert.InRange(aggregator.Comparisons, 0, 3L * N);
    }

    [Fact]
    public void Should_Compare_A_Linear_Number_Of_Times_When_Every_Physical_Id_Is_Distinct()
    {
        // Given: one model, 20,000 sockets
        const int N = 20_000;
        var (buffer, ids) = Strings(N, "{0}");
        var model = Encoding.UTF8.GetBytes("Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz");
        var all = buffer.Concat(model).ToArray();
        var name = new RawValue(-1, buffer.Length, model.Length, null);
        var aggregator = new CpuAggregator();

        // When
        foreach (var id in ids)
        {
            var entry = new CpuEntry { ModelName = name, PhysicalId = id };
            aggregator.Add(ref entry, all);
        }

        var processor = Assert.Single(aggregator.Build(all, new StringCache(), out _));

        // Then
        Assert.Equal(N, processor.Sockets);
        Assert.Equal(N, processor.LogicalCpus);
        Assert.InRange(aggregator.PhysicalIdComparisons, 0, 3L * N);
    }

    [Fact]
    public void Should_Group_Equal_Values_When_One_Was_Written_With_Json_Escapes()
    {
        // Given: "Xeon" raw and "X\u0065on" unescaped by the reader (Text set)
        var raw = Encoding.UTF8.GetBytes("Xeon");
        var aggregator = new CpuAggregator();
        var plain = new CpuEntry { ModelName = new RawValue(0, 0, raw.Length, null) };
        var escaped = new CpuEntry { ModelName = new RawValue(1, 0, 0, "Xeon") };

        // When
        aggregator.Add(ref plain, raw);
        aggregator.Add(ref escaped, raw);

        // Then
        var p = Assert.Single(aggregator.Build(raw, new StringCache(), out _));
        Assert.Equal(2, p.LogicalCpus);
    }
}
