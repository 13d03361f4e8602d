using VulnTriage.Advisories.Nvd;
using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Advisories.Tests.Nvd;

/// <summary>
/// The real NVD records of the shared data folder (../shared/data/nvd, copied to the build output as shared/nvd): verbatim
/// copies of the fkie-cad/nvd-json-data-feeds per-CVE files (shared/docs/reference/nvd-cpe-vex.md §2.4, §4.3).
/// </summary>
internal static class SharedRecords
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "shared", "nvd");

    public static string PathOf(string cve) => Path.Combine(Directory, cve + ".json");

    public static IEnumerable<string> All =>
        System.IO.Directory.EnumerateFiles(Directory, "CVE-*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal);

    public static NvdRecord Read(string cve)
    {
        using var stream = File.OpenRead(PathOf(cve));
        return Assert.Single(NvdFeedReader.Read(stream, cve + ".json", _ => { }, TestContext.Current.CancellationToken));
    }

    public static NvdRecord Read(string cve, List<Diagnostic> warnings)
    {
        using var stream = File.OpenRead(PathOf(cve));
        return Assert.Single(NvdFeedReader.Read(stream, cve + ".json", warnings.Add, TestContext.Current.CancellationToken));
    }
}
