using System.Text;
using System.Text.Json;
using VulnTriage.Inventory.Json;

namespace VulnTriage.Inventory.Tests.Json;

/// <summary>
/// The structure scan must find exactly the bracket that System.Text.Json's reader ends the value at, whatever the
/// strings inside hold (escaped quotes, runs of backslashes, brackets, multi-byte text) and wherever the 64-byte block
/// boundaries fall; anything it cannot vouch for (a bracket of the wrong kind, too deep) it must call malformed.
/// </summary>
public sealed class JsonStructureTests
{
    /// <summary>Where Utf8JsonReader ends the value starting at <paramref name="start"/> (the index of its last byte).</summary>
    private static int ReaderEnd(byte[] data, int start)
    {
        var reader = new Utf8JsonReader(data.AsSpan(start), isFinalBlock: true, default);
        reader.Read();
        reader.Skip();
        return start + (int)reader.TokenStartIndex;
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""[]""")]
    [InlineData("""{"a":"}"}""")]
    [InlineData("""{"a":"\"}"}""")]
    [InlineData("""{"a":"\\"}""")]
    [InlineData("""{"a":"\\\"]"}""")]
    [InlineData("""{"a":"\\\\"}""")]
    [InlineData("""{"a":["{",{"b":"[\"]"}],"c":"\u005d"}""")]
    [InlineData("""{"ja":"日本語の「}」と「]」"}""")]
    public void Should_Find_The_Closing_Bracket_The_Reader_Ends_At_When_Strings_Hold_Brackets_And_Escapes(string json)
    {
        for (var pad = 0; pad < 130; pad++)
        {
            // Given the value at every offset across two 64-byte block boundaries
            var data = Encoding.UTF8.GetBytes(new string(' ', pad) + json + " ]");

            // When
            var scan = JsonStructure.FindEnd(data, pad, 64, out var end);

            // Then
            Assert.Equal(StructureScan.Found, scan);
            Assert.Equal(ReaderEnd(data, pad), end);
        }
    }

    [Fact]
    public void Should_Agree_With_The_Reader_When_Values_Are_Random()
    {
        // Given 3,000 random values (seeded: the same every run), each behind random padding
        var random = new Random(13);
        for (var i = 0; i < 3000; i++)
        {
            var json = random.Next(2) == 0
                ? "{" + RandomString(random) + ":" + RandomValue(random, 1, random.Next(1, 6)) + "}"
                : "[" + RandomValue(random, 1, random.Next(1, 6)) + "]";
            var pad = random.Next(0, 70);
            var data = Encoding.UTF8.GetBytes(new string(' ', pad) + json + "   ");

            // When
            var scan = JsonStructure.FindEnd(data, pad, 64, out var end);

            // Then
            Assert.True(scan == StructureScan.Found, json);
            Assert.True(ReaderEnd(data, pad) == end, json);
        }
    }

    [Theory]
    [InlineData("""{"a":[1}""", "}")]
    [InlineData("""[{"a":1]""", "]")]
    [InlineData("""{"a":{"b":[[[[1]]]]}}""", "<3rd[>")]
    public void Should_Call_The_Value_Malformed_At_The_Offending_Bracket_When_Kinds_Differ_Or_It_Is_Too_Deep(string json, string marker)
    {
        // Given
        var data = Encoding.UTF8.GetBytes(json);
        var expected = marker == "<3rd[>" ? json.IndexOf("[[[[", StringComparison.Ordinal) + 2 : json.IndexOf(marker, StringComparison.Ordinal);

        // When (at most 4 levels: the object, "a"'s object, and two arrays)
        var scan = JsonStructure.FindEnd(data, 0, 4, out var at);

        // Then
        Assert.Equal(StructureScan.Malformed, scan);
        Assert.Equal(expected, at);
    }

    [Theory]
    [InlineData("""{"a":[1,2""", -1)]
    [InlineData("""{"a":"abc""", 5)]
    [InlineData("""{"a":"ab\""", 5)]
    public void Should_Ask_For_More_Data_And_Name_An_Open_String_When_The_Value_Is_Cut(string json, int openString)
    {
        // Given
        var data = Encoding.UTF8.GetBytes(json);

        // When
        var scan = JsonStructure.FindEnd(data, 0, 64, out var at);

        // Then
        Assert.Equal(StructureScan.NeedMoreData, scan);
        Assert.Equal(openString, at);
    }

    private static string RandomValue(Random random, int depth, int maxDepth)
    {
        var kind = depth >= maxDepth ? random.Next(2, 6) : random.Next(0, 6);
        switch (kind)
        {
            case 0:
                {
                    var sb = new StringBuilder("{");
                    var n = random.Next(0, 4);
                    for (var i = 0; i < n; i++)
                    {
                        sb.Append(i > 0 ? "," : "").Append(RandomString(random)).Append(':').Append(RandomValue(random, depth + 1, maxDepth));
                    }

                    return sb.Append('}').ToString();
                }

            case 1:
                {
                    var sb = new StringBuilder("[");
                    var n = random.Next(0, 4);
                    for (var i = 0; i < n; i++)
                    {
                        sb.Append(i > 0 ? ", " : "").Append(RandomValue(random, depth + 1, maxDepth));
                    }

                    return sb.Append(']').ToString();
                }

            case 2:
                return random.Next(-1000, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case 3:
                return random.Next(2) == 0 ? "true" : "null";
            default:
                return RandomString(random);
        }
    }

    private static string RandomString(Random random)
    {
        string[] pieces = ["a", "}", "]", "{", "[", "\\\"", "\\\\", "\\\\\\\"", "\\n", "\\u005b", "日本", " ", ":", ",", "x\\/y"];
        var sb = new StringBuilder("\"");
        var n = random.Next(0, 40);
        for (var i = 0; i < n; i++)
        {
            sb.Append(pieces[random.Next(pieces.Length)]);
        }

        return sb.Append('"').ToString();
    }
}
