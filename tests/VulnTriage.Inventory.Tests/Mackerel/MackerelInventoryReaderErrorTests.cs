using System.Text;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Inventory.Mackerel;

namespace VulnTriage.Inventory.Tests.Mackerel;

/// <summary>
/// Malformed inventories: each must fail with one diagnostic whose code and location are right. The expected
/// location is given by a marker: the first occurrence of that text in the input (<c>&lt;last&gt;x</c>: the last
/// occurrence of x; <c>&lt;start&gt;</c>: offset 0), from which the expected 1-based line, column and 0-based byte offset are computed.
/// </summary>
public sealed class MackerelInventoryReaderErrorTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "testdata", "mackerel");

    /// <summary>
    /// The error, read on one thread and on three host-parsing threads: both must report the same diagnostic (the
    /// parallel reader hands the one-thread reader's work out, it must not change what is reported).
    /// </summary>
    private static Diagnostic Error(byte[] input, int bufferSize, MackerelReaderOptions? options = null)
    {
        var ex = Assert.Throws<InputException>(
            () => MackerelInventoryReader.ReadWithBuffer(new NonSeekableStream(input, 5), "inv.json", _ => { }, options, bufferSize).ToList());
        var one = Assert.Single(ex.Diagnostics);
        var parallel = Assert.Throws<InputException>(
            () => MackerelInventoryReader.ReadWithBuffer(new NonSeekableStream(input, 5), "inv.json", _ => { }, options, bufferSize, workers: 3).ToList());
        Assert.Equal(one, Assert.Single(parallel.Diagnostics));
        return one;
    }

    private static (long Line, long Column, long Byte) Expected(byte[] input, int index)
    {
        var bom = input.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        var before = input.AsSpan(0, index);
        var lastNewline = before.LastIndexOf((byte)'\n');
        var lineStart = lastNewline >= 0 ? lastNewline + 1 : Math.Min(bom, index);
        return (before.Count((byte)'\n') + 1, index - lineStart + 1, index);
    }

    private static int MarkerIndex(byte[] input, string marker) => marker switch
    {
        "<start>" => 0,
        "<end>" => input.Length,
        _ when marker.StartsWith("<last>", StringComparison.Ordinal) => input.AsSpan().LastIndexOf(Encoding.UTF8.GetBytes(marker[6..])),
        _ => input.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)),
    };

    [Theory]
    // Empty
    [InlineData("", "VT1002", "<start>")]
    [InlineData("  \n\t \r\n", "VT1002", "<start>")]
    [InlineData("\uFEFF", "VT1002", "<start>")]
    // Not a Mackerel shape
    [InlineData("42", "VT1003", "42")]
    [InlineData("\n  \"hosts\"", "VT1003", "\"hosts\"")]
    [InlineData("null", "VT1003", "null")]
    [InlineData("{\"foo\": 1, \"bar\": [1, {\"hosts\": []}]}", "VT1003", "<last>}")]
    // Invalid JSON
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",}]", "VT1001", "}]")]
    [InlineData("[\n{\"id\":\"a\",\n\"name\": tru}]", "VT1001", "}]")]
    [InlineData("[\n  {\"id\":\"a\", \"name\":\"b\"}\n  {\"id\":\"c\"}\n]", "VT1001", "{\"id\":\"c\"")]
    [InlineData("[] x", "VT1001", "x")]
    [InlineData("{\"hosts\": [], }", "VT1001", "}")]
    [InlineData("[{'id':'a'}]", "VT1001", "'id'")]
    // Wrong types for fields the reader uses
    [InlineData("[{\"id\":\"a\",\"name\":5}]", "VT1004", "5}")]
    [InlineData("[{\"id\":7,\"name\":\"b\"}]", "VT1004", "7")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"roles\":[]}]", "VT1004", "[]")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"roles\":{\"Shop\":\"web\"}}]", "VT1004", "\"web\"")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"roles\":{\"Shop\":[1]}}]", "VT1004", "1]")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"roleFullnames\":\"Shop:web\"}]", "VT1004", "\"Shop:web\"")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"meta\":\"x\"}]", "VT1004", "\"x\"")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"meta\":{\"cpu\":{}}}]", "VT1004", "{}")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"meta\":{\"cpu\":[\"x\"]}}]", "VT1004", "\"x\"")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"meta\":{\"cpu\":[{\"model_name\":{\"v\":1}}]}}]", "VT1004", "{\"v\"")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"meta\":{\"cpu\":[{\"family\":true}]}}]", "VT1004", "true")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"meta\":{\"kernel\":{\"name\":1}}}]", "VT1004", "1}")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"meta\":{\"kernel\":[]}}]", "VT1004", "[]")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"meta\":{\"cloud\":{\"provider\":[]}}}]", "VT1004", "[]")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"meta\":{\"cloud\":{\"metadata\":{\"instance-type\":5}}}}]", "VT1004", "5}")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"isRetired\":\"no\"}]", "VT1004", "\"no\"")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"status\":1}]", "VT1004", "1}")]
    [InlineData("{\"hosts\":{}}", "VT1004", "{}")]
    [InlineData("{\"hosts\":null}", "VT1004", "null")]
    [InlineData("{\"host\":[]}", "VT1004", "[]")]
    [InlineData("[1]", "VT1004", "1")]
    [InlineData("[\n{\"id\":\"a\",\"name\":\"b\"},\n{\"id\":\"c\",\n \"name\": 7}\n]", "VT1004", "7")]
    // Host without identity
    [InlineData("[{\"name\":\"b\"}]", "VT1006", "{")]
    [InlineData("[{\"id\":\"a\"}]", "VT1006", "{")]
    [InlineData("[{\"id\":\"\",\"name\":\"b\"}]", "VT1006", "{")]
    [InlineData("[\n  {\"id\":\"a\",\"name\":\"b\"},\n  {\"id\":\"c\",\"name\":null}\n]", "VT1006", "{\"id\":\"c\"")]
    // A UTF-8 BOM does not shift columns but counts in the byte offset
    [InlineData("\uFEFF[{\"id\":\"a\",\"name\":5}]", "VT1004", "5}")]
    // After a skipped subtree (the reader resumes from a template state): positions still count from the input
    [InlineData("[{\"id\":\"a\",\"memory\":{\"x\":[1,2]},\"name\":5}]", "VT1004", "5}")]
    [InlineData("[{\"id\":\"a\",\"memory\":{\"x\":[1,\n2]},\n  \"name\": tru}]", "VT1001", "}]")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"meta\":{\"memory\":{\"x\":\"}\"},\"cpu\":[{\"family\":true}]}}]", "VT1004", "true")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"interfaces\":[{\"n\":\"[\"}]},\n {\"id\":\"c\",\"interfaces\":[],\n \"name\":[]}]", "VT1004", "[]}]")]
    // Brackets that do not match inside a subtree the reader skips: still invalid JSON, where the reader says
    [InlineData("[{\"id\":\"a\",\"name\":\"b\",\"memory\":{\"x\":[1}]}]", "VT1001", "}]}]")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\"},\n{\"id\":\"c\",\"name\":\"d\",\"memory\":[}]", "VT1001", "}]")]
    // Between hosts, after the first (the top-level reader resumes from a template state)
    [InlineData("[{\"id\":\"a\",\"name\":\"b\"}\n  x]", "VT1001", "x]")]
    [InlineData("[{\"id\":\"a\",\"name\":\"b\"},\n  {\"id\":\"c\",\"name\":\"d\"} 7]", "VT1001", "7]")]
    [InlineData("{\"hosts\":[{\"id\":\"a\",\"name\":\"b\"},\n 3]}", "VT1004", "3]")]
    [InlineData("{\"host\":{\"id\":\"a\",\"name\":\"b\"},\n \"x\": nul}", "VT1001", "<last>}")]
    public void Should_Fail_With_The_Code_And_Location_When_The_Inventory_Is_Malformed(string input, string code, string marker)
    {
        // Given
        var bytes = Encoding.UTF8.GetBytes(input);
        var index = MarkerIndex(bytes, marker);
        Assert.True(index >= 0, "marker not in input");
        var (line, column, position) = Expected(bytes, index);

        foreach (var bufferSize in new[] { 16, 1 << 20 })
        {
            // When
            var d = Error(bytes, bufferSize);

            // Then
            Assert.Equal(code, d.Code);
            Assert.Equal(DiagnosticSeverity.Error, d.Severity);
            Assert.Equal(("inv.json", line, column, position), (d.Location.Source, d.Location.Line, d.Location.Column, d.Location.BytePosition));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(200)]
    [InlineData(1500)]
    [InlineData(4000)]
    [InlineData(-1)]
    public void Should_Fail_As_Invalid_Json_At_The_Cut_When_The_Inventory_Is_Truncated(int keep)
    {
        // Given mackerel.md §7.1 in an array, cut after `keep` bytes (negative: from the end)
        var whole = Encoding.UTF8.GetBytes("[" + File.ReadAllText(Path.Combine(Dir, "api-host-linux-gopsutil.json")) + "]");
        var cut = whole[..(keep > 0 ? keep : whole.Length + keep)];
        var (line, _, _) = Expected(cut, cut.Length);

        foreach (var bufferSize in new[] { 16, 1 << 20 })
        {
            // When
            var d = Error(cut, bufferSize);

            // Then: the error is on the last line, at or before the cut
            Assert.Equal(DiagnosticCodes.InventoryInvalidJson, d.Code);
            Assert.Equal(line, d.Location.Line);
            Assert.InRange(d.Location.BytePosition, cut.AsSpan().LastIndexOf((byte)'\n') + 1, cut.Length);
        }
    }

    [Theory]
    [InlineData("model_name")]
    [InlineData("memo")]
    public void Should_Fail_Without_Reading_It_All_When_A_String_Is_10_MB(string field)
    {
        // Given a 10 MB string, in a field the reader uses or in one it skips
        var head = "[{\"id\":\"a\",\"name\":\"b\",\"meta\":{\"cpu\":[{\"vendor_id\":\"GenuineIntel\"}]},\n \"" + field + "\": \"";
        var input = Encoding.UTF8.GetBytes(head + new string('A', 10 << 20) + "\"}]");
        var stream = new NonSeekableStream(input, 64 << 10);

        // When
        var ex = Assert.Throws<InputException>(() => MackerelInventoryReader.Read(stream, "inv.json", _ => { }).ToList());

        // Then
        var d = Assert.Single(ex.Diagnostics);
        Assert.Equal(DiagnosticCodes.InventoryValueTooLarge, d.Code);
        Assert.Equal((2L, (long)field.Length + 6, (long)head.Length - 1), (d.Location.Line, d.Location.Column, d.Location.BytePosition));
        Assert.True(stream.BytesRead < 4 << 20, $"read {stream.BytesRead} bytes before giving up");
    }

    [Fact]
    public void Should_Fail_When_A_Host_Exceeds_MaxHostBytes()
    {
        // Given
        var input = Encoding.UTF8.GetBytes("[{\"id\":\"a\",\"name\":\"b\"},\n {\"id\":\"c\",\"name\":\"d\",\"memo\":\"" + new string('x', 5000) + "\"}]");
        var options = new MackerelReaderOptions(MaxHostBytes: 4096);

        foreach (var bufferSize in new[] { 64, 1 << 20 })
        {
            // When
            var d = Error(input, bufferSize, options);

            // Then
            Assert.Equal(DiagnosticCodes.InventoryValueTooLarge, d.Code);
            Assert.Equal((2L, 2L, 25L), (d.Location.Line, d.Location.Column, d.Location.BytePosition));
        }
    }

    [Fact]
    public void Should_Fail_As_Invalid_Json_When_Nesting_Exceeds_MaxDepth()
    {
        // Given
        var input = Encoding.UTF8.GetBytes("[{\"id\":\"a\",\"name\":\"b\",\"x\":[[[[[[1]]]]]]}]");

        // When
        var d = Error(input, 1 << 20, new MackerelReaderOptions(MaxDepth: 5));

        // Then
        Assert.Equal(DiagnosticCodes.InventoryInvalidJson, d.Code);
        Assert.Equal(1, d.Location.Line);
    }

    [Fact]
    public void Should_Fail_As_Invalid_Json_At_The_Host_When_A_Cpu_String_Is_Not_Utf8()
    {
        // Given
        byte[] input = [.. "[{\"id\":\"a\",\"name\":\"b\",\"meta\":{\"cpu\":[{\"model_name\":\"Intel"u8, 0xC3, 0x28, .. "\"}]}}]"u8];

        // When
        var d = Error(input, 1 << 20);

        // Then
        Assert.Equal(DiagnosticCodes.InventoryInvalidJson, d.Code);
        Assert.Equal(1, d.Location.BytePosition);
    }

    [Fact]
    public void Should_Fail_As_Invalid_Json_When_A_String_Is_Not_Utf8()
    {
        // Given
        byte[] input = [.. "[{\"id\":\"a\",\"name\":\""u8, 0xC3, 0x28, .. "\"}]"u8];

        // When
        var d = Error(input, 1 << 20);

        // Then
        Assert.Equal(DiagnosticCodes.InventoryInvalidJson, d.Code);
        Assert.Equal(18, d.Location.BytePosition);
    }
}
