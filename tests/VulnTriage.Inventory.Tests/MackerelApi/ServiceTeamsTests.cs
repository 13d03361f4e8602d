using VulnTriage.Inventory.MackerelApi;

namespace VulnTriage.Inventory.Tests.MackerelApi;

public sealed class ServiceTeamsTests
{
    [Theory]
    [InlineData("team: payments-sre", "payments-sre")]
    [InlineData("Card payments backend\nTeam: Payments SRE\nslack #pay", "Payments SRE")]
    [InlineData("owner：基盤チーム", "基盤チーム")]
    [InlineData("担当: 決済チーム\r\n", "決済チーム")]
    [InlineData("The web shop (our team maintains it)", null)]
    [InlineData("teammate: someone", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Should_Name_The_Team_Only_When_A_Memo_Line_Says_So(string? memo, string? team)
    {
        // When / Then
        Assert.Equal(team, ServiceTeams.FromMemo(memo));
    }
}
