using System.Globalization;
using System.Text.Json;

namespace VulnTriage.Bench;

/// <summary>
/// The floor the issue measures against: one bare <see cref="Utf8JsonReader"/> pass over a file (tokens only, one
/// thread, 1 MiB buffer, no value read), as a process of its own so the benchmark times it like the CLI.
/// </summary>
internal static class TokenPass
{
    public static int Run(string path, TextWriter output)
    {
        var buffer = new byte[1 << 20];
        using var stream = File.OpenRead(path);
        int start = 0, end = 0;
        var eof = false;
        var state = new JsonReaderState();
        long tokens = 0;
        while (true)
        {
            if (!eof)
            {
                Array.Copy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
                int read;
                while (end < buffer.Length && (read = stream.Read(buffer, end, buffer.Length - end)) > 0)
                {
                    end += read;
                }

                eof = end < buffer.Length;
            }

            var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), eof, state);
            while (reader.Read())
            {
                tokens++;
            }

            start += (int)reader.BytesConsumed;
            state = reader.CurrentState;
            if (eof)
            {
                break;
            }

            if (start == 0 && end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{tokens} tokens"));
        return 0;
    }
}
