using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace VulnTriage.Inventory.IO;

/// <summary>How opening or reading one file went.</summary>
public enum SafeFileOutcome
{
    /// <summary>Read (or opened).</summary>
    Ok,

    /// <summary>Nothing at that path.</summary>
    Missing,

    /// <summary>The path is a directory.</summary>
    Directory,

    /// <summary>The path is a FIFO, a device or a socket: never read (it could block forever or never end).</summary>
    NotRegularFile,

    /// <summary>More bytes than the cap were read.</summary>
    TooLarge,

    /// <summary>Permission denied or another I/O error.</summary>
    Unreadable,
}

/// <summary>
/// Opens files from places an attacker may shape (facts directories, captured probe trees) so that only regular files
/// are read: the file is opened without blocking (<c>O_NONBLOCK</c>, so a FIFO cannot hang the run), its type is taken
/// from the open descriptor (so it cannot change between check and read), and the size cap counts the bytes actually
/// read (a link to <c>/dev/zero</c> reports length 0 and never ends).
/// </summary>
/// <remarks>
/// .NET 10 has no API for the type of an open file (<c>SafeFileHandle.Type</c> arrives in .NET 11) and no way to pass
/// <c>O_NONBLOCK</c>, hence the two system calls below (Linux, glibc). Elsewhere the managed fallback refuses
/// directories and still caps by bytes read.
/// </remarks>
public static partial class SafeFile
{
    private const int ENOENT = 2;
    private const int ENXIO = 6;
    private const int EACCES = 13;
    private const int ENOTDIR = 20;
    private const int ELOOP = 40;

    /// <summary>Opens <paramref name="path"/> for reading if, and only if, it is a regular file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="stream">The open file (caller disposes) when the outcome is <see cref="SafeFileOutcome.Ok"/>.</param>
    /// <param name="problem">What is wrong, in words, otherwise.</param>
    /// <returns>The outcome.</returns>
    public static SafeFileOutcome TryOpenRegular(string path, out FileStream? stream, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(path);
        stream = null;
        problem = null;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                return OpenLinux(path, out stream, out problem);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // Not glibc: fall through to the managed checks.
            }
        }

        if (System.IO.Directory.Exists(path))
        {
            problem = "is a directory, not a file";
            return SafeFileOutcome.Directory;
        }

        if (!File.Exists(path))
        {
            problem = "does not exist";
            return SafeFileOutcome.Missing;
        }

        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            return SafeFileOutcome.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = "cannot be read: " + e.Message;
            return SafeFileOutcome.Unreadable;
        }
    }

    /// <summary>Reads a regular file whole, refusing more than <paramref name="maxBytes"/> bytes (counted as read).</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The cap.</param>
    /// <param name="bytes">The content when the outcome is <see cref="SafeFileOutcome.Ok"/>, else empty.</param>
    /// <param name="problem">What is wrong, in words, otherwise.</param>
    /// <returns>The outcome.</returns>
    public static SafeFileOutcome TryReadAllBytes(string path, int maxBytes, out byte[] bytes, out string? problem)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        bytes = [];
        var outcome = TryOpenRegular(path, out var stream, out problem);
        if (outcome != SafeFileOutcome.Ok)
        {
            return outcome;
        }

        using (stream)
        {
            try
            {
                using var memory = new MemoryStream();
                var buffer = new byte[Math.Min(maxBytes + 1, 1 << 16)];
                int read;

                // Never trust the reported length (procfs/sysfs report 4096 or 0): count what arrives.
                while ((read = stream!.Read(buffer, 0, buffer.Length)) > 0)
                {
                    if (memory.Length + read > maxBytes)
                    {
                        problem = $"is larger than {maxBytes} bytes; not read";
                        return SafeFileOutcome.TooLarge;
                    }

                    memory.Write(buffer, 0, read);
                }

                bytes = memory.ToArray();
                return SafeFileOutcome.Ok;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problem = "cannot be read: " + e.Message;
                return SafeFileOutcome.Unreadable;
            }
        }
    }

    private static SafeFileOutcome OpenLinux(string path, out FileStream? stream, out string? problem)
    {
        stream = null;
        problem = null;
        const int ORdOnly = 0, ONoCtty = 0x100, ONonBlock = 0x800, OCloExec = 0x80000;
        var fd = Open(path, ORdOnly | ONoCtty | ONonBlock | OCloExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            (var outcome, problem) = errno switch
            {
                ENOENT or ENOTDIR => (SafeFileOutcome.Missing, "does not exist"),
                ENXIO => (SafeFileOutcome.NotRegularFile, "is a socket or a device without a reader, not a regular file; not read"),
                EACCES => (SafeFileOutcome.Unreadable, "cannot be read: permission denied"),
                ELOOP => (SafeFileOutcome.Unreadable, "cannot be read: too many levels of symbolic links"),
                _ => (SafeFileOutcome.Unreadable, "cannot be read: " + Marshal.GetPInvokeErrorMessage(errno)),
            };
            return outcome;
        }

        var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
        var type = FileType(fd);
        if (type != SIfReg)
        {
            handle.Dispose();
            (var outcome, problem) = type switch
            {
                SIfDir => (SafeFileOutcome.Directory, "is a directory, not a file"),
                SIfIfo => (SafeFileOutcome.NotRegularFile, "is a FIFO (named pipe), not a regular file; not read"),
                SIfChr or SIfBlk => (SafeFileOutcome.NotRegularFile, "is a device, not a regular file; not read"),
                SIfSock => (SafeFileOutcome.NotRegularFile, "is a socket, not a regular file; not read"),
                _ => (SafeFileOutcome.NotRegularFile, "is not a regular file; not read"),
            };
            return outcome;
        }

        try
        {
            stream = new FileStream(handle, FileAccess.Read, 1);
            return SafeFileOutcome.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            handle.Dispose();
            problem = "cannot be read: " + e.Message;
            return SafeFileOutcome.Unreadable;
        }
    }

    private const int SIfMt = 0xF000;
    private const int SIfIfo = 0x1000;
    private const int SIfChr = 0x2000;
    private const int SIfDir = 0x4000;
    private const int SIfBlk = 0x6000;
    private const int SIfReg = 0x8000;
    private const int SIfSock = 0xC000;

    /// <summary>The <c>S_IFMT</c> bits of an open descriptor, from <c>statx(fd, "", AT_EMPTY_PATH, STATX_TYPE)</c>.</summary>
    /// <remarks><c>struct statx</c> has one layout on every architecture; <c>stx_mode</c> is the u16 at offset 28.</remarks>
    private static int FileType(int fd)
    {
        const int AtEmptyPath = 0x1000;
        const uint StatxType = 0x1;
        var buffer = new byte[256];
        if (Statx(fd, "", AtEmptyPath, StatxType, buffer) != 0)
        {
            return 0;
        }

        return BitConverter.ToUInt16(buffer, 28) & SIfMt;
    }

    [LibraryImport("libc.so.6", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);
}
