using System.Diagnostics;
using System.Globalization;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Bench;

/// <summary>
/// Micro-benchmark of <see cref="CpuIdentifier.Identify"/>: the distinct processors of samples/README.md,
/// identified round-robin without the per-run cache, so every call does the full work.
/// </summary>
internal static class IdentifyBench
{
    private static readonly (string Vendor, string Brand, CpuSignature? Signature)[] Inputs =
    [
        ("GenuineIntel", "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", new CpuSignature(6, 85, 4)),
        ("GenuineIntel", "Intel(R) Xeon(R) CPU E3-1230 v5 @ 3.40GHz", new CpuSignature(6, 94, 3)),
        ("GenuineIntel", "Intel(R) Xeon(R) CPU E3-1240 v6 @ 3.70GHz", null),
        ("GenuineIntel", "Intel(R) Xeon(R) W-2123 CPU @ 3.60GHz", new CpuSignature(6, 85, 4)),
        ("GenuineIntel", "Intel(R) Core(TM) i7-8565U CPU @ 1.80GHz", new CpuSignature(6, 142, 11)),
        ("GenuineIntel", "Intel(R) Celeron(R) CPU  J1900  @ 1.99GHz", new CpuSignature(6, 55, 8)),
        ("GenuineIntel", "Intel(R) Xeon(R) CPU           W3670  @ 3.20GHz", new CpuSignature(6, 44, 2)),
        ("GenuineIntel", "Intel(R) Atom(TM) Processor E3940 @ 1.60GHz", new CpuSignature(6, 92, 10)),
        ("GenuineIntel", "Intel Xeon Processor (Skylake, IBRS)", new CpuSignature(6, 85, 4)),
        ("GenuineIntel", "Intel(R) Xeon(R) CPU @ 2.20GHz", new CpuSignature(6, 79, 0)),
        ("AuthenticAMD", "AMD EPYC 7502P 32-Core Processor", new CpuSignature(23, 49, 0)),
        ("AuthenticAMD", "AMD EPYC 7R13 Processor", new CpuSignature(25, 1, 1)),
    ];

    public static int Run(int iterations, TextWriter output)
    {
        // Warm-up so that tiered JIT has settled before timing.
        var sink = 0;
        for (var i = 0; i < Math.Min(iterations, 100_000); i++)
        {
            sink += Identify(i).Reason.Length;
        }

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < iterations; i++)
        {
            sink += Identify(i).Reason.Length;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var perCall = iterations == 0 ? 0 : elapsed.TotalNanoseconds / iterations;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"identify: {iterations} calls over {Inputs.Length} distinct processors in {elapsed.TotalMilliseconds:F1} ms = {perCall:F0} ns/call (checksum {sink})"));
        return 0;
    }

    private static ProcessorIdentity Identify(int i)
    {
        var (vendor, brand, signature) = Inputs[i % Inputs.Length];
        return CpuIdentifier.Identify(vendor, brand, signature);
    }
}
