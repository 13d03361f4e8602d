using VulnTriage.Inventory.MackerelApi;

namespace VulnTriage.Inventory.Tests.MackerelApi;

public sealed class MackerelAgentConfigTests
{
    private static string TestData(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", "mackerel-agent", name));

    [Fact]
    public void Should_Read_Apikey_And_Apibase_When_Given_The_Mkr_Test_Config()
    {
        // When
        var conf = MackerelAgentConfig.Parse(TestData("mkr-testdata.conf"));

        // Then
        Assert.Equal(new MackerelAgentConfig("123456ABCD", "https://example.com/"), conf);
    }

    [Fact]
    public void Should_Ignore_Keys_Inside_Tables_When_A_Plugin_Table_Follows()
    {
        // When
        var conf = MackerelAgentConfig.Parse(TestData("agent-sample-with-plugins.conf"));

        // Then
        Assert.Equal("AbCdEf0123456789abcdef0123456789AbCdEf012345", conf.ApiKey);
        Assert.Null(conf.ApiBase);
    }

    [Theory]
    [InlineData("apikey = 'lit\\eral' # comment", "lit\\eral")]
    [InlineData("apikey=\"a\\u0042c\"", "aBc")]
    [InlineData("\"apikey\" = \"quoted-key\"", "quoted-key")]
    [InlineData("\uFEFFapikey = \"bom\"\r\n", "bom")]
    [InlineData("# apikey = \"commented\"\n", null)]
    [InlineData("notes = \"\"\"\napikey = \"inside a multi-line string\"\n\"\"\"\n", null)]
    public void Should_Read_The_Toml_String_When_Written_In_Any_Single_Line_Form(string text, string? expected)
    {
        // When
        var conf = MackerelAgentConfig.Parse(text);

        // Then
        Assert.Equal(expected, conf.ApiKey);
    }

    [Theory]
    [InlineData("apikey = SECRETVALUE")]
    [InlineData("apikey = \"SECRETVALUE")]
    [InlineData("apikey = \"SECRETVALUE\" trailing")]
    [InlineData("apikey = \"SECRET\\qVALUE\"")]
    public void Should_Throw_Without_The_Value_When_The_Apikey_Line_Is_Malformed(string text)
    {
        // When
        var e = Assert.Throws<FormatException>(() => MackerelAgentConfig.Parse(text));

        // Then
        Assert.Contains("apikey", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", e.Message, StringComparison.Ordinal);
    }
}
