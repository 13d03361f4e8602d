using System.Diagnostics;
using System.Globalization;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Bench;

/// <summary>Settings of the <c>identify</c> benchmark.</summary>
internal sealed record IdentifySettings(string CorpusPath, int Passes, int Hosts, int Runs);

/// <summary>
/// Benchmark of <see cref="CpuIdentifier"/> over the identification corpus
/// (tests/VulnTriage.Core.Tests/testdata/cpu/corpus.tsv: brand string, vendor id, signature of every row).
/// <list type="bullet">
/// <item><b>cold</b>: every row identified with a fresh <see cref="CpuIdentifier.Identify(string?, string?, CpuSignature?)"/>
/// call, no cache, <c>Passes</c> times over the corpus.</item>
/// <item><b>cached</b>: a fleet of <c>Hosts</c> hosts whose processors are the corpus rows repeated round-robin
/// (each host has its own string instances, as a parsed inventory would), identified through one per-run
/// <see cref="IdentificationCache"/>, as triage does; the first host of each distinct processor pays the full
/// identification.</item>
/// </list>
/// Each mode is measured <c>Runs</c> times after a warm-up; the median is reported.
/// </summary>
internal static class IdentifyBench
{
    private readonly record struct Input(string? Vendor, string? Brand, CpuSignature? Signature);

    public static int Run(IdentifySettings settings, TextWriter output)
    {
        if (!File.Exists(settings.CorpusPath))
        {
            throw new ArgumentException($"corpus not found: {settings.CorpusPath} (run from the repository root or pass --corpus FILE)");
        }

        var corpus = LoadCorpus(settings.CorpusPath);
        if (corpus.Length == 0)
        {
            throw new ArgumentException($"no rows in {settings.CorpusPath}");
        }

        var fleet = new Input[settings.Hosts];
        for (var i = 0; i < fleet.Length; i++)
        {
            var row = corpus[i % corpus.Length];
            fleet[i] = new Input(Copy(row.Vendor), Copy(row.Brand), row.Signature);
        }

        var distinct = corpus.Distinct().Count();

        // Warm-up: tiered JIT settles before timing.
        var sink = Cold(corpus, Math.Max(1, settings.Passes / 10)) + Cached(fleet);

        var cold = new List<double>();
        var cached = new List<double>();
        for (var r = 0; r < settings.Runs; r++)
        {
            var started = Stopwatch.GetTimestamp();
            sink += Cold(corpus, settings.Passes);
            cold.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);

            started = Stopwatch.GetTimestamp();
            sink += Cached(fleet);
            cached.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        var coldCalls = (long)corpus.Length * settings.Passes;
        var coldSeconds = Median(cold);
        var cachedSeconds = Median(cached);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"identify corpus: {corpus.Length} rows ({distinct} distinct inputs) from {settings.CorpusPath}; median of {settings.Runs} runs"));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  cold   (no cache):          {coldCalls} identifications in {coldSeconds * 1000:F1} ms = {coldCalls / coldSeconds:N0} ids/s ({coldSeconds * 1e9 / coldCalls:F0} ns/id)"));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  cached (per-run cache):     {settings.Hosts} hosts in {cachedSeconds * 1000:F1} ms = {settings.Hosts / cachedSeconds:N0} ids/s ({cachedSeconds * 1e9 / settings.Hosts:F0} ns/host)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  checksum {sink}"));
        return 0;
    }

    private static long Cold(Input[] corpus, int passes)
    {
        long sink = 0;
        for (var p = 0; p < passes; p++)
        {
            foreach (var row in corpus)
            {
                sink += (int)CpuIdentifier.Identify(row.Vendor, row.Brand, row.Signature).Confidence;
            }
        }

        return sink;
    }

    private static long Cached(Input[] fleet)
    {
        var cache = new IdentificationCache();
        long sink = 0;
        foreach (var host in fleet)
        {
            sink += (int)cache.Identify(host.Vendor, host.Brand, host.Signature).Confidence;
        }

        return sink + cache.Count;
    }

    private static string? Copy(string? s) => s is null ? null : new string(s.AsSpan());

    private static double Median(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }

    /// <summary>Columns 1–3 (brand, vendor id, signature) of corpus.tsv, read with the tests' own corpus parser.</summary>
    private static Input[] LoadCorpus(string path) =>
        [.. VulnTriage.Core.Tests.Identification.CpuCorpus.Parse(path).Select(r => new Input(r.VendorId, r.Brand, r.Signature))];
}
