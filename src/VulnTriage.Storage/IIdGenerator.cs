using System.Security.Cryptography;

namespace VulnTriage.Storage;

/// <summary>Makes ids for new records. Injected so tests get predictable ids.</summary>
public interface IIdGenerator
{
    /// <summary>A new id starting with <paramref name="prefix"/>, e.g. <c>d-3f9a1c0b7e</c>.</summary>
    string NewId(string prefix);
}

/// <summary>Random ids: the prefix, a dash, and 10 lower-case hex digits (40 random bits).</summary>
public sealed class RandomIdGenerator : IIdGenerator
{
    /// <summary>The one instance.</summary>
    public static RandomIdGenerator Instance { get; } = new();

    /// <inheritdoc />
    public string NewId(string prefix)
    {
        Span<byte> bytes = stackalloc byte[5];
        RandomNumberGenerator.Fill(bytes);
        return prefix + "-" + Convert.ToHexStringLower(bytes);
    }
}

/// <summary>Ids from a counter: <c>d-0001</c>, <c>d-0002</c>… (tests).</summary>
public sealed class SequentialIdGenerator : IIdGenerator
{
    private int _next;

    /// <inheritdoc />
    public string NewId(string prefix) =>
        prefix + "-" + Interlocked.Increment(ref _next).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
}
