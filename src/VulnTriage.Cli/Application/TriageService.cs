using VulnTriage.Core.Advisories;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Reporting;
using VulnTriage.Inventory;
using VulnTriage.Inventory.Facts;

namespace VulnTriage.Cli.Application;

/// <summary>The triage: stream hosts, evaluate each advisory with each host's facts, and assemble the report.</summary>
internal static class TriageService
{
    /// <summary>
    /// The triage over an opened inventory. A host's facts come from its <c>--facts</c> file when there is one,
    /// else from the inventory source (Mackerel metadata): the local file wins.
    /// </summary>
    public static TriageReport Run(
        IReadOnlyList<Advisory> advisories,
        string inventoryName,
        InventoryReading reading,
        FactsDirectory? facts,
        List<Diagnostic> diagnostics,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var cache = new IdentificationCache();
        var memo = new EvaluationMemo();
        var findings = new List<Finding>();
        int read = 0, retired = 0, factsUsed = 0;
        var evaluated = new List<Host>();
        foreach (var (host, sourceFacts) in reading.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            read++;
            if (host.IsRetired)
            {
                // Retired hosts no longer run; Mackerel keeps them only as history.
                retired++;
                continue;
            }

            var hostFacts = facts?.Find(host) ?? sourceFacts;
            if (hostFacts is not null)
            {
                factsUsed++;
            }

            if (facts is not null)
            {
                evaluated.Add(host);
            }

            foreach (var advisory in advisories)
            {
                findings.Add(hostFacts is null
                    ? memo.Evaluate(advisory, host, cache)
                    : AdvisoryEvaluator.Evaluate(advisory, host, hostFacts, cache));
            }
        }

        if (facts is not null)
        {
            foreach (var file in facts.UnmatchedFiles(evaluated))
            {
                diagnostics.Add(new Diagnostic(DiagnosticCodes.FactsUnmatched, DiagnosticSeverity.Warning, new SourceLocation(file), "facts file names no host in the inventory (by name or id); it was not used"));
            }
        }

        findings.Sort(FindingOrder.Instance);
        var summary = new InventorySummary(inventoryName, read, read - retired, retired, cache.Count, factsUsed);
        return new TriageReport([.. advisories], [.. findings], [.. diagnostics], summary, clock.GetUtcNow(), ToolInfo.Version, MackerelInventory.Teams(reading.Services));
    }
}

/// <summary>
/// Fleets repeat the same hardware: hosts without facts that share processors and cloud facts get the same verdict
/// and evidence, so each distinct combination is evaluated once and the finding is re-addressed to each host.
/// Evidence never contains the host's own name or id, which is what makes this sound; it does name the inventory record a
/// fact came from, so that is part of the key (a Mackerel-only fleet's sources are all <c>meta.cpu</c>).
/// </summary>
internal sealed class EvaluationMemo
{
    private readonly Dictionary<string, Finding> _findings = new(StringComparer.Ordinal);

    public Finding Evaluate(Core.Advisories.Advisory advisory, Host host, IdentificationCache cache)
    {
        var key = Key(advisory.Id, host);
        if (_findings.TryGetValue(key, out var template))
        {
            return template with { Host = host };
        }

        var finding = AdvisoryEvaluator.Evaluate(advisory, host, HostFacts.None, cache);
        _findings[key] = finding;
        return finding;
    }

    private static string Key(string advisoryId, Host host)
    {
        // Length-prefixed fields: host names and CPU strings are attacker-controlled, so no separator can be trusted.
        var sb = new System.Text.StringBuilder();
        void Field(string? value) => sb.Append(value?.Length ?? -1).Append(':').Append(value);
        Field(advisoryId);
        Field(host.Cloud?.Provider.ToString());
        Field(host.Cloud?.RawProvider);
        Field(host.Cloud?.InstanceType);
        Field(host.Cloud?.Evidence);
        Field(host.CpuFactsNote);
        foreach (var p in host.Processors)
        {
            Field(p.VendorId);
            Field(p.BrandString);
            Field(p.Signature?.ToDecimalString());

            // Evidence names where each fact was read: hosts of different inventories (or lines) must not share it.
            Field(p.Source);
            Field(p.SignatureSource);
        }

        return sb.ToString();
    }
}

/// <summary>The tool's name and version.</summary>
internal static class ToolInfo
{
    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";
}
