using System.Collections.Immutable;
using System.Globalization;

namespace VulnTriage.Core.Versions;

/// <summary>
/// One line of Linux's <c>/sys/class/mei/meiN/fw_ver</c> (kernel ≥ 4.18): <c>platform:major.minor.hotfix.build</c>,
/// e.g. <c>0:11.8.50.3425</c>. The kernel prints it with <c>"%u:%u.%u.%u.%u\n"</c> from the MKHI GET_FW_VERSION reply.
/// </summary>
/// <param name="Platform">The MKHI platform byte (Intel's detection tool reads a non-zero value as SPS firmware).</param>
/// <param name="Version">The firmware version.</param>
public readonly record struct MeiFirmwareLine(int Platform, FirmwareVersion Version)
{
    /// <summary>The line as the kernel prints it, e.g. <c>0:11.8.50.3425</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Platform}:{Version}");
}

/// <summary>The parsed content of a <c>fw_ver</c> file: the versions in file order, and what could not be parsed.</summary>
/// <param name="Lines">Parsed lines in file order; the first is the running (operational) firmware.</param>
/// <param name="Errors">One message per line that is not <c>platform:major.minor.hotfix.build</c>, or for extra lines.</param>
public sealed record MeiFirmwareVersionFile(ImmutableArray<MeiFirmwareLine> Lines, ImmutableArray<string> Errors)
{
    /// <summary>The kernel prints at most three version blocks (code, recovery, FITC).</summary>
    public const int MaxLines = 3;

    /// <summary>The running firmware: the first line, when it parsed.</summary>
    public MeiFirmwareLine? Running { get; init; }

    /// <summary>Parses the text of a <c>fw_ver</c> file. Blank lines (the trailing newline) are ignored; never throws.</summary>
    /// <param name="text">The file's text, or <c>null</c>.</param>
    public static MeiFirmwareVersionFile Parse(string? text)
    {
        var lines = ImmutableArray.CreateBuilder<MeiFirmwareLine>();
        var errors = ImmutableArray.CreateBuilder<string>();
        MeiFirmwareLine? running = null;
        var index = 0;
        foreach (var raw in (text ?? "").Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            index++;
            if (index > MaxLines)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"line {index}: more than {MaxLines} version lines; the rest is ignored"));
                break;
            }

            if (TryParseLine(line, out var parsed, out var error))
            {
                lines.Add(parsed);
                if (index == 1)
                {
                    running = parsed;
                }
            }
            else
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"line {index}: {error}"));
            }
        }

        if (index == 0)
        {
            errors.Add("the file is empty");
        }

        return new MeiFirmwareVersionFile(lines.ToImmutable(), errors.ToImmutable()) { Running = running };
    }

    /// <summary>Parses one line <c>platform:major.minor.hotfix.build</c> (surrounding whitespace allowed).</summary>
    /// <returns><c>false</c> with the reason when the line is not in that form.</returns>
    public static bool TryParseLine(string? line, out MeiFirmwareLine result, out string? error)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(line))
        {
            error = "empty line";
            return false;
        }

        var text = line.Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            error = $"'{Shorten(text)}' is not platform:major.minor.hotfix.build (no ':')";
            return false;
        }

        var platformText = text[..colon];
        if (platformText.Length is 0 or > 3 || !platformText.All(char.IsAsciiDigit)
            || !int.TryParse(platformText, NumberStyles.None, CultureInfo.InvariantCulture, out var platform) || platform > 255)
        {
            error = $"platform '{Shorten(platformText)}' is not a number from 0 to 255";
            return false;
        }

        if (!FirmwareVersion.TryParse(text[(colon + 1)..], out var version, out var versionError))
        {
            error = $"version '{Shorten(text[(colon + 1)..])}': {versionError}";
            return false;
        }

        result = new MeiFirmwareLine(platform, version);
        error = null;
        return true;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
