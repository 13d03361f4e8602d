using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Inventory.Sources;

/// <summary>
/// The one place the inventory readers open files and list directories, so that the rules for opening hostile paths
/// (regular files only, byte caps) apply to every reader alike.
/// </summary>
internal static class InventoryFiles
{
    /// <summary>Largest single per-host file (Ansible facts, probe output) read whole, in bytes.</summary>
    public const int MaxHostFileBytes = 16 << 20;

    /// <summary>Opens <paramref name="path"/> for sequential reading.</summary>
    /// <exception cref="InputException">VT1007 when it cannot be opened.</exception>
    public static Stream OpenRead(string path)
    {
        // Regular files only, opened without blocking (a FIFO or device named as an inventory must not hang the run),
        // and errors that say what is wrong with the path rather than what the OS call reported.
        var outcome = IO.SafeFile.TryOpenRegular(path, out var stream, out var problem);
        return outcome switch
        {
            IO.SafeFileOutcome.Ok => stream!,
            IO.SafeFileOutcome.Directory => throw Unreadable(path, "is a directory; name a file (or use ansible:DIR / probe:DIR for a folder of per-host files)"),
            IO.SafeFileOutcome.Missing => throw Unreadable(path, "no such file; --inventory takes a file (mkr hosts -v output, an osquery log, a CSV …), a folder, - for standard input, or mackerel for the API"),
            _ => throw Unreadable(path, problem ?? "cannot be read"),
        };
    }

    /// <summary>Reads a whole per-host file, refusing one larger than <paramref name="maxBytes"/> (counted as read).</summary>
    /// <exception cref="InputException">VT1007 when it cannot be read, VT1005 when it is too large.</exception>
    public static byte[] ReadAll(string path, int maxBytes = MaxHostFileBytes)
    {
        using var stream = OpenRead(path);
        return ReadAll(stream, path, maxBytes);
    }

    /// <summary>Reads a whole stream (a per-host document given as a file or on standard input), refusing more than <paramref name="maxBytes"/>.</summary>
    /// <exception cref="InputException">VT1007 when it cannot be read, VT1005 when it is too large.</exception>
    public static byte[] ReadAll(Stream stream, string path, int maxBytes = MaxHostFileBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        try
        {
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new InputException(new Diagnostic(DiagnosticCodes.InventoryValueTooLarge, DiagnosticSeverity.Error, new SourceLocation(path), $"the file is larger than {maxBytes} bytes"));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (IOException e)
        {
            throw Unreadable(path, e.Message);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The files directly in <paramref name="directory"/>, sorted by name (ordinal), leaving out hidden files
    /// (names starting with <c>.</c>) and subdirectories.
    /// </summary>
    /// <exception cref="InputException">VT1007 when the directory cannot be listed.</exception>
    public static IReadOnlyList<string> ListFiles(string directory)
    {
        try
        {
            if (!Directory.Exists(directory))
            {
                throw Unreadable(directory, "the directory does not exist");
            }

            var files = new List<string>();
            foreach (var info in new DirectoryInfo(directory).EnumerateFiles("*", new EnumerationOptions
            {
                RecurseSubdirectories = false,
                IgnoreInaccessible = false,
                MatchType = MatchType.Simple,
                AttributesToSkip = FileAttributes.None,
            }))
            {
                // Telling FIFOs and devices apart needs the shared regular-file check (issue 16); until then only names and
                // directory attributes are filtered here, and every open goes through OpenRead.
                if (info.Name.StartsWith('.') || (info.Attributes & (FileAttributes.Device | FileAttributes.Directory)) != 0)
                {
                    continue;
                }

                files.Add(Path.Combine(directory, info.Name));
            }

            files.Sort(StringComparer.Ordinal);
            return files;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Unreadable(directory, e.Message);
        }
    }

    private static InputException Unreadable(string path, string message) =>
        new(new Diagnostic(DiagnosticCodes.InventoryUnreadable, DiagnosticSeverity.Error, new SourceLocation(path), "cannot read the inventory: " + message));
}
