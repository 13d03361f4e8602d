using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VulnTriage.Inventory.Json;

/// <summary>What <see cref="JsonStructure.FindEnd"/> found.</summary>
internal enum StructureScan
{
    /// <summary>The matching close bracket is at the returned index.</summary>
    Found,

    /// <summary>The data ends before the value does.</summary>
    NeedMoreData,

    /// <summary>A close bracket of the wrong kind, or nesting deeper than allowed, at the returned index: let a real parser say what is wrong.</summary>
    Malformed,
}

/// <summary>
/// A structural scan over UTF-8 JSON, 64 bytes at a time (the technique of simdjson's first stage): quote, backslash
/// and bracket bytes become bit masks, escaped quotes are removed, a prefix XOR of the quotes marks the bytes inside
/// strings, and only the brackets outside strings are walked one by one. It finds where an object or array ends without
/// tokenizing what is inside, which is what lets the readers skip the subtrees they never read and split an inventory at
/// host boundaries for several threads.
/// </summary>
/// <remarks>
/// It checks structure only: brackets balance and match in kind, strings end, nesting stays within the limit. Anything
/// else inside the value (a bad literal, a missing comma) is not seen; callers that read a value parse it for real.
/// </remarks>
internal static class JsonStructure
{
    private const ulong EvenBits = 0x5555555555555555UL;

    /// <summary>
    /// Finds the bracket that closes the object or array opening at <paramref name="data"/>[<paramref name="start"/>].
    /// </summary>
    /// <param name="data">The bytes.</param>
    /// <param name="start">Index of the opening <c>{</c> or <c>[</c>.</param>
    /// <param name="maxDepth">Deepest nesting allowed inside, counting the value itself as 1.</param>
    /// <param name="index">Found: the closing bracket. Malformed: the offending bracket. NeedMoreData: the opening quote of a string still open at the end, or -1.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static StructureScan FindEnd(ReadOnlySpan<byte> data, int start, int maxDepth, out int index)
    {
        // Kinds of the open brackets, one bit per level (1 = object); deeper than 64 levels spills to an array.
        Span<ulong> kinds = stackalloc ulong[Math.Max(1, (Math.Max(1, maxDepth) + 63) / 64)];
        var depth = 0;
        ulong prevInString = 0;
        ulong prevEscaped = 0;
        var lastQuote = -1;
        Span<byte> tail = stackalloc byte[64];
        for (var block = start; block < data.Length; block += 64)
        {
            scoped ReadOnlySpan<byte> chunk;
            ulong valid;
            if (block + 64 <= data.Length)
            {
                chunk = data.Slice(block, 64);
                valid = ulong.MaxValue;
            }
            else
            {
                // The last partial block, padded with spaces (no structural meaning).
                var n = data.Length - block;
                tail.Fill((byte)' ');
                data[block..].CopyTo(tail);
                chunk = tail;
                valid = (1UL << n) - 1;
            }

            Masks(chunk, out var quote, out var backslash, out var open, out var close);
            var escaped = backslash == 0 && prevEscaped == 0 ? 0 : Escaped(backslash, ref prevEscaped);
            quote &= ~escaped & valid;
            var inString = PrefixXor(quote) ^ prevInString;
            prevInString = unchecked((ulong)((long)inString >> 63));
            if (quote != 0)
            {
                lastQuote = block + 63 - BitOperations.LeadingZeroCount(quote);
            }

            var structural = (open | close) & ~inString & valid;
            while (structural != 0)
            {
                var bit = BitOperations.TrailingZeroCount(structural);
                structural &= structural - 1;
                var at = block + bit;
                var b = chunk[bit];
                if (b is (byte)'{' or (byte)'[')
                {
                    if (depth >= maxDepth)
                    {
                        index = at;
                        return StructureScan.Malformed;
                    }

                    ref var word = ref kinds[depth >> 6];
                    var mask = 1UL << (depth & 63);
                    word = b == (byte)'{' ? word | mask : word & ~mask;
                    depth++;
                }
                else
                {
                    if (depth == 0)
                    {
                        index = at;
                        return StructureScan.Malformed;
                    }

                    depth--;
                    var isObject = (kinds[depth >> 6] & (1UL << (depth & 63))) != 0;
                    if (isObject != (b == (byte)'}'))
                    {
                        index = at;
                        return StructureScan.Malformed;
                    }

                    if (depth == 0)
                    {
                        index = at;
                        return StructureScan.Found;
                    }
                }
            }
        }

        index = prevInString != 0 ? lastQuote : -1;
        return StructureScan.NeedMoreData;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Masks(ReadOnlySpan<byte> chunk, out ulong quote, out ulong backslash, out ulong open, out ulong close)
    {
        ref var first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(chunk);
        var v0 = Vector128.LoadUnsafe(ref first);
        var v1 = Vector128.LoadUnsafe(ref first, 16);
        var v2 = Vector128.LoadUnsafe(ref first, 32);
        var v3 = Vector128.LoadUnsafe(ref first, 48);
        quote = Bits(v0, v1, v2, v3, (byte)'"');
        backslash = Bits(v0, v1, v2, v3, (byte)'\\');

        // '{' 0x7B and '[' 0x5B differ only in bit 0x20, as do '}' 0x7D and ']' 0x5D: one compare each after clearing it.
        var fold = Vector128.Create((byte)0xDF);
        open = Bits(v0 & fold, v1 & fold, v2 & fold, v3 & fold, (byte)'[');
        close = Bits(v0 & fold, v1 & fold, v2 & fold, v3 & fold, (byte)']');
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Bits(Vector128<byte> v0, Vector128<byte> v1, Vector128<byte> v2, Vector128<byte> v3, byte c)
    {
        var needle = Vector128.Create(c);
        return Vector128.Equals(v0, needle).ExtractMostSignificantBits()
            | ((ulong)Vector128.Equals(v1, needle).ExtractMostSignificantBits() << 16)
            | ((ulong)Vector128.Equals(v2, needle).ExtractMostSignificantBits() << 32)
            | ((ulong)Vector128.Equals(v3, needle).ExtractMostSignificantBits() << 48);
    }

    /// <summary>Bits of the bytes escaped by a backslash (the byte after an odd run of backslashes), carrying across blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Escaped(ulong backslash, ref ulong prevEscaped)
    {
        backslash &= ~prevEscaped;
        var followsEscape = (backslash << 1) | prevEscaped;
        var oddSequenceStarts = backslash & ~EvenBits & ~followsEscape;
        var sum = unchecked(oddSequenceStarts + backslash);
        prevEscaped = sum < oddSequenceStarts ? 1UL : 0UL;
        var invertMask = sum << 1;
        return (EvenBits ^ invertMask) & followsEscape;
    }

    /// <summary>Bit i is the XOR of bits 0..i: set from an opening quote up to (not including) its closing quote.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong PrefixXor(ulong x)
    {
        x ^= x << 1;
        x ^= x << 2;
        x ^= x << 4;
        x ^= x << 8;
        x ^= x << 16;
        x ^= x << 32;
        return x;
    }
}
