using System.Runtime.InteropServices;

namespace VulnTriage.Inventory.Mackerel;

/// <summary>
/// A bounded map from byte strings to values, looked up by span without allocating. Once it holds
/// <c>maxEntries</c> keys or <c>maxBytes</c> of them it stops adding (a hostile input of all-distinct keys costs a
/// bounded amount), and lookups keep working.
/// </summary>
internal sealed class ByteKeyedCache<TValue>(int maxEntries, long maxBytes)
{
    private readonly Dictionary<byte[], TValue> _items = new(BytesComparer.Instance);
    private long _bytes;

    public int Count => _items.Count;

    public bool TryGet(ReadOnlySpan<byte> key, out TValue value) =>
        _items.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out value!);

    public void Add(ReadOnlySpan<byte> key, TValue value)
    {
        if (_items.Count >= maxEntries || _bytes + key.Length > maxBytes)
        {
            return;
        }

        if (_items.TryAdd(key.ToArray(), value))
        {
            _bytes += key.Length;
        }
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly BytesComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        /// <summary>
        /// A hash of every byte, four 64-bit multiply-rotate lanes at a time (a few GB/s), finished through
        /// <see cref="HashCode"/>, whose per-process random seed keeps crafted collisions out of reach.
        /// </summary>
        private static int Hash(ReadOnlySpan<byte> key)
        {
            const ulong P1 = 0x9E3779B185EBCA87UL;
            const ulong P2 = 0xC2B2AE3D27D4EB4FUL;
            unchecked
            {
                ulong a = P1, b = P2, c = P1 ^ P2, d = P2 - P1;
                var words = MemoryMarshal.Cast<byte, ulong>(key);
                var i = 0;
                for (; i + 4 <= words.Length; i += 4)
                {
                    a = ulong.RotateLeft(a ^ (words[i] * P2), 31) * P1;
                    b = ulong.RotateLeft(b ^ (words[i + 1] * P2), 31) * P1;
                    c = ulong.RotateLeft(c ^ (words[i + 2] * P2), 31) * P1;
                    d = ulong.RotateLeft(d ^ (words[i + 3] * P2), 31) * P1;
                }

                for (; i < words.Length; i++)
                {
                    a = ulong.RotateLeft(a ^ (words[i] * P2), 31) * P1;
                }

                for (var j = words.Length * 8; j < key.Length; j++)
                {
                    b = ulong.RotateLeft(b ^ (key[j] * P2), 31) * P1;
                }

                return HashCode.Combine(a, b, c, d, key.Length);
            }
        }
    }
}
