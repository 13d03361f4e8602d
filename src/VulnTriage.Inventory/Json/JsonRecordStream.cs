using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Inventory.Json;

/// <summary>How <see cref="JsonRecordStream"/> finds the records in a document.</summary>
/// <param name="MultipleTopLevelValues">
/// <c>true</c> for JSON Lines (osquery results logs, <c>fleetctl query</c> output): every top-level value is a record.
/// <c>false</c> for one document: the elements of a top-level array are records, and so are the elements of the arrays
/// and the objects named in <paramref name="ArrayProperties"/>/<paramref name="ObjectProperties"/> of a top-level object.
/// </param>
/// <param name="ArrayProperties">Top-level properties whose array elements are records, e.g. <c>hosts</c>.</param>
/// <param name="ObjectProperties">Top-level properties whose object value is a record, e.g. <c>host</c>.</param>
/// <param name="AllObjectProperties">Whether every other top-level property with an object value is a record too (Ansible groups).</param>
/// <param name="MapPath">
/// A path of object properties from the top level, e.g. <c>_meta</c>, <c>hostvars</c>, to an object whose members are each
/// a record, named by <see cref="JsonRecord.Property"/> and marked <see cref="JsonRecord.FromMap"/>.
/// </param>
/// <param name="MaxRecordBytes">Largest single record, in bytes; only one record is buffered at a time.</param>
/// <param name="MaxDepth">Deepest nesting accepted.</param>
internal sealed record JsonRecordOptions(
    bool MultipleTopLevelValues,
    ImmutableArray<string> ArrayProperties = default,
    ImmutableArray<string> ObjectProperties = default,
    bool AllObjectProperties = false,
    ImmutableArray<string> MapPath = default,
    int MaxRecordBytes = 64 << 20,
    int MaxDepth = 64);

/// <summary>One record: its parsed value (valid until the enumeration moves on), where it starts, and the property it was under.</summary>
internal readonly record struct JsonRecord(JsonElement Value, SourceLocation Location, string? Property, bool FromMap = false);

/// <summary>
/// Streams the records of a JSON document or a JSON Lines file with <see cref="Utf8JsonReader"/>: the structure around
/// the records is read token by token with the reader state carried across refills, and each record is parsed into a
/// <see cref="JsonDocument"/> once it lies wholly in the buffer, so memory holds one record, not the file. Malformed
/// input throws <see cref="InputException"/> with one located diagnostic (VT1001 invalid JSON, VT1002 empty, VT1003
/// wrong shape, VT1005 record too large); no <see cref="JsonException"/> escapes.
/// </summary>
/// <remarks>
/// The Mackerel reader (<c>Mackerel/MackerelStreamParser</c>) does the same with a hand-written pull parser per host,
/// because its hosts are large and hot. The other inventories are read through this class: their records are small and
/// a <see cref="JsonDocument"/> per record keeps each reader short.
/// </remarks>
internal sealed class JsonRecordStream : IDisposable
{
    private const int InitialBufferSize = 1 << 16;

    private readonly Stream _stream;
    private readonly string _source;
    private readonly string _shape;
    private readonly JsonRecordOptions _options;

    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _base;
    private long _linesBefore;
    private long _lineStart;
    private bool _eof;
    private bool _bomChecked;
    private bool _sawValue;
    private JsonReaderState _state;
    private Phase _phase;
    private string? _property;
    private int _pathDepth;

    private JsonRecordStream(Stream stream, string source, string shape, JsonRecordOptions options)
    {
        _stream = stream;
        _source = source;
        _shape = shape;
        _options = options;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        _state = new JsonReaderState(new JsonReaderOptions { MaxDepth = options.MaxDepth, AllowMultipleValues = options.MultipleTopLevelValues });
    }

    private enum Phase
    {
        Start,
        TopArray,
        TopObject,
        PropertyValue,
        PropertyArray,
        PathObject,
        PathValue,
        MapMembers,
        MapValue,
        End,
    }

    private enum Step
    {
        Record,
        NeedData,
        Done,
    }

    /// <summary>Reads the records of <paramref name="stream"/> (not disposed) in document order.</summary>
    /// <param name="stream">The input, read forward only.</param>
    /// <param name="source">Name for diagnostics.</param>
    /// <param name="shape">What the document should be, for the wrong-shape message, e.g. <c>an osquery results log</c>.</param>
    /// <param name="options">Where the records are.</param>
    public static IEnumerable<JsonRecord> Read(Stream stream, string source, string shape, JsonRecordOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        return Iterate(stream, source, shape, options);
    }

    private static IEnumerable<JsonRecord> Iterate(Stream stream, string source, string shape, JsonRecordOptions options)
    {
        using var reader = new JsonRecordStream(stream, source, shape, options);
        while (true)
        {
            switch (reader.Next(out var document, out var location, out var property))
            {
                case Step.Record:
                    using (document)
                    {
                        yield return new JsonRecord(document!.RootElement, location!, property, reader._phase == Phase.MapMembers);
                    }

                    break;
                case Step.NeedData:
                    reader.Fill();
                    break;
                default:
                    yield break;
            }
        }
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private Step Next(out JsonDocument? document, out SourceLocation? location, out string? property)
    {
        document = null;
        location = null;
        property = null;
        if (!_bomChecked)
        {
            if (_end - _start < 3 && !_eof)
            {
                return Step.NeedData;
            }

            _bomChecked = true;
            if (_buffer.AsSpan(_start, _end - _start).StartsWith("\uFEFF"u8))
            {
                _start += 3;
                _lineStart = 3;
            }
        }

        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _eof, _state);
        try
        {
            while (true)
            {
                var stateBefore = reader.CurrentState;
                var consumedBefore = reader.BytesConsumed;
                if (!reader.Read())
                {
                    Commit(reader.BytesConsumed, reader.CurrentState);
                    if (!_eof)
                    {
                        return Step.NeedData;
                    }

                    if (!_sawValue)
                    {
                        throw Fail(DiagnosticCodes.InventoryEmpty, new SourceLocation(_source, 1, 1, 0), "the inventory is empty");
                    }

                    if (_phase is Phase.Start or Phase.End)
                    {
                        return Step.Done;
                    }

                    throw Fail(DiagnosticCodes.InventoryInvalidJson, EndLocation(), "the inventory ends before its JSON is complete");
                }

                _sawValue = true;
                switch (_phase)
                {
                    case Phase.Start when _options.MultipleTopLevelValues:
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            throw Fail(DiagnosticCodes.InventoryUnknownShape, Location(reader.TokenStartIndex), $"each line must be a JSON object ({_shape})");
                        }

                        return Parse(ref reader, stateBefore, consumedBefore, null, _phase, out document, out location, out property);

                    case Phase.Start:
                        _phase = reader.TokenType switch
                        {
                            JsonTokenType.StartArray => Phase.TopArray,
                            JsonTokenType.StartObject => Phase.TopObject,
                            _ => throw Fail(DiagnosticCodes.InventoryUnknownShape, Location(reader.TokenStartIndex), $"the top-level JSON value is not an array or an object; expected {_shape}"),
                        };
                        break;

                    case Phase.TopArray:
                        if (reader.TokenType == JsonTokenType.EndArray)
                        {
                            _phase = Phase.End;
                            break;
                        }

                        return Parse(ref reader, stateBefore, consumedBefore, null, _phase, out document, out location, out property);

                    case Phase.TopObject:
                        if (reader.TokenType == JsonTokenType.EndObject)
                        {
                            _phase = Phase.End;
                            break;
                        }

                        _property = reader.GetString();
                        _phase = Phase.PropertyValue;
                        break;

                    case Phase.PropertyValue:
                        if (reader.TokenType == JsonTokenType.StartArray && Contains(_options.ArrayProperties, _property))
                        {
                            _phase = Phase.PropertyArray;
                            break;
                        }

                        if (reader.TokenType == JsonTokenType.StartObject && !_options.MapPath.IsDefaultOrEmpty && _property == _options.MapPath[0])
                        {
                            _pathDepth = 1;
                            _phase = _options.MapPath.Length == 1 ? Phase.MapMembers : Phase.PathObject;
                            break;
                        }

                        if (reader.TokenType == JsonTokenType.StartObject && (_options.AllObjectProperties || Contains(_options.ObjectProperties, _property)))
                        {
                            return Parse(ref reader, stateBefore, consumedBefore, _property, Phase.TopObject, out document, out location, out property);
                        }

                        if (!reader.TrySkip())
                        {
                            return Rewind(stateBefore, consumedBefore);
                        }

                        _phase = Phase.TopObject;
                        break;

                    case Phase.PropertyArray:
                        if (reader.TokenType == JsonTokenType.EndArray)
                        {
                            _phase = Phase.TopObject;
                            break;
                        }

                        return Parse(ref reader, stateBefore, consumedBefore, _property, _phase, out document, out location, out property);

                    case Phase.PathObject:
                        if (reader.TokenType == JsonTokenType.EndObject)
                        {
                            _pathDepth--;
                            _phase = _pathDepth == 0 ? Phase.TopObject : Phase.PathObject;
                            break;
                        }

                        _property = reader.GetString();
                        _phase = Phase.PathValue;
                        break;

                    case Phase.PathValue:
                        if (reader.TokenType == JsonTokenType.StartObject && _property == _options.MapPath[_pathDepth])
                        {
                            _pathDepth++;
                            _phase = _pathDepth == _options.MapPath.Length ? Phase.MapMembers : Phase.PathObject;
                            break;
                        }

                        if (!reader.TrySkip())
                        {
                            return Rewind(stateBefore, consumedBefore);
                        }

                        _phase = Phase.PathObject;
                        break;

                    case Phase.MapMembers:
                        if (reader.TokenType == JsonTokenType.EndObject)
                        {
                            _pathDepth--;
                            _phase = _pathDepth == 0 ? Phase.TopObject : Phase.PathObject;
                            break;
                        }

                        _property = reader.GetString();
                        _phase = Phase.MapValue;
                        break;

                    case Phase.MapValue:
                        return Parse(ref reader, stateBefore, consumedBefore, _property, Phase.MapMembers, out document, out location, out property);

                    default:
                        throw Fail(DiagnosticCodes.InventoryInvalidJson, Location(reader.TokenStartIndex), "unexpected content after the JSON document");
                }
            }
        }
        catch (JsonException ex)
        {
            var window = _buffer.AsSpan(_start, _end - _start);
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            throw Fail(
                DiagnosticCodes.InventoryInvalidJson,
                JsonLocations.FromReaderPosition(_source, ex.LineNumber, ex.BytePositionInLine, window, _base + _start, _linesBefore, _lineStart),
                "invalid JSON: " + (cut > 0 ? message[..cut] : message));
        }
    }

    /// <summary>Parses the record that starts at the current token; the phase moves to <paramref name="after"/> only once it is whole.</summary>
    private Step Parse(ref Utf8JsonReader reader, JsonReaderState stateBefore, long consumedBefore, string? property, Phase after, out JsonDocument? document, out SourceLocation? location, out string? recordProperty)
    {
        var at = Location(reader.TokenStartIndex);
        if (!JsonDocument.TryParseValue(ref reader, out document))
        {
            location = null;
            recordProperty = null;
            return Rewind(stateBefore, consumedBefore);
        }

        location = at;
        recordProperty = property;
        _phase = after;
        Commit(reader.BytesConsumed, reader.CurrentState);
        return Step.Record;
    }

    /// <summary>The record (or value to skip) is not wholly in the buffer: resume from before it once more bytes are read.</summary>
    private Step Rewind(JsonReaderState stateBefore, long consumedBefore)
    {
        Commit(consumedBefore, stateBefore);
        if (_eof)
        {
            throw Fail(DiagnosticCodes.InventoryInvalidJson, EndLocation(), "the inventory ends before its JSON is complete");
        }

        return Step.NeedData;
    }

    private static bool Contains(ImmutableArray<string> names, string? name) =>
        name is not null && !names.IsDefaultOrEmpty && names.Contains(name, StringComparer.Ordinal);

    private void Commit(long consumed, JsonReaderState state)
    {
        var span = _buffer.AsSpan(_start, (int)consumed);
        var newlines = span.Count((byte)'\n');
        if (newlines > 0)
        {
            _linesBefore += newlines;
            _lineStart = _base + _start + span.LastIndexOf((byte)'\n') + 1;
        }

        _start += (int)consumed;
        _state = state;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            // Keep only the unread tail.
            var length = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, length);
            _base += _start;
            _start = 0;
            _end = length;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= _options.MaxRecordBytes)
            {
                throw Fail(DiagnosticCodes.InventoryValueTooLarge, Location(0), $"a single record is larger than {_options.MaxRecordBytes} bytes");
            }

            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, _options.MaxRecordBytes));
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        int read;
        try
        {
            read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        }
        catch (IOException ex)
        {
            throw Fail(DiagnosticCodes.InventoryUnreadable, EndLocation(), "cannot read the inventory: " + ex.Message);
        }

        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    private SourceLocation Location(long tokenIndex) =>
        JsonLocations.At(_source, _buffer.AsSpan(_start, _end - _start), (int)tokenIndex, _base + _start, _linesBefore, _lineStart);

    private SourceLocation EndLocation() => Location(_end - _start);

    private static InputException Fail(string code, SourceLocation location, string message) =>
        new(new Diagnostic(code, DiagnosticSeverity.Error, location, message));
}
