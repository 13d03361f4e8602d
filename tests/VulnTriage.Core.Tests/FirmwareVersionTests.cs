using VulnTriage.Core.Versions;

namespace VulnTriage.Core.Tests;

public sealed class FirmwareVersionTests
{
    [Theory]
    [InlineData("11.8.50.3425", "11.10.0.0")]
    [InlineData("11.10.0.0", "11.20.0.0")]
    [InlineData("04.00.03.237", "04.00.04.294")]
    public void Should_Order_Numerically_When_Minors_Differ_In_Digits(string lower, string higher)
    {
        // Given
        var a = FirmwareVersion.Parse(lower);
        var b = FirmwareVersion.Parse(higher);

        // Then
        Assert.True(a < b);
    }
}
