using System.Collections.Immutable;

namespace VulnTriage.Core.Identification;

/// <summary>
/// What is known about one attribute of a processor: <b>Unknown</b> (nothing is known; any value is possible), or
/// <b>Known</b> with the set of values that are still possible. <c>Known(∅)</c> is a real answer: the attribute does not
/// exist for this part (an Intel N-series processor has no Core generation), and rules over it are false, not
/// indeterminate.
/// </summary>
/// <typeparam name="T">The attribute's value type (string identifiers, enums, integers).</typeparam>
/// <remarks>
/// Knowledge from the brand string and from the CPUID signature is combined with <see cref="Intersect"/>: each
/// source narrows what is possible; Unknown narrows nothing. Values are kept distinct and sorted (ordinal for strings)
/// so that equal knowledge compares equal and prints the same.
/// </remarks>
#pragma warning disable CA1000 // Factories on the generic type read as ValueSet<string>.Unknown, as ImmutableArray<T>.Empty does in the BCL.
public readonly struct ValueSet<T> : IEquatable<ValueSet<T>>
    where T : notnull
{
    private static readonly IComparer<T> Order = typeof(T) == typeof(string) ? (IComparer<T>)(object)StringComparer.Ordinal : Comparer<T>.Default;

    private readonly ImmutableArray<T> _values;

    private ValueSet(ImmutableArray<T> values)
    {
        IsKnown = true;
        _values = values;
    }

    /// <summary>Nothing is known: every value is possible.</summary>
    public static ValueSet<T> Unknown => default;

    /// <summary>Known to have no value (the attribute does not apply to this part).</summary>
    public static ValueSet<T> None { get; } = new([]);

    /// <summary>Whether anything is known.</summary>
    public bool IsKnown { get; }

    /// <summary>The possible values, sorted and distinct; empty when unknown (check <see cref="IsKnown"/>).</summary>
    public ImmutableArray<T> Values => IsKnown ? _values : [];

    /// <summary>Whether the set is known and holds exactly one value.</summary>
    public bool IsSingle => IsKnown && _values.Length == 1;

    /// <summary>Known, holding the given values.</summary>
    public static ValueSet<T> Of(IEnumerable<T> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var set = new SortedSet<T>(values, Order);
        return new([.. set]);
    }

    /// <summary>Known, holding the given values.</summary>
    public static ValueSet<T> Of(params T[] values) => Of((IEnumerable<T>)values);

    /// <summary>Known with one value, or Unknown when <paramref name="value"/> is null.</summary>
    public static ValueSet<T> OfNullable(T? value) => value is null ? Unknown : Of(value);

    /// <summary>What both sources allow. Unknown ∩ X = X; Known A ∩ Known B = Known(A ∩ B).</summary>
    public ValueSet<T> Intersect(ValueSet<T> other)
    {
        if (!IsKnown)
        {
            return other;
        }

        if (!other.IsKnown)
        {
            return this;
        }

        var theirs = other._values;
        return new([.. _values.Where(v => theirs.Contains(v))]);
    }

    /// <summary>What either source allows. Unknown ∪ X = Unknown.</summary>
    public ValueSet<T> Union(ValueSet<T> other) => !IsKnown || !other.IsKnown ? Unknown : Of(_values.Concat(other._values));

    /// <summary>
    /// Three-valued membership: is the attribute's value among <paramref name="allowed"/>? <see cref="Truth.True"/> when
    /// every possible value is allowed (and there is at least one), <see cref="Truth.False"/> when no possible value is
    /// (including Known(∅)), <see cref="Truth.Unknown"/> when nothing is known or only some possible values are allowed.
    /// </summary>
    public Truth In(IEnumerable<T> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        if (!IsKnown)
        {
            return Truth.Unknown;
        }

        var set = allowed as IReadOnlyCollection<T> ?? [.. allowed];
        var any = false;
        var all = true;
        foreach (var v in _values)
        {
            if (set.Contains(v))
            {
                any = true;
            }
            else
            {
                all = false;
            }
        }

        return !any ? Truth.False : all ? Truth.True : Truth.Unknown;
    }

    /// <summary>Three-valued test of a predicate over the possible values, as <see cref="In"/>.</summary>
    public Truth All(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        if (!IsKnown)
        {
            return Truth.Unknown;
        }

        var any = false;
        var all = true;
        foreach (var v in _values)
        {
            if (predicate(v))
            {
                any = true;
            }
            else
            {
                all = false;
            }
        }

        return !any ? Truth.False : all ? Truth.True : Truth.Unknown;
    }

    /// <summary><c>unknown</c>, <c>none</c>, or the values joined with <c>|</c>.</summary>
    public override string ToString() => !IsKnown ? "unknown" : _values.Length == 0 ? "none" : string.Join("|", _values.Select(v => Format(v)));

    /// <inheritdoc />
    public bool Equals(ValueSet<T> other) => IsKnown == other.IsKnown && (!IsKnown || _values.SequenceEqual(other._values));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ValueSet<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        if (!IsKnown)
        {
            return 0;
        }

        var hash = new HashCode();
        hash.Add(_values.Length);
        foreach (var v in _values)
        {
            hash.Add(v);
        }

        return hash.ToHashCode();
    }
#pragma warning restore CA1000

    /// <summary>Equality.</summary>
    public static bool operator ==(ValueSet<T> left, ValueSet<T> right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ValueSet<T> left, ValueSet<T> right) => !left.Equals(right);

    private static string Format(T value) => value switch
    {
        Enum e => e.ToString().ToLowerInvariant(),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>Kleene's three-valued logic: the answer of a rule or predicate when facts may be missing.</summary>
public enum Truth
{
    /// <summary>A known fact contradicts it.</summary>
    False,

    /// <summary>What it needs is not known: indeterminate.</summary>
    Unknown,

    /// <summary>Known to hold.</summary>
    True,
}

/// <summary>Kleene connectives.</summary>
public static class TruthLogic
{
    /// <summary>False if any is false; else Unknown if any is unknown; else True.</summary>
    public static Truth And(Truth a, Truth b) => a == Truth.False || b == Truth.False ? Truth.False
        : a == Truth.Unknown || b == Truth.Unknown ? Truth.Unknown : Truth.True;

    /// <summary>True if any is true; else Unknown if any is unknown; else False.</summary>
    public static Truth Or(Truth a, Truth b) => a == Truth.True || b == Truth.True ? Truth.True
        : a == Truth.Unknown || b == Truth.Unknown ? Truth.Unknown : Truth.False;

    /// <summary>Swaps True and False; Unknown stays Unknown.</summary>
    public static Truth Not(Truth a) => a switch
    {
        Truth.True => Truth.False,
        Truth.False => Truth.True,
        _ => Truth.Unknown,
    };

    /// <summary>From a two-valued answer.</summary>
    public static Truth Of(bool value) => value ? Truth.True : Truth.False;

    /// <summary>lower-case wire name: <c>true</c>, <c>false</c>, <c>unknown</c>.</summary>
    public static string ToWire(this Truth truth) => truth switch
    {
        Truth.True => "true",
        Truth.False => "false",
        _ => "unknown",
    };
}
