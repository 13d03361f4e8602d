using CsCheck;
using VulnTriage.Core.Cpe;

namespace VulnTriage.Core.Tests.Cpe;

/// <summary>
/// NVD version ranges (versionStart/End Including/Excluding), compared as the matchers that read them do
/// (shared/docs/reference/nvd-cpe-vex.md §3.3): numbers numerically, missing parts as 0. Laws: a total preorder.
/// </summary>
public sealed class CpeVersionTests
{
    [Theory]
    [InlineData("11.8", "11.10", -1)] // numeric, not lexical
    [InlineData("8.1.71.3608", "8.1.72.3002", -1)]
    [InlineData("20230808", "20230807", 1)] // Intel microcode package dates (CVE-2022-40982)
    [InlineData("1.0", "1.0.0", 0)]
    [InlineData("04.00.04.294", "4.0.4.294", 0)] // SPS zero padding
    [InlineData("1.0", "1.0a", -1)]
    [InlineData("1.0a", "1.0b", -1)]
    [InlineData("1.0.a", "1.0.1", 1)] // a letter part after a number part
    [InlineData("2.10", "2.9", 1)]
    public void Should_Order_Versions_As_Nvd_Ranges_Read_Them(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(CpeVersion.Compare(a, b)));
    }

    [Theory]
    [InlineData("8.0.0.0", true)] // versionStartIncluding (CVE-2017-5711)
    [InlineData("8.1.71.3608", true)] // versionEndIncluding
    [InlineData("8.1.71.3609", false)]
    [InlineData("7.1.91.3272", false)]
    public void Should_Include_Both_Ends_When_The_Range_Says_Including(string version, bool inside)
    {
        var range = new CpeVersionRange("8.0.0.0", null, "8.1.71.3608", null);
        Assert.Equal(inside, range.Contains(version));
    }

    [Theory]
    [InlineData("20230807", true)]
    [InlineData("20230808", false)] // versionEndExcluding: the first fixed one (CVE-2022-40982)
    public void Should_Exclude_The_End_When_The_Range_Says_Excluding(string version, bool inside)
    {
        var range = new CpeVersionRange(null, null, null, "20230808");
        Assert.Equal(inside, range.Contains(version));
    }

    [Fact]
    public void Should_Exclude_The_Start_When_The_Range_Says_Start_Excluding()
    {
        var range = new CpeVersionRange(null, "2.0", null, null);
        Assert.False(range.Contains("2.0"));
        Assert.False(range.Contains("2"));
        Assert.True(range.Contains("2.0.1"));
    }

    private static readonly Gen<string> Versions = Gen.Select(
        Gen.OneOf(Gen.Int[0, 12].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Gen.OneOf("a", "b", "rc", "0", "00", "1a")).Array[1, 4],
        Gen.OneOf(".", "-", "_"),
        (parts, separator) => string.Join(separator, parts));

    [Fact]
    public void Should_Be_Antisymmetric_When_Comparing_Any_Two_Versions()
    {
        Gen.Select(Versions, Versions).Sample((a, b) => Math.Sign(CpeVersion.Compare(a, b)) == -Math.Sign(CpeVersion.Compare(b, a)));
    }

    [Fact]
    public void Should_Be_Transitive_When_Comparing_Three_Versions()
    {
        Gen.Select(Versions, Versions, Versions).Sample((a, b, c) => !(CpeVersion.Compare(a, b) <= 0 && CpeVersion.Compare(b, c) <= 0) || CpeVersion.Compare(a, c) <= 0);
    }

    [Fact]
    public void Should_Be_Reflexive_When_Comparing_A_Version_To_Itself()
    {
        Versions.Sample(v => CpeVersion.Compare(v, v) == 0);
    }

    [Fact]
    public void Should_Hold_Exactly_The_Versions_Between_Its_Ends_When_Both_Are_Inclusive()
    {
        Gen.Select(Versions, Versions, Versions).Sample((low, high, v) =>
            new CpeVersionRange(low, null, high, null).Contains(v) == (CpeVersion.Compare(v, low) >= 0 && CpeVersion.Compare(v, high) <= 0));
    }
}
