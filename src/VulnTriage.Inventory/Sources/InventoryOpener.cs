using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Ansible;
using VulnTriage.Inventory.Csv;
using VulnTriage.Inventory.Mackerel;
using VulnTriage.Inventory.Osquery;
using VulnTriage.Inventory.Probe;

namespace VulnTriage.Inventory.Sources;

/// <summary>What opening a file or directory inventory needs besides its path.</summary>
/// <param name="CsvMap">Column mapping for CSV inventories.</param>
/// <param name="OpenStandardInput">Opens standard input, for <c>-</c>.</param>
public sealed record InventoryOpenOptions(CsvColumnMap CsvMap, Func<Stream> OpenStandardInput);

/// <summary>
/// Turns an <c>--inventory</c> argument naming a file, a directory or <c>-</c> into an <see cref="IInventorySource"/>:
/// the kind named before the colon or, without one, the format detected from the content (<see cref="InventoryDetector"/>);
/// a directory is a probe folder when its first file is a probe document, else Ansible facts. Content no format claims is
/// read as Mackerel JSON, as before kinds existed, so its errors keep their codes and locations.
/// </summary>
public static class InventoryOpener
{
    /// <summary>The source for <paramref name="spec"/> (not the live Mackerel API). Nothing is opened until it is read.</summary>
    public static IInventorySource Create(InventorySpec spec, InventoryOpenOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        if (spec.Kind == InventoryKind.MackerelApi)
        {
            throw new ArgumentException("the live Mackerel API is opened by its own source", nameof(spec));
        }

        return new ReaderSource(spec.Display, report => Read(spec, options, report));
    }

    private static IEnumerable<InventoryEntry> Read(InventorySpec spec, InventoryOpenOptions options, Action<Diagnostic> report)
    {
        var path = spec.Path;
        if (path != "-" && Directory.Exists(path))
        {
            return ReadDirectory(spec, path, report);
        }

        var raw = path == "-" ? options.OpenStandardInput() : InventoryFiles.OpenRead(path);
        try
        {
            var (prefix, length, complete) = ReplayStream.ReadPrefix(raw, InventoryDetector.PrefixBytes);
            var head = prefix.AsSpan(0, length);
            var format = spec.Kind is { } kind ? InventoryDetector.DetectFor(kind, head, complete) : InventoryDetector.Detect(head, complete);
            if (format is null)
            {
                if (spec.Kind is { } named && named != InventoryKind.Mackerel)
                {
                    throw new InputException(new Diagnostic(InventoryDiagnosticCodes.UnknownFormat, DiagnosticSeverity.Error, new SourceLocation(path, 1, 1, 0),
                        $"this is not {Expected(named)}"));
                }

                format = InventoryFormat.MackerelHosts;
            }

            var stream = new ReplayStream(prefix, length, raw);
            return Disposing(stream, ReadStream(format.Value, stream, path, options, report));
        }
        catch
        {
            raw.Dispose();
            throw;
        }
    }

    private static IEnumerable<InventoryEntry> ReadStream(InventoryFormat format, Stream stream, string path, InventoryOpenOptions options, Action<Diagnostic> report) => format switch
    {
        InventoryFormat.MackerelHosts => MackerelInventoryReader.Read(stream, path, report).Select(h => new InventoryEntry(h, null)),
        InventoryFormat.OsqueryResultsLog => OsqueryInventoryReader.ReadResultsLog(stream, path, report),
        InventoryFormat.OsqueryShellJson => OsqueryInventoryReader.ReadShellJson(stream, path, report),
        InventoryFormat.FleetHosts => FleetHostsReader.Read(stream, path, report),
        InventoryFormat.AnsibleFactsFile => AnsibleInventoryReader.ReadFactsFile(stream, path, report),
        InventoryFormat.AnsibleSetupOutput => AnsibleInventoryReader.ReadSetupOutput(stream, path, report),
        InventoryFormat.AnsibleInventoryList => AnsibleInventoryReader.ReadInventoryList(stream, path, report),
        InventoryFormat.Csv => CsvInventoryReader.Read(stream, path, options.CsvMap, report),
        InventoryFormat.ProbeFile => ProbeFile(stream, path, report),
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    private static IEnumerable<InventoryEntry> ProbeFile(Stream stream, string path, Action<Diagnostic> report)
    {
        yield return ProbeDirectoryReader.ReadFile(InventoryFiles.ReadAll(stream, path), path, report);
    }

    private static IEnumerable<InventoryEntry> ReadDirectory(InventorySpec spec, string path, Action<Diagnostic> report)
    {
        switch (spec.Kind)
        {
            case InventoryKind.Ansible:
                return AnsibleInventoryReader.ReadDirectory(path, report);
            case InventoryKind.Probe:
                return ProbeDirectoryReader.ReadDirectory(path, report);
            case null:
                break;
            default:
                throw new InputException(new Diagnostic(InventoryDiagnosticCodes.UnknownFormat, DiagnosticSeverity.Error, new SourceLocation(path),
                    $"is a directory; {InventorySpec.KindName(spec.Kind.Value)}: reads a file (directories: ansible:DIR, probe:DIR)"));
        }

        // The first file tells what the folder holds.
        foreach (var file in InventoryFiles.ListFiles(path))
        {
            using var stream = InventoryFiles.OpenRead(file);
            var (prefix, length, complete) = ReplayStream.ReadPrefix(stream, InventoryDetector.PrefixBytes);
            switch (InventoryDetector.Detect(prefix.AsSpan(0, length), complete))
            {
                case InventoryFormat.ProbeFile:
                    return ProbeDirectoryReader.ReadDirectory(path, report);
                case InventoryFormat.AnsibleFactsFile:
                    return AnsibleInventoryReader.ReadDirectory(path, report);
                default:
                    throw new InputException(new Diagnostic(InventoryDiagnosticCodes.UnknownFormat, DiagnosticSeverity.Error, new SourceLocation(file, 1, 1, 0),
                        "cannot tell what this directory holds: its first file is neither a vulntriage probe document nor Ansible facts (name the kind: ansible:DIR or probe:DIR)"));
            }
        }

        return [];
    }

    private static string Expected(InventoryKind kind) => kind switch
    {
        InventoryKind.Osquery => "an osquery results log, osqueryi --json output or a Fleet hosts export",
        InventoryKind.Ansible => "Ansible facts (a fact-cache or --tree file), ansible -m setup output or ansible-inventory --list output",
        InventoryKind.Probe => "a vulntriage probe document",
        InventoryKind.Csv => "CSV",
        _ => "Mackerel hosts JSON",
    };

    private static IEnumerable<InventoryEntry> Disposing(Stream stream, IEnumerable<InventoryEntry> entries)
    {
        using (stream)
        {
            foreach (var entry in entries)
            {
                yield return entry;
            }
        }
    }

    /// <summary>A source that runs a reader when opened.</summary>
    private sealed class ReaderSource(string name, Func<Action<Diagnostic>, IEnumerable<InventoryEntry>> read) : IInventorySource
    {
        public string Name { get; } = name;

        public InventoryReading Open(Action<Diagnostic> report, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(report);
            return new InventoryReading([], Cancellable(read(report), cancellationToken));
        }

        private static IEnumerable<InventoryEntry> Cancellable(IEnumerable<InventoryEntry> entries, CancellationToken cancellationToken)
        {
            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return entry;
            }
        }
    }
}

/// <summary>Merges several opened inventories into one fleet (<see cref="HostMerge"/>).</summary>
public static class MergedInventory
{
    /// <summary>
    /// One reading for several: the services of all, and the hosts merged by identity once every inventory was read
    /// (a merge needs all of them). Merge warnings go to <paramref name="report"/>. One inventory passes through unchanged.
    /// </summary>
    public static InventoryReading Merge(IReadOnlyList<(string Name, InventoryReading Reading)> readings, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(report);
        return readings.Count == 1
            ? readings[0].Reading
            : new InventoryReading([.. readings.SelectMany(r => r.Reading.Services)], MergeEntries(readings, report));
    }

    private static IEnumerable<InventoryEntry> MergeEntries(IReadOnlyList<(string Name, InventoryReading Reading)> readings, Action<Diagnostic> report)
    {
        var inventories = new List<InventoryHosts>(readings.Count);
        foreach (var (name, reading) in readings)
        {
            inventories.Add(new InventoryHosts(name, [.. reading.Entries.Select(e => new HostRecord(e.Host, e.Facts))]));
        }

        var merged = HostMerge.Merge(inventories);

        // The merged records are all that is needed from here on: let the inputs go before the triage holds its findings.
        inventories.Clear();
        foreach (var diagnostic in merged.Diagnostics)
        {
            report(diagnostic);
        }

        foreach (var record in merged.Hosts)
        {
            yield return new InventoryEntry(record.Host, record.Facts);
        }
    }
}
