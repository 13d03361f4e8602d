using System.Diagnostics;
using System.Globalization;
using System.Text;
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

    /// <summary>Reads columns 1–3 (brand, vendor id, signature) of corpus.tsv; format in its README.md.</summary>
    private static Input[] LoadCorpus(string path)
    {
        var rows = new List<Input>();
        var headerSeen = false;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (!headerSeen)
            {
                headerSeen = true;
                continue;
            }

            var f = line.Split('\t');
            if (f.Length < 3)
            {
                throw new ArgumentException($"{path}: malformed row '{line}'");
            }

            rows.Add(new Input(f[1].Length == 0 ? null : f[1], Unescape(f[0]), ParseSignature(f[2])));
        }

        return [.. rows];
    }

    private static CpuSignature? ParseSignature(string text)
    {
        var p = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return p.Length switch
        {
            0 => null,
            2 => new CpuSignature(Int(p[0]), Int(p[1]), null),
            3 => new CpuSignature(Int(p[0]), Int(p[1]), Int(p[2])),
            _ => throw new ArgumentException($"bad signature '{text}'"),
        };

        static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
    }

    /// <summary>Brand column escapes: <c>\n</c>, <c>\t</c>, <c>\\</c>, <c>\xHH</c>.</summary>
    private static string Unescape(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length)
            {
                sb.Append(s[i]);
                continue;
            }

            var c = s[++i];
            switch (c)
            {
                case 'n':
                    sb.Append('\n');
                    break;
                case 't':
                    sb.Append('\t');
                    break;
                case '\\':
                    sb.Append('\\');
                    break;
                case 'x' when i + 2 < s.Length:
                    sb.Append((char)int.Parse(s.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                default:
                    sb.Append('\\').Append(c);
                    break;
            }
        }

        return sb.ToString();
    }
}
