using System.Text.Json;
using Json.Schema;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Reports.Json;
using VulnTriage.Reports.Tests.Support;

namespace VulnTriage.Reports.Tests;

public sealed class JsonReportWriterTests
{
    private static readonly JsonReportWriter Writer = new();

    internal static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", "report.schema.json"))));

    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    public void Should_MatchGoldenFile_When_WritingTheScenario(string lang)
    {
        // Given
        var report = Scenario.Report();

        // When
        var text = Render.With(Writer, report, lang);

        // Then
        Golden.Verify(text, nameof(JsonReportWriterTests), "Scenario_" + lang, "json");
    }

    public static TheoryData<string, string> Reports => new()
    {
        { "one advisory", "en" },
        { "one advisory", "ja" },
        { "two advisories", "en" },
        { "no findings", "en" },
    };

    [Theory]
    [MemberData(nameof(Reports))]
    public void Should_PassTheSchema_When_WritingAReport(string shape, string lang)
    {
        // Given
        var report = shape switch
        {
            "two advisories" => Scenario.Report(Scenario.Advisory, Scenario.SecondAdvisory),
            "no findings" => Scenario.Report() with { Findings = [], Diagnostics = [] },
            _ => Scenario.Report(),
        };

        // When
        using var json = JsonDocument.Parse(Render.With(Writer, report, lang));
        var result = Schema.Value.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

        // Then
        var errors = result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}")) ?? [];
        Assert.True(result.IsValid, string.Join("\n", errors));
    }

    [Fact]
    public void Should_FailTheSchema_When_AVerdictIsNotAWireName()
    {
        // Given: a valid report with one verdict changed, proving the schema test can fail
        var text = Render.With(Writer, Scenario.Report()).Replace("\"verdict\": \"affected\"", "\"verdict\": \"Affected\"", StringComparison.Ordinal);

        // When
        using var json = JsonDocument.Parse(text);
        var result = Schema.Value.Evaluate(json.RootElement);

        // Then
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Should_KeepFindingsOrderAndRoundTripUntrustedText_When_Written()
    {
        // Given
        var report = Scenario.Report(Scenario.Advisory, Scenario.SecondAdvisory);

        // When
        using var json = JsonDocument.Parse(Render.With(Writer, report));
        var findings = json.RootElement.GetProperty("findings").EnumerateArray().ToList();

        // Then
        Assert.Equal(
            report.Findings.Select(f => ((string?)f.AdvisoryId, (string?)f.Host.Id, (string?)f.Verdict.ToWire())),
            findings.Select(f => (f.GetProperty("advisory").GetString(), f.GetProperty("host").GetProperty("id").GetString(), f.GetProperty("verdict").GetString())));
        var evil = findings.Single(f => f.GetProperty("host").GetProperty("id").GetString() == "0evil" && f.GetProperty("advisory").GetString() == "TEST-SA-0001");
        Assert.Equal(Scenario.InjectionName, evil.GetProperty("host").GetProperty("name").GetString());
        Assert.Equal(Scenario.InjectionCpu, evil.GetProperty("processors")[0].GetProperty("brandString").GetString());
    }

    [Fact]
    public void Should_WriteEveryVerdictKeyAndEnglishKeys_When_LanguageIsJapanese()
    {
        // Given
        var report = Scenario.Report() with { Findings = [] };

        // When
        var text = Render.With(Writer, report, "ja");
        using var json = JsonDocument.Parse(text);

        // Then
        var byVerdict = json.RootElement.GetProperty("summary").GetProperty("byVerdict");
        Assert.Equal(Verdicts.All.Select(v => v.ToWire()), byVerdict.EnumerateObject().Select(p => p.Name));
        Assert.All(byVerdict.EnumerateObject(), p => Assert.Equal(0, p.Value.GetInt32()));
        Assert.Equal("ja", json.RootElement.GetProperty("lang").GetString());
        Assert.Equal("評価したホストはありません。", json.RootElement.GetProperty("summary").GetProperty("headline").GetString());
    }

    [Fact]
    public void Should_StreamTheSameDocument_When_TheReportSpansManyChunks()
    {
        // Given: enough findings to cross the 64 KiB chunk boundary many times, with multi-byte text
        var one = Scenario.Report();
        var many = Enumerable.Range(0, 400).SelectMany(i => one.Findings.Select(f => f with { Host = f.Host with { Id = $"{i:D4}{f.Host.Id}" } }))
            .Order(FindingOrder.Instance).ToList();
        var report = one with { Findings = [.. many] };

        // When
        var text = Render.With(Writer, report, "ja");

        // Then
        using var json = JsonDocument.Parse(text);
        Assert.Equal(many.Count, json.RootElement.GetProperty("findings").GetArrayLength());
        Assert.True(text.Length > 1_000_000);
        Assert.DoesNotContain('\uFFFD', text);
    }
}
