using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Json;

namespace VulnTriage.Inventory.Mackerel;

/// <summary>What one <see cref="MackerelStreamParser.Step"/> produced.</summary>
internal enum StepResult
{
    /// <summary>A host is ready.</summary>
    Host,

    /// <summary>A host was found and handed to the batch (parallel reading); step again.</summary>
    Queued,

    /// <summary>The buffer holds no complete next item; call Fill/FillAsync and step again.</summary>
    NeedData,

    /// <summary>The document ended.</summary>
    Done,
}

/// <summary>
/// Buffered streaming reader over <see cref="Utf8JsonReader"/>: the top-level structure is read token by token with
/// the reader state carried across refills. At each host's <c>{</c> the structure scan (<see cref="JsonStructure"/>)
/// finds the host's closing brace without tokenizing it; the host is then parsed on its own
/// (<see cref="MackerelHostParser"/>) — here, or on a worker thread when reading in parallel, where hosts are handed
/// over a buffer at a time (<see cref="ParallelHostReader"/>) — and the top-level reader resumes after it from a
/// template state. When a host runs past the buffer end, the buffer is refilled (grown if the host alone fills it) and
/// the host is scanned again from its start.
/// Hot methods are marked AggressiveOptimization: the CLI reads one inventory per process, and tier-0 code would
/// otherwise parse a large share of it (measured: ~100 MB/s cold vs ~150 MB/s with it, ~700 MB/s warm).
/// </summary>
internal sealed class MackerelStreamParser : IDisposable
{
    /// <summary>1 MiB: a typical host (16 CPUs) is ~5 KB, so a host straddles a refill about once per 200 hosts.</summary>
    public const int DefaultBufferSize = 1 << 20;
    private static readonly SearchValues<byte> SeparatorBytes = SearchValues.Create(" \t\r\n,:"u8);

    private readonly Stream _stream;
    private readonly string _source;
    private readonly Action<Diagnostic> _report;
    private readonly MackerelReaderOptions _options;
    private readonly MackerelHostParser? _hostParser;
    private readonly ArrayPool<byte> _pool;
    private readonly Action<HostBatch>? _sealBatch;
    private readonly List<Diagnostic> _pendingDiagnostics = [];
    private readonly JsonReaderState[] _afterHostStates = new JsonReaderState[3];
    private readonly bool[] _afterHostStatesMade = new bool[3];
    private HostBatch? _batch;
    private bool _stopped;

    // After a host, the reader resumes from a template state whose line and position counts start at the template's
    // end: _frameAbs is where that frame starts in the input, resolved to its real line and column when its bytes leave
    // the buffer. Without a frame (before the first host) the reader's own counts are absolute.
    private bool _frameActive;
    private long _frameAbs;
    private int _frameTemplateLength;
    private long _frameLine = -1;
    private long _frameColumn;

    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _bufferBase;
    private long _linesBefore;
    private long _lineStartBefore;
    private bool _eof;
    private bool _bomChecked;
    private JsonReaderState _state;

    private Phase _phase;
    private bool _nestedArray;
    private bool _sawShape;
    private int _skipDepth;
    private int _hostIndex;

    // Start of the reader's span within _buffer during a Step.
    private int _spanStart;
    private int _spanLength;

    /// <summary>A parser that parses each host itself (one thread).</summary>
    public MackerelStreamParser(
        Stream stream, string source, Action<Diagnostic> report, MackerelReaderOptions options, int initialBufferSize = DefaultBufferSize)
        : this(stream, source, report, options, initialBufferSize, null, ArrayPool<byte>.Shared)
    {
    }

    /// <summary>
    /// With <paramref name="sealBatch"/>, a parser that only finds the hosts: their places are collected in a
    /// <see cref="HostBatch"/> per buffer, handed to <paramref name="sealBatch"/> with the buffer (rented from
    /// <paramref name="pool"/>; whoever takes the batch returns it there) when it is full.
    /// </summary>
    public MackerelStreamParser(
        Stream stream, string source, Action<Diagnostic> report, MackerelReaderOptions options, int initialBufferSize, Action<HostBatch>? sealBatch, ArrayPool<byte> pool)
    {
        _pool = pool;
        _stream = stream;
        _source = source;
        _report = report;
        _options = options;
        _sealBatch = sealBatch;
        _hostParser = sealBatch is null ? new MackerelHostParser(source, options) : null;
        _buffer = _pool.Rent(Math.Max(16, initialBufferSize));
        _state = new JsonReaderState(new JsonReaderOptions { MaxDepth = options.MaxDepth });
    }

    private enum Phase
    {
        Start,
        TopObject,
        ExpectHostsArray,
        ExpectHostObject,
        SkipValue,
        Skipping,
        InArray,
        End,
    }

    public void Dispose()
    {
        if (_buffer.Length > 0 && _batch is null)
        {
            _pool.Return(_buffer);
        }

        _buffer = [];
        _batch = null;
    }

    /// <summary>Hands the hosts found so far to the batch consumer (parallel reading), with the buffer they lie in.</summary>
    public void SealBatch()
    {
        if (_batch is null || _sealBatch is null)
        {
            return;
        }

        var batch = _batch;
        _batch = null;
        batch.Window = Window();
        var old = _buffer;

        // The batch keeps the buffer; what is left of it (a host cut by the buffer end) moves to a fresh one.
        Advance(old.AsSpan(0, _start));
        _buffer = _pool.Rent(old.Length);
        old.AsSpan(_start, _end - _start).CopyTo(_buffer);
        _end -= _start;
        _start = 0;
        _sealBatch(batch);
    }

    /// <summary>The encoding a byte-order mark or the NUL pattern of the first bytes names, when it is UTF-16/32.</summary>
    internal static string? Utf16Or32(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]) || (head.Length >= 4 && head[0] != 0 && head[1] == 0 && head[2] == 0 && head[3] == 0))
        {
            return "UTF-32LE";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF]) || (head.Length >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 0 && head[3] != 0))
        {
            return "UTF-32BE";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || (head.Length >= 2 && head[0] != 0 && head[1] == 0))
        {
            return "UTF-16LE";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || (head.Length >= 2 && head[0] == 0 && head[1] != 0))
        {
            return "UTF-16BE";
        }

        return null;
    }

    /// <summary>Reads as far as the buffer allows: to the next host, the end, or the need for more bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public StepResult Step(out Host? host)
    {
        host = null;
        if (_stopped)
        {
            return StepResult.Done;
        }

        if (!_bomChecked)
        {
            if (_end - _start < 4 && !_eof)
            {
                return StepResult.NeedData;
            }

            _bomChecked = true;
            var head = _buffer.AsSpan(_start, _end - _start);
            if (Utf16Or32(head) is { } encoding)
            {
                // Windows tools (PowerShell's `>` before 7) write UTF-16; say so instead of "'0xFF' is an invalid start".
                throw Fail(DiagnosticCodes.InventoryInvalidJson, new SourceLocation(_source, 1, 1, 0),
                    $"the inventory is {encoding}, not UTF-8; convert it (e.g. `iconv -f {encoding} -t UTF-8`, or PowerShell `Out-File -Encoding utf8`)");
            }

            if (head.StartsWith("\uFEFF"u8))
            {
                _start += 3;
                _lineStartBefore = 3;
            }
        }

        _spanStart = _start;
        _spanLength = _end - _start;
        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _spanLength), _eof, _state);
        try
        {
            var result = Run(ref reader, out host);
            if (result == StepResult.Host && _pendingDiagnostics.Count > 0)
            {
                foreach (var d in _pendingDiagnostics)
                {
                    _report(d);
                }

                _pendingDiagnostics.Clear();
            }

            return result;
        }
        catch (JsonException ex)
        {
            throw Fail(DiagnosticCodes.InventoryInvalidJson, LocationOf(ex), InvalidJsonMessage(ex));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StepResult Run(ref Utf8JsonReader reader, out Host? host)
    {
        host = null;
        while (true)
        {
            var stateBefore = reader.CurrentState;
            var consumedBefore = reader.BytesConsumed;
            if (_phase == Phase.Start && _eof && IsWhitespace(_buffer.AsSpan(_spanStart + (int)consumedBefore, _spanLength - (int)consumedBefore)))
            {
                throw Fail(DiagnosticCodes.InventoryEmpty, new SourceLocation(_source, 1, 1, 0), "the inventory is empty");
            }

            if (!reader.Read())
            {
                Commit(ref reader);
                if (_eof)
                {
                    if (_phase == Phase.End)
                    {
                        return StepResult.Done;
                    }

                    throw Fail(DiagnosticCodes.InventoryInvalidJson, EndLocation(), "the inventory ends before its JSON is complete");
                }

                CheckPendingToken(reader.BytesConsumed);
                return StepResult.NeedData;
            }

            switch (_phase)
            {
                case Phase.Start:
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        _phase = Phase.InArray;
                        _nestedArray = false;
                        _sawShape = true;
                    }
                    else if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        _phase = Phase.TopObject;
                    }
                    else
                    {
                        throw Fail(
                            DiagnosticCodes.InventoryUnknownShape,
                            TokenLocation(ref reader),
                            $"the top-level JSON value is {Describe(reader.TokenType)}; expected an array of hosts (mkr hosts -v), {{\"hosts\":[...]}} or {{\"host\":{{...}}}}");
                    }

                    break;

                case Phase.TopObject:
                    if (reader.TokenType == JsonTokenType.EndObject)
                    {
                        if (!_sawShape)
                        {
                            throw Fail(
                                DiagnosticCodes.InventoryUnknownShape,
                                TokenLocation(ref reader),
                                "the top-level object has neither a \"hosts\" array nor a \"host\" object");
                        }

                        _phase = Phase.End;
                    }
                    else if (reader.ValueTextEquals("hosts"u8))
                    {
                        _phase = Phase.ExpectHostsArray;
                    }
                    else if (reader.ValueTextEquals("host"u8))
                    {
                        _phase = Phase.ExpectHostObject;
                    }
                    else
                    {
                        _phase = Phase.SkipValue;
                    }

                    break;

                case Phase.ExpectHostsArray:
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw WrongType(ref reader, "hosts", "an array of host objects");
                    }

                    _phase = Phase.InArray;
                    _nestedArray = true;
                    _sawShape = true;
                    break;

                case Phase.ExpectHostObject:
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw WrongType(ref reader, "host", "a host object");
                    }

                    _sawShape = true;
                    _phase = Phase.TopObject;
                    var single = TryHost(ref reader, stateBefore, consumedBefore, 1, "{\"host\":{}"u8, out host);
                    if (single == StepResult.NeedData)
                    {
                        _phase = Phase.ExpectHostObject;
                    }

                    return single;

                case Phase.SkipValue:
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        _skipDepth = reader.CurrentDepth;
                        _phase = Phase.Skipping;
                    }
                    else
                    {
                        _phase = Phase.TopObject;
                    }

                    break;

                case Phase.Skipping:
                    if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray && reader.CurrentDepth == _skipDepth)
                    {
                        _phase = Phase.TopObject;
                    }

                    break;

                case Phase.InArray:
                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        _phase = _nestedArray ? Phase.TopObject : Phase.End;
                        break;
                    }

                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw WrongType(ref reader, string.Create(CultureInfo.InvariantCulture, $"hosts[{_hostIndex}]"), "a host object");
                    }

                    return _nestedArray
                        ? TryHost(ref reader, stateBefore, consumedBefore, 2, "{\"hosts\":[{}"u8, out host)
                        : TryHost(ref reader, stateBefore, consumedBefore, 1, "[{}"u8, out host);

                default:
                    // Phase.End: the reader itself rejects anything after the top-level value.
                    break;
            }
        }
    }

    /// <summary>
    /// The reader is on a host's <c>{</c>: finds its end; parses it here or queues it; resumes the reader after it from
    /// <paramref name="template"/>'s state (the same nesting, just after an element). NeedData when the host's end is
    /// not in the buffer yet (the reader is put back before the <c>{</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StepResult TryHost(ref Utf8JsonReader reader, JsonReaderState stateBefore, long consumedBefore, int depth, ReadOnlySpan<byte> template, out Host? host)
    {
        host = null;
        var hostStart = _spanStart + (int)reader.TokenStartIndex;
        var window = _buffer.AsSpan(0, _end);
        var scan = JsonStructure.FindEnd(window, hostStart, _options.MaxDepth - depth, out var end);
        if (scan == StructureScan.NeedMoreData)
        {
            if (end >= 0 && _end - end > _options.MaxStringBytes + 2L)
            {
                // A string already longer than any accepted value: stop before buffering the rest of it.
                throw Fail(
                    DiagnosticCodes.InventoryValueTooLarge,
                    LocationAtBufferIndex(end),
                    string.Create(CultureInfo.InvariantCulture, $"a single JSON value is longer than {_options.MaxStringBytes} bytes"));
            }

            if (_eof)
            {
                throw Fail(DiagnosticCodes.InventoryInvalidJson, EndLocation(), "the inventory ends inside a host object");
            }

            // Resume from just before this host's '{' once more bytes are in.
            _start = _spanStart + (int)consumedBefore;
            _state = stateBefore;
            return StepResult.NeedData;
        }

        if (end - hostStart + 1 > _options.MaxHostBytes)
        {
            throw Fail(
                DiagnosticCodes.InventoryValueTooLarge,
                LocationAtBufferIndex(hostStart),
                string.Create(CultureInfo.InvariantCulture, $"a single host object is larger than {_options.MaxHostBytes} bytes"));
        }

        var hostIndex = _hostIndex++;
        var malformed = scan == StructureScan.Malformed;
        if (_hostParser is not null)
        {
            // Malformed: the bytes up to the offending bracket are parsed, and the host parser's reader fails there.
            host = _hostParser.Parse(Window(), hostStart, end, hostIndex, depth);
            _pendingDiagnostics.AddRange(_hostParser.Diagnostics);
        }
        else
        {
            _batch ??= new HostBatch();
            _batch.Hosts.Add(new HostSlice(hostStart, end, hostIndex, depth));
        }

        if (malformed)
        {
            if (_hostParser is not null)
            {
                // The host parser fails at the offending bracket before this; in case it did not, still stop here.
                throw Fail(DiagnosticCodes.InventoryInvalidJson, LocationAtBufferIndex(end), "invalid JSON: brackets do not match");
            }

            // Parallel reading: the worker reports the error in order; nothing after this host is read.
            _stopped = true;
            return StepResult.Queued;
        }

        _start = end + 1;
        _state = AfterHostState(depth, template);
        _frameActive = true;
        _frameAbs = _bufferBase + end + 1;
        _frameTemplateLength = template.Length;
        _frameLine = -1;
        return host is null ? StepResult.Queued : StepResult.Host;
    }

    private JsonReaderState AfterHostState(int depth, ReadOnlySpan<byte> template)
    {
        var slot = template.Length == 3 ? 0 : depth;
        if (!_afterHostStatesMade[slot])
        {
            _afterHostStates[slot] = JsonTemplates.StateAfter(template, new JsonReaderOptions { MaxDepth = _options.MaxDepth });
            _afterHostStatesMade[slot] = true;
        }

        return _afterHostStates[slot];
    }

    private HostWindow Window() => new(_buffer, _end, _bufferBase, _linesBefore, _lineStartBefore);

    private void Commit(ref Utf8JsonReader reader)
    {
        _start = _spanStart + (int)reader.BytesConsumed;
        _state = reader.CurrentState;
    }

    /// <summary>A token cut by the buffer end that is already longer than any accepted value: stop before buffering it all.</summary>
    private void CheckPendingToken(long bytesConsumed)
    {
        var pending = _buffer.AsSpan(_spanStart + (int)bytesConsumed, _spanLength - (int)bytesConsumed);
        var skip = pending.IndexOfAnyExcept(SeparatorBytes);
        if (skip < 0)
        {
            return;
        }

        if (pending.Length - skip > _options.MaxStringBytes + 2L)
        {
            throw Fail(
                DiagnosticCodes.InventoryValueTooLarge,
                LocationAtBufferIndex(_spanStart + (int)bytesConsumed + skip),
                string.Create(CultureInfo.InvariantCulture, $"a single JSON value is longer than {_options.MaxStringBytes} bytes"));
        }
    }

    /// <summary>Synchronously tops the buffer up (compacting, growing when one item fills it).</summary>
    public void Fill()
    {
        PrepareFill();
        while (_end < _buffer.Length)
        {
            int n;
            try
            {
                n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            }
            catch (IOException ex)
            {
                throw Fail(DiagnosticCodes.InventoryUnreadable, EndLocation(), "reading the inventory failed: " + ex.Message);
            }

            if (n == 0)
            {
                _eof = true;
                return;
            }

            _end += n;
        }
    }

    /// <summary>Asynchronously tops the buffer up.</summary>
    public async ValueTask FillAsync(CancellationToken ct)
    {
        PrepareFill();
        while (_end < _buffer.Length)
        {
            int n;
            try
            {
                n = await _stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw Fail(DiagnosticCodes.InventoryUnreadable, EndLocation(), "reading the inventory failed: " + ex.Message);
            }

            if (n == 0)
            {
                _eof = true;
                return;
            }

            _end += n;
        }
    }

    private void PrepareFill()
    {
        if (_batch is not null)
        {
            SealBatch();
        }

        if (_start > 0)
        {
            Advance(_buffer.AsSpan(0, _start));
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_end >= _options.MaxHostBytes)
            {
                var first = _buffer.AsSpan(0, _end).IndexOfAnyExcept(SeparatorBytes);
                throw Fail(
                    DiagnosticCodes.InventoryValueTooLarge,
                    LocationAtBufferIndex(Math.Max(first, 0)),
                    string.Create(CultureInfo.InvariantCulture, $"a single host object is larger than {_options.MaxHostBytes} bytes"));
            }

            var grown = _pool.Rent((int)Math.Min((long)_buffer.Length * 2, Array.MaxLength));
            _buffer.AsSpan(0, _end).CopyTo(grown);
            _pool.Return(_buffer);
            _buffer = grown;
        }
    }

    /// <summary>Drops <paramref name="consumed"/> (the buffer's first bytes) from the window's bookkeeping.</summary>
    private void Advance(ReadOnlySpan<byte> consumed)
    {
        if (_frameActive && _frameLine < 0 && _frameAbs - _bufferBase <= consumed.Length)
        {
            // The frame's start is leaving the buffer: fix its real line and column now.
            var at = LocationAtBufferIndex((int)(_frameAbs - _bufferBase));
            _frameLine = at.Line;
            _frameColumn = at.Column;
        }

        _linesBefore += consumed.Count((byte)'\n');
        var lastNewline = consumed.LastIndexOf((byte)'\n');
        if (lastNewline >= 0)
        {
            _lineStartBefore = _bufferBase + lastNewline + 1;
        }

        _bufferBase += consumed.Length;
    }

    private static bool IsWhitespace(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    private SourceLocation LocationAtBufferIndex(int index) =>
        JsonLocations.At(_source, _buffer.AsSpan(0, _end), index, _bufferBase, _linesBefore, _lineStartBefore);

    private SourceLocation TokenLocation(ref Utf8JsonReader reader) =>
        LocationAtBufferIndex(_spanStart + (int)reader.TokenStartIndex);

    private SourceLocation EndLocation() => LocationAtBufferIndex(_end);

    private SourceLocation LocationOf(JsonException ex)
    {
        if (!_frameActive)
        {
            return JsonLocations.FromReaderPosition(
                _source, ex.LineNumber, ex.BytePositionInLine, _buffer.AsSpan(0, _end), _bufferBase, _linesBefore, _lineStartBefore);
        }

        if (ex.LineNumber is not { } line0 || ex.BytePositionInLine is not { } position0)
        {
            return new SourceLocation(_source);
        }

        // The frame counts from (line 0, template length) at _frameAbs.
        long frameLine, frameColumn;
        if (_frameLine >= 0)
        {
            (frameLine, frameColumn) = (_frameLine, _frameColumn);
        }
        else
        {
            var at = LocationAtBufferIndex((int)(_frameAbs - _bufferBase));
            (frameLine, frameColumn) = (at.Line, at.Column);
        }

        if (line0 == 0)
        {
            var absolute = _frameAbs + position0 - _frameTemplateLength;
            return new SourceLocation(_source, frameLine, frameColumn + position0 - _frameTemplateLength, absolute);
        }

        // A later line: its start is found in the window when it is there.
        var line = frameLine - 1 + line0;
        var window = _buffer.AsSpan(0, _end);
        long lineStart = -1;
        if (line == _linesBefore)
        {
            lineStart = _lineStartBefore;
        }
        else if (line > _linesBefore)
        {
            var wanted = line - _linesBefore;
            var offset = 0;
            while (wanted > 0 && window[offset..].IndexOf((byte)'\n') is var next and >= 0)
            {
                offset += next + 1;
                wanted--;
            }

            lineStart = wanted == 0 ? _bufferBase + offset : -1;
        }

        return new SourceLocation(_source, line + 1, position0 + 1, lineStart >= 0 ? lineStart + position0 : -1);
    }

    internal static string InvalidJsonMessage(JsonException ex)
    {
        // The reader's message ends with its own 0-based "LineNumber: n | BytePositionInLine: m."; the location says it better.
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return "invalid JSON: " + (cut > 0 ? message[..cut] : message);
    }

    private static InputException Fail(string code, SourceLocation location, string message) =>
        new(new Diagnostic(code, DiagnosticSeverity.Error, location, message));

    private InputException WrongType(ref Utf8JsonReader reader, string field, string expected) =>
        Fail(
            DiagnosticCodes.InventoryWrongType,
            TokenLocation(ref reader),
            $"'{field}' must be {expected}, found {Describe(reader.TokenType)}");

    internal static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };
}
