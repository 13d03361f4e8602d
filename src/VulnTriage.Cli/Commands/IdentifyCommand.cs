using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Cli.Commands;

/// <summary>
/// <c>vulntriage identify [FILE|-]</c>: one brand string per line, optionally followed by a tab and
/// <c>family model stepping</c> (decimal or 0x hex); prints one JSON object per line (JSON Lines).
/// </summary>
internal static class IdentifyCommand
{
    public static Command Build(CliEnvironment env, CancellationToken cancellationToken)
    {
        var input = new Argument<string>("FILE") { Description = "File of brand strings, or - for standard input.", DefaultValueFactory = _ => "-" };
        var vendor = new Option<string?>("--vendor") { Description = "CPUID vendor id to assume for every line, e.g. GenuineIntel." };
        var command = new Command("identify", "Identify processors from brand strings (one per line, optionally TAB + 'family model stepping'); prints one JSON object per line.")
        {
            input, vendor,
        };

        command.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var path = parse.GetValue(input) ?? "-";
            using var stream = path == "-" ? env.OpenStandardInput() : OpenFile(path);
            using var reader = new StreamReader(stream);
            var cache = new IdentificationCache();
            var vendorId = parse.GetValue(vendor);
            var lineNumber = 0;
            while (reader.ReadLine() is { } line)
            {
                cancellationToken.ThrowIfCancellationRequested();
                lineNumber++;
                if (line.Length == 0)
                {
                    continue;
                }

                var tab = line.IndexOf('\t', StringComparison.Ordinal);
                var brand = tab < 0 ? line : line[..tab];
                CpuSignature? signature = null;
                if (tab >= 0)
                {
                    signature = ParseSignature(line[(tab + 1)..])
                        ?? throw new Core.Diagnostics.InputException(new Core.Diagnostics.Diagnostic("VT4001", Core.Diagnostics.DiagnosticSeverity.Error,
                            new Core.Diagnostics.SourceLocation(path, lineNumber, tab + 2), "expected 'family model [stepping]' (decimal or 0x hex) after the tab"));
                }

                var identity = cache.Identify(vendorId, brand, signature);
                env.Out.WriteLine(ToJsonLine(brand, signature, identity));
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static CpuSignature? ParseSignature(string text)
    {
        var parts = text.Split([' ', '\t', ',', '/'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 2 or > 3)
        {
            return null;
        }

        var numbers = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var p = parts[i];
            var ok = p.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? int.TryParse(p.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out numbers[i])
                : int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]);
            if (!ok || numbers[i] is < 0 or > 0xFFFF)
            {
                return null;
            }
        }

        return new CpuSignature(numbers[0], numbers[1], numbers.Length == 3 ? numbers[2] : null);
    }

    private static FileStream OpenFile(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new Core.Diagnostics.InputException(new Core.Diagnostics.Diagnostic("VT4002", Core.Diagnostics.DiagnosticSeverity.Error, new Core.Diagnostics.SourceLocation(path), $"cannot open: {e.Message}"));
        }
    }

    private static string ToJsonLine(string brand, CpuSignature? signature, ProcessorIdentity identity)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("input", brand);
            json.WriteString("signature", signature?.ToString());
            json.WritePropertyName("identification");
            IdentityJson.Write(json, null, identity);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
