using CsCheck;
using VulnTriage.Core.Versions;

namespace VulnTriage.Core.Tests;

public sealed class MeiFirmwareVersionFileTests
{
    private static readonly Gen<MeiFirmwareLine> Lines =
        Gen.Select(Gen.Int[0, 255], Gen.Int[0, 30], Gen.Int[0, 25], Gen.Int[0, 100], Gen.Int[0, 5000], (p, a, b, c, d) => new MeiFirmwareLine(p, new FirmwareVersion(a, b, c, d)));

    [Fact]
    public void Should_Read_Three_Lines_With_The_First_As_Running_When_Given_A_Real_Fw_Ver_File()
    {
        // Given: fwupd's test fixture of a real /sys/class/mei/mei0/fw_ver (fwupd/fwupd plugins/intel-me-pci/tests/intel-me-setup.json)
        const string Text = "0:16.1.32.2473\n0:16.1.32.2473\n0:16.1.25.2035\n";

        // When
        var file = MeiFirmwareVersionFile.Parse(Text);

        // Then
        Assert.Empty(file.Errors);
        Assert.Equal(3, file.Lines.Length);
        Assert.Equal(new MeiFirmwareLine(0, new FirmwareVersion(16, 1, 32, 2473)), file.Running);
        Assert.Equal(new FirmwareVersion(16, 1, 25, 2035), file.Lines[2].Version);
    }

    [Theory]
    [InlineData("0:11.8.50.3425", 0, "11.8.50.3425")]
    [InlineData("  0:3.1.50.2222\r", 0, "3.1.50.2222")]
    [InlineData("3:04.00.04.294", 3, "4.0.4.294")]
    [InlineData("255:1.2.3.4", 255, "1.2.3.4")]
    public void Should_Parse_Platform_And_Version_When_The_Line_Is_Well_Formed(string line, int platform, string version)
    {
        // When
        var ok = MeiFirmwareVersionFile.TryParseLine(line, out var parsed, out var error);

        // Then
        Assert.True(ok, error);
        Assert.Equal(platform, parsed.Platform);
        Assert.Equal(version, parsed.Version.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("11.8.50.3425")]
    [InlineData("x:11.8.50.3425")]
    [InlineData("256:11.8.50.3425")]
    [InlineData("-1:11.8.50.3425")]
    [InlineData(":11.8.50.3425")]
    [InlineData("0:11.8.50")]
    [InlineData("0:11.8.50.3425.7")]
    [InlineData("0:11.8.x.3425")]
    [InlineData("0:")]
    public void Should_Refuse_With_A_Reason_When_The_Line_Is_Not_Platform_Colon_Version(string line)
    {
        // When
        var ok = MeiFirmwareVersionFile.TryParseLine(line, out _, out var error);

        // Then
        Assert.False(ok);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Should_Report_Extra_Lines_When_The_File_Has_More_Than_Three()
    {
        // When
        var file = MeiFirmwareVersionFile.Parse("0:11.8.50.3425\n0:11.8.50.3425\n0:11.6.0.1126\n0:1.2.3.4\n");

        // Then
        Assert.Equal(3, file.Lines.Length);
        Assert.Contains(file.Errors, e => e.Contains("more than 3", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Have_No_Running_Version_When_The_First_Line_Is_Garbage_Even_If_Later_Lines_Parse()
    {
        // When
        var file = MeiFirmwareVersionFile.Parse("garbage\n0:11.8.50.3425\n");

        // Then
        Assert.Null(file.Running);
        Assert.Single(file.Lines);
        Assert.Contains(file.Errors, e => e.StartsWith("line 1:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    public void Should_Say_The_File_Is_Empty_When_It_Has_No_Lines(string text)
    {
        // When
        var file = MeiFirmwareVersionFile.Parse(text);

        // Then
        Assert.Null(file.Running);
        Assert.Contains("the file is empty", file.Errors);
    }

    [Fact]
    public void Should_Round_Trip_Through_Text_When_Formatted() =>
        Lines.Sample(l => MeiFirmwareVersionFile.TryParseLine(l.ToString(), out var parsed, out _) && parsed == l);

    [Fact]
    public void Should_Read_Every_Line_It_Formats_When_Joined_As_A_File() =>
        Gen.Select(Lines, Lines, Lines).Sample((a, b, c) =>
        {
            var file = MeiFirmwareVersionFile.Parse($"{a}\n{b}\n{c}\n");
            return file.Errors.IsEmpty && file.Running == a && file.Lines.SequenceEqual([a, b, c]);
        });
}

public sealed class FirmwareVersionOrderingTests
{
    private static readonly Gen<FirmwareVersion> Versions =
        Gen.Select(Gen.Int[0, 30], Gen.Int[0, 25], Gen.Int[0, 100], Gen.Int[0, 5000], (a, b, c, d) => new FirmwareVersion(a, b, c, d));

    [Fact]
    public void Should_Order_The_Me11_Branches_Numerically_When_Chained()
    {
        // Given: the ME 11 branches named in INTEL-SA-00086, in numeric order (text order would put 11.10 before 11.8)
        string[] chain = ["11.0.18.1002", "11.5.0.0", "11.6.12.3202", "11.7.0.1229", "11.8.50.3425", "11.10.0.0", "11.11.50.1422", "11.20.0.0", "11.21.50.1424", "12.0.35.1427"];

        // When
        var parsed = chain.Select(FirmwareVersion.Parse).ToList();

        // Then
        for (var i = 1; i < parsed.Count; i++)
        {
            Assert.True(parsed[i - 1] < parsed[i], $"{chain[i - 1]} < {chain[i]}");
        }

        Assert.Equal(parsed, parsed.OrderBy(v => v).ToList());
    }

    [Fact]
    public void Should_Be_Reflexive_When_Comparing_A_Version_With_Itself() =>
        Versions.Sample(v =>
        {
            var copy = new FirmwareVersion(v.Major, v.Minor, v.Hotfix, v.Build);
            return v.CompareTo(copy) == 0 && v <= copy && v >= copy && !(v < copy);
        });

    [Fact]
    public void Should_Be_Total_When_Comparing_Any_Two() =>
        Gen.Select(Versions, Versions).Sample((a, b) => (a < b) ^ (a > b) ^ (a == b));

    [Fact]
    public void Should_Compare_Minors_As_Numbers_When_They_Differ_In_Digit_Count() =>
        Gen.Select(Gen.Int[0, 9], Gen.Int[10, 99], Gen.Int[0, 99], Gen.Int[0, 9999]).Sample((small, large, hotfix, build) =>
            new FirmwareVersion(11, small, hotfix, build) < new FirmwareVersion(11, large, 0, 0));

    [Fact]
    public void Should_Decide_By_The_First_Differing_Field_When_Comparing() =>
        Gen.Select(Versions, Versions).Sample((a, b) =>
        {
            var expected = a.Major != b.Major ? a.Major.CompareTo(b.Major)
                : a.Minor != b.Minor ? a.Minor.CompareTo(b.Minor)
                : a.Hotfix != b.Hotfix ? a.Hotfix.CompareTo(b.Hotfix)
                : a.Build.CompareTo(b.Build);
            return Math.Sign(a.CompareTo(b)) == Math.Sign(expected);
        });
}
