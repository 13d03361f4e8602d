using System.Collections.Immutable;
using VulnTriage.Reports.Json;
using VulnTriage.Reports.Tests.Support;

namespace VulnTriage.Reports.Tests;

/// <summary>The JSON writer renders shared processors/evidence arrays once; the output must not change.</summary>
public sealed class JsonSharedSegmentTests
{
    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    public void Should_Write_The_Same_Json_When_Findings_Share_Evidence_Arrays(string lang)
    {
        // Given: every finding repeated three times, once sharing the arrays, once with private copies
        var report = Scenario.Report();
        var shared = report.Findings.SelectMany(f => new[] { f, f with { Host = f.Host with { Name = f.Host.Name + "-b" } }, f with { Host = f.Host with { Name = f.Host.Name + "-c" } } }).ToImmutableArray();
        var copied = shared.Select(f => f with
        {
            Evidence = f.Evidence.IsDefault ? f.Evidence : [.. f.Evidence],
            Processors = f.Processors.IsDefault ? f.Processors : [.. f.Processors],
        }).ToImmutableArray();

        // When
        var withSharing = Render.With(new JsonReportWriter(), report with { Findings = shared }, lang);
        var withoutSharing = Render.With(new JsonReportWriter(), report with { Findings = copied }, lang);

        // Then
        Assert.Equal(withoutSharing, withSharing);
        Assert.Contains("\"evidence\": [", withSharing, StringComparison.Ordinal);
    }
}
