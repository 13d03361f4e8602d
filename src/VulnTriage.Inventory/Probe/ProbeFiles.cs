using System.Text;

namespace VulnTriage.Inventory.Probe;

/// <summary>
/// Every file the probe reads goes through here: a host path (<c>/proc/cpuinfo</c>) is resolved under the root
/// (<c>/</c>, or a captured tree), read with a size cap, and decoded strictly as UTF-8 text. Never throws for a bad file.
/// </summary>
internal sealed class ProbeFiles(string root)
{
    public string Root { get; } = root;

    public string Resolve(string hostPath) => Path.Combine(Root, hostPath.TrimStart('/'));

    public bool DirectoryExists(string hostPath) => Directory.Exists(Resolve(hostPath));

    public bool Exists(string hostPath)
    {
        var full = Resolve(hostPath);
        return File.Exists(full) || Directory.Exists(full);
    }

    /// <summary>Names (not paths) of the entries directly in a directory, sorted ordinally; empty on any error.</summary>
    public IReadOnlyList<string> ListNames(string hostPath, out string? error)
    {
        error = null;
        try
        {
            var names = Directory.EnumerateFileSystemEntries(Resolve(hostPath)).Select(Path.GetFileName).OfType<string>().ToList();
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
        problem = null;
        var full = Resolve(hostPath);
        if (Directory.Exists(full))
        {
            problem = "is a directory, not a file";
            return ReadOutcome.Problem;
        }

        if (!File.Exists(full))
        {
            return ReadOutcome.Missing;
        }

        byte[] bytes;
        var truncated = false;
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.SequentialScan);
            var buffer = new byte[Math.Min(maxBytes + 1, 1 << 16)];
            using var memory = new MemoryStream();
            int read;

            // sysfs and procfs report sizes that are not the content length: read until the end, up to the cap.
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                memory.Write(buffer, 0, read);
                if (memory.Length > maxBytes)
                {
                    truncated = true;
                    break;
                }
            }

            bytes = memory.ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = "cannot be read: " + ex.Message;
            return ReadOutcome.Problem;
        }

        if (truncated)
        {
            problem = $"is larger than {maxBytes} bytes; not read";
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
