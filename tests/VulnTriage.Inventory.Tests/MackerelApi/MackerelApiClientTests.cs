using System.Collections.Immutable;
using System.Text;
using VulnTriage.Inventory.MackerelApi;

namespace VulnTriage.Inventory.Tests.MackerelApi;

public sealed class MackerelApiClientTests
{
    [Theory]

    // mackerel-client-go error.go / mackerel.go: {"error":{"message":...}}
    [InlineData("""{"error":{"message":"Host Not Found."}}""", "Host Not Found.")]

    // itchyny/mackerel-client-rs src/client.rs api_error: {"error":"..."}
    [InlineData("""{"error":"Permission denied"}""", "Permission denied")]
    [InlineData("""{"error":{"code":1}}""", null)]
    [InlineData("<html><body>502 Bad Gateway</body></html>", null)]
    [InlineData("", null)]
    public void Should_Extract_The_Message_When_The_Error_Body_Has_Either_Documented_Shape(string body, string? expected)
    {
        // When
        var message = MackerelApiClient.ErrorMessage(Encoding.UTF8.GetBytes(body));

        // Then
        Assert.Equal(expected, message);
    }

    [Fact]
    public void Should_Repeat_Status_And_Role_Keys_When_Building_The_Hosts_Query()
    {
        // Given
        var options = new MackerelApiOptions { BaseAddress = new Uri("https://api.mackerelio.com"), Service = "My Shop", Roles = ["web", "db"] };

        // When
        var query = options.HostsPathAndQuery();

        // Then
        Assert.Equal("/api/v0/hosts?service=My%20Shop&role=web&role=db&status=working&status=standby&status=maintenance&status=poweroff", query);
    }

    [Fact]
    public void Should_Drop_Roles_When_No_Service_Is_Given()
    {
        // Given: the API ignores role without service; so do we
        var options = new MackerelApiOptions { BaseAddress = new Uri("https://x.example"), Roles = ["web"], Statuses = ["poweroff"] };

        // When
        var query = options.HostsPathAndQuery();

        // Then
        Assert.Equal("/api/v0/hosts?status=poweroff", query);
    }

    [Fact]
    public void Should_Escape_The_Host_Id_When_Building_A_Metadata_Path()
    {
        // When
        var path = MackerelApiClient.MetadataPath("../x?y", "vulntriage");

        // Then
        Assert.Equal("/api/v0/hosts/..%2Fx%3Fy/metadata/vulntriage", path);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("abc def", false)]
    [InlineData("abc\r\nX-Injected: 1", false)]
    [InlineData("kéy", false)]
    [InlineData("4yT9kZ2x8Qm3NfPqL6vW1sR0", true)]
    public void Should_Accept_Only_Visible_Ascii_When_Validating_An_Api_Key(string key, bool valid)
    {
        // When / Then
        Assert.Equal(valid, MackerelApiClient.IsValidApiKey(key));
    }

    [Fact]
    public void Should_Not_Show_The_Key_When_Rejecting_An_Invalid_One()
    {
        // When
        var e = Assert.Throws<ArgumentException>(() => new MackerelApiClient(
            new HttpClient(), "SECRET KEY", new MackerelApiOptions { BaseAddress = new Uri("https://x.example") }, TimeProvider.System));

        // Then
        Assert.DoesNotContain("SECRET", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Default_To_All_Four_Statuses_When_None_Are_Given()
    {
        // When
        var options = new MackerelApiOptions { BaseAddress = new Uri("https://x.example") };

        // Then
        Assert.Equal(ImmutableArray.Create("working", "standby", "maintenance", "poweroff"), options.Statuses);
    }
}
