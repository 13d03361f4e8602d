using System.Collections.Immutable;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Inventory.Facts;

/// <summary>
/// The <c>--facts DIR</c> directory: one JSON file per host, named <c>&lt;host name&gt;.json</c> or
/// <c>&lt;host id&gt;.json</c>, holding firmware versions the inventory cannot know, e.g.
/// <c>{"firmware":[{"kind":"me","version":"11.8.50.3425","amt":true,"source":"MEInfo"}],"notes":["..."]}</c>.
/// </summary>
/// <remarks>
/// Every <c>*.json</c> file directly in the directory is read when loading; a file that is not valid JSON or names
/// a bad firmware kind or version fails the whole load (a wrong fact is worse than none). Unknown keys are ignored,
/// so the later probe format (<c>{"schema":"vulntriage-probe/1","cpu":...,"firmware":[...],"notes":[...]}</c>)
/// reads as well. Hosts are matched by exact file name only, never by building a path from a host name.
/// </remarks>
public sealed class FactsDirectory
{
    /// <summary>Largest facts file accepted, in bytes.</summary>
    public const int MaxFileBytes = 4 << 20;

    private readonly Dictionary<string, HostFacts> _byStem;

    private FactsDirectory(string location, Dictionary<string, HostFacts> byStem)
    {
        Location = location;
        _byStem = byStem;
    }

    /// <summary>The directory, as given.</summary>
    public string Location { get; }

    /// <summary>How many facts files were loaded.</summary>
    public int Count => _byStem.Count;

    /// <summary>Reads every <c>*.json</c> file directly in <paramref name="directory"/>.</summary>
    /// <param name="directory">The facts directory.</param>
    /// <param name="report">Receives non-fatal diagnostics (e.g. an unknown probe schema version).</param>
    /// <returns>The loaded facts.</returns>
    /// <exception cref="InputException">
    /// VT3003 when the directory or a file cannot be read; VT3001 for invalid JSON, a wrong shape or a bad kind;
    /// VT3002 for an unparseable firmware version. Each carries the file and line/byte location.
    /// </exception>
    public static FactsDirectory Load(string directory, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(report);

        List<string> files;
        try
        {
            if (File.Exists(directory))
            {
                throw Unreadable(directory, "is a file, not a directory: --facts takes a directory of <host name>.json or <host id>.json files");
            }

            if (!Directory.Exists(directory))
            {
                throw Unreadable(directory, "the facts directory does not exist");
            }

            files = [.. Directory.EnumerateFiles(directory, "*", new EnumerationOptions
            {
                RecurseSubdirectories = false,
                IgnoreInaccessible = false,
                MatchType = MatchType.Simple,
                AttributesToSkip = FileAttributes.None,
            })];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Unreadable(directory, "the facts directory cannot be read: " + ex.Message);
        }

        files.Sort(StringComparer.Ordinal);
        var byStem = new Dictionary<string, HostFacts>(StringComparer.Ordinal);
        foreach (var path in files)
        {
            var fileName = Path.GetFileName(path);
            if (!fileName.EndsWith(".json", StringComparison.Ordinal) || fileName.Length == ".json".Length)
            {
                continue;
            }

            // Only regular files, opened without blocking and capped by the bytes actually read: a FIFO named
            // x.json must not hang the run, nor a link to /dev/zero (length 0) fill the memory.
            switch (IO.SafeFile.TryReadAllBytes(path, MaxFileBytes, out var bytes, out var problem))
            {
                case IO.SafeFileOutcome.Ok:
                    break;
                case IO.SafeFileOutcome.NotRegularFile or IO.SafeFileOutcome.Directory or IO.SafeFileOutcome.Missing:
                    report(new Diagnostic(DiagnosticCodes.FactsInvalid, DiagnosticSeverity.Warning, new SourceLocation(path), $"the facts file {problem}; skipped"));
                    continue;
                case IO.SafeFileOutcome.TooLarge:
                    throw new InputException(new Diagnostic(DiagnosticCodes.FactsInvalid, DiagnosticSeverity.Error, new SourceLocation(path), $"the facts file is larger than {MaxFileBytes} bytes"));
                default:
                    throw Unreadable(path, "the facts file " + problem);
            }

            byStem[fileName[..^".json".Length]] = FactsFileParser.Parse(bytes, path, report);
        }

        return new FactsDirectory(directory, byStem);
    }

    /// <summary>The facts for <paramref name="host"/>: <c>&lt;name&gt;.json</c> first, then <c>&lt;id&gt;.json</c>.</summary>
    /// <returns>The facts, or <c>null</c> when no file names the host.</returns>
    public HostFacts? Find(Host host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (IsPlainFileStem(host.Name) && _byStem.TryGetValue(host.Name, out var byName))
        {
            return byName;
        }

        return IsPlainFileStem(host.Id) && _byStem.TryGetValue(host.Id, out var byId) ? byId : null;
    }

    /// <summary>Facts files (<c>name.json</c>, sorted) that match no host's name or id, for an info diagnostic (VT3004).</summary>
    public IEnumerable<string> UnmatchedFiles(IEnumerable<Host> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var host in hosts)
        {
            known.Add(host.Name);
            known.Add(host.Id);
        }

        return _byStem.Keys.Where(stem => !known.Contains(stem)).Order(StringComparer.Ordinal).Select(stem => stem + ".json").ToImmutableArray();
    }

    /// <summary>
    /// Host names are attacker-controlled: only a name that could be one file name in one directory can match
    /// (no separators, no <c>.</c>/<c>..</c>, no NUL), so nothing like <c>../../etc/x</c> ever selects a file.
    /// </summary>
    internal static bool IsPlainFileStem(string? name) =>
        !string.IsNullOrEmpty(name)
        && name is not ("." or "..")
        && name.AsSpan().IndexOfAny('/', '\\', '\0') < 0;

    private static InputException Unreadable(string path, string message) =>
        new(new Diagnostic(DiagnosticCodes.FactsDirectoryUnreadable, DiagnosticSeverity.Error, new SourceLocation(path), message));
}
