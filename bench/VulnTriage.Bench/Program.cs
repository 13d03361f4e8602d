using System.Globalization;

namespace VulnTriage.Bench;

/// <summary>
/// Benchmark helpers:
/// <c>generate</c> writes a large <c>mkr hosts -v</c>-style inventory (streamed, seeded, deterministic);
/// <c>identify</c> reports identifications per second over the identification corpus, cold and with the per-run cache.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage:
          VulnTriage.Bench generate [--format mackerel|osquery|fleet|ansible|csv|probe --from MKR-FILE] [--hosts N] [--cpus N] [--seed N] [--indent N] --out PATH
              Writes a `mkr hosts -v`-style JSON array (default 20000 hosts x 16 logical CPUs, seed 86,
              compact, about 94 MB; --indent 4 gives mkr's exact layout, about 199 MB). Streams to disk.
              Other formats (issue 14): an osqueryd results log, a Fleet hosts export, a CMDB CSV (files), an
              ansible-core 2.19 fact cache or a folder of probe documents (directories, one file per host), for the
              hosts of the mkr file given with --from.
          VulnTriage.Bench identify [--corpus FILE] [--passes N] [--hosts N] [--runs N]
              Identifications per second over the corpus (default
              tests/VulnTriage.Core.Tests/testdata/cpu/corpus.tsv, run from the repository root):
              cold = fresh CpuIdentifier.Identify per row, --passes times over the corpus (default 200);
              cached = a fleet of --hosts hosts (default 1000000) repeating the corpus rows round-robin,
              through one per-run IdentificationCache. Median of --runs runs (default 5).
          VulnTriage.Bench hostile [--cpu-entries N] [--hosts N] [--runs N]
              Issue 16's pathological inputs, timed in-process: one host with --cpu-entries distinct CPU entries
              (default 280000, about 40 MB, under the 64 MiB host cap) through the inventory reader, and
              --hosts findings (default 50000) against 10, 100 and 1,000 decisions by --cpu. Median of --runs (3).
          VulnTriage.Bench tokens --file FILE
              One bare Utf8JsonReader pass over FILE (tokens only, one thread): the floor bench/run.sh compares with.
          VulnTriage.Bench nvd-records [--from DIR] [--records N] --out DIR
              Issue 12: writes N NVD per-CVE record files (default 2000) from the real records of --from (default
              ../shared/data/nvd), round-robin, each under its own synthetic id, for `advisories import nvd`.
          VulnTriage.Bench load --url URL [--advisory ID] [--clients N] [--requests N]
              Issue 15's load test against a running `vulntriage serve` (token in VULNTRIAGE_BENCH_TOKEN, decider or
              admin; the store needs two saved runs): --clients concurrent clients (default 50), --requests requests
              per page and API endpoint (default 200, after one warm-up request each), shuffled. Prints p50/p95/p99/max
              per endpoint. See bench/run-serve.sh.
          VulnTriage.Bench serve-mackerel --inventory FILE [--port N] [--metadata-every N]
              Serves FILE (from generate) as a local Mackerel API on 127.0.0.1 (key: bench-key) with
              vulntriage metadata on every Nth host (default 3), until stdin closes. See docs/mackerel-api.md.
        """;

    private const string DefaultCorpus = "tests/VulnTriage.Core.Tests/testdata/cpu/corpus.tsv";

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Out.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            var options = ParseOptions(args.AsSpan(1));
            return args[0] switch
            {
                "generate" => Generate(options),
                "identify" => IdentifyBench.Run(
                    new IdentifySettings(
                        options.GetValueOrDefault("corpus", DefaultCorpus),
                        Math.Max(1, GetInt(options, "passes", 200)),
                        Math.Max(1, GetInt(options, "hosts", 1_000_000)),
                        Math.Max(1, GetInt(options, "runs", 5))),
                    Console.Out),
                "tokens" => TokenPass.Run(options.TryGetValue("file", out var file) ? file : throw new ArgumentException("tokens needs --file FILE"), Console.Out),
                "nvd-records" => NvdRecordsGenerator.Run(
                    options.GetValueOrDefault("from", "../shared/data/nvd"),
                    Math.Max(1, GetInt(options, "records", 2000)),
                    options.TryGetValue("out", out var nvdOut) ? nvdOut : throw new ArgumentException("nvd-records needs --out DIR"),
                    Console.Out),
                "hostile" => HostileBench.Run(GetInt(options, "cpu-entries", 280_000), GetInt(options, "hosts", 50_000), Math.Max(1, GetInt(options, "runs", 3)), Console.Out),
                "load" => LoadBench.RunAsync(
                    new LoadSettings(
                        new Uri(options.TryGetValue("url", out var url) ? url : throw new ArgumentException("load needs --url URL")),
                        Environment.GetEnvironmentVariable("VULNTRIAGE_BENCH_TOKEN") is { Length: > 0 } token ? token : throw new ArgumentException("load needs a token in VULNTRIAGE_BENCH_TOKEN"),
                        options.GetValueOrDefault("advisory", "INTEL-SA-00086"),
                        Math.Max(1, GetInt(options, "clients", 50)),
                        Math.Max(1, GetInt(options, "requests", 200))),
                    Console.Out).GetAwaiter().GetResult(),
                "serve-mackerel" => MackerelApiServe.Run(
                    options.TryGetValue("inventory", out var inventory) ? inventory : throw new ArgumentException("serve-mackerel needs --inventory FILE"),
                    GetInt(options, "port", 18086),
                    GetInt(options, "metadata-every", 3)),
                _ => Fail($"unknown command '{args[0]}'"),
            };
        }
        catch (ArgumentException ex)
        {
            return Fail(ex.Message);
        }
    }

    private static int Generate(Dictionary<string, string> options)
    {
        var settings = new GeneratorSettings(
            Hosts: GetInt(options, "hosts", 20_000),
            LogicalCpus: GetInt(options, "cpus", 16),
            Seed: GetInt(options, "seed", 86),
            Indent: GetInt(options, "indent", 0));
        if (!options.TryGetValue("out", out var path))
        {
            return Fail("generate needs --out FILE");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        long bytes;
        var format = options.GetValueOrDefault("format", "mackerel");
        if (format != "mackerel")
        {
            bytes = OtherFormatsGenerator.Write(format, path, options.TryGetValue("from", out var from) ? from : throw new ArgumentException("--format " + format + " needs --from FILE (a generated mkr hosts -v file: the same hosts in another format)"));
        }
        else
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            InventoryGenerator.Write(stream, settings);
            bytes = stream.Length;
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"wrote {path} ({format}): {settings.Hosts} hosts x {settings.LogicalCpus} logical CPUs, {bytes / 1_000_000.0:F1} MB in {elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    private static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value', got '{arg}'");
            }

            options[arg[2..]] = args[++i];
        }

        return options;
    }

    private static int GetInt(Dictionary<string, string> options, string name, int fallback)
    {
        if (!options.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ArgumentException($"--{name} needs a non-negative integer, got '{text}'");
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        Console.Error.WriteLine(Usage);
        return 2;
    }
}
