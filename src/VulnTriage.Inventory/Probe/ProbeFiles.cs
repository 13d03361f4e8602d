using System.Text;

namespace VulnTriage.Inventory.Probe;

/// <summary>
/// Every file the probe reads goes through here: a host path (<c>/proc/cpuinfo</c>) is resolved under the root
/// (<c>/</c>, or a captured tree), read with a size cap counted on the bytes read, only when it is a regular file (a
/// FIFO or device is a problem, never opened for reading), and decoded strictly as UTF-8 text. Never throws for a bad
/// file.
/// </summary>
/// <remarks>
/// Under a <c>--root</c> other than <c>/</c> every symbolic link on the way is resolved by hand inside the root: a link
/// that leaves it (absolute, like <c>product_name → /etc/shadow</c>, or climbing out with <c>..</c>) is a problem and
/// is never followed, so a captured tree cannot make the probe print, or upload as Mackerel metadata, a file of the
/// machine that runs it.
/// </remarks>
internal sealed class ProbeFiles
{
    private const int MaxLinks = 40;
    private readonly string _rootFull;
    private readonly bool _isSystemRoot;

    public ProbeFiles(string root)
    {
        Root = root;
        _rootFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _isSystemRoot = _rootFull.Length == 0 || _rootFull == "/";
    }

    public string Root { get; }

    /// <summary>The real path of <paramref name="hostPath"/> inside the root, or <c>null</c> with the reason when a link leaves it.</summary>
    public string? Resolve(string hostPath, out string? problem)
    {
        problem = null;
        if (_isSystemRoot)
        {
            // The host's own tree: everything is inside "/", and sysfs is made of relative links.
            return "/" + hostPath.TrimStart('/');
        }

        var pending = new List<string>(hostPath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var current = _rootFull;
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending[0];
            pending.RemoveAt(0);
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (current.Length <= _rootFull.Length)
                {
                    problem = "leads out of the probe root (..); not followed";
                    return null;
                }

                current = Path.GetDirectoryName(current) ?? _rootFull;
                continue;
            }

            var next = current + "/" + part;
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                target = null;
            }

            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                problem = "has too many levels of symbolic links; not followed";
                return null;
            }

            if (Path.IsPathRooted(target))
            {
                var full = Path.GetFullPath(target);
                if (!IsInsideRoot(full))
                {
                    problem = $"is a symbolic link to {HostProbe.Cap(target)}, outside the probe root; not followed";
                    return null;
                }

                current = _rootFull;
                pending.InsertRange(0, full[_rootFull.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries));
            }
            else
            {
                var resolved = Path.GetFullPath(Path.Combine(current, target));
                if (!IsInsideRoot(resolved))
                {
                    problem = $"is a symbolic link to {HostProbe.Cap(target)}, which leads out of the probe root; not followed";
                    return null;
                }

                // Resolve the target's own components too (they may be links): restart from the directory of the link.
                pending.InsertRange(0, target.Split('/', StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return current;
    }

    public bool DirectoryExists(string hostPath) => Resolve(hostPath, out var problem) is { } full ? Directory.Exists(full) : problem is not null;

    public bool Exists(string hostPath)
    {
        if (Resolve(hostPath, out var problem) is not { } full)
        {
            return problem is not null;
        }

        return File.Exists(full) || Directory.Exists(full);
    }

    /// <summary>Names (not paths) of the entries directly in a directory, sorted ordinally; empty on any error.</summary>
    public IReadOnlyList<string> ListNames(string hostPath, out string? error)
    {
        error = null;
        if (Resolve(hostPath, out var problem) is not { } full)
        {
            error = problem;
            return [];
        }

        try
        {
            var names = Directory.EnumerateFileSystemEntries(full).Select(Path.GetFileName).OfType<string>().ToList();
            names.Sort(StringComparer.Ordinal);
            return names;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = "cannot list the directory: " + ex.Message;
            return [];
        }
    }

    /// <summary>Reads a text file.</summary>
    /// <returns>The outcome; <paramref name="text"/> is set for <see cref="ReadOutcome.Ok"/>, <paramref name="problem"/> otherwise.</returns>
    public ReadOutcome ReadText(string hostPath, int maxBytes, out string text, out string? problem)
    {
        text = "";
        if (Resolve(hostPath, out problem) is not { } full)
        {
            return ReadOutcome.Problem;
        }

        switch (IO.SafeFile.TryReadAllBytes(full, maxBytes, out var bytes, out problem))
        {
            case IO.SafeFileOutcome.Ok:
                break;
            case IO.SafeFileOutcome.Missing:
                problem = null;
                return ReadOutcome.Missing;
            default:
                return ReadOutcome.Problem;
        }

        if (bytes.AsSpan().IndexOf((byte)0) >= 0)
        {
            problem = "contains NUL bytes (binary data, not text)";
            return ReadOutcome.Problem;
        }

        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            problem = "is not valid UTF-8 text";
            return ReadOutcome.Problem;
        }

        return ReadOutcome.Ok;
    }

    private bool IsInsideRoot(string full) =>
        full == _rootFull || full.StartsWith(_rootFull + "/", StringComparison.Ordinal);
}

/// <summary>How reading one file went.</summary>
internal enum ReadOutcome
{
    /// <summary>Read.</summary>
    Ok,

    /// <summary>The file does not exist.</summary>
    Missing,

    /// <summary>The file exists but could not be read or is not text.</summary>
    Problem,
}
