using System.Security.Cryptography;

namespace VulnTriage.Inventory.IO;

/// <summary>
/// Writes a file whole or not at all: into a temporary file created exclusively (<c>O_CREAT|O_EXCL</c>, so never
/// through an existing file or symbolic link) with a random name in the target's own directory, then renamed onto the
/// target. In a shared directory nobody can predict the temporary name or plant a link there to make the writer
/// overwrite another file.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the content to the stream it is given.</param>
    /// <param name="flushToDisk">
    /// Whether to wait for the content to reach the disk before the rename (reports, state). Files that are cheap to make
    /// again (2,000 imported drafts) skip it: the rename still makes them whole or absent for readers.
    /// </param>
    /// <exception cref="IOException">The target cannot be written; the message says why in terms of the path given.</exception>
    public static void Write(string path, Action<Stream> write, bool flushToDisk = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new IOException($"{path} is a directory; give a file name (e.g. {Path.Combine(path, "report.md")})");
        }

        var dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir))
        {
            throw new IOException($"cannot write {path}: the directory {dir} does not exist");
        }

        string temp;
        FileStream stream;
        for (var attempt = 0; ; attempt++)
        {
            temp = Path.Combine(dir, "." + Path.GetFileName(full) + ".tmp-" + RandomName());
            try
            {
                // CreateNew is O_CREAT|O_EXCL: fails on any existing entry, a symbolic link included (never followed).
                stream = new FileStream(temp, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    Share = FileShare.None,
                    BufferSize = 1 << 16,
                });
                break;
            }
            catch (IOException) when (attempt < 8 && File.Exists(temp))
            {
                // Astronomically unlikely collision with another random name; try a fresh one.
            }
            catch (UnauthorizedAccessException e)
            {
                throw new IOException($"cannot write {path}: no permission to create files in {dir}", e);
            }
        }

        try
        {
            using (stream)
            {
                write(stream);
                stream.Flush(flushToDisk);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"cannot write {path}: permission denied", e);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static string RandomName()
    {
        Span<byte> bytes = stackalloc byte[9];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('/', '_').Replace('+', '-');
    }
}
