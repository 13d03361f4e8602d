using CsCheck;
using VulnTriage.Core.Versions;

namespace VulnTriage.Core.Tests;

public sealed class FirmwareVersionTests
{
    private static readonly Gen<FirmwareVersion> Versions =
        Gen.Select(Gen.Int[0, 30], Gen.Int[0, 25], Gen.Int[0, 100], Gen.Int[0, 5000], (a, b, c, d) => new FirmwareVersion(a, b, c, d));

    [Theory]
    [InlineData("11.8.50.3425", "11.10.0.0")]
    [InlineData("11.10.0.0", "11.20.0.0")]
    [InlineData("04.00.03.237", "04.00.04.294")]
    [InlineData("9.1.41.3024", "9.1.42.3002")]
    public void Should_Order_Numerically_When_Minors_Differ_In_Digits(string lower, string higher)
    {
        // Given
        var a = FirmwareVersion.Parse(lower);
        var b = FirmwareVersion.Parse(higher);

        // Then
        Assert.True(a < b);
        Assert.True(b > a);
    }

    [Fact]
    public void Should_Parse_Zero_Padded_Sps_Versions_To_The_Same_Numbers_When_Padded()
    {
        // Then
        Assert.Equal(new FirmwareVersion(4, 0, 4, 294), FirmwareVersion.Parse("04.00.04.294"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("11.8")]
    [InlineData("11.8.50")]
    [InlineData("11.8.50.3425.1")]
    [InlineData("11.8.x.3425")]
    [InlineData("-1.0.0.0")]
    [InlineData("11.8.50.99999999999")]
    [InlineData("0:11.8.50.3425")]
    public void Should_Refuse_With_A_Reason_When_Not_Four_Numbers(string text)
    {
        // Then
        Assert.False(FirmwareVersion.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Should_Be_Antisymmetric_When_Comparing_Any_Two() =>
        Gen.Select(Versions, Versions).Sample((a, b) => Math.Sign(a.CompareTo(b)) == -Math.Sign(b.CompareTo(a)));

    [Fact]
    public void Should_Be_Transitive_When_Comparing_Any_Three() =>
        Gen.Select(Versions, Versions, Versions).Sample((a, b, c) => !(a <= b && b <= c) || a <= c);

    [Fact]
    public void Should_Round_Trip_Through_Text_When_Formatted() =>
        Versions.Sample(v => FirmwareVersion.Parse(v.ToString()) == v);

    [Fact]
    public void Should_Agree_With_Equality_When_Comparing_Equal_Versions() =>
        Gen.Select(Versions, Versions).Sample((a, b) => (a.CompareTo(b) == 0) == (a == b));
}
