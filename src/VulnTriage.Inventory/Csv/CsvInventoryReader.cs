using System.Collections.Immutable;
using System.Globalization;
using CsvHelper;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Inventory.Csv;

/// <summary>
/// Reads hosts from a CSV export (a CMDB, a spreadsheet) with CsvHelper, one record at a time: a header row, then one
/// host per record. Columns are found by <see cref="CsvColumnMap"/>; only <c>name</c> is required. The separator is
/// detected (<c>,</c> <c>;</c> tab <c>|</c>, or Excel's <c>sep=</c> line); quoted fields may span lines (RFC 4180).
/// </summary>
/// <remarks>
/// <para>
/// A record with an empty name, malformed quoting, or a record over 1 MiB stops the run (exit 3) with the file and line.
/// A CPU family/model/stepping that is not a number (decimal, or hex with <c>0x</c>) keeps the host without a signature
/// (warning VT1102), as the Mackerel reader does; an unknown status or cloud name keeps the host (info VT1105).
/// </para>
/// <para>
/// <c>status</c>: <c>working</c>/<c>active</c>, <c>standby</c>, <c>maintenance</c>, <c>poweroff</c>/<c>offline</c>, and
/// <c>retired</c>/<c>decommissioned</c> (left out of the triage). <c>cloud</c>: <c>aws</c>/<c>ec2</c>, <c>gcp</c>/<c>gce</c>,
/// <c>azure</c>/<c>AzureVM</c>, or empty/<c>none</c>/<c>on-prem</c>.
/// </para>
/// </remarks>
public static class CsvInventoryReader
{
    /// <summary>Largest record accepted, in bytes.</summary>
    public const int MaxRecordBytes = 1 << 20;

    /// <summary>Streams the hosts of a CSV file.</summary>
    /// <param name="stream">The CSV (not disposed).</param>
    /// <param name="source">Name for diagnostics and evidence.</param>
    /// <param name="map">Which columns hold which fields.</param>
    /// <param name="report">Receives warnings and infos.</param>
    /// <returns>The hosts in file order.</returns>
    /// <exception cref="InputException">A missing name column, an empty name, malformed CSV; located.</exception>
    public static IEnumerable<InventoryEntry> Read(Stream stream, string source, CsvColumnMap map, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(report);
        return Iterate(stream, source, map, report);
    }

    private static IEnumerable<InventoryEntry> Iterate(Stream stream, string source, CsvColumnMap map, Action<Diagnostic> report)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            TrackLineNumbers = true,
            MaxRecordSize = MaxRecordBytes,
            MalformedData = CsvMalformedDataHandling.Throw,
            SkipEmptyLines = true,
            DetectSeparatorHint = true,
            IncludeValuesInExceptions = false,
        };
        using var csv = CsvReader.Create(stream, options, leaveOpen: true);
        Columns columns;
        try
        {
            columns = Columns.Resolve(csv.Headers, map, source);
        }
        catch (CsvFormatException ex)
        {
            throw Located(ex, source);
        }

        while (true)
        {
            try
            {
                if (!csv.Read())
                {
                    yield break;
                }
            }
            catch (CsvFormatException ex)
            {
                throw Located(ex, source);
            }

            yield return ReadRecord(csv, columns, source, report);
        }
    }

    private static InventoryEntry ReadRecord(CsvReader csv, Columns c, string source, Action<Diagnostic> report)
    {
        var line = csv.LineNumber;
        var at = new SourceLocation(source, line, 0, csv.ByteOffset);
        var where = string.Create(CultureInfo.InvariantCulture, $"{source}:{line}");
        string? Get(int index) => index >= 0 && index < csv.FieldCount && csv.GetString(index) is { } v && v.Trim() is { Length: > 0 } t ? t : null;

        var name = Get(c.Name) ?? throw new InputException(new Diagnostic(DiagnosticCodes.InventoryHostMissingIdentity, DiagnosticSeverity.Error, at,
            $"the record has no host name (column '{c.Headers[c.Name]}')"));

        var brand = Get(c.Cpu);
        var vendor = Get(c.Vendor);
        var signature = Signature(Get(c.Family), Get(c.Model), Get(c.Stepping), name, at, report);
        ProcessorFact[] processors = brand is null && vendor is null && signature is null
            ? []
            : [new ProcessorFact(vendor, brand, signature, 0, 0, $"column {c.HeaderOf(c.Cpu, c.Vendor)} ({source})", $"columns {c.HeaderOf(c.Family)}/{c.HeaderOf(c.Model)}/{c.HeaderOf(c.Stepping)} ({source})")];

        var (status, retired) = Status(Get(c.Status), name, at, report);
        var labels = HostLabel.Sort(c.Labels.Select(l => Get(l.Index) is { } value ? new HostLabel(l.Key, value, $"column {c.Headers[l.Index]} ({source})") : null).OfType<HostLabel>());
        var service = Get(c.Service);
        ImmutableArray<RoleRef> roles = service is null ? [] : [new RoleRef(service, Get(c.Role) ?? "")];
        var customIdentifier = Get(c.CustomIdentifier);
        var keys = new List<HostKey?>
        {
            HostKey.TryCreate(HostKeyKind.InstanceId, Get(c.InstanceId)),
            HostKey.TryCreate(HostKeyKind.MachineUuid, Get(c.Uuid)),
        };
        keys.AddRange(HostKey.FromCustomIdentifier(customIdentifier));

        var host = new Host(
            Get(c.Id) ?? name,
            name,
            Get(c.DisplayName),
            status,
            retired,
            roles,
            Cloud(Get(c.Cloud), Get(c.InstanceType), c.HeaderOf(c.Cloud), source, name, at, report),
            [.. processors],
            Get(c.Os),
            processors.Length == 0 ? $"no CPU in the CSV record (column {c.HeaderOf(c.Cpu)})" : null,
            labels,
            HostProvenance.Of(where, keys));
        return new InventoryEntry(host, null);
    }

    private static CpuSignature? Signature(string? family, string? model, string? stepping, string name, SourceLocation at, Action<Diagnostic> report)
    {
        if (family is null && model is null && stepping is null)
        {
            return null;
        }

        if (Number(family) is { } f && Number(model) is { } m && (stepping is null || Number(stepping) is not null))
        {
            return new CpuSignature(f, m, Number(stepping));
        }

        report(new Diagnostic(DiagnosticCodes.CpuSignatureUnparseable, DiagnosticSeverity.Warning, at,
            $"host '{name}': CPU family/model/stepping ('{family}', '{model}', '{stepping}') are not all numbers; the processor is kept without a signature"));
        return null;
    }

    /// <summary>A decimal number, or hex with <c>0x</c>; <c>null</c> otherwise.</summary>
    internal static int? Number(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return int.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) && hex >= 0 ? hex : null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static (HostStatus Status, bool Retired) Status(string? text, string name, SourceLocation at, Action<Diagnostic> report)
    {
        switch (text?.ToLowerInvariant())
        {
            case null:
                return (HostStatus.Unknown, false);
            case "working" or "active" or "online" or "running":
                return (HostStatus.Working, false);
            case "standby":
                return (HostStatus.Standby, false);
            case "maintenance":
                return (HostStatus.Maintenance, false);
            case "poweroff" or "offline" or "stopped":
                return (HostStatus.PowerOff, false);
            case "retired" or "decommissioned":
                return (HostStatus.Unknown, true);
            default:
                report(new Diagnostic(InventoryDiagnosticCodes.UnknownValue, DiagnosticSeverity.Info, at, $"host '{name}': status '{text}' is not one VulnTriage knows; the host is triaged with status unknown"));
                return (HostStatus.Unknown, false);
        }
    }

    private static CloudInfo? Cloud(string? text, string? instanceType, string column, string source, string name, SourceLocation at, Action<Diagnostic> report)
    {
        if (text is null)
        {
            return null;
        }

        var provider = text.ToLowerInvariant() switch
        {
            "aws" or "ec2" or "amazon" => CloudProvider.Aws,
            "gcp" or "gce" or "google" => CloudProvider.Gcp,
            "azure" or "azurevm" => CloudProvider.Azure,
            "none" or "on-prem" or "onprem" or "on-premises" or "-" => (CloudProvider?)null,
            _ => CloudProvider.None,
        };
        if (provider is null)
        {
            return null;
        }

        if (provider == CloudProvider.None)
        {
            report(new Diagnostic(InventoryDiagnosticCodes.UnknownValue, DiagnosticSeverity.Info, at,
                $"host '{name}': cloud '{text}' is not AWS, Google Cloud or Azure; the host is judged on its hardware"));
        }

        return new CloudInfo(provider.Value, text, instanceType, $"column {column} ({source})");
    }

    private static InputException Located(CsvFormatException ex, string source) =>
        new(new Diagnostic(InventoryDiagnosticCodes.CsvInvalid, DiagnosticSeverity.Error,
            new SourceLocation(source, ex.LineNumber, 0, ex.ByteOffset > 0 ? ex.ByteOffset : -1), "invalid CSV: " + ex.Message));

    /// <summary>The column index of each field (-1 when absent).</summary>
    private sealed class Columns
    {
        public required IReadOnlyList<string> Headers { get; init; }

        public int Name { get; private init; }

        public int Id { get; private init; }

        public int DisplayName { get; private init; }

        public int Cpu { get; private init; }

        public int Vendor { get; private init; }

        public int Family { get; private init; }

        public int Model { get; private init; }

        public int Stepping { get; private init; }

        public int Cloud { get; private init; }

        public int InstanceType { get; private init; }

        public int InstanceId { get; private init; }

        public int CustomIdentifier { get; private init; }

        public int Uuid { get; private init; }

        public int Status { get; private init; }

        public int Os { get; private init; }

        public int Service { get; private init; }

        public int Role { get; private init; }

        public ImmutableArray<(string Key, int Index)> Labels { get; private init; }

        public string HeaderOf(params int[] indexes) =>
            string.Join("/", indexes.Where(i => i >= 0).Select(i => Headers[i])) is { Length: > 0 } text ? text : "-";

        public static Columns Resolve(IReadOnlyList<string> headers, CsvColumnMap map, string source)
        {
            var header = new SourceLocation(source, 1, 0);
            int Find(string field)
            {
                if (map.Fields.TryGetValue(field, out var column))
                {
                    var index = IndexOf(headers, column);
                    return index >= 0
                        ? index
                        : throw new InputException(new Diagnostic(InventoryDiagnosticCodes.CsvMissingColumn, DiagnosticSeverity.Error, header,
                            $"the header has no column '{column}' (--map {field}={column}); columns: {string.Join(", ", headers)}"));
                }

                foreach (var alias in CsvColumnMap.Aliases[field])
                {
                    var index = IndexOf(headers, alias);
                    if (index >= 0)
                    {
                        return index;
                    }
                }

                return -1;
            }

            var name = Find("name");
            if (name < 0)
            {
                throw new InputException(new Diagnostic(InventoryDiagnosticCodes.CsvMissingColumn, DiagnosticSeverity.Error, header,
                    $"the header has no host name column (name, hostname or host; or --map name=COLUMN); columns: {string.Join(", ", headers)}"));
            }

            var labels = new List<(string, int)>();
            foreach (var (key, column) in map.Labels)
            {
                var index = IndexOf(headers, column);
                labels.Add(index >= 0
                    ? (key, index)
                    : throw new InputException(new Diagnostic(InventoryDiagnosticCodes.CsvMissingColumn, DiagnosticSeverity.Error, header,
                        $"the header has no column '{column}' (--map label.{key}={column}); columns: {string.Join(", ", headers)}")));
            }

            for (var i = 0; i < headers.Count; i++)
            {
                var h = headers[i].Trim();
                foreach (var prefix in new[] { "label.", "label:" })
                {
                    if (h.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && h.Length > prefix.Length && !map.Labels.ContainsKey(h[prefix.Length..]))
                    {
                        labels.Add((h[prefix.Length..], i));
                    }
                }
            }

            return new Columns
            {
                Headers = headers,
                Name = name,
                Id = Find("id"),
                DisplayName = Find("display_name"),
                Cpu = Find("cpu"),
                Vendor = Find("vendor"),
                Family = Find("family"),
                Model = Find("model"),
                Stepping = Find("stepping"),
                Cloud = Find("cloud"),
                InstanceType = Find("instance_type"),
                InstanceId = Find("instance_id"),
                CustomIdentifier = Find("custom_identifier"),
                Uuid = Find("uuid"),
                Status = Find("status"),
                Os = Find("os"),
                Service = Find("service"),
                Role = Find("role"),
                Labels = [.. labels],
            };
        }

        private static int IndexOf(IReadOnlyList<string> headers, string name)
        {
            for (var i = 0; i < headers.Count; i++)
            {
                if (string.Equals(headers[i].Trim(), name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
