using System.Globalization;
using System.Text;
using VulnTriage.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Identification.Catalog;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Tests.Identification;

namespace VulnTriage.Core.Tests.Matching;

/// <summary>
/// Issue 10: every identified row of the CPU corpus (testdata/cpu/corpus.tsv and unverified.tsv) through every shipped
/// advisory, with CPU facts only. Where the CPUID signature decides — a real part whose vendor and full signature the
/// CPU catalog knows — no advisory may end <c>unknown</c> because a rule "needed" an attribute: the signature already
/// says what the part is.
/// </summary>
public sealed class CorpusThroughAdvisoriesTests(ITestOutputHelper output)
{
    /// <summary>Rows where the signature decides: a real hardware signature with a stepping that the catalog knows.</summary>
    private static IEnumerable<CpuCorpusRow> SignatureDecides() =>
        CpuCorpus.All.Values.Where(r => r.Signature is { Stepping: not null } sig
            && r.Virtual != "true"
            && !r.Source.Contains("synthetic", StringComparison.OrdinalIgnoreCase)
            && !r.Source.Contains("BSD lscpu", StringComparison.OrdinalIgnoreCase)
            && CpuIdentifier.Identify(r.VendorId, r.Brand, r.Signature) is { Vendor: not CpuVendor.Unknown and not CpuVendor.Arm } id
            && !id.IsVirtual
            && !CpuCatalog.Find(id.Vendor, sig).IsEmpty);

    [Fact]
    public void Should_Never_Be_Unknown_For_A_Missing_Attribute_When_The_Signature_Decides()
    {
        // Given
        var advisories = AdvisoryCatalog.Load(null).Advisories;
        var cache = new IdentificationCache();
        var rows = SignatureDecides().ToList();
        var failures = new List<string>();
        var verdicts = new Dictionary<(string, Verdict), int>();

        // When
        foreach (var row in rows)
        {
            var host = new Host($"corpus-{row.Line}", $"corpus-{row.Line}", null, HostStatus.Working, false, [], null,
                [new ProcessorFact(row.VendorId, row.Brand, row.Signature, 1, 1)], "Linux", null);
            foreach (var advisory in advisories)
            {
                var f = AdvisoryEvaluator.Evaluate(advisory, host, HostFacts.None, cache);
                verdicts[(advisory.Id, f.Verdict)] = verdicts.GetValueOrDefault((advisory.Id, f.Verdict)) + 1;
                if (f.Verdict == Verdict.Unknown && f.Evidence[0].Kind == EvidenceKind.Indeterminate)
                {
                    var e = f.Evidence[0];
                    failures.Add($"{row.Location} {row.Signature} '{row.Brand}': {advisory.Id} {e.Clause} missing {string.Join(", ", e.Missing)} "
                        + $"[{string.Join("; ", e.Predicates.Select(p => $"{p.Predicate} {p.Value} ({p.Source})"))}]");
                }
            }
        }

        // Then
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{rows.Count} corpus rows where the signature decides, {advisories.Length} advisories");
        foreach (var ((id, verdict), n) in verdicts.OrderBy(k => k.Key.Item1, StringComparer.Ordinal).ThenBy(k => k.Key.Item2))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {id} {verdict.ToWire()}: {n}");
        }

        output.WriteLine(sb.ToString());
        Assert.True(rows.Count >= 1000, $"only {rows.Count} rows where the signature decides");
        Assert.True(failures.Count == 0, $"{failures.Count} unknown for a missing attribute:\n" + string.Join('\n', failures.Take(60)));
    }
}
