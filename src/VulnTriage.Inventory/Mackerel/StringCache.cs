using System.Text;

namespace VulnTriage.Inventory.Mackerel;

/// <summary>
/// A small most-recently-added cache from UTF-8 bytes to strings, so values repeated across hosts (brand strings,
/// vendor ids, service and role names) share one instance. Invalid UTF-8 throws <see cref="DecoderFallbackException"/>.
/// </summary>
internal sealed class StringCache
{
    private const int Size = 64;
    private const int MaxBytes = 256;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[][] _keys = new byte[Size][];
    private readonly string[] _values = new string[Size];
    private int _count;
    private int _next;

    public string Get(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            return StrictUtf8.GetString(bytes);
        }

        for (var i = 0; i < _count; i++)
        {
            var key = _keys[i];
            if (key.Length == bytes.Length && bytes.SequenceEqual(key))
            {
                return _values[i];
            }
        }

        var text = StrictUtf8.GetString(bytes);
        _keys[_next] = bytes.ToArray();
        _values[_next] = text;
        _next = (_next + 1) % Size;
        _count = Math.Min(_count + 1, Size);
        return text;
    }
}
