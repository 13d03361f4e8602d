namespace VulnTriage.Reports.Tests;

public sealed class ReportWritersTests
{
    [Theory]
    [InlineData("markdown", "markdown")]
    [InlineData("md", "markdown")]
    [InlineData("JSON", "json")]
    [InlineData("csv", "csv")]
    [InlineData(" html ", "html")]
    public void Should_CreateTheWriter_When_TheFormatIsKnown(string name, string expected)
    {
        // Given / When
        var writer = ReportWriters.Create(name);

        // Then
        Assert.Equal(expected, writer.Format);
    }

    [Theory]
    [InlineData("sarif")]
    [InlineData("")]
    public void Should_Throw_When_TheFormatIsUnknown(string name)
    {
        // Given / When / Then
        Assert.Throws<ArgumentException>(() => ReportWriters.Create(name));
    }
}
