using System.Buffers;
using System.Text.Json;
using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Advisories.Nvd;

/// <summary>
/// Streams NVD CVE API 2.0 JSON: an API response (or a 2.0 feed file) with <c>vulnerabilities[]</c> of
/// <c>{"cve": {…}}</c>, one record as the per-CVE mirror stores it (the <c>cve</c> object itself, or <c>{"cve": {…}}</c>),
/// or a JSON array of either. The structure around the records is read token by token with <see cref="Utf8JsonReader"/>;
/// each record is parsed once it lies wholly in the buffer, so memory holds one record, not the file.
/// </summary>
/// <remarks>
/// Third-party data, read leniently (house style §2.9): unknown fields are ignored; an item of the wrong shape is skipped
/// with a warning and its configuration becomes "unmapped" (never silently narrower). What makes the input unusable —
/// not JSON, JSON that is not an NVD record, an invalid CPE string, a record over <see cref="MaxRecordBytes"/> — throws
/// <see cref="InputException"/> with one located diagnostic. No <see cref="JsonException"/> escapes.
/// </remarks>
public sealed class NvdFeedReader : IDisposable
{
    /// <summary>Largest single record, in bytes (Downfall's record is about 0.5 MB).</summary>
    public const int MaxRecordBytes = 64 << 20;

    /// <summary>Deepest JSON nesting accepted (NVD's records nest about ten levels).</summary>
    public const int MaxDepth = 32;

    private static readonly HashSet<string> EnvelopeProperties =
        new(["resultsPerPage", "startIndex", "totalResults", "format", "version", "timestamp", "vulnerabilities"], StringComparer.Ordinal);

    private readonly Stream _stream;
    private readonly string _source;
    private readonly Action<Diagnostic> _warn;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _consumed;
    private long _lines;
    private long _lineStart;
    private bool _eof;
    private bool _bomChecked;
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = MaxDepth });
    private Phase _phase;
    private string? _property;
    private (long Offset, long Lines, long LineStart) _mark;
    private int _records;
    private int _items;

    private NvdFeedReader(Stream stream, string source, Action<Diagnostic> warn)
    {
        _stream = stream;
        _source = source;
        _warn = warn;

        // A file's size is known: one buffer holds a per-CVE record whole (so it is scanned once, not once per refill).
        var size = 1 << 16;
        if (stream.CanSeek)
        {
            try
            {
                size = (int)Math.Clamp(stream.Length - stream.Position + 1, 1 << 16, 16 << 20);
            }
            catch (NotSupportedException)
            {
            }
        }

        _buffer = ArrayPool<byte>.Shared.Rent(size);
    }

    private enum Phase
    {
        Start,
        PageObject,
        PageValue,
        Items,
        TopArray,
        End,
    }

    private enum Step
    {
        Record,
        NeedData,
        Done,
    }

    /// <summary>The records of <paramref name="stream"/> (not disposed), in document order.</summary>
    /// <param name="stream">The input, read forward only.</param>
    /// <param name="source">Name for diagnostics (a path, or <c>-</c>).</param>
    /// <param name="warn">Receives warnings (skipped items).</param>
    /// <param name="cancellationToken">Cancels between records.</param>
    public static IEnumerable<NvdRecord> Read(Stream stream, string source, Action<Diagnostic> warn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(warn);
        return Iterate(stream, source, warn, cancellationToken);
    }

    private static IEnumerable<NvdRecord> Iterate(Stream stream, string source, Action<Diagnostic> warn, CancellationToken cancellationToken)
    {
        using var reader = new NvdFeedReader(stream, source, warn);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (reader.Next(out var record))
            {
                case Step.Record:
                    yield return record!;
                    break;
                case Step.NeedData:
                    reader.Fill();
                    break;
                default:
                    yield break;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private Step Next(out NvdRecord? record)
    {
        record = null;
        if (!_bomChecked)
        {
            if (_end - _start < 3 && !_eof)
            {
                return Step.NeedData;
            }

            _bomChecked = true;
            if (_buffer.AsSpan(_start, _end - _start).StartsWith("\uFEFF"u8))
            {
                Commit(3);
            }
        }

        var span = _buffer.AsSpan(_start, _end - _start);
        if (_phase == Phase.Start && _eof && span.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw Fail(NvdDiagnosticCodes.Empty, Locate(_consumed), "the input is empty; expected NVD CVE API 2.0 JSON");
        }

        var reader = new Utf8JsonReader(span, _eof, _state);
        try
        {
            while (true)
            {
                var stateBefore = reader.CurrentState;
                var consumedBefore = (int)reader.BytesConsumed;
                if (!reader.Read())
                {
                    Commit((int)reader.BytesConsumed, reader.CurrentState);
                    if (!_eof)
                    {
                        return Step.NeedData;
                    }

                    if (_phase == Phase.Start)
                    {
                        throw Fail(NvdDiagnosticCodes.Empty, Locate(_consumed), "the input is empty; expected NVD CVE API 2.0 JSON");
                    }

                    if (_phase != Phase.End)
                    {
                        throw Fail(NvdDiagnosticCodes.InvalidJson, Locate(_consumed), "the input ends before its JSON is complete");
                    }

                    if (_records == 0)
                    {
                        throw Fail(NvdDiagnosticCodes.NotARecord, new SourceLocation(_source, 1, 1, 0),
                            "this JSON is not NVD CVE data: no 'vulnerabilities' array of CVE records (an NVD CVE API 2.0 response) and no CVE record");
                    }

                    return Step.Done;
                }

                switch (_phase)
                {
                    case Phase.Start:
                        if (reader.TokenType == JsonTokenType.StartArray)
                        {
                            _phase = Phase.TopArray;
                            break;
                        }

                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            throw Fail(NvdDiagnosticCodes.NotARecord, Locate(_consumed + reader.TokenStartIndex),
                                "the top-level JSON value is not an object; expected an NVD CVE record or an NVD CVE API 2.0 response");
                        }

                        // A response's first property is one of its envelope fields; a record's is "id" or "cve".
                        if (!reader.Read())
                        {
                            Commit(consumedBefore, stateBefore);
                            return NeedMoreOrFail();
                        }

                        if (reader.TokenType == JsonTokenType.PropertyName && EnvelopeProperties.Contains(reader.GetString() ?? ""))
                        {
                            _property = reader.GetString();
                            _phase = Phase.PageValue;
                            break;
                        }

                        return RecordAt(span, consumedBefore, stateBefore, Phase.End, out record);

                    case Phase.PageObject:
                        if (reader.TokenType == JsonTokenType.EndObject)
                        {
                            _phase = Phase.End;
                            break;
                        }

                        _property = reader.GetString();
                        _phase = Phase.PageValue;
                        break;

                    case Phase.PageValue:
                        if (_property == "vulnerabilities" && reader.TokenType == JsonTokenType.StartArray)
                        {
                            _phase = Phase.Items;
                            break;
                        }

                        if (_property == "vulnerabilities")
                        {
                            throw Fail(NvdDiagnosticCodes.NotARecord, Locate(_consumed + reader.TokenStartIndex), "'vulnerabilities' must be an array of CVE records");
                        }

                        // Envelope fields (totalResults, timestamp, …) are not needed.
                        if (!reader.TrySkip())
                        {
                            Commit(consumedBefore, stateBefore);
                            return NeedMoreOrFail();
                        }

                        _phase = Phase.PageObject;
                        break;

                    case Phase.Items or Phase.TopArray:
                        if (reader.TokenType == JsonTokenType.EndArray)
                        {
                            _phase = _phase == Phase.Items ? Phase.PageObject : Phase.End;
                            break;
                        }

                        _items++;
                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            return RecordAt(span, consumedBefore, stateBefore, _phase, out record);
                        }

                        _warn(new Diagnostic(NvdDiagnosticCodes.SkippedItem, DiagnosticSeverity.Warning, Locate(_consumed + reader.TokenStartIndex),
                            $"item {_items} of the record list is not an object; skipped"));
                        if (!reader.TrySkip())
                        {
                            Commit(consumedBefore, stateBefore);
                            _items--;
                            return NeedMoreOrFail();
                        }

                        break;

                    default:
                        throw Fail(NvdDiagnosticCodes.InvalidJson, Locate(_consumed + reader.TokenStartIndex), "unexpected data after the end of the JSON document");
                }
            }
        }
        catch (JsonException e)
        {
            throw Fail(NvdDiagnosticCodes.InvalidJson, LocateFrom(_consumed, e.LineNumber ?? 0, e.BytePositionInLine ?? 0), "invalid JSON: " + OneLine(e.Message));
        }
    }

    // One whole record (an object) from `offset` of the current span: parsed once it is wholly buffered.
    private Step RecordAt(ReadOnlySpan<byte> span, int offset, JsonReaderState stateBefore, Phase after, out NvdRecord? record)
    {
        record = null;
        var whole = new Utf8JsonReader(span[offset..], _eof, stateBefore);
        var start = 0;
        try
        {
            var complete = whole.Read();
            if (complete)
            {
                // The record starts at its '{', after any comma and white space.
                start = (int)whole.TokenStartIndex;
                complete = whole.TrySkip();
            }

            if (!complete)
            {
                Commit(offset, stateBefore);
                return NeedMoreOrFail();
            }
        }
        catch (JsonException e)
        {
            throw Fail(NvdDiagnosticCodes.InvalidJson, LocateFrom(_consumed + offset, e.LineNumber ?? 0, e.BytePositionInLine ?? 0), "invalid JSON: " + OneLine(e.Message));
        }

        var length = (int)whole.BytesConsumed;
        record = NvdRecordParser.Parse(span.Slice(offset + start, length - start), _consumed + offset + start, Locate, _warn, _source);
        Commit(offset + length, whole.CurrentState);
        _phase = after;
        _records++;
        return Step.Record;
    }

    private Step NeedMoreOrFail()
    {
        if (_eof)
        {
            throw Fail(NvdDiagnosticCodes.InvalidJson, Locate(_consumed), "the input ends before its JSON is complete");
        }

        if (_start == 0 && _end == _buffer.Length && _buffer.Length >= MaxRecordBytes)
        {
            throw Fail(NvdDiagnosticCodes.TooLarge, Locate(_consumed), $"a record is larger than {MaxRecordBytes / (1 << 20)} MiB");
        }

        return Step.NeedData;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            var length = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, length);
            _start = 0;
            _end = length;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxRecordBytes)
            {
                throw Fail(NvdDiagnosticCodes.TooLarge, Locate(_consumed), $"a record is larger than {MaxRecordBytes / (1 << 20)} MiB");
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(MaxRecordBytes, _buffer.Length * 2));
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        // Read until the buffer is full or the input ends: a pipe hands out a few kilobytes at a time, and a record is
        // only parsed once it is whole, so small reads would make each record be scanned again and again.
        while (_end < _buffer.Length)
        {
            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _eof = true;
                break;
            }

            _end += read;
        }
    }

    private void Commit(int bytes, JsonReaderState? state = null)
    {
        var span = _buffer.AsSpan(_start, bytes);
        var newlines = span.Count((byte)'\n');
        if (newlines > 0)
        {
            _lines += newlines;
            _lineStart = _consumed + span.LastIndexOf((byte)'\n') + 1;
        }

        _start += bytes;
        _consumed += bytes;
        if (state is { } s)
        {
            _state = s;
        }
    }

    // The line and column of an absolute byte offset that lies in the buffer (at or after _consumed). A record's items are
    // located in increasing order, so counting resumes from the last offset located (linear in the record, not quadratic).
    private SourceLocation Locate(long absolute)
    {
        if (_mark.Offset < _consumed || absolute < _mark.Offset)
        {
            _mark = (_consumed, _lines, _lineStart);
        }

        var from = (int)(_mark.Offset - _consumed);
        var upTo = (int)Math.Clamp(absolute - _consumed, from, _end - _start);
        var span = _buffer.AsSpan(_start + from, upTo - from);
        var newlines = span.Count((byte)'\n');
        var lineStart = newlines > 0 ? _mark.Offset + span.LastIndexOf((byte)'\n') + 1 : _mark.LineStart;
        _mark = (_consumed + upTo, _mark.Lines + newlines, lineStart);
        return new SourceLocation(_source, _mark.Lines + 1, absolute - lineStart + 1, absolute);
    }

    // JsonException positions count lines and bytes from where its reader started.
    private SourceLocation LocateFrom(long readerStart, long lineNumber, long bytePositionInLine)
    {
        var offset = (int)(readerStart - _consumed);
        var span = _buffer.AsSpan(_start + offset, _end - _start - offset);
        var position = 0;
        for (long line = 0; line < lineNumber && position < span.Length; line++)
        {
            var next = span[position..].IndexOf((byte)'\n');
            if (next < 0)
            {
                break;
            }

            position += next + 1;
        }

        return Locate(readerStart + position + bytePositionInLine);
    }

    private static InputException Fail(string code, SourceLocation location, string message) =>
        new(new Diagnostic(code, DiagnosticSeverity.Error, location, message));

    private static string OneLine(string text)
    {
        var one = text.ReplaceLineEndings(" ");
        return one.Length <= 200 ? one : one[..200] + "…";
    }
}
