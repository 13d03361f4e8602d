using System.Globalization;

namespace VulnTriage.Inventory.Probe;

/// <summary>Parses x86 Linux <c>/proc/cpuinfo</c> (<c>key\t: value</c> lines, one block per logical CPU).</summary>
internal static class CpuinfoParser
{
    internal sealed record Result(ProbeCpu? Cpu, IReadOnlyList<string> Problems);

    public static Result Parse(string text)
    {
        var problems = new List<string>();
        string? vendor = null, modelName = null, family = null, model = null, stepping = null, microcode = null, flags = null;
        var processors = 0;
        var keyValueLines = 0;
        var sockets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            keyValueLines++;
            if (key == "processor")
            {
                processors++;
                continue;
            }

            if (key == "physical id")
            {
                sockets.Add(value);
                continue;
            }

            // The first logical CPU describes the processor (x86 cpuinfo repeats the same values for every CPU).
            if (processors > 1)
            {
                continue;
            }

            switch (key)
            {
                case "vendor_id":
                    vendor ??= value;
                    break;
                case "model name":
                    modelName ??= value;
                    break;
                case "cpu family":
                    family ??= value;
                    break;
                case "model":
                    model ??= value;
                    break;
                case "stepping":
                    stepping ??= value;
                    break;
                case "microcode":
                    microcode ??= value;
                    break;
                case "flags":
                    flags ??= value;
                    break;
            }
        }

        if (keyValueLines == 0)
        {
            problems.Add("no 'key : value' lines: this is not a /proc/cpuinfo file");
            return new Result(null, problems);
        }

        if (processors == 0)
        {
            problems.Add("no 'processor' entries");
        }

        var familyNumber = Number("cpu family", family, problems);
        var modelNumber = Number("model", model, problems);
        var steppingNumber = Number("stepping", stepping, problems);
        if (vendor is null && modelName is null && familyNumber is null)
        {
            problems.Add("neither 'vendor_id', 'model name' nor 'cpu family' found (not an x86 processor, or not a cpuinfo file)");
            return new Result(null, problems);
        }

        if (modelName is null)
        {
            problems.Add("no 'model name' line");
        }

        var hypervisor = flags is not null && flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("hypervisor", StringComparer.Ordinal);
        var cpu = new ProbeCpu(
            Text(vendor),
            Text(modelName),
            familyNumber,
            modelNumber,
            steppingNumber,
            Text(microcode),
            processors,
            sockets.Count,
            hypervisor);
        return new Result(cpu, problems);
    }

    private static string? Text(string? value) => string.IsNullOrEmpty(value) ? null : HostProbe.Cap(value);

    private static int? Number(string key, string? value, List<string> problems)
    {
        if (value is null)
        {
            problems.Add($"no '{key}' line");
            return null;
        }

        if (value.Length is > 0 and <= 6 && value.All(char.IsAsciiDigit)
            && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        problems.Add($"'{key}' value '{HostProbe.Cap(value)}' is not a decimal number");
        return null;
    }
}
