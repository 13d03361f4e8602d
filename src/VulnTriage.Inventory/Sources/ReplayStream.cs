namespace VulnTriage.Inventory.Sources;

/// <summary>A read-only stream that returns <paramref name="prefix"/> first, then the rest of <paramref name="inner"/>: detection reads the head once, the reader reads it all.</summary>
/// <param name="prefix">Bytes already read from <paramref name="inner"/>.</param>
/// <param name="prefixLength">How many of them.</param>
/// <param name="inner">The rest; disposed with this stream.</param>
internal sealed class ReplayStream(byte[] prefix, int prefixLength, Stream inner) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Reads up to <paramref name="max"/> bytes (fewer only at the end) from <paramref name="stream"/>.</summary>
    public static (byte[] Buffer, int Length, bool Complete) ReadPrefix(Stream stream, int max)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[max];
        var length = 0;
        while (length < max)
        {
            var read = stream.Read(buffer, length, max - length);
            if (read == 0)
            {
                return (buffer, length, true);
            }

            length += read;
        }

        return (buffer, length, false);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position < prefixLength)
        {
            var n = Math.Min(buffer.Length, prefixLength - _position);
            prefix.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        return inner.Read(buffer);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
