using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace VulnTriage.Bench;

/// <summary>
/// Writes a directory of NVD per-CVE record files for the import benchmark (issue 12): the real records of the shared
/// data folder (../shared/data/nvd), taken round-robin, each written under a synthetic id (<c>CVE-2099-1NNNNN</c>) so
/// that every file drafts its own advisory. The mix is the shared folder's: Downfall (0.5 MB, 1,575 criteria), Zenbleed,
/// the SA-00086/SA-00075 records with their ASUS and Siemens boards, L1TF, and records awaiting analysis.
/// </summary>
internal static partial class NvdRecordsGenerator
{
    public static int Run(string from, int records, string output, TextWriter log)
    {
        var sources = Directory.EnumerateFiles(from, "CVE-*.json").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();
        if (sources.Count == 0)
        {
            throw new ArgumentException($"no CVE-*.json file in {from}");
        }

        Directory.CreateDirectory(output);
        long bytes = 0;
        for (var i = 0; i < records; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"CVE-2099-{100000 + i}");
            var text = Id().Replace(sources[i % sources.Count], $"\"id\": \"{id}\"", 1);
            var path = Path.Combine(output, id + ".json");
            File.WriteAllText(path, text, new UTF8Encoding(false));
            bytes += new FileInfo(path).Length;
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {records} records ({bytes / 1_000_000.0:F1} MB) from the {sources.Count} records of {from} to {output}"));
        return 0;
    }

    [GeneratedRegex("\"id\"\\s*:\\s*\"CVE-[0-9]{4}-[0-9]+\"", RegexOptions.CultureInvariant)]
    private static partial Regex Id();
}
