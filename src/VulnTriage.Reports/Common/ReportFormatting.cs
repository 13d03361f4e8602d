using System.Globalization;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;

namespace VulnTriage.Reports.Common;

/// <summary>Format-neutral text for hosts, processors, firmware ranges and times. Results are raw: sinks escape them.</summary>
internal static class ReportFormatting
{
    /// <summary>ISO 8601 UTC with seconds: <c>2025-01-31T09:00:00Z</c>.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>name</c>, or <c>name (display name)</c> when the display name says something else.</summary>
    public static string HostLabel(Host host) =>
        string.IsNullOrWhiteSpace(host.DisplayName) || string.Equals(host.DisplayName, host.Name, StringComparison.Ordinal)
            ? host.Name
            : $"{host.Name} ({host.DisplayName})";

    /// <summary><c>service:role, service:role</c>, or empty.</summary>
    public static string Roles(Host host) =>
        host.Roles.IsDefaultOrEmpty ? "" : string.Join(", ", host.Roles.Select(r => r.ToString()));

    /// <summary>The processors' display names, <c>; </c>-separated, or <paramref name="none"/>.</summary>
    public static string Cpu(Finding finding, string none) =>
        finding.Processors.IsDefaultOrEmpty ? none : string.Join("; ", finding.Processors.Select(p => p.DisplayName));

    /// <summary>
    /// Display name and, when it differs, the brand string as reported: <c>Intel Xeon E3-1230 v5 (skylake) [Intel(R) Xeon(R) …]</c>.
    /// </summary>
    public static string CpuDetailed(ProcessorIdentity p)
    {
        var name = p.DisplayName;
        var text = p.NormalizedBrand.Length == 0 || string.Equals(name, p.NormalizedBrand, StringComparison.Ordinal)
            ? name
            : $"{name} [{p.NormalizedBrand}]";
        return p.Signature is { } s ? $"{text} ({s})" : text;
    }

    /// <summary>Whether every processor of the finding was identified (at least one, none with unknown confidence).</summary>
    public static bool CpuIdentified(Finding finding) =>
        !finding.Processors.IsDefaultOrEmpty && finding.Processors.All(p => p.Confidence != IdentificationConfidence.Unknown);

    /// <summary>The clause ids of the finding's evidence, in order.</summary>
    public static IEnumerable<string> Clauses(Finding finding) =>
        finding.Evidence.IsDefaultOrEmpty ? [] : finding.Evidence.Select(e => e.Clause);

    /// <summary>Firmware kind name: ME, SPS, TXE.</summary>
    public static string FirmwareKindName(FirmwareKind kind) => kind switch
    {
        FirmwareKind.Me => "ME",
        FirmwareKind.Sps => "SPS",
        FirmwareKind.Txe => "TXE",
        _ => kind.ToString(),
    };

    /// <summary>A firmware condition in words, in the report language: <c>major 11, minor 0,5,6</c> / <c>メジャー 11、マイナー 0,5,6</c>.</summary>
    public static string DescribeFirmware(FirmwareMatch match, bool ja)
    {
        var parts = new List<string>();
        if (match.Major is not null)
        {
            parts.Add((ja ? "メジャー " : "major ") + match.Major);
        }

        if (match.Minor is not null)
        {
            parts.Add((ja ? "マイナー " : "minor ") + match.Minor);
        }

        if (match.Hotfix is not null)
        {
            parts.Add((ja ? "ホットフィックス " : "hotfix ") + match.Hotfix);
        }

        if (match.AtLeast is { } low)
        {
            parts.Add(ja ? $"{low} 以上" : $">= {low}");
        }

        if (match.Below is { } high)
        {
            parts.Add(ja ? $"{high} 未満" : $"< {high}");
        }

        if (parts.Count == 0)
        {
            return ja ? "すべてのバージョン" : "any version";
        }

        return string.Join(ja ? "、" : ", ", parts);
    }

    /// <summary>CVSS as <c>7.2 (3.0)</c>, or empty.</summary>
    public static string Cvss(CveInfo cve) =>
        cve.CvssScore is { } score
            ? cve.CvssVersion is { Length: > 0 } v
                ? string.Create(CultureInfo.InvariantCulture, $"{score:0.0} (v{v})")
                : string.Create(CultureInfo.InvariantCulture, $"{score:0.0}")
            : "";

    /// <summary>
    /// The advisory paragraphs of a text: blocks separated by blank lines; a block whose lines all start with
    /// <c>- </c> or <c>* </c> is a list, any other block one paragraph with its lines joined by spaces.
    /// </summary>
    public static IEnumerable<(bool IsList, IReadOnlyList<string> Lines)> Blocks(string text)
    {
        var block = new List<string>();
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                if (block.Count > 0)
                {
                    yield return Close(block);
                    block = [];
                }

                continue;
            }

            block.Add(line);
        }

        if (block.Count > 0)
        {
            yield return Close(block);
        }

        static (bool, IReadOnlyList<string>) Close(List<string> lines)
        {
            if (lines.All(l => l.StartsWith("- ", StringComparison.Ordinal) || l.StartsWith("* ", StringComparison.Ordinal)))
            {
                return (true, lines.Select(l => l[2..].Trim()).ToList());
            }

            return (false, [string.Join(' ', lines)]);
        }
    }
}
