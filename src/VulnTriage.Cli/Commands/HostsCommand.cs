using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VulnTriage.Advisories;
using VulnTriage.Cli.Application;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;

namespace VulnTriage.Cli.Commands;

/// <summary><c>vulntriage hosts --inventory FILE|-</c>: the distinct CPUs of the fleet, with host counts and identification.</summary>
internal static class HostsCommand
{
    public static Command Build(CliEnvironment env, CancellationToken cancellationToken)
    {
        var inventory = CommonOptions.Inventory();
        var map = CommonOptions.CsvMap();
        var format = new Option<string>("--format", "-f") { Description = "Output format.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var includeRetired = new Option<bool>("--include-retired") { Description = "Count retired hosts too." };
        var cpe = new Option<bool>("--cpe") { Description = "Also list the hardware CPE names each processor maps to, in both NVD naming styles (what cpu.cpe rules and NVD drafts match)." };
        var output = CommonOptions.OutFile();
        var advisoriesDir = CommonOptions.AdvisoriesDirectory();
        var command = new Command("hosts", "List the distinct processors of the fleet with host counts, what each one is (what the jq one-liner was trying to show), and the advisories that apply to it.")
        {
            inventory, map, format, includeRetired, output, advisoriesDir, cpe,
        };
        var mackerel = MackerelOptions.AddTo(command);

        command.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var diagnostics = new List<Diagnostic>();
            var catalog = AdvisoryCatalog.Load(parse.GetValue(advisoriesDir));
            using var opened = MackerelInventory.Open(parse, parse.GetRequiredValue(inventory), parse.GetValue(map) ?? [], mackerel, env, forTriage: false, parse.GetValue(includeRetired), diagnostics.Add, cancellationToken);
            var rows = Summarize(opened.Reading.Entries.Select(e => e.Host), parse.GetValue(includeRetired), cancellationToken, out var hostsWithoutCpu, out var totalHosts);
            var applying = rows.ToDictionary(r => r, r => Applying(catalog.Advisories, r));
            CommonOptions.WriteOutput(parse.GetValue(output), env, w =>
            {
                if (parse.GetValue(format) == "json")
                {
                    WriteJson(w, rows, applying, hostsWithoutCpu, totalHosts, diagnostics, parse.GetValue(cpe));
                }
                else
                {
                    WriteTable(w, rows, applying, hostsWithoutCpu, totalHosts);
                    if (parse.GetValue(cpe))
                    {
                        WriteCpes(w, rows);
                    }
                }
            });

            foreach (var d in diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Take(20))
            {
                env.Error.WriteLine($"vulntriage: {VulnTriageCli.OneLine(d.ToString())}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    internal sealed record CpuRow(ProcessorFact Key, ProcessorIdentity Identity, int Hosts, long LogicalCpus);

    /// <summary>
    /// The advisories that apply to a processor, as the CPU stage sees it alone (no firmware, microcode or kernel facts,
    /// not a cloud instance): those that make it a candidate or cannot rule it out. A hypervisor's synthetic model
    /// applies wherever the advisory's policy says the physical host decides.
    /// </summary>
    internal static List<(Core.Advisories.Advisory Advisory, Finding Finding)> Applying(IEnumerable<Core.Advisories.Advisory> advisories, CpuRow row)
    {
        var host = new Host("cpu", "cpu", null, HostStatus.Working, false, [], null, [row.Key], null, null);
        return [.. advisories
            .Select(a => (Advisory: a, Finding: AdvisoryEvaluator.Evaluate(a, host, HostFacts.None, _ => row.Identity)))
            .Where(x => x.Finding.Verdict is Verdict.Affected or Verdict.NeedsConfirmation or Verdict.Unknown)];
    }

    internal static List<CpuRow> Summarize(IEnumerable<Host> hosts, bool includeRetired, CancellationToken cancellationToken, out int hostsWithoutCpu, out int totalHosts)
    {
        var cache = new IdentificationCache();
        var counts = new Dictionary<(string?, string?, CpuSignature?), (ProcessorFact Fact, int Hosts, long Cpus)>();
        hostsWithoutCpu = 0;
        totalHosts = 0;
        foreach (var host in hosts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (host.IsRetired && !includeRetired)
            {
                continue;
            }

            totalHosts++;
            if (host.Processors.IsEmpty)
            {
                hostsWithoutCpu++;
            }

            foreach (var p in host.Processors)
            {
                var key = (p.VendorId, p.BrandString, p.Signature);
                counts[key] = counts.TryGetValue(key, out var c) ? (c.Fact, c.Hosts + 1, c.Cpus + p.LogicalCpus) : (p, 1, p.LogicalCpus);
            }
        }

        return [.. counts.Values
            .Select(c => new CpuRow(c.Fact, cache.Identify(c.Fact), c.Hosts, c.Cpus))
            .OrderByDescending(r => r.Hosts)
            .ThenBy(r => r.Key.BrandString, StringComparer.Ordinal)
            .ThenBy(r => r.Key.Signature?.ToString(), StringComparer.Ordinal)];
    }

    private static void WriteTable(TextWriter w, List<CpuRow> rows, Dictionary<CpuRow, List<(Core.Advisories.Advisory Advisory, Finding Finding)>> applying, int hostsWithoutCpu, int totalHosts)
    {
        string[] header = ["HOSTS", "CPUS", "BRAND STRING", "SIGNATURE", "IDENTIFIED", "LINE", "GEN", "MICROARCH", "CODENAME", "SEGMENT", "VIRTUAL", "CONFIDENCE", "ADVISORIES"];
        var table = rows.Select(r => new[]
        {
            r.Hosts.ToString(CultureInfo.InvariantCulture),
            r.LogicalCpus.ToString(CultureInfo.InvariantCulture),
            VulnTriageCli.OneLine(r.Identity.NormalizedBrand.Length > 0 ? r.Identity.NormalizedBrand : "(none)"),
            r.Key.Signature?.ToString() ?? "-",
            VulnTriageCli.OneLine(r.Identity.DisplayName),
            r.Identity.ProductLine ?? "-",
            r.Identity.Generation?.ToString(CultureInfo.InvariantCulture) ?? "-",
            r.Identity.Microarchitecture ?? "-",
            r.Identity.Codename ?? "-",
            r.Identity.Segment.ToString().ToLowerInvariant(),
            r.Identity.IsVirtual ? "yes" : "no",
            r.Identity.Confidence.ToString().ToLowerInvariant(),
            applying[r].Count == 0 ? "-" : string.Join(" ", applying[r].Select(a => a.Advisory.Id + (a.Finding.Verdict == Verdict.Unknown ? "?" : ""))),
        }).ToList();
        var widths = header.Select((h, i) => Math.Min(i == header.Length - 1 ? 400 : 60, Math.Max(h.Length, table.Count == 0 ? 0 : table.Max(row => row[i].Length)))).ToArray();
        void Line(string[] cells) => w.WriteLine(string.Join("  ", cells.Select((c, i) => (c.Length > widths[i] ? c[..(widths[i] - 1)] + "…" : c).PadRight(widths[i]))).TrimEnd());
        Line(header);
        foreach (var row in table)
        {
            Line(row);
        }

        w.WriteLine();
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{totalHosts} hosts, {rows.Count} distinct processors, {hostsWithoutCpu} hosts without CPU facts."));
        w.WriteLine("ADVISORIES: those that apply to the processor from its CPU alone (a candidate); \"?\" where the CPU cannot rule it out.");
    }

    // One block per distinct processor: its CPE names, one per line, or why it has none.
    private static void WriteCpes(TextWriter w, List<CpuRow> rows)
    {
        w.WriteLine();
        w.WriteLine("CPE NAMES (hardware; cpu.cpe criteria and NVD drafts match these)");
        foreach (var r in rows)
        {
            var brand = VulnTriageCli.OneLine(r.Identity.NormalizedBrand.Length > 0 ? r.Identity.NormalizedBrand : "(none)");
            var signature = r.Key.Signature?.ToString() ?? "no signature";
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{brand} ({signature}), {r.Hosts} host(s):"));
            var names = Core.Cpe.ProcessorCpes.For(r.Identity);
            if (names.IsKnown)
            {
                foreach (var name in names.Names)
                {
                    w.WriteLine("  " + name);
                }
            }
            else
            {
                w.WriteLine("  (none: " + CpeReason(names) + ")");
            }
        }
    }

    internal static string CpeReason(Core.Cpe.ProcessorCpeNames names) => names.Reason switch
    {
        Core.Cpe.ProcessorCpes.HiddenReason => "a hypervisor's synthetic model hides the physical processor" + (names.Vendor is { } v ? $"; vendor {v}" : ""),
        Core.Cpe.ProcessorCpes.NoVendorReason => "the vendor is not known",
        Core.Cpe.ProcessorCpes.NoModelReason => "the brand string names no model" + (names.Vendor is { } v ? $"; vendor {v}" : ""),
        _ => "NVD's naming for this product line is not known" + (names.Vendor is { } v ? $"; vendor {v}" : ""),
    };

    private static void WriteJson(TextWriter w, List<CpuRow> rows, Dictionary<CpuRow, List<(Core.Advisories.Advisory Advisory, Finding Finding)>> applying, int hostsWithoutCpu, int totalHosts, List<Diagnostic> diagnostics, bool cpes)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("schemaVersion", "1.1");
            json.WriteNumber("hosts", totalHosts);
            json.WriteNumber("hostsWithoutCpu", hostsWithoutCpu);
            json.WriteStartArray("processors");
            foreach (var r in rows)
            {
                json.WriteStartObject();
                json.WriteNumber("hosts", r.Hosts);
                json.WriteNumber("logicalCpus", r.LogicalCpus);
                json.WriteString("brandString", r.Key.BrandString);
                json.WriteString("vendorId", r.Key.VendorId);
                json.WriteString("signature", r.Key.Signature?.ToString());
                IdentityJson.Write(json, "identification", r.Identity);
                json.WriteStartArray("advisories");
                foreach (var (advisory, finding) in applying[r])
                {
                    json.WriteStartObject();
                    json.WriteString("id", advisory.Id);
                    json.WriteString("verdict", finding.Verdict.ToWire());
                    json.WriteString("clause", finding.Evidence.IsDefaultOrEmpty ? null : finding.Evidence[0].Clause);
                    json.WriteEndObject();
                }

                json.WriteEndArray();

                if (cpes)
                {
                    var names = Core.Cpe.ProcessorCpes.For(r.Identity);
                    json.WriteStartArray("cpes");
                    foreach (var name in names.Names)
                    {
                        json.WriteStringValue(name.ToString());
                    }

                    json.WriteEndArray();
                    json.WriteString("cpeVendor", names.Vendor);
                    json.WriteString("cpeReason", names.IsKnown ? null : CpeReason(names));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("diagnostics");
            foreach (var d in diagnostics)
            {
                json.WriteStartObject();
                json.WriteString("code", d.Code);
                json.WriteString("severity", d.Severity.ToString().ToLowerInvariant());
                json.WriteString("location", d.Location.ToString());
                json.WriteString("message", d.Message);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        w.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        w.WriteLine();
    }
}

/// <summary>Writes a <see cref="ProcessorIdentity"/> as JSON (shared by <c>hosts</c> and <c>identify</c>).</summary>
internal static class IdentityJson
{
    public static void Write(Utf8JsonWriter json, string? name, ProcessorIdentity identity)
    {
        if (name is null)
        {
            json.WriteStartObject();
        }
        else
        {
            json.WriteStartObject(name);
        }

        json.WriteString("vendor", identity.Vendor.ToString().ToLowerInvariant());
        json.WriteString("productLine", identity.ProductLine);
        json.WriteString("modelNumber", identity.ModelNumber);
        if (identity.Generation is { } g)
        {
            json.WriteNumber("generation", g);
        }
        else
        {
            json.WriteNull("generation");
        }

        json.WriteString("microarchitecture", identity.Microarchitecture);
        json.WriteString("codename", identity.Codename);
        json.WriteString("segment", identity.Segment.ToString().ToLowerInvariant());
        json.WriteBoolean("virtual", identity.IsVirtual);
        json.WriteString("hypervisorModel", identity.HypervisorModel);
        json.WriteString("confidence", identity.Confidence.ToString().ToLowerInvariant());
        json.WriteString("reason", identity.Reason);
        json.WriteString("displayName", identity.DisplayName);

        // What rules read: each attribute Unknown (null) or Known(set), brand string and signature intersected.
        json.WriteStartObject("possible");
        WriteSet(json, "vendors", identity.PossibleVendors, identity.Origins.Vendor);
        WriteSet(json, "productLines", identity.PossibleProductLines, identity.Origins.ProductLine);
        WriteSet(json, "generations", identity.PossibleGenerations, identity.Origins.Generation);
        WriteSet(json, "microarchitectures", identity.PossibleMicroarchitectures, identity.Origins.Microarchitecture);
        WriteSet(json, "codenames", identity.PossibleCodenames, identity.Origins.Codename);
        WriteSet(json, "segments", identity.PossibleSegments, identity.Origins.Segment);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteSet<T>(Utf8JsonWriter json, string name, ValueSet<T> set, string origin)
        where T : notnull
    {
        json.WriteStartObject(name);
        if (!set.IsKnown)
        {
            json.WriteNull("values");
        }
        else
        {
            json.WriteStartArray("values");
            foreach (var v in set.Values)
            {
                switch (v)
                {
                    case int i:
                        json.WriteNumberValue(i);
                        break;
                    case Enum e:
                        json.WriteStringValue(e.ToString().ToLowerInvariant());
                        break;
                    default:
                        json.WriteStringValue(v.ToString());
                        break;
                }
            }

            json.WriteEndArray();
        }

        json.WriteString("from", origin);
        json.WriteEndObject();
    }
}
