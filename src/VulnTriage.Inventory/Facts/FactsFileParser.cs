using System.Collections.Immutable;
using System.Text.Json;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Versions;
using VulnTriage.Inventory.Json;

namespace VulnTriage.Inventory.Facts;

/// <summary>Parses one facts file strictly where it matters (firmware kind and version) and leniently elsewhere.</summary>
internal static class FactsFileParser
{
    /// <summary>The probe schema this reader was written for.</summary>
    public const string KnownSchema = "vulntriage-probe/1";

    public static HostFacts Parse(byte[] bytes, string path, Action<Diagnostic> report)
    {
        var bom = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        var context = new Context(bytes, bom, path);
        var reader = new Utf8JsonReader(bytes.AsSpan(bom), new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read())
            {
                throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, "the facts file is empty");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, "a facts file must be a JSON object");
            }

            var firmware = ImmutableArray.CreateBuilder<FirmwareFact>();
            var notes = ImmutableArray.CreateBuilder<string>();
            PlatformInfo? platform = null;
            MicrocodeFact? microcode = null;
            var kernel = new SortedDictionary<string, KernelVulnerabilityFact>(StringComparer.Ordinal);
            bool? isVirtual = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("cpu"u8))
                {
                    reader.Read();
                    microcode = ReadCpuMicrocode(ref reader, context, report);
                }
                else if (reader.ValueTextEquals("vulnerabilities"u8))
                {
                    reader.Read();
                    ReadVulnerabilities(ref reader, context, kernel, report);
                }
                else if (reader.ValueTextEquals("virtualization"u8))
                {
                    reader.Read();
                    isVirtual = ReadVirtual(ref reader, context);
                }
                else if (reader.ValueTextEquals("firmware"u8))
                {
                    reader.Read();
                    ReadFirmware(ref reader, context, firmware);
                }
                else if (reader.ValueTextEquals("notes"u8))
                {
                    reader.Read();
                    ReadNotes(ref reader, context, notes);
                }
                else if (reader.ValueTextEquals("platform"u8))
                {
                    reader.Read();
                    platform = ReadPlatform(ref reader, context);
                }
                else if (reader.ValueTextEquals("schema"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && !reader.ValueTextEquals(KnownSchema))
                    {
                        report(new Diagnostic(
                            DiagnosticCodes.FactsInvalid,
                            DiagnosticSeverity.Info,
                            context.Location(ref reader),
                            $"facts schema '{reader.GetString()}' is not {KnownSchema}; reading the fields this version knows"));
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // Drain: the reader rejects trailing content after the object.
            while (reader.Read())
            {
            }

            return new HostFacts(firmware.ToImmutable(), path, notes.ToImmutable(), platform)
            {
                Microcode = microcode,
                Kernel = [.. kernel.Values],
                Virtual = isVirtual,
            };
        }
        catch (JsonException ex)
        {
            throw new InputException(new Diagnostic(
                DiagnosticCodes.FactsInvalid,
                DiagnosticSeverity.Error,
                JsonLocations.FromReaderPosition(path, ex.LineNumber, ex.BytePositionInLine, bytes, 0, 0, bom),
                "invalid JSON in facts file: " + TrimReaderPosition(ex.Message)));
        }
        catch (InvalidOperationException)
        {
            // GetString on a string that is not valid UTF-8.
            throw new InputException(new Diagnostic(
                DiagnosticCodes.FactsInvalid, DiagnosticSeverity.Error, new SourceLocation(path), "the facts file contains a string that is not valid UTF-8"));
        }
    }

    private static void ReadFirmware(ref Utf8JsonReader reader, Context context, ImmutableArray<FirmwareFact>.Builder firmware)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, "'firmware' must be an array of objects");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, "each 'firmware' entry must be an object");
            }

            var entry = context.Location(ref reader);
            FirmwareKind? kind = null;
            FirmwareVersion? version = null;
            string? versionText = null;
            bool? amt = null;
            string? source = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("kind"u8))
                {
                    reader.Read();
                    kind = ReadKind(ref reader, context);
                }
                else if (reader.ValueTextEquals("version"u8))
                {
                    reader.Read();
                    version = ReadVersion(ref reader, context);
                    versionText = reader.GetString();
                }
                else if (reader.ValueTextEquals("amt"u8))
                {
                    reader.Read();
                    amt = reader.TokenType switch
                    {
                        JsonTokenType.True => true,
                        JsonTokenType.False => false,
                        JsonTokenType.Null => null,
                        _ => throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, "'amt' must be true, false or null"),
                    };
                }
                else if (reader.ValueTextEquals("source"u8))
                {
                    reader.Read();
                    source = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.Null => null,
                        _ => throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, "'source' must be a string"),
                    };
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (kind is null)
            {
                throw new InputException(new Diagnostic(DiagnosticCodes.FactsInvalid, DiagnosticSeverity.Error, entry, "a 'firmware' entry has no 'kind' (me, sps or txe)"));
            }

            if (version is null)
            {
                throw new InputException(new Diagnostic(DiagnosticCodes.FactsBadFirmwareVersion, DiagnosticSeverity.Error, entry, "a 'firmware' entry has no 'version'"));
            }

            var fileName = Path.GetFileName(context.Path);
            firmware.Add(new FirmwareFact(kind.Value, version.Value, amt, source is null ? fileName : $"{source} ({fileName})", versionText));
        }
    }

    private static FirmwareKind ReadKind(ref Utf8JsonReader reader, Context context)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var text = reader.GetString()!;
            if (text.Equals("me", StringComparison.OrdinalIgnoreCase))
            {
                return FirmwareKind.Me;
            }

            if (text.Equals("sps", StringComparison.OrdinalIgnoreCase))
            {
                return FirmwareKind.Sps;
            }

            if (text.Equals("txe", StringComparison.OrdinalIgnoreCase))
            {
                return FirmwareKind.Txe;
            }
        }

        throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, "'kind' must be \"me\", \"sps\" or \"txe\"");
    }

    private static FirmwareVersion ReadVersion(ref Utf8JsonReader reader, Context context)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw context.Fail(DiagnosticCodes.FactsBadFirmwareVersion, ref reader, "'version' must be a string major.minor.hotfix.build");
        }

        var text = reader.GetString();
        return FirmwareVersion.TryParse(text, out var version, out var error)
            ? version
            : throw context.Fail(DiagnosticCodes.FactsBadFirmwareVersion, ref reader, $"firmware version '{text}' is not major.minor.hotfix.build: {error}");
    }

    /// <summary>
    /// The probe's <c>platform</c> object (DMI): <c>sys_vendor</c>, <c>product_name</c>, <c>bios_vendor</c>, <c>bios_version</c>,
    /// <c>bios_date</c>, <c>board_vendor</c>, <c>board_name</c>, each a string or null; other keys are ignored. An object
    /// with none of them gives no platform.
    /// </summary>
    private static PlatformInfo? ReadPlatform(ref Utf8JsonReader reader, Context context)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, "'platform' must be an object");
        }

        string? sysVendor = null, productName = null, biosVendor = null, biosVersion = null, biosDate = null, boardVendor = null, boardName = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ref var target = ref sysVendor;
            if (reader.ValueTextEquals("sys_vendor"u8))
            {
                target = ref sysVendor;
            }
            else if (reader.ValueTextEquals("product_name"u8))
            {
                target = ref productName;
            }
            else if (reader.ValueTextEquals("bios_vendor"u8))
            {
                target = ref biosVendor;
            }
            else if (reader.ValueTextEquals("bios_version"u8))
            {
                target = ref biosVersion;
            }
            else if (reader.ValueTextEquals("bios_date"u8))
            {
                target = ref biosDate;
            }
            else if (reader.ValueTextEquals("board_vendor"u8))
            {
                target = ref boardVendor;
            }
            else if (reader.ValueTextEquals("board_name"u8))
            {
                target = ref boardName;
            }
            else
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            var key = reader.GetString();
            reader.Read();
            target = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.Null => null,
                _ => throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, $"'platform.{key}' must be a string or null"),
            };
        }

        return sysVendor is null && productName is null && biosVendor is null && biosVersion is null && biosDate is null && boardVendor is null && boardName is null
            ? null
            : new PlatformInfo(sysVendor, productName, biosVendor, biosVersion, biosDate, boardVendor, boardName);
    }

    /// <summary>Most vulnerability files the kernel has (it has about 25); more is not a probe's output.</summary>
    public const int MaxVulnerabilities = 64;

    /// <summary>
    /// <c>cpu.microcode</c> (hex, as /proc/cpuinfo prints it). A value that is not a revision stops the run (a wrong
    /// fact is worse than none); <c>0xffffffff</c>, what hypervisors show guests in place of a revision, is no fact.
    /// The other <c>cpu</c> keys belong to the inventory and are not read here.
    /// </summary>
    private static MicrocodeFact? ReadCpuMicrocode(ref Utf8JsonReader reader, Context context, Action<Diagnostic> report)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, "'cpu' must be an object");
        }

        MicrocodeFact? fact = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("microcode"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, "'cpu.microcode' must be a string such as \"0xde\"");
            }

            var text = reader.GetString()!;
            if (!MicrocodeRevision.TryParse(text, out var revision))
            {
                throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, $"'cpu.microcode' is '{Short(text)}', not a hexadecimal microcode revision");
            }

            if (revision.Value == uint.MaxValue)
            {
                report(new Diagnostic(DiagnosticCodes.FactsInvalid, DiagnosticSeverity.Info, context.Location(ref reader),
                    "'cpu.microcode' is 0xffffffff, what a hypervisor shows a guest in place of the host's revision: it is not used"));
                continue;
            }

            fact = new MicrocodeFact(revision, text.Trim(), context.Path + " cpu.microcode");
        }

        return fact;
    }

    /// <summary><c>vulnerabilities</c>: sysfs file name → its first line, as the probe prints them.</summary>
    private static void ReadVulnerabilities(ref Utf8JsonReader reader, Context context, SortedDictionary<string, KernelVulnerabilityFact> kernel, Action<Diagnostic> report)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, "'vulnerabilities' must be an object of file name → kernel line");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (!IsKernelFileName(name))
            {
                report(new Diagnostic(DiagnosticCodes.FactsInvalid, DiagnosticSeverity.Warning, context.Location(ref reader),
                    $"'vulnerabilities' has '{Short(name)}', which is not a kernel vulnerability file name (a-z, 0-9, _): it is not used"));
                reader.Skip();
                continue;
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, $"'vulnerabilities.{name}' must be the kernel's line (a string)");
            }

            if (kernel.Count >= MaxVulnerabilities)
            {
                throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, $"'vulnerabilities' has more than {MaxVulnerabilities} entries");
            }

            var line = reader.GetString()!;
            kernel[name] = KernelVulnerabilityStatus.Classify(name, line.Length > 512 ? line[..512] : line, $"{context.Path} vulnerabilities.{name}");
        }
    }

    private static bool? ReadVirtual(ref Utf8JsonReader reader, Context context)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, "'virtualization' must be an object");
        }

        bool? result = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isVirtual = reader.ValueTextEquals("virtual"u8);
            reader.Read();
            if (isVirtual && reader.TokenType is JsonTokenType.True or JsonTokenType.False)
            {
                result = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                reader.Skip();
            }
        }

        return result;
    }

    private static bool IsKernelFileName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static void ReadNotes(ref Utf8JsonReader reader, Context context, ImmutableArray<string>.Builder notes)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, "'notes' must be an array of strings");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw context.Fail(DiagnosticCodes.FactsInvalid, ref reader, "each 'notes' entry must be a string");
            }

            notes.Add(reader.GetString()!);
        }
    }

    private static string TrimReaderPosition(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private sealed class Context(byte[] bytes, int bom, string path)
    {
        public string Path => path;

        public SourceLocation Location(ref Utf8JsonReader reader) =>
            JsonLocations.At(path, bytes, bom + (int)reader.TokenStartIndex, 0, 0, bom);

        public InputException Fail(string code, ref Utf8JsonReader reader, string message) =>
            new(new Diagnostic(code, DiagnosticSeverity.Error, Location(ref reader), message));
    }
}
