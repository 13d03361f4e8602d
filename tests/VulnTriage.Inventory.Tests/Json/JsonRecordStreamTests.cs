using System.Collections.Immutable;
using System.Text;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Inventory.Json;

namespace VulnTriage.Inventory.Tests.Json;

/// <summary>The record streamer the osquery, Fleet and Ansible readers share: records across refills, shapes, located errors.</summary>
public sealed class JsonRecordStreamTests
{
    private static readonly JsonRecordOptions Lines = new(MultipleTopLevelValues: true);
    private static readonly JsonRecordOptions Hosts = new(false, ArrayProperties: ["hosts"], ObjectProperties: ["host"]);

    private static List<(string Text, long Line, string? Property, bool FromMap)> Read(string json, JsonRecordOptions options, int chunk = int.MaxValue) =>
        [.. JsonRecordStream.Read(new NonSeekableStream(Encoding.UTF8.GetBytes(json), chunk), "in.json", "test input", options)
            .Select(r => (r.Value.GetRawText(), r.Location.Line, r.Property, r.FromMap))];

    private static Diagnostic Error(string json, JsonRecordOptions options, int chunk = 3)
    {
        var ex = Assert.Throws<InputException>(() => Read(json, options, chunk));
        return Assert.Single(ex.Diagnostics);
    }

    public sealed class Shapes
    {
        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(7)]
        [InlineData(int.MaxValue)]
        public void Should_Read_Every_Line_With_Its_Line_Number_When_The_Stream_Hands_Out_Few_Bytes(int chunk)
        {
            // Given: JSON Lines with a BOM, a blank line and CRLF
            var json = "\uFEFF{\"a\":1}\r\n\r\n{\"b\":[1,2]}\n  {\"c\":\"x\"}\n";

            // When
            var records = Read(json, Lines, chunk);

            // Then
            Assert.Equal([("{\"a\":1}", 1L), ("{\"b\":[1,2]}", 3L), ("{\"c\":\"x\"}", 4L)], records.Select(r => (r.Text, r.Line)));
        }

        [Theory]
        [InlineData("{\"hosts\":[{\"id\":1},{\"id\":2}],\"extra\":{\"x\":[1,{\"y\":2}]}}", 2)]
        [InlineData("{\"extra\":[1,2,3],\"host\":{\"id\":1}}", 1)]
        [InlineData("[{\"id\":1},{\"id\":2},{\"id\":3}]", 3)]
        [InlineData("{\"hosts\":[]}", 0)]
        public void Should_Find_The_Records_Of_A_Document_When_They_Sit_Where_The_Options_Say(string json, int expected)
        {
            // When
            var records = Read(json, Hosts, 4);

            // Then
            Assert.Equal(expected, records.Count);
        }

        [Fact]
        public void Should_Name_Map_Members_And_Groups_When_Reading_An_Ansible_Inventory_Shape()
        {
            // Given: groups before and after _meta.hostvars, as ansible-inventory --list sorts keys
            var json = "{\"Apps\":{\"hosts\":[\"a\"]},\"_meta\":{\"other\":1,\"hostvars\":{\"a\":{\"x\":1},\"b\":{}}},\"web\":{\"hosts\":[\"b\"]}}";
            var options = new JsonRecordOptions(false, AllObjectProperties: true, MapPath: ImmutableArray.Create("_meta", "hostvars"));

            // When
            var records = Read(json, options, 5);

            // Then
            Assert.Equal([("Apps", false), ("a", true), ("b", true), ("web", false)], records.Select(r => (r.Property!, r.FromMap)));
        }

        [Fact]
        public void Should_Grow_Its_Buffer_When_One_Record_Is_Larger_Than_It()
        {
            // Given: a record of ~200 KB (the buffer starts at 64 KiB)
            var big = new string('x', 200_000);
            var json = "{\"a\":1}\n{\"big\":\"" + big + "\"}\n{\"c\":3}\n";

            // When
            var records = Read(json, Lines, 8192);

            // Then
            Assert.Equal(3, records.Count);
            Assert.Contains(big, records[1].Text, StringComparison.Ordinal);
        }
    }

    public sealed class Errors
    {
        [Theory]
        [InlineData("", "VT1002", 1L)]
        [InlineData("  \n ", "VT1002", 1L)]
        [InlineData("{\"a\":1}\n{\"b\":tru}\n", "VT1001", 2L)]
        [InlineData("{\"a\":1}\n{\"b\":\n", "VT1001", 0L)]
        [InlineData("{\"a\":1}\n[1]\n", "VT1003", 2L)]
        public void Should_Fail_With_A_Located_Diagnostic_When_A_Line_Is_Broken(string json, string code, long line)
        {
            // When
            var d = Error(json, Lines);

            // Then
            Assert.Equal(code, d.Code);
            Assert.Equal(DiagnosticSeverity.Error, d.Severity);
            if (line > 0)
            {
                Assert.Equal(line, d.Location.Line);
            }
        }

        [Theory]
        [InlineData("42", "VT1003")]
        [InlineData("{\"hosts\":[{\"id\":1},]}", "VT1001")]
        [InlineData("[{\"id\":1}] x", "VT1001")]
        [InlineData("{\"hosts\":[{\"id\":1}", "VT1001")]
        public void Should_Fail_With_A_Located_Diagnostic_When_A_Document_Is_Broken(string json, string code)
        {
            // Then
            Assert.Equal(code, Error(json, Hosts).Code);
        }

        [Fact]
        public void Should_Refuse_A_Record_Over_The_Limit_When_It_Would_Not_Fit()
        {
            // Given
            var json = "{\"a\":\"" + new string('x', 300_000) + "\"}\n";

            // When
            var d = Error(json, Lines with { MaxRecordBytes = 1 << 17 }, 65536);

            // Then
            Assert.Equal("VT1005", d.Code);
        }
    }
}
