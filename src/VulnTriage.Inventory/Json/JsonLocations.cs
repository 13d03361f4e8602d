using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Inventory.Json;

/// <summary>
/// Turns positions in a UTF-8 JSON buffer into <see cref="SourceLocation"/>s. Lines are counted by <c>\n</c>,
/// as <see cref="System.Text.Json.Utf8JsonReader"/> counts them; columns are 1-based bytes within the line.
/// </summary>
internal static class JsonLocations
{
    /// <summary>
    /// The location of <paramref name="index"/> in <paramref name="window"/>, where the window starts at absolute
    /// offset <paramref name="windowBase"/>, is preceded by <paramref name="linesBefore"/> newlines, and the line
    /// containing the window's first byte starts at absolute offset <paramref name="lineStartBefore"/>.
    /// </summary>
    public static SourceLocation At(
        string source, ReadOnlySpan<byte> window, int index, long windowBase, long linesBefore, long lineStartBefore)
    {
        index = Math.Clamp(index, 0, window.Length);
        var prefix = window[..index];
        var line = linesBefore + prefix.Count((byte)'\n');
        var lastNewline = prefix.LastIndexOf((byte)'\n');
        var lineStart = lastNewline >= 0 ? windowBase + lastNewline + 1 : lineStartBefore;
        var absolute = windowBase + index;
        return new SourceLocation(source, line + 1, absolute - lineStart + 1, absolute);
    }

    /// <summary>
    /// The location a <see cref="System.Text.Json.JsonException"/> names (0-based line and byte-in-line), made
    /// 1-based, with the absolute byte offset recovered from the window when the line lies in it.
    /// </summary>
    public static SourceLocation FromReaderPosition(
        string source, long? line0, long? bytePositionInLine0, ReadOnlySpan<byte> window, long windowBase, long linesBefore,
        long lineStartBefore)
    {
        if (line0 is not { } line || bytePositionInLine0 is not { } column)
        {
            return new SourceLocation(source);
        }

        long lineStart = -1;
        if (line == linesBefore)
        {
            lineStart = lineStartBefore;
        }
        else if (line > linesBefore)
        {
            var wanted = line - linesBefore;
            var offset = 0;
            while (wanted > 0)
            {
                var next = window[offset..].IndexOf((byte)'\n');
                if (next < 0)
                {
                    break;
                }

                offset += next + 1;
                wanted--;
            }

            if (wanted == 0)
            {
                lineStart = windowBase + offset;
            }
        }

        return new SourceLocation(source, line + 1, column + 1, lineStart >= 0 ? lineStart + column : -1);
    }
}
