using Npgsql;

namespace VulnTriage.Storage.Tests;

public sealed class StateLocationTests
{
    [Theory]
    [InlineData("postgresql://alice:pa%3Ass%40word@db.example.com:6432/vulntriage?sslmode=verify-full", "postgresql://alice:***@db.example.com:6432/vulntriage?sslmode=verify-full", "db.example.com", 6432, "vulntriage", "alice", "pa:ss@word")]
    [InlineData("postgres://db.example.com/vt", "postgres://db.example.com/vt", "db.example.com", 5432, "vt", null, null)]
    [InlineData("POSTGRESQL://u@[::1]:5433/x", "postgresql://u@[::1]:5433/x", "::1", 5433, "x", "u", null)]
    [InlineData("postgresql:///vt?host=/var/run/postgresql&user=ops&password=hunter2", "postgresql:///vt?host=%2Fvar%2Frun%2Fpostgresql&user=ops&password=***", "/var/run/postgresql", 5432, "vt", "ops", "hunter2")]
    public void Should_Turn_A_Url_Into_A_Connection_And_A_Display_Without_The_Password(string url, string display, string host, int port, string database, string? user, string? password)
    {
        // When
        var location = StateLocation.ParsePostgresUrl(url);

        // Then
        Assert.True(location.IsPostgres);
        Assert.Equal(display, location.Display);
        var builder = new NpgsqlConnectionStringBuilder(location.ConnectionString);
        Assert.Equal((host, port, database, user, password), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password));
        Assert.Equal(password is not null, location.HasPassword);
        if (password is not null)
        {
            Assert.DoesNotContain(password, location.Display, StringComparison.Ordinal);
            Assert.Equal("x *** y", location.Redact($"x {password} y"));
        }
    }

    [Theory]
    [InlineData("postgresql://u:topsecret@h/db?sslmode=sometimes", "sslmode")]
    [InlineData("postgresql://u:topsecret@h/db?passwd=topsecret", "unknown URL parameter 'passwd'")]
    [InlineData("postgresql://u:topsecret@h:99999/db", "port")]
    [InlineData("postgresql://u:topsecret@/db", "name the server")]
    [InlineData("postgresql://u:topsecret@h1,h2/db", "several hosts")]
    [InlineData("postgresql://u:topsecret@h/db?topsecret", "parameter 1 is not name=value")]
    public void Should_Refuse_A_Malformed_Url_Without_Quoting_Its_Password(string url, string expected)
    {
        var e = Assert.Throws<FormatException>(() => StateLocation.ParsePostgresUrl(url));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("topsecret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Take_A_Password_From_Outside_Only_When_The_Url_Has_None()
    {
        var plain = StateLocation.ParsePostgresUrl("postgresql://u@h/db").WithPassword("from-env");
        var own = StateLocation.ParsePostgresUrl("postgresql://u:in-url@h/db").WithPassword("from-env");
        Assert.Equal("from-env", new NpgsqlConnectionStringBuilder(plain.ConnectionString).Password);
        Assert.Equal("in-url", new NpgsqlConnectionStringBuilder(own.ConnectionString).Password);
        Assert.Equal("postgresql://u@h/db", plain.Display);
        Assert.Equal("a ***", plain.Redact("a from-env"));
    }

    [Theory]
    [InlineData("postgresql://x", true)]
    [InlineData("Postgres://x", true)]
    [InlineData("state.db", false)]
    [InlineData("postgresql:/x", false)]
    public void Should_Tell_A_Postgresql_Url_From_A_File(string text, bool url) => Assert.Equal(url, StateLocation.IsPostgresUrl(text));
}
