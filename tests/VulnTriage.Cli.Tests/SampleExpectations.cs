using System.Text.RegularExpressions;

namespace VulnTriage.Cli.Tests;

/// <summary>
/// The expected verdict of every sample host, read from the table in samples/README.md (reasoned from the
/// advisory facts, not from tool output), so the README and the tests cannot drift apart.
/// </summary>
internal static partial class SampleExpectations
{
    public static IReadOnlyDictionary<string, string> Load()
    {
        var text = File.ReadAllText(Path.Combine(CliRunner.Samples, "README.md"));
        var start = text.IndexOf("<!-- hosts-table:start -->", StringComparison.Ordinal);
        var end = text.IndexOf("<!-- hosts-table:end -->", StringComparison.Ordinal);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text[start..end].Split('\n'))
        {
            var m = Row().Match(line);
            if (m.Success)
            {
                result[m.Groups["host"].Value] = m.Groups["verdict"].Value;
            }
        }

        return result;
    }

    [GeneratedRegex(@"^\|\s*\d+\s*\|\s*`(?<host>[^`]+)`\s*\|.*\|\s*\*\*(?<verdict>[a-z_]+)\*\*\s*\|[^|]*\|\s*$")]
    private static partial Regex Row();
}
