using VulnTriage.Cli;

namespace VulnTriage.Storage.Tests;

/// <summary>The CLI's last line of defence: every stderr line passes through the passwords it has seen.</summary>
public sealed class SecretsTests
{
    [Theory]
    [InlineData("--db=postgresql://vt:p%40ss-w0rd@db/x", "p@ss-w0rd")]
    [InlineData("postgres://vt:hunter22@[::1]:5432/x", "hunter22")]
    [InlineData("POSTGRESQL://db/x?sslmode=require&password=s3cr3t-pw", "s3cr3t-pw")]
    public void Should_Find_The_Password_Of_A_Url_Anywhere_In_The_Arguments(string arg, string password)
    {
        // Given
        var secrets = new Secrets();

        // When
        secrets.AddFromArguments(["decisions", "list", arg]);

        // Then: the password, raw and percent-encoded, is redacted
        Assert.Equal("a *** b", secrets.Redact($"a {password} b"));
        Assert.Equal("a *** b", secrets.Redact($"a {Uri.EscapeDataString(password)} b"));
    }

    [Fact]
    public void Should_Redact_A_Secret_Written_In_Pieces_And_Pass_Progress_Lines_Through()
    {
        // Given
        var secrets = new Secrets();
        secrets.Add("hunter22");
        var inner = new StringWriter();
        using var writer = new RedactingWriter(inner, secrets);

        // When: a line written in parts, then a progress line ending in \r and flushed
        writer.Write("error: hun");
        writer.Write("ter22 rejected");
        writer.WriteLine();
        writer.Write("\rread 10 hosts");
        writer.Flush();

        // Then
        Assert.Equal("error: *** rejected" + Environment.NewLine + "\rread 10 hosts", inner.ToString());
    }
}
