using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Json;

namespace VulnTriage.Inventory.Mackerel;

/// <summary>
/// Where a host's bytes lie: a buffer, how much of it is valid, and where the buffer sits in the input (absolute offset,
/// newlines before it, start of the line its first byte is on), so a problem can be located by line and column.
/// </summary>
internal readonly record struct HostWindow(byte[] Buffer, int End, long Base, long LinesBefore, long LineStartBefore);

/// <summary>
/// The pull parser for one host object that lies wholly in a buffer (the driver, <see cref="MackerelStreamParser"/>, found
/// its end first). Each host is read with its own <see cref="Utf8JsonReader"/>; objects and arrays the reader never uses
/// (<c>meta.memory</c>, <c>meta.filesystem</c>, <c>interfaces</c>, …) are skipped by the structural scan
/// (<see cref="JsonStructure"/>), not token by token: the reader continues after them from a state taken from a tiny
/// template of the same nesting. One instance per thread: it keeps scratch and a string cache.
/// </summary>
internal sealed class MackerelHostParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly SearchValues<byte> TrimBytes = SearchValues.Create(" \t\r\n\f\v"u8);

    private readonly string _source;
    private readonly MackerelReaderOptions _options;
    private readonly List<Diagnostic> _pendingDiagnostics = [];
    private readonly StringCache _strings = new();
    private readonly List<RoleRef> _roles = [];
    private readonly List<string> _roleFullnames = [];
    private readonly CpuAggregator _cpus = new();
    private readonly Dictionary<ProcessorsKey, ImmutableArray<ProcessorFact>> _processorArrays = [];
    private readonly Dictionary<RolesKey, ImmutableArray<RoleRef>> _roleArrays = [];
    private readonly JsonReaderState[] _skipStates = new JsonReaderState[SkipContextCount * 3];
    private readonly bool[] _skipStatesMade = new bool[SkipContextCount * 3];

    // The host being parsed: its window, where the current reader's span starts, the host's end, and the frame the
    // reader's own line/position counts are relative to (the host's start, or the end of the last skipped subtree).
    private HostWindow _window;
    private byte[] _buffer = [];
    private int _spanStart;
    private int _hostEnd;
    private int _hostIndex;
    private int _outerDepth;
    private int _frameIndex;
    private int _frameTemplateLength;
    private JsonReaderOptions _readerOptions;

    // Scratch for the host being parsed; reset at each host's '{'.
    private string? _id;
    private string? _name;
    private string? _displayName;
    private string? _customIdentifier;
    private HostStatus _status;
    private string? _unknownStatus;
    private int _statusIndex;
    private bool _isRetired;
    private bool _rolesSeen;
    private bool _roleFullnamesSeen;
    private bool _cpuSeen;
    private string? _osName;
    private string? _cloudProvider;
    private string? _instanceType;
    private string? _vmSize;
    private ImmutableArray<ProcessorFact> _processors = [];
    private string? _cpuNote;
    private bool _cpuInvalidUtf8;
    private readonly List<(int TokenIndex, string Text)> _signatureProblems = [];
    private readonly ByteKeyedCache<(ImmutableArray<ProcessorFact> Processors, string? Note)> _cpuArrays = new(maxEntries: 1024, maxBytes: 8 << 20);

    public MackerelHostParser(string source, MackerelReaderOptions options)
    {
        _source = source;
        _options = options;
    }

    private const int SkipContextCount = 5;

    /// <summary>Where a skipped object or array sits, relative to the host: picks the reader state to continue with.</summary>
    private enum SkipContext
    {
        Host,
        Meta,
        MetaChild,
        CloudMetadata,
        CpuEntry,
    }

    /// <summary>Diagnostics about the host just parsed (unknown status, unparseable signature), in order.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics => _pendingDiagnostics;

    /// <summary>
    /// Parses the host object at <c>window.Buffer[start..end]</c> (end inclusive: its closing brace), the
    /// <paramref name="hostIndex"/>-th of the inventory, nested <paramref name="outerDepth"/> levels deep in the document.
    /// Throws <see cref="InputException"/> with one located diagnostic when the host is malformed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Host Parse(HostWindow window, int start, int end, int hostIndex, int outerDepth)
    {
        _window = window;
        _buffer = window.Buffer;
        _spanStart = start;
        _hostEnd = end + 1;
        _hostIndex = hostIndex;
        if (_outerDepth != outerDepth || _readerOptions.MaxDepth == 0)
        {
            _outerDepth = outerDepth;
            _readerOptions = new JsonReaderOptions { MaxDepth = Math.Max(1, _options.MaxDepth - outerDepth) };
        }

        _frameIndex = start;
        _frameTemplateLength = 0;
        var reader = new Utf8JsonReader(_buffer.AsSpan(start, _hostEnd - start), isFinalBlock: true, new JsonReaderState(_readerOptions));
        try
        {
            Next(ref reader);
            return ParseHost(ref reader);
        }
        catch (JsonException ex)
        {
            throw Fail(DiagnosticCodes.InventoryInvalidJson, LocationOf(ex), MackerelStreamParser.InvalidJsonMessage(ex));
        }
    }

    private enum Key
    {
        Other,
        Id,
        Name,
        DisplayName,
        CustomIdentifier,
        Status,
        IsRetired,
        Roles,
        RoleFullnames,
        Meta,
        Cpu,
        Cloud,
        Kernel,
        Provider,
        Metadata,
        InstanceType,
        VirtualMachineSizeType,
        VendorId,
        Family,
        Model,
        Stepping,
        PhysicalId,
        ModelName,
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Host ParseHost(ref Utf8JsonReader r)
    {
        var hostStart = _spanStart + (int)r.TokenStartIndex;
        ResetHost();
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var key = HostKey(ref r);
            Next(ref r);
            switch (key)
            {
                case Key.Id:
                    _id = ReadString(ref r, "id", intern: false);
                    break;
                case Key.Name:
                    _name = ReadString(ref r, "name", intern: false);
                    break;
                case Key.DisplayName:
                    _displayName = ReadString(ref r, "displayName", intern: false);
                    break;
                case Key.CustomIdentifier:
                    _customIdentifier = ReadString(ref r, "customIdentifier", intern: false);
                    break;
                case Key.Status:
                    ReadStatus(ref r);
                    break;
                case Key.IsRetired:
                    _isRetired = r.TokenType switch
                    {
                        JsonTokenType.True => true,
                        JsonTokenType.False or JsonTokenType.Null => false,
                        _ => throw WrongType(ref r, "isRetired", "a boolean"),
                    };
                    break;
                case Key.Roles:
                    ReadRoles(ref r);
                    break;
                case Key.RoleFullnames:
                    ReadRoleFullnames(ref r);
                    break;
                case Key.Meta:
                    ReadMeta(ref r);
                    break;
                default:
                    Skip(ref r, SkipContext.Host);
                    break;
            }
        }

        return BuildHost(hostStart);
    }

    private void ResetHost()
    {
        _pendingDiagnostics.Clear();
        _roles.Clear();
        _roleFullnames.Clear();
        _cpus.Reset();
        _id = _name = _displayName = _customIdentifier = _unknownStatus = null;
        _osName = _cloudProvider = _instanceType = _vmSize = null;
        _status = HostStatus.Unknown;
        _statusIndex = 0;
        _isRetired = _rolesSeen = _roleFullnamesSeen = _cpuSeen = _cpuInvalidUtf8 = false;
        _processors = [];
        _cpuNote = null;
        _signatureProblems.Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Next(ref Utf8JsonReader r)
    {
        if (!r.Read())
        {
            // The span is exactly one host object, so the reader never runs out before its closing brace; if it does,
            // the structure scan and the reader disagree about where the host ends.
            throw Fail(DiagnosticCodes.InventoryInvalidJson, LocationAtBufferIndex(_hostEnd), "the inventory ends inside a host object");
        }
    }

    /// <summary>
    /// Skips the value the reader is on. Scalars are checked for size. An object or array is passed over by the
    /// structure scan when it is well-formed and no longer than one value may be (so no string inside it can be
    /// over the cap); otherwise it is read token by token, so a malformed one fails exactly where the reader says.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Skip(ref Utf8JsonReader r, SkipContext context)
    {
        if (r.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            CheckLength(ref r);
            return;
        }

        var open = _spanStart + (int)r.TokenStartIndex;
        var room = _readerOptions.MaxDepth - r.CurrentDepth;
        if (JsonStructure.FindEnd(_buffer.AsSpan(0, _hostEnd), open, room, out var close) == StructureScan.Found
            && close - open < _options.MaxStringBytes)
        {
            var state = SkipState(context);
            _spanStart = close + 1;
            _frameIndex = close + 1;
            _frameTemplateLength = SkipTemplates[(int)context].Length;
            r = new Utf8JsonReader(_buffer.AsSpan(_spanStart, _hostEnd - _spanStart), isFinalBlock: true, state);
            return;
        }

        SlowSkip(ref r);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SlowSkip(ref Utf8JsonReader r)
    {
        var depth = r.CurrentDepth;
        while (true)
        {
            Next(ref r);
            switch (r.TokenType)
            {
                case JsonTokenType.EndObject or JsonTokenType.EndArray when r.CurrentDepth == depth:
                    return;
                case JsonTokenType.String or JsonTokenType.PropertyName:
                    CheckLength(ref r);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>
    /// Templates of the nesting each skip context sits in, relative to a host read on its own (the host is the outer
    /// object): reading one to its end leaves the reader just after a value at that place.
    /// </summary>
    private static readonly byte[][] SkipTemplates =
    [
        "{\"a\":{}"u8.ToArray(),
        "{\"a\":{\"a\":{}"u8.ToArray(),
        "{\"a\":{\"a\":{\"a\":{}"u8.ToArray(),
        "{\"a\":{\"a\":{\"a\":{\"a\":{}"u8.ToArray(),
        "{\"a\":{\"a\":[{\"a\":{}"u8.ToArray(),
    ];

    private JsonReaderState SkipState(SkipContext context)
    {
        var slot = ((int)context * 3) + Math.Clamp(_outerDepth, 0, 2);
        if (!_skipStatesMade[slot])
        {
            _skipStates[slot] = JsonTemplates.StateAfter(SkipTemplates[(int)context], _readerOptions);
            _skipStatesMade[slot] = true;
        }

        return _skipStates[slot];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckLength(ref Utf8JsonReader r)
    {
        if (r.ValueSpan.Length > _options.MaxStringBytes)
        {
            throw Fail(
                DiagnosticCodes.InventoryValueTooLarge,
                TokenLocation(ref r),
                string.Create(CultureInfo.InvariantCulture, $"a single JSON value is longer than {_options.MaxStringBytes} bytes"));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? ReadString(ref Utf8JsonReader r, string field, bool intern)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return Materialize(ref r, intern);
            default:
                throw WrongType(ref r, field, "a string");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string Materialize(ref Utf8JsonReader r, bool intern)
    {
        CheckLength(ref r);
        try
        {
            if (r.ValueIsEscaped)
            {
                return r.GetString()!;
            }

            var bytes = r.ValueSpan;
            return intern ? _strings.Get(bytes) : StrictUtf8.GetString(bytes);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw Fail(DiagnosticCodes.InventoryInvalidJson, TokenLocation(ref r), "invalid UTF-8 in a JSON string");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadStatus(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            _status = HostStatus.Unknown;
            _unknownStatus = null;
            return;
        }

        if (r.TokenType != JsonTokenType.String)
        {
            throw WrongType(ref r, "status", "a string");
        }

        _unknownStatus = null;
        if (r.ValueTextEquals("working"u8))
        {
            _status = HostStatus.Working;
        }
        else if (r.ValueTextEquals("standby"u8))
        {
            _status = HostStatus.Standby;
        }
        else if (r.ValueTextEquals("maintenance"u8))
        {
            _status = HostStatus.Maintenance;
        }
        else if (r.ValueTextEquals("poweroff"u8))
        {
            _status = HostStatus.PowerOff;
        }
        else
        {
            _status = HostStatus.Unknown;
            _unknownStatus = Materialize(ref r, intern: true);
            _statusIndex = _spanStart + (int)r.TokenStartIndex;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadRoles(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw WrongType(ref r, "roles", "an object mapping each service to an array of role names");
        }

        _rolesSeen = true;
        _roles.Clear();
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            var service = Materialize(ref r, intern: true);
            Next(ref r);
            if (r.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (r.TokenType != JsonTokenType.StartArray)
            {
                throw WrongType(ref r, "roles." + service, "an array of role names");
            }

            while (true)
            {
                Next(ref r);
                if (r.TokenType == JsonTokenType.EndArray)
                {
                    break;
                }

                if (r.TokenType != JsonTokenType.String)
                {
                    throw WrongType(ref r, "roles." + service + "[]", "a string");
                }

                _roles.Add(new RoleRef(service, Materialize(ref r, intern: true)));
            }
        }
    }

    private void ReadRoleFullnames(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw WrongType(ref r, "roleFullnames", "an array of \"service:role\" strings");
        }

        _roleFullnamesSeen = true;
        _roleFullnames.Clear();
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray)
            {
                return;
            }

            if (r.TokenType != JsonTokenType.String)
            {
                throw WrongType(ref r, "roleFullnames[]", "a string");
            }

            _roleFullnames.Add(Materialize(ref r, intern: true));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadMeta(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw WrongType(ref r, "meta", "an object");
        }

        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            var key = MetaKey(ref r);
            Next(ref r);
            switch (key)
            {
                case Key.Cpu:
                    ReadCpu(ref r);
                    break;
                case Key.Cloud:
                    ReadCloud(ref r);
                    break;
                case Key.Kernel:
                    ReadKernel(ref r);
                    break;
                default:
                    Skip(ref r, SkipContext.Meta);
                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadKernel(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw WrongType(ref r, "meta.kernel", "an object");
        }

        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            var isName = r.ValueTextEquals("name"u8);
            Next(ref r);
            if (isName)
            {
                _osName = ReadString(ref r, "meta.kernel.name", intern: true);
            }
            else
            {
                Skip(ref r, SkipContext.MetaChild);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadCloud(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw WrongType(ref r, "meta.cloud", "an object");
        }

        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            var key = CloudKey(ref r);
            Next(ref r);
            if (key == Key.Provider)
            {
                _cloudProvider = ReadString(ref r, "meta.cloud.provider", intern: true);
            }
            else if (key == Key.Metadata && r.TokenType == JsonTokenType.StartObject)
            {
                ReadCloudMetadata(ref r);
            }
            else
            {
                Skip(ref r, SkipContext.MetaChild);
            }
        }
    }

    private void ReadCloudMetadata(ref Utf8JsonReader r)
    {
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            var key = CloudKey(ref r);
            Next(ref r);
            switch (key)
            {
                case Key.InstanceType:
                    _instanceType = ReadString(ref r, "meta.cloud.metadata.instance-type", intern: true);
                    break;
                case Key.VirtualMachineSizeType:
                    _vmSize = ReadString(ref r, "meta.cloud.metadata.virtualMachineSizeType", intern: true);
                    break;
                default:
                    Skip(ref r, SkipContext.CloudMetadata);
                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadCpu(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw WrongType(ref r, "meta.cpu", "an array of objects");
        }

        // Hosts of one model send the very same meta.cpu bytes: an array seen before (byte for byte, so it parses and
        // validates the same) gives the same processors without being read again.
        var open = _spanStart + (int)r.TokenStartIndex;
        var scan = JsonStructure.FindEnd(_buffer.AsSpan(0, _hostEnd), open, _readerOptions.MaxDepth - r.CurrentDepth, out var close);
        var bytes = scan == StructureScan.Found ? _buffer.AsSpan(open, close - open + 1) : default;
        if (scan == StructureScan.Found && _cpuArrays.TryGet(bytes, out var known))
        {
            _cpuSeen = true;
            (_processors, _cpuNote) = known;
            _signatureProblems.Clear();
            _cpuInvalidUtf8 = false;
            var state = SkipState(SkipContext.Meta);
            _spanStart = close + 1;
            _frameIndex = close + 1;
            _frameTemplateLength = SkipTemplates[(int)SkipContext.Meta].Length;
            r = new Utf8JsonReader(_buffer.AsSpan(_spanStart, _hostEnd - _spanStart), isFinalBlock: true, state);
            return;
        }

        _cpuSeen = true;
        _cpus.Reset();
        var index = 0;
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray)
            {
                FinishCpu();
                if (scan == StructureScan.Found && _signatureProblems.Count == 0 && !_cpuInvalidUtf8)
                {
                    _cpuArrays.Add(bytes, (_processors, _cpuNote));
                }

                return;
            }

            if (r.TokenType != JsonTokenType.StartObject)
            {
                throw WrongType(ref r, string.Create(CultureInfo.InvariantCulture, $"meta.cpu[{index}]"), "an object");
            }

            ReadCpuEntry(ref r, index);
            index++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadCpuEntry(ref Utf8JsonReader r, int index)
    {
        var entry = default(CpuEntry);
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var key = CpuKey(ref r);
            Next(ref r);
            switch (key)
            {
                case Key.VendorId:
                    entry.Vendor = Capture(ref r, index, "vendor_id", trim: false);
                    break;
                case Key.ModelName:
                    entry.ModelName = Capture(ref r, index, "model_name", trim: true);
                    break;
                case Key.Family:
                    entry.Family = Capture(ref r, index, "family", trim: false);
                    break;
                case Key.Model:
                    entry.Model = Capture(ref r, index, "model", trim: false);
                    break;
                case Key.Stepping:
                    entry.Stepping = Capture(ref r, index, "stepping", trim: false);
                    break;
                case Key.PhysicalId:
                    entry.PhysicalId = Capture(ref r, index, "physical_id", trim: false);
                    break;
                default:
                    Skip(ref r, SkipContext.CpuEntry);
                    break;
            }
        }

        _cpus.Add(ref entry, _buffer);
    }

    /// <summary>Records where a CPU value's bytes are (no string yet); string or number, null means absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private RawValue Capture(ref Utf8JsonReader r, int index, string field, bool trim)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.Null:
                return default;
            case JsonTokenType.String:
            case JsonTokenType.Number:
                CheckLength(ref r);
                var tokenIndex = _spanStart + (int)r.TokenStartIndex;
                if (r.ValueIsEscaped)
                {
                    var text = Materialize(ref r, intern: false);
                    return new RawValue(tokenIndex, tokenIndex, 0, trim ? text.Trim() : text);
                }

                var start = r.TokenType == JsonTokenType.String ? tokenIndex + 1 : tokenIndex;
                var length = r.ValueSpan.Length;
                if (trim)
                {
                    var span = r.ValueSpan;
                    var lead = span.IndexOfAnyExcept(TrimBytes);
                    if (lead < 0)
                    {
                        return new RawValue(tokenIndex, start, 0, null);
                    }

                    var last = span.LastIndexOfAnyExcept(TrimBytes);
                    start += lead;
                    length = last - lead + 1;
                }

                return new RawValue(tokenIndex, start, length, null);
            default:
                throw WrongType(ref r, string.Create(CultureInfo.InvariantCulture, $"meta.cpu[{index}].{field}"), "a string or a number");
        }
    }

    /// <summary>The processors of the <c>meta.cpu</c> array just read (the last one wins if a host has two).</summary>
    private void FinishCpu()
    {
        _signatureProblems.Clear();
        _cpuInvalidUtf8 = false;
        _processors = [];
        _cpuNote = null;
        if (_cpus.EntryCount == 0)
        {
            _cpuNote = "meta.cpu empty";
            return;
        }

        try
        {
            _processors = Shared(_cpus.Build(_buffer, _strings, out var problems));
            _signatureProblems.AddRange(problems);
        }
        catch (ArgumentException)
        {
            _cpuInvalidUtf8 = true;
            return;
        }

        if (_processors.All(p => p.VendorId is null && p.BrandString is null))
        {
            _cpuNote = "meta.cpu entries carry neither vendor_id nor model_name";
        }
    }

    private Host BuildHost(int hostStart)
    {
        if (string.IsNullOrEmpty(_id) || string.IsNullOrEmpty(_name))
        {
            var missing = string.IsNullOrEmpty(_id) ? "id" : "name";
            throw Fail(
                DiagnosticCodes.InventoryHostMissingIdentity,
                LocationAtBufferIndex(hostStart),
                string.Create(CultureInfo.InvariantCulture, $"host #{_hostIndex + 1} has no {missing}"));
        }

        if (_unknownStatus is not null)
        {
            _pendingDiagnostics.Add(new Diagnostic(
                InventoryDiagnosticCodes.UnknownHostStatus,
                DiagnosticSeverity.Info,
                LocationAtBufferIndex(_statusIndex),
                $"host '{_name}' has status '{_unknownStatus}', which is not one Mackerel documents; treated as unknown"));
        }

        ImmutableArray<ProcessorFact> processors = [];
        string? note = null;
        if (!_cpuSeen)
        {
            note = "meta.cpu absent";
        }
        else if (_cpuInvalidUtf8)
        {
            // StringCache decodes strictly: a CPU string that is not UTF-8 is broken input, not a brand string.
            throw Fail(DiagnosticCodes.InventoryInvalidJson, LocationAtBufferIndex(hostStart), $"host '{_name}': a meta.cpu string is not valid UTF-8");
        }
        else
        {
            processors = _processors;
            note = _cpuNote;
            foreach (var (tokenIndex, text) in _signatureProblems)
            {
                _pendingDiagnostics.Add(new Diagnostic(
                    DiagnosticCodes.CpuSignatureUnparseable,
                    DiagnosticSeverity.Warning,
                    LocationAtBufferIndex(tokenIndex),
                    $"host '{_name}': CPU family/model/stepping {text} is not decimal; the processor is kept without a signature"));
            }
        }

        return new Host(
            _id,
            _name,
            _displayName,
            _status,
            _isRetired,
            SharedRoles(BuildRoles()),
            CloudMapping.From(_cloudProvider, _instanceType, _vmSize, _customIdentifier),
            processors,
            _osName,
            note,
            Provenance: _customIdentifier is null ? null : new HostProvenance([], [.. Core.Inventory.HostKey.FromCustomIdentifier(_customIdentifier)]));
    }

    /// <summary>At most this many distinct processor sets and role sets are shared; a hostile inventory of all-distinct hosts stops sharing, never grows the table.</summary>
    private const int MaxShared = 4096;

    /// <summary>
    /// One array instance for every host with the same processors: fleets repeat hardware, and a shared array costs
    /// nothing per host (the triage also keys its per-hardware memo on it).
    /// </summary>
    private ImmutableArray<ProcessorFact> Shared(ImmutableArray<ProcessorFact> processors)
    {
        var key = new ProcessorsKey(processors);
        if (_processorArrays.TryGetValue(key, out var shared))
        {
            return shared;
        }

        if (_processorArrays.Count < MaxShared)
        {
            _processorArrays.Add(key, processors);
        }

        return processors;
    }

    private ImmutableArray<RoleRef> SharedRoles(ImmutableArray<RoleRef> roles)
    {
        if (roles.IsDefaultOrEmpty)
        {
            return roles;
        }

        var key = new RolesKey(roles);
        if (_roleArrays.TryGetValue(key, out var shared))
        {
            return shared;
        }

        if (_roleArrays.Count < MaxShared)
        {
            _roleArrays.Add(key, roles);
        }

        return roles;
    }

    /// <summary>An array of processor facts compared by content (the records compare by value).</summary>
    private readonly record struct ProcessorsKey(ImmutableArray<ProcessorFact> Items)
    {
        public bool Equals(ProcessorsKey other) => Items.AsSpan().SequenceEqual(other.Items.AsSpan());

        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (var p in Items)
            {
                h.Add(p);
            }

            return h.ToHashCode();
        }
    }

    /// <summary>An array of roles compared by content.</summary>
    private readonly record struct RolesKey(ImmutableArray<RoleRef> Items)
    {
        public bool Equals(RolesKey other) => Items.AsSpan().SequenceEqual(other.Items.AsSpan());

        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (var r in Items)
            {
                h.Add(r);
            }

            return h.ToHashCode();
        }
    }

    private ImmutableArray<RoleRef> BuildRoles()
    {
        if (!_rolesSeen && _roleFullnamesSeen)
        {
            foreach (var full in _roleFullnames)
            {
                var colon = full.IndexOf(':', StringComparison.Ordinal);
                _roles.Add(colon >= 0 ? new RoleRef(full[..colon], full[(colon + 1)..]) : new RoleRef(full, ""));
            }
        }

        if (_roles.Count == 0)
        {
            return [];
        }

        _roles.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Service, b.Service);
            return c != 0 ? c : string.CompareOrdinal(a.Role, b.Role);
        });
        var builder = ImmutableArray.CreateBuilder<RoleRef>(_roles.Count);
        foreach (var role in _roles)
        {
            if (builder.Count == 0 || builder[^1] != role)
            {
                builder.Add(role);
            }
        }

        return builder.DrainToImmutable();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Key HostKey(ref Utf8JsonReader r)
    {
        var k = KeyBytes(ref r);
        return k.Length switch
        {
            2 when k.SequenceEqual("id"u8) => Key.Id,
            4 when k.SequenceEqual("name"u8) => Key.Name,
            4 when k.SequenceEqual("meta"u8) => Key.Meta,
            5 when k.SequenceEqual("roles"u8) => Key.Roles,
            6 when k.SequenceEqual("status"u8) => Key.Status,
            9 when k.SequenceEqual("isRetired"u8) => Key.IsRetired,
            11 when k.SequenceEqual("displayName"u8) => Key.DisplayName,
            13 when k.SequenceEqual("roleFullnames"u8) => Key.RoleFullnames,
            16 when k.SequenceEqual("customIdentifier"u8) => Key.CustomIdentifier,
            _ => Key.Other,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Key MetaKey(ref Utf8JsonReader r)
    {
        var k = KeyBytes(ref r);
        return k.Length switch
        {
            3 when k.SequenceEqual("cpu"u8) => Key.Cpu,
            5 when k.SequenceEqual("cloud"u8) => Key.Cloud,
            6 when k.SequenceEqual("kernel"u8) => Key.Kernel,
            _ => Key.Other,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Key CloudKey(ref Utf8JsonReader r)
    {
        var k = KeyBytes(ref r);
        return k.Length switch
        {
            8 when k.SequenceEqual("provider"u8) => Key.Provider,
            8 when k.SequenceEqual("metadata"u8) => Key.Metadata,
            13 when k.SequenceEqual("instance-type"u8) => Key.InstanceType,
            22 when k.SequenceEqual("virtualMachineSizeType"u8) => Key.VirtualMachineSizeType,
            _ => Key.Other,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Key CpuKey(ref Utf8JsonReader r)
    {
        var k = KeyBytes(ref r);
        return k.Length switch
        {
            5 when k.SequenceEqual("model"u8) => Key.Model,
            6 when k.SequenceEqual("family"u8) => Key.Family,
            8 when k.SequenceEqual("stepping"u8) => Key.Stepping,
            9 when k.SequenceEqual("vendor_id"u8) => Key.VendorId,
            10 when k.SequenceEqual("model_name"u8) => Key.ModelName,
            11 when k.SequenceEqual("physical_id"u8) => Key.PhysicalId,
            _ => Key.Other,
        };
    }

    /// <summary>The property name's unescaped bytes (escaped names are rare: they take the allocating path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReadOnlySpan<byte> KeyBytes(ref Utf8JsonReader r)
    {
        if (!r.ValueIsEscaped)
        {
            return r.ValueSpan;
        }

        if (r.ValueSpan.Length > 256)
        {
            return default;
        }

        try
        {
            return Encoding.UTF8.GetBytes(r.GetString()!);
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }

    private SourceLocation LocationAtBufferIndex(int index) =>
        JsonLocations.At(_source, _buffer.AsSpan(0, _window.End), index, _window.Base, _window.LinesBefore, _window.LineStartBefore);

    private SourceLocation TokenLocation(ref Utf8JsonReader r) =>
        LocationAtBufferIndex(_spanStart + (int)r.TokenStartIndex);

    /// <summary>
    /// Where a reader exception points. The reader counts lines and bytes from the start of its frame (the host's first
    /// byte, or the byte after a skipped subtree, where it started at the template's end), so its position is
    /// translated back to the input's line and column.
    /// </summary>
    private SourceLocation LocationOf(JsonException ex)
    {
        if (ex.LineNumber is not { } line0 || ex.BytePositionInLine is not { } position0)
        {
            return new SourceLocation(_source);
        }

        var window = _buffer.AsSpan(0, _window.End);
        if (line0 == 0)
        {
            return LocationAtBufferIndex((int)Math.Clamp(_frameIndex + position0 - _frameTemplateLength, 0, _window.End));
        }

        var offset = _frameIndex;
        for (var wanted = line0; wanted > 0; wanted--)
        {
            var next = window[offset..].IndexOf((byte)'\n');
            if (next < 0)
            {
                return LocationAtBufferIndex(_window.End);
            }

            offset += next + 1;
        }

        return LocationAtBufferIndex((int)Math.Clamp(offset + position0, 0, _window.End));
    }

    private static InputException Fail(string code, SourceLocation location, string message) =>
        new(new Diagnostic(code, DiagnosticSeverity.Error, location, message));

    private InputException WrongType(ref Utf8JsonReader r, string field, string expected) =>
        Fail(
            DiagnosticCodes.InventoryWrongType,
            TokenLocation(ref r),
            $"'{field}' must be {expected}, found {MackerelStreamParser.Describe(r.TokenType)}");
}
