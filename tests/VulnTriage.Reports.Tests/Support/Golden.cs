using System.Reflection;

namespace VulnTriage.Reports.Tests.Support;

/// <summary>
/// Golden files: <c>Expectations/&lt;Class&gt;/&lt;Case&gt;.verified.&lt;ext&gt;</c> in the test project. A mismatch
/// writes <c>.received.&lt;ext&gt;</c> beside it and fails; only <c>UPDATE_GOLDEN=1</c> overwrites the verified file.
/// Comparison is byte-exact (CSV keeps its CRLF line ends).
/// </summary>
internal static class Golden
{
    private static readonly string ProjectDirectory =
        typeof(Golden).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!;

    public static void Verify(string actual, string className, string caseName, string extension)
    {
        var directory = Path.Combine(ProjectDirectory, "Expectations", className);
        var verified = Path.Combine(directory, $"{caseName}.verified.{extension}");
        var received = Path.Combine(directory, $"{caseName}.received.{extension}");

        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        var expected = File.Exists(verified) ? File.ReadAllText(verified) : null;
        if (string.Equals(expected, actual, StringComparison.Ordinal))
        {
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No golden file {verified}. Review {received} and run with UPDATE_GOLDEN=1 to accept it."
            : $"Output differs from {verified}. See {received}; run with UPDATE_GOLDEN=1 to accept it.");
    }
}
