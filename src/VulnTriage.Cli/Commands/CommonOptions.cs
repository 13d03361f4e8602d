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

    /// <summary>
    /// Resolves advisory ids against the catalog; a CVE id selects the advisory that carries it. An unknown id is a
    /// usage error.
    /// </summary>
    public static IReadOnlyList<Advisory> Resolve(AdvisoryCatalog catalog, IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(ids);
        var result = new List<Advisory>();
        foreach (var id in ids)
        {
            var advisory = Find(catalog, id);
            if (!result.Contains(advisory))
            {
                result.Add(advisory);
            }
        }

        return result;
    }

    /// <summary>One advisory by its id or by a CVE id it carries; a usage error when none (or several) match.</summary>
    public static Advisory Find(AdvisoryCatalog catalog, string id)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(id);
        if (catalog.Find(id) is { } advisory)
        {
            return advisory;
        }

        var carrying = catalog.Advisories.Where(a => a.Cves.Any(c => string.Equals(c.Id, id.Trim(), StringComparison.OrdinalIgnoreCase))).ToList();
        return carrying.Count switch
        {
            1 => carrying[0],
            > 1 => throw new UsageException($"{VulnTriageCli.OneLine(id)} is carried by several advisories ({string.Join(", ", carrying.Select(a => a.Id))}); name one"),
            _ => throw new UsageException($"unknown advisory '{VulnTriageCli.OneLine(id)}' (known: {string.Join(", ", catalog.KnownIds)}; an advisory id or a CVE id it carries; see 'vulntriage advisories list')"),
        };
    }

    /// <summary>
    /// The report format: <c>--format</c> when given (<c>md</c> is <c>markdown</c>), else inferred from the
    /// <c>--out</c> file's extension (<c>.html</c>, <c>.json</c>, <c>.csv</c>, <c>.md</c>), else Markdown.
    /// </summary>
    public static string ReportFormat(ParseResult parse, Option<string> format, Option<string?> output)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var given = parse.GetResult(format) is { Implicit: false };
        if (given)
        {
            return NormalizeFormat(parse.GetValue(format) ?? "markdown");
        }

        return FormatFromExtension(parse.GetValue(output)) ?? "markdown";
    }

    /// <summary>The format an output file name implies, or <c>null</c>.</summary>
    public static string? FormatFromExtension(string? path) =>
        Path.GetExtension(path ?? "").ToUpperInvariant() switch
        {
            ".HTML" or ".HTM" => "html",
            ".JSON" => "json",
            ".CSV" => "csv",
            ".MD" or ".MARKDOWN" => "markdown",
            _ => null,
        };

    /// <summary><c>md</c> → <c>markdown</c>; other names as given.</summary>
    public static string NormalizeFormat(string format) => format == "md" ? "markdown" : format;

    /// <summary>
    /// Writes output to <paramref name="path"/> whole or not at all (an exclusively created temporary file with a random
    /// name beside it, then renamed), or to standard output when null or <c>-</c>.
    /// </summary>
    public static void WriteOutput(string? path, CliEnvironment env, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(write);
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

        VulnTriage.Inventory.IO.AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            write(writer);
        });
    }
}
