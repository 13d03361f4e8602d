using System.Collections.Immutable;
using System.Text;

namespace VulnTriage.Core.Cpe;

/// <summary>
/// A CPE 2.3 name (a well-formed name, WFN, NISTIR 7695) with its eleven attributes, read from and written as the
/// formatted-string binding <c>cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other</c>.
/// Immutable; <see cref="TryParse"/> validates.
/// </summary>
public sealed record CpeName
{
    /// <summary>Attribute names in binding order.</summary>
    public static ImmutableArray<string> AttributeNames { get; } =
        ["part", "vendor", "product", "version", "update", "edition", "language", "sw_edition", "target_sw", "target_hw", "other"];

    /// <summary>Longest formatted string accepted (NVD's longest criteria are a few hundred characters).</summary>
    public const int MaxLength = 1024;

    private const string Prefix = "cpe:2.3:";

    private CpeName(ImmutableArray<CpeValue> attributes)
    {
        Attributes = attributes;
    }

    /// <summary>The eleven attribute values, in binding order (<see cref="AttributeNames"/>).</summary>
    public ImmutableArray<CpeValue> Attributes { get; }

    /// <summary><c>part</c>: <c>a</c> (application), <c>o</c> (operating system or firmware), <c>h</c> (hardware), or ANY.</summary>
    public CpeValue Part => Attributes[0];

    /// <summary><c>vendor</c>.</summary>
    public CpeValue Vendor => Attributes[1];

    /// <summary><c>product</c>.</summary>
    public CpeValue Product => Attributes[2];

    /// <summary><c>version</c>.</summary>
    public CpeValue Version => Attributes[3];

    /// <summary><c>target_hw</c>.</summary>
    public CpeValue TargetHardware => Attributes[9];

    /// <summary>A name from its attribute values; ANY for every attribute not given.</summary>
    public static CpeName Create(char part, string vendor, string product, CpeValue? version = null)
    {
        ArgumentNullException.ThrowIfNull(vendor);
        ArgumentNullException.ThrowIfNull(product);
        var values = Enumerable.Repeat(CpeValue.Any, 11).ToArray();
        values[0] = CpeValue.Of(part.ToString());
        values[1] = CpeValue.Of(vendor);
        values[2] = CpeValue.Of(product);
        values[3] = version ?? CpeValue.Any;
        return new CpeName([.. values]);
    }

    /// <summary>
    /// Parses the formatted-string binding. Exactly eleven components after <c>cpe:2.3:</c>, separated by unquoted colons;
    /// <c>part</c> is <c>a</c>, <c>o</c>, <c>h</c> or <c>*</c>; each component as <see cref="CpeValue.TryParse"/> reads it.
    /// </summary>
    /// <returns><c>false</c> with a one-line reason (naming the component and offset) when the text is not a CPE 2.3 name.</returns>
    public static bool TryParse(string? text, out CpeName? name, out string? error)
    {
        name = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "empty CPE name";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"CPE name longer than {MaxLength} characters";
            return false;
        }

        if (!text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            error = "a CPE 2.3 formatted string starts with 'cpe:2.3:'";
            return false;
        }

        var components = new List<(string Text, int Offset)>(11);
        var start = Prefix.Length;
        for (var i = start; i <= text.Length; i++)
        {
            if (i == text.Length || (text[i] == ':' && !IsQuoted(text, i)))
            {
                components.Add((text[start..i], start));
                start = i + 1;
            }
        }

        if (components.Count != 11)
        {
            error = $"expected 11 components after 'cpe:2.3:' (part through other), found {components.Count}";
            return false;
        }

        var values = ImmutableArray.CreateBuilder<CpeValue>(11);
        for (var i = 0; i < 11; i++)
        {
            var (component, offset) = components[i];
            if (!CpeValue.TryParse(component, out var value, out var why, out var at))
            {
                error = $"{AttributeNames[i]} '{component}' at offset {offset + at}: {why}";
                return false;
            }

            values.Add(value!);
        }

        if (values[0] is { Kind: CpeValueKind.Text } part && !(part.Literal is "a" or "o" or "h" or "A" or "O" or "H" && !part.HasWildcards))
        {
            error = $"part '{components[0].Text}' must be a, o, h or *";
            return false;
        }

        if (values[0].Kind == CpeValueKind.NotApplicable)
        {
            error = "part '-' must be a, o, h or *";
            return false;
        }

        name = new CpeName(values.MoveToImmutable());
        error = null;
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>; for constants in code and tests.</summary>
    public static CpeName Parse(string text) =>
        TryParse(text, out var name, out var error) ? name! : throw new FormatException(error);

    /// <summary>The same name with another version value.</summary>
    public CpeName WithVersion(CpeValue version) => new(Attributes.SetItem(3, version));

    /// <summary>The formatted-string binding.</summary>
    public override string ToString()
    {
        // Bound once: drafts write, index and compare the same names many times.
        if (_bound is { } bound)
        {
            return bound;
        }

        var sb = new StringBuilder("cpe:2.3");
        foreach (var v in Attributes)
        {
            sb.Append(':').Append(v.ToString());
        }

        return _bound = sb.ToString();
    }

    private string? _bound;

    /// <inheritdoc />
    public bool Equals(CpeName? other) => other is not null && Attributes.SequenceEqual(other.Attributes);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var a in Attributes)
        {
            hash.Add(a);
        }

        return hash.ToHashCode();
    }

    private static bool IsQuoted(string s, int i)
    {
        var n = 0;
        for (var j = i - 1; j >= 0 && s[j] == '\\'; j--)
        {
            n++;
        }

        return n % 2 == 1;
    }
}
