using System.Globalization;

namespace VulnTriage.Core.Versions;

/// <summary>
/// An Intel ME/CSME, SPS or TXE firmware version <c>major.minor.hotfix.build</c>, compared numerically
/// field by field (so 11.8 &lt; 11.10 &lt; 11.20). SPS versions are often written zero-padded
/// (<c>04.00.04.294</c>); they parse to the same numbers. The third field is what Intel calls the
/// hotfix (ME) or milestone (SPS).
/// </summary>
public readonly record struct FirmwareVersion(int Major, int Minor, int Hotfix, int Build) : IComparable<FirmwareVersion>
{
    /// <summary>Parses <c>major.minor.hotfix.build</c> (exactly four non-negative decimal fields, up to 9 digits each).</summary>
    /// <returns><c>false</c> (and the reason) when the text is not such a version.</returns>
    public static bool TryParse(string? text, out FirmwareVersion version, out string? error)
    {
        version = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty version";
            return false;
        }

        var parts = text.Trim().Split('.');
        if (parts.Length != 4)
        {
            error = $"expected four dot-separated numbers (major.minor.hotfix.build), got {parts.Length} field(s)";
            return false;
        }

        Span<int> values = stackalloc int[4];
        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            if (part.Length is 0 or > 9 || !part.All(char.IsAsciiDigit)
                || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out values[i]))
            {
                error = $"field {i + 1} ('{part}') is not a decimal number";
                return false;
            }
        }

        version = new FirmwareVersion(values[0], values[1], values[2], values[3]);
        error = null;
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>; for constants in code and tests.</summary>
    public static FirmwareVersion Parse(string text) =>
        TryParse(text, out var v, out var error) ? v : throw new FormatException(error);

    /// <inheritdoc />
    public int CompareTo(FirmwareVersion other)
    {
        var c = Major.CompareTo(other.Major);
        if (c != 0)
        {
            return c;
        }

        c = Minor.CompareTo(other.Minor);
        if (c != 0)
        {
            return c;
        }

        c = Hotfix.CompareTo(other.Hotfix);
        return c != 0 ? c : Build.CompareTo(other.Build);
    }

    /// <summary>Less than.</summary>
    public static bool operator <(FirmwareVersion left, FirmwareVersion right) => left.CompareTo(right) < 0;

    /// <summary>Greater than.</summary>
    public static bool operator >(FirmwareVersion left, FirmwareVersion right) => left.CompareTo(right) > 0;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(FirmwareVersion left, FirmwareVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(FirmwareVersion left, FirmwareVersion right) => left.CompareTo(right) >= 0;

    /// <summary><c>major.minor.hotfix.build</c> without padding.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Hotfix}.{Build}");
}
