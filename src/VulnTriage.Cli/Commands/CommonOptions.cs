using System.CommandLine;
using VulnTriage.Advisories;
using VulnTriage.Core.Advisories;

namespace VulnTriage.Cli.Commands;

/// <summary>Options shared by several commands, and the helpers that read them.</summary>
internal static class CommonOptions
{
    public static Option<string[]> Inventory() => new("--inventory", "-i")
    {
        Description = "Inventory to read (repeatable; several are merged by host identity): KIND:PATH with KIND mackerel, osquery (or fleet), ansible, csv or probe; "
            + "a file or directory whose kind is detected from its content; - for standard input; or mackerel for the live Mackerel API (key from MACKEREL_APIKEY; see docs/mackerel-api.md). "
            + "Formats: docs/inventories.md.",
        Required = true,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string[]> CsvMap() => new("--map")
    {
        Description = "For CSV inventories: which column holds which field, e.g. name=hostname,cpu=cpu_model,family=cpu_family,label.team=owner (repeatable). "
            + "Fields: name, id, display_name, cpu, vendor, family, model, stepping, cloud, instance_type, instance_id, custom_identifier, uuid, status, os, service, role, label.KEY.",
    };

    public static Option<string?> AdvisoriesDirectory() => new("--advisories")
    {
        Description = "A directory of your own advisory YAML files, loaded beside the embedded ones.",
    };

    public static Option<string?> OutFile() => new("--out", "-o")
    {
        Description = "Write to this file instead of standard output (written whole or not at all).",
    };

    /// <summary>Resolves advisory ids against the catalog; an unknown id is a usage error.</summary>
    public static IReadOnlyList<Advisory> Resolve(AdvisoryCatalog catalog, IEnumerable<string> ids)
    {
        var result = new List<Advisory>();
        foreach (var id in ids)
        {
            var advisory = catalog.Find(id)
                ?? throw new UsageException($"unknown advisory '{id}' (known: {string.Join(", ", catalog.Advisories.Select(a => a.Id))}; see 'vulntriage advisories list')");
            if (!result.Contains(advisory))
            {
                result.Add(advisory);
            }
        }

        return result;
    }

    /// <summary>
    /// Writes output to <paramref name="path"/> atomically (temporary file, then rename), or to standard output when null,
    /// so an interrupted run never leaves a truncated report behind.
    /// </summary>
    public static void WriteOutput(string? path, CliEnvironment env, Action<TextWriter> write)
    {
        if (path is null or "-")
        {
            write(env.Out);
            env.Out.Flush();
            return;
        }

        var full = Path.GetFullPath(path);
        if (full.StartsWith("/dev/", StringComparison.Ordinal))
        {
            // Devices (e.g. /dev/null in benchmarks) cannot be renamed onto.
            using var device = new StreamWriter(full, append: false, new System.Text.UTF8Encoding(false), 1 << 16);
            write(device);
            return;
        }

        var temp = full + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            using (var writer = new StreamWriter(temp, append: false, new System.Text.UTF8Encoding(false), 1 << 16))
            {
                write(writer);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
