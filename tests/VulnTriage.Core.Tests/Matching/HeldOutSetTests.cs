using System.Globalization;
using System.Text;
using VulnTriage.Advisories;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Tests.Identification;

namespace VulnTriage.Core.Tests.Matching;

/// <summary>
/// The held-out set of issue 10 (testdata/cpu/heldout-sa00086.tsv): real processors the identifier was never tuned on,
/// labelled for INTEL-SA-00086 from their CPU facts alone, and the recall/specificity of the shipped advisory on them.
/// </summary>
public sealed class HeldOutSetTests(ITestOutputHelper output)
{
    /// <summary>
    /// Rows reached from real captures (the brief asked for 2,700; see testdata/cpu/README.md "Held-out set" for why
    /// the set stopped here). Raise it when rows are added; never lower it to make the test pass.
    /// </summary>
    private const int MinimumRows = 566;

    private static readonly Lazy<Advisory> Sa00086 = new(() =>
        AdvisoryCatalog.Load(null).Advisories.Single(a => a.Id == "INTEL-SA-00086"));

    public sealed class Data
    {
        [Fact]
        public void Should_HoldTheReachedNumberOfRows_When_Loaded()
        {
            // When
            var rows = HeldOutSet.All;

            // Then
            Assert.True(rows.Count >= MinimumRows, $"{rows.Count} rows, expected at least {MinimumRows}");
        }

        [Fact]
        public void Should_ShareNoBrandStringWithTheIdentificationCorpus_When_Loaded()
        {
            // Given: held out means the identifier was never tuned on the string (compared whitespace-collapsed, case-insensitively)
            var tuned = CpuCorpus.All.Values.Select(r => HeldOutSet.Key(r.Brand)).ToHashSet(StringComparer.Ordinal);

            // When
            var overlap = HeldOutSet.All.Where(r => tuned.Contains(HeldOutSet.Key(r.Brand))).Select(r => $"{r.Location}: {r.Brand}").ToList();

            // Then
            Assert.True(overlap.Count == 0, "brand strings also in corpus.tsv/unverified.tsv:\n" + string.Join('\n', overlap));
        }

        [Fact]
        public void Should_HoldDistinctBrandAndSignaturePairs_When_Loaded()
        {
            // When
            var duplicates = HeldOutSet.All
                .GroupBy(r => (HeldOutSet.Key(r.Brand), r.Signature))
                .Where(g => g.Count() > 1)
                .Select(g => string.Join(", ", g.Select(r => r.Location)))
                .ToList();

            // Then
            Assert.True(duplicates.Count == 0, "duplicate (brand, signature) pairs:\n" + string.Join('\n', duplicates));
        }

        [Fact]
        public void Should_CiteASourceAndGiveAVendorIdAReasonAndAFullSignature_When_Loaded()
        {
            // When
            var bad = HeldOutSet.All
                .Where(r => r.Brand.Trim().Length == 0 || r.VendorId.Trim().Length == 0 || r.Why.Trim().Length == 0
                    || r.Source.Trim().Length == 0 || r.Signature.Stepping is null
                    || !(r.Source.StartsWith("https://", StringComparison.Ordinal) || r.Source.Contains(':', StringComparison.Ordinal)))
                .Select(r => r.Location)
                .ToList();

            // Then
            Assert.True(bad.Count == 0, "rows missing a brand, vendor id, reason, source (repo:path or URL) or stepping: " + string.Join(", ", bad));
        }

        [Fact]
        public void Should_KeepAmbiguousRowsFewAndBothClassesPresent_When_Loaded()
        {
            // When
            var byLabel = HeldOutSet.All.GroupBy(r => r.Label).ToDictionary(g => g.Key, g => g.Count());

            // Then: the metric needs both classes; ambiguous rows are excluded from it, so they must stay the exception
            Assert.True(byLabel.GetValueOrDefault(HeldOutLabel.In) > 0, "no 'in' rows");
            Assert.True(byLabel.GetValueOrDefault(HeldOutLabel.Out) > 0, "no 'out' rows");
            Assert.True(byLabel.GetValueOrDefault(HeldOutLabel.Ambiguous) * 20 <= HeldOutSet.All.Count, "more than 5% of the rows are ambiguous");
        }
    }

    [Fact]
    public void Should_ReportRecallAndSpecificity_When_TriagingTheHeldOutSetWithCpuFactsOnly()
    {
        // When
        var m = Measure();
        output.WriteLine(m.Report());

        // Then: every labelled row was triaged exactly once, so the two ratios are defined and add up
        Assert.Equal(HeldOutSet.All.Count(r => r.Label == HeldOutLabel.In), m.InTotal);
        Assert.Equal(HeldOutSet.All.Count(r => r.Label == HeldOutLabel.Out), m.OutTotal);
        Assert.Equal(m.InTotal - m.InRecalled + (m.OutTotal - m.OutRuledOut), m.Misclassified.Count);
    }

    [Fact]
    public void Should_FlagEveryCandidateAndRuleOutNearlyEveryOtherCpu_When_TriagingTheHeldOutSetWithCpuFactsOnly()
    {
        // When
        var m = Measure();
        output.WriteLine(m.Report());

        // Then: issue 10 "Done when": recall 1.000, specificity >= 0.995 for INTEL-SA-00086 with CPU facts only
        Assert.True(m.Recall == 1.0, $"recall {m.Recall:F3} < 1.000\n{m.Report()}");
        Assert.True(m.Specificity >= 0.995, $"specificity {m.Specificity:F3} < 0.995\n{m.Report()}");
    }

    private static Measurement Measure()
    {
        var advisory = Sa00086.Value;
        var cache = new IdentificationCache();
        var m = new Measurement();
        foreach (var row in HeldOutSet.All.Where(r => r.Label != HeldOutLabel.Ambiguous))
        {
            // A host as Mackerel's meta.cpu gives it: one processor, no firmware facts, not a cloud instance.
            var host = new Host(
                $"heldout-{row.Line}", $"heldout-{row.Line}", null, HostStatus.Working, false, [], null,
                [new ProcessorFact(row.VendorId, row.Brand, row.Signature, 1, 1)], "Linux", null);
            var finding = AdvisoryEvaluator.Evaluate(advisory, host, HostFacts.None, cache);
            m.Add(row, finding);
        }

        return m;
    }

    private sealed class Measurement
    {
        public int InTotal { get; private set; }

        public int InRecalled { get; private set; }

        public int OutTotal { get; private set; }

        public int OutRuledOut { get; private set; }

        public List<(HeldOutRow Row, Finding Finding)> Misclassified { get; } = [];

        /// <summary>In rows not judged <c>not_affected</c>, over all in rows.</summary>
        public double Recall => InTotal == 0 ? double.NaN : (double)InRecalled / InTotal;

        /// <summary>Out rows judged <c>not_affected</c>, over all out rows.</summary>
        public double Specificity => OutTotal == 0 ? double.NaN : (double)OutRuledOut / OutTotal;

        public void Add(HeldOutRow row, Finding finding)
        {
            var notAffected = finding.Verdict == Verdict.NotAffected;
            if (row.Label == HeldOutLabel.In)
            {
                InTotal++;
                if (!notAffected)
                {
                    InRecalled++;
                    return;
                }
            }
            else
            {
                OutTotal++;
                if (notAffected)
                {
                    OutRuledOut++;
                    return;
                }
            }

            Misclassified.Add((row, finding));
        }

        public string Report()
        {
            var sb = new StringBuilder();
            var ci = CultureInfo.InvariantCulture;
            sb.AppendLine(ci, $"INTEL-SA-00086, CPU facts only, {HeldOutSet.All.Count} held-out rows ({HeldOutSet.All.Count(r => r.Label == HeldOutLabel.Ambiguous)} ambiguous, excluded)");
            sb.AppendLine(ci, $"recall      {InRecalled}/{InTotal} = {Recall:F3}  (in -> not not_affected)");
            sb.AppendLine(ci, $"specificity {OutRuledOut}/{OutTotal} = {Specificity:F3}  (out -> not_affected)");
            sb.AppendLine(ci, $"misclassified: {Misclassified.Count}, by label, verdict and clause:");
            foreach (var group in Misclassified
                .GroupBy(x => (x.Row.Label, x.Finding.Verdict, Clause: x.Finding.Evidence.IsDefaultOrEmpty ? "" : x.Finding.Evidence[0].Clause))
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Clause, StringComparer.Ordinal))
            {
                sb.AppendLine(ci, $"  [{group.Count()}] label {group.Key.Label.ToString().ToLowerInvariant()} -> {group.Key.Verdict.ToWire()} via {group.Key.Clause}");
                foreach (var (row, finding) in group)
                {
                    var e = finding.Evidence.IsDefaultOrEmpty ? null : finding.Evidence[0];
                    var reason = e is null ? "" : $"{e.Kind} {e.Subject} [{string.Join("; ", e.Predicates.Select(p => $"{p.Predicate} {p.Value} ({p.Source}) vs {p.Expected}: {p.Result.ToWire()}"))}]{(e.Missing.IsDefaultOrEmpty ? "" : " missing " + string.Join(", ", e.Missing))}";
                    sb.AppendLine(ci, $"      {row.Location} {row.SignatureText} {row.VendorId} '{row.Brand}': {reason}");
                }
            }

            return sb.ToString();
        }
    }
}
