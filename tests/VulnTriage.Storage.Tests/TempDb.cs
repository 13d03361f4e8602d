using Microsoft.Extensions.Time.Testing;

namespace VulnTriage.Storage.Tests;

/// <summary>A state database file in its own temporary directory, deleted afterwards.</summary>
internal sealed class TempDb : IDisposable
{
    public TempDb()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vt-state-" + System.IO.Path.GetRandomFileName());
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, "state.db");
    }

    public static DateTimeOffset Now { get; } = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    public string Directory { get; }

    public string Path { get; }

    public StateDatabase Open() => StateDatabase.Open(Path, new FakeTimeProvider(Now));

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A killed child may still hold the file for a moment; the temp directory is left behind then.
        }
    }
}
