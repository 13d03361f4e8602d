using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Json;
using VulnTriage.Inventory.Sources;

namespace VulnTriage.Inventory.Ansible;

/// <summary>
/// Reads hosts from Ansible: a directory of per-host facts (the <c>jsonfile</c> fact cache in the format before
/// ansible-core 2.19, or the 2.19+ <c>&lt;prefix&gt;s1_&lt;host&gt;</c> files holding <c>{"__payload__": "…"}</c>, or the files
/// <c>ansible -m setup --tree DIR</c> writes), one such file, what <c>ansible HOSTS -m setup</c> prints, or
/// <c>ansible-inventory --list</c> (groups, and <c>_meta.hostvars</c> with the cached facts when a cache is configured).
/// Group membership (transitive, without <c>all</c> and <c>ungrouped</c>) becomes the label <c>group</c>.
/// </summary>
/// <remarks>
/// Ansible collects no CPUID family/model/stepping and no microcode (lib/ansible/module_utils/facts/hardware/linux.py
/// reads only <c>model name</c>, <c>vendor_id</c> and the processor index from <c>/proc/cpuinfo</c>), so processors are
/// identified from the brand string. A host whose setup FAILED or was UNREACHABLE is kept without CPU facts
/// (verdict <c>unknown</c>), never dropped.
/// </remarks>
public static partial class AnsibleInventoryReader
{
    private const int MaxHostJsonBytes = 64 << 20;

    /// <summary>Reads a directory of per-host facts files, one host per file (hidden files are skipped).</summary>
    /// <param name="directory">The fact-cache or <c>--tree</c> directory.</param>
    /// <param name="report">Receives warnings.</param>
    /// <returns>The hosts, by file name.</returns>
    /// <exception cref="InputException">A file that cannot be read or is not a JSON object, with its location.</exception>
    public static IEnumerable<InventoryEntry> ReadDirectory(string directory, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(report);
        return ReadDirectoryIterator(directory, report);
    }

    /// <summary>Reads one facts file (cache or <c>--tree</c>): one host, named after the file.</summary>
    public static IEnumerable<InventoryEntry> ReadFactsFile(Stream stream, string path, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(report);
        return ReadFactsFileIterator(stream, path);
    }

    /// <summary>Reads what <c>ansible HOSTS -m setup</c> prints (minimal or oneline callback), streamed host by host.</summary>
    public static IEnumerable<InventoryEntry> ReadSetupOutput(Stream stream, string source, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(report);
        return ReadSetupOutputIterator(stream, source, report);
    }

    /// <summary>
    /// Reads <c>ansible-inventory --list</c> output: each host of <c>_meta.hostvars</c> (streamed member by member) with its
    /// facts, plus every host a group names, labelled with its groups. The hosts come out once the document is read.
    /// </summary>
    public static IEnumerable<InventoryEntry> ReadInventoryList(Stream stream, string source, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(report);
        return ReadInventoryListIterator(stream, source);
    }

    /// <summary>
    /// The inventory host name a cache file stands for: ansible-core 2.19+ names it <c>&lt;prefix&gt;s1_&lt;host&gt;</c> (schema 1,
    /// lib/ansible/_internal/_plugins/_cache.py), so a payload file's name loses everything up to the first <c>s1_</c>.
    /// </summary>
    internal static string HostNameOfFile(string fileName, bool payload)
    {
        if (payload)
        {
            var marker = fileName.IndexOf("s1_", StringComparison.Ordinal);
            if (marker >= 0 && marker + 3 < fileName.Length)
            {
                return fileName[(marker + 3)..];
            }
        }

        return fileName;
    }

    private static IEnumerable<InventoryEntry> ReadDirectoryIterator(string directory, Action<Diagnostic> report)
    {
        var files = InventoryFiles.ListFiles(directory);
        var names = files.Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var path in files)
        {
            var fileName = Path.GetFileName(path);

            // After an upgrade to ansible-core 2.19 the old file of a host stays beside its new <prefix>s1_<host> file,
            // which is the one Ansible reads and keeps current.
            if (!fileName.Contains("s1_", StringComparison.Ordinal) && names.Any(n => n.EndsWith("s1_" + fileName, StringComparison.Ordinal)))
            {
                report(new Diagnostic(InventoryDiagnosticCodes.RecordSkipped, DiagnosticSeverity.Info, new SourceLocation(path),
                    $"host '{fileName}' also has an ansible-core 2.19+ cache file (…s1_{fileName}); this older file is not read"));
                continue;
            }

            var bytes = InventoryFiles.ReadAll(path);
            yield return FromBytes(bytes, path, fileName, directory);
        }
    }

    private static IEnumerable<InventoryEntry> ReadFactsFileIterator(Stream stream, string path)
    {
        yield return FromBytes(InventoryFiles.ReadAll(stream, path), path, path == "-" ? "-" : Path.GetFileName(path), path);
    }

    private static InventoryEntry FromBytes(byte[] bytes, string path, string fileName, string inventory)
    {
        var bom = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.AsMemory(bom), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new InputException(new Diagnostic(
                DiagnosticCodes.InventoryInvalidJson,
                DiagnosticSeverity.Error,
                JsonLocations.FromReaderPosition(path, ex.LineNumber, ex.BytePositionInLine, bytes, 0, 0, bom),
                "invalid JSON in Ansible facts: " + TrimPosition(ex.Message)));
        }

        using (document)
        {
            var at = new SourceLocation(path, 1, 1, bom);
            var payload = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("__payload__", out _);
            var facts = AnsibleFacts.FactsOf(document.RootElement, out var inner, at);
            using (inner)
            {
                return new InventoryEntry(AnsibleFacts.ToHost(HostNameOfFile(fileName, payload), facts, inventory, path, []), null);
            }
        }
    }

    private static IEnumerable<InventoryEntry> ReadSetupOutputIterator(Stream stream, string source, Action<Diagnostic> report)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        var lineNumber = 0L;
        string? line;
        while ((line = ReadLine(reader, source, ref lineNumber)) is not null)
        {
            var header = SetupHeaderRegex().Match(line);
            if (!header.Success)
            {
                // [WARNING]: lines, deprecation notices, blank lines.
                continue;
            }

            var host = header.Groups["host"].Value;
            var state = header.Groups["state"].Value;
            var start = lineNumber;
            var json = new StringBuilder(line, header.Groups["json"].Index, line.Length - header.Groups["json"].Index, 4096);

            // minimal: the JSON is indented (json.dumps indent=4) and ends at a line holding only "}"; oneline: all on the header line.
            if (!IsComplete(json))
            {
                while (true)
                {
                    var next = ReadLine(reader, source, ref lineNumber)
                        ?? throw new InputException(new Diagnostic(DiagnosticCodes.InventoryInvalidJson, DiagnosticSeverity.Error, new SourceLocation(source, start, 1),
                            $"the output for host '{host}' ends before its JSON is complete"));
                    json.Append('\n').Append(next);
                    if (json.Length > MaxHostJsonBytes)
                    {
                        throw new InputException(new Diagnostic(DiagnosticCodes.InventoryValueTooLarge, DiagnosticSeverity.Error, new SourceLocation(source, start, 1),
                            $"the output for host '{host}' is larger than {MaxHostJsonBytes} bytes"));
                    }

                    if (next == "}" && IsComplete(json))
                    {
                        break;
                    }
                }
            }

            yield return FromSetupResult(host, state, json.ToString(), source, start, report);
        }
    }

    private static InventoryEntry FromSetupResult(string host, string state, string json, string source, long line, Action<Diagnostic> report)
    {
        var where = string.Create(CultureInfo.InvariantCulture, $"{source}:{line}");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new InputException(new Diagnostic(DiagnosticCodes.InventoryInvalidJson, DiagnosticSeverity.Error,
                new SourceLocation(source, line + (ex.LineNumber ?? 0), (ex.LineNumber ?? 0) == 0 ? 0 : (ex.BytePositionInLine ?? -1) + 1),
                $"invalid JSON for host '{host}': {TrimPosition(ex.Message)}"));
        }

        using (document)
        {
            if (state is "FAILED!" or "UNREACHABLE!")
            {
                var why = JsonFields.Text(document.RootElement, "msg") ?? state.TrimEnd('!').ToLowerInvariant();
                report(new Diagnostic(InventoryDiagnosticCodes.HostNotGathered, DiagnosticSeverity.Warning, new SourceLocation(source, line, 1),
                    $"host '{host}': setup {state.TrimEnd('!')}; kept without CPU facts"));
                return new InventoryEntry(AnsibleFacts.ToHost(host, default, source, where, [], $"Ansible setup {state.TrimEnd('!')}: {why}"), null);
            }

            var facts = AnsibleFacts.FactsOf(document.RootElement, out var inner, new SourceLocation(source, line, 1));
            using (inner)
            {
                return new InventoryEntry(AnsibleFacts.ToHost(host, facts, source, where, []), null);
            }
        }
    }

    private static IEnumerable<InventoryEntry> ReadInventoryListIterator(Stream stream, string source)
    {
        var options = new JsonRecordOptions(false, AllObjectProperties: true, MapPath: ["_meta", "hostvars"]);
        var hosts = new List<Host>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var groups = new Dictionary<string, (List<string> Hosts, List<string> Children)>(StringComparer.Ordinal);
        var firstGroupAt = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in JsonRecordStream.Read(stream, source, "ansible-inventory --list output", options))
        {
            var name = record.Property ?? "";
            var where = OsqueryWhere(source, record.Location);
            if (record.FromMap)
            {
                if (seen.Add(name))
                {
                    hosts.Add(AnsibleFacts.ToHost(name, record.Value, source, where, []));
                }

                continue;
            }

            var members = (new List<string>(), new List<string>());
            foreach (var (key, list) in new[] { ("hosts", members.Item1), ("children", members.Item2) })
            {
                if (record.Value.TryGetProperty(key, out var array) && array.ValueKind == JsonValueKind.Array)
                {
                    list.AddRange(array.EnumerateArray().Select(JsonFields.Text).OfType<string>());
                }
            }

            groups[name] = members;
            foreach (var h in members.Item1)
            {
                firstGroupAt.TryAdd(h, where);
            }
        }

        // Hosts a group names but _meta.hostvars does not (no variables, no cached facts): kept, without CPU facts.
        foreach (var (host, where) in firstGroupAt)
        {
            if (seen.Add(host))
            {
                hosts.Add(AnsibleFacts.ToHost(host, default, source, where, [], "ansible-inventory lists the host but has no facts for it (enable a fact cache and gather facts)"));
            }
        }

        var membership = Membership(groups);
        foreach (var host in hosts)
        {
            var labels = membership.TryGetValue(host.Name, out var names)
                ? HostLabel.Sort(names.Select(g => new HostLabel("group", g, $"ansible group ({source})")))
                : [];
            yield return new InventoryEntry(host with { Labels = labels }, null);
        }
    }

    /// <summary>Each host's groups, including the groups whose children contain it, without <c>all</c> and <c>ungrouped</c>.</summary>
    private static Dictionary<string, SortedSet<string>> Membership(Dictionary<string, (List<string> Hosts, List<string> Children)> groups)
    {
        var result = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var group in groups.Keys)
        {
            if (group is "all" or "ungrouped" or "_meta")
            {
                continue;
            }

            // Walk the children (groups may nest and, by mistake, loop).
            var visited = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>([group]);
            while (pending.Count > 0)
            {
                var current = pending.Pop();
                if (!visited.Add(current) || !groups.TryGetValue(current, out var members))
                {
                    continue;
                }

                foreach (var host in members.Hosts)
                {
                    if (!result.TryGetValue(host, out var set))
                    {
                        set = new SortedSet<string>(StringComparer.Ordinal);
                        result.Add(host, set);
                    }

                    set.Add(group);
                }

                foreach (var child in members.Children)
                {
                    pending.Push(child);
                }
            }
        }

        return result;
    }

    private static string OsqueryWhere(string source, SourceLocation at) =>
        at.Line > 0 ? string.Create(CultureInfo.InvariantCulture, $"{source}:{at.Line}") : source;

    private static bool IsComplete(StringBuilder json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json.ToString()), isFinalBlock: false, default);
        try
        {
            return reader.Read() && reader.TrySkip() && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray;
        }
        catch (JsonException)
        {
            // Malformed: let the parser report it with its position.
            return true;
        }
    }

    private static string? ReadLine(StreamReader reader, string source, ref long lineNumber)
    {
        try
        {
            var line = reader.ReadLine();
            if (line is not null)
            {
                lineNumber++;
            }

            return line;
        }
        catch (DecoderFallbackException)
        {
            throw new InputException(new Diagnostic(DiagnosticCodes.InventoryInvalidJson, DiagnosticSeverity.Error, new SourceLocation(source, lineNumber + 1, 0), "the Ansible output is not valid UTF-8"));
        }
    }

    private static string TrimPosition(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    // lib/ansible/plugins/callback/minimal.py: "%s | %s => %s" % (host, state, json); oneline.py the same on one line.
    [GeneratedRegex(@"^(?<host>\S[^|]*?) \| (?<state>SUCCESS|CHANGED|FAILED!|UNREACHABLE!) => (?<json>\{.*)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex SetupHeaderRegex();
}
