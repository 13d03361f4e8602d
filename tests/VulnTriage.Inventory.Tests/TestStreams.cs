using System.Text;

namespace VulnTriage.Inventory.Tests;

/// <summary>Like standard input: not seekable, no length, and hands out at most <c>chunk</c> bytes per read.</summary>
internal sealed class NonSeekableStream(byte[] data, int chunk = int.MaxValue) : Stream
{
    private int _position;

    public long BytesRead => _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(buffer.Length, chunk), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// An inventory generated on the fly (never held in memory): <c>{"hosts":[ host0, host1, ... ]}</c>, each host a
/// Linux host with <c>cpus</c> gopsutil-format CPU entries, stopping once <c>targetBytes</c> have been produced.
/// </summary>
internal sealed class GeneratedInventoryStream : Stream
{
    private static readonly byte[] Prefix = Encoding.UTF8.GetBytes("{\"hosts\":[\n");
    private static readonly byte[] Suffix = Encoding.UTF8.GetBytes("\n]}\n");
    private readonly long _targetBytes;
    private readonly int _cpus;
    private byte[] _current = Prefix;
    private int _offset;
    private bool _finished;

    public GeneratedInventoryStream(long targetBytes, int cpus)
    {
        _targetBytes = targetBytes;
        _cpus = cpus;
    }

    public int HostsWritten { get; private set; }

    public long BytesProduced { get; private set; }

    public static byte[] Host(int i, int cpus)
    {
        var sb = new StringBuilder(6000);
        sb.Append("    {\n        \"id\": \"gen").Append(i).Append("\",\n        \"name\": \"host-").Append(i)
            .Append(".dc1.example.com\",\n        \"displayName\": \"generated host\",\n        \"size\": \"standard\",\n        \"status\": \"working\",\n        \"memo\": \"\",\n        \"roles\": { \"Shop\": [ \"web\", \"app\" ] },\n        \"isRetired\": false,\n        \"createdAt\": 1700000000,\n        \"meta\": {\n            \"agent-name\": \"mackerel-agent/0.85.0 (Revision 2ce60fc)\",\n            \"agent-revision\": \"2ce60fc\",\n            \"agent-version\": \"0.85.0\",\n            \"cpu\": [\n");
        for (var c = 0; c < cpus; c++)
        {
            sb.Append("                { \"cache_size\": \"22528 KB\", \"core_id\": \"").Append(c % (cpus / 2 == 0 ? 1 : cpus / 2))
                .Append("\", \"cores\": \"1\", \"family\": \"6\", \"mhz\": \"3700\", \"model\": \"85\", \"model_name\": \"Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz\", \"physical_id\": \"")
                .Append(c < cpus / 2 ? 0 : 1).Append("\", \"stepping\": \"4\", \"vendor_id\": \"GenuineIntel\" }")
                .Append(c + 1 < cpus ? ",\n" : "\n");
        }

        sb.Append("            ],\n            \"filesystem\": { \"/dev/sda1\": { \"kb_available\": 802184, \"kb_size\": 1038336, \"kb_used\": 236152, \"mount\": \"/boot\", \"percent_used\": \"23%\" } },\n            \"kernel\": { \"machine\": \"x86_64\", \"name\": \"Linux\", \"os\": \"GNU/Linux\", \"platform_name\": \"Ubuntu\", \"platform_version\": \"22.04\", \"release\": \"5.15.0-91-generic\", \"version\": \"#101-Ubuntu SMP\" },\n            \"memory\": { \"total\": \"65689036kB\", \"free\": \"1203344kB\", \"cached\": \"27812044kB\" }\n        },\n        \"interfaces\": [ { \"name\": \"eno1\", \"ipAddress\": \"10.0.0.1\", \"ipv4Addresses\": [ \"10.0.0.1\" ], \"macAddress\": \"3c:ec:ef:12:34:56\" } ]\n    }");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            if (_offset == _current.Length && !Advance())
            {
                break;
            }

            var n = Math.Min(buffer.Length - written, _current.Length - _offset);
            _current.AsSpan(_offset, n).CopyTo(buffer[written..]);
            _offset += n;
            written += n;
        }

        BytesProduced += written;
        return written;
    }

    private bool Advance()
    {
        if (_finished)
        {
            return false;
        }

        _offset = 0;
        if (BytesProduced >= _targetBytes)
        {
            _current = Suffix;
            _finished = true;
            return true;
        }

        var host = Host(HostsWritten, _cpus);
        _current = HostsWritten == 0 ? host : [(byte)',', (byte)'\n', .. host];
        HostsWritten++;
        return true;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
