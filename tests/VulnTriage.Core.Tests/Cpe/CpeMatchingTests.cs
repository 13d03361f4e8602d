using CsCheck;
using VulnTriage.Core.Cpe;

namespace VulnTriage.Core.Tests.Cpe;

/// <summary>
/// Name matching per NISTIR 7696: the attribute relations of Table 6-2 (rows numbered as in the NIST table, quoted in
/// shared/docs/reference/nvd-cpe-vex.md §3.2) and the name relation of §6.2, with property tests for its laws.
/// </summary>
public sealed class CpeMatchingTests
{
    private static CpeValue V(string bound) => CpeValue.TryParse(bound, out var v, out var error, out _) ? v! : throw new FormatException(error);

    [Theory]
    [InlineData("*", "*", CpeRelation.Equal)] // 1
    [InlineData("*", "-", CpeRelation.Superset)] // 2
    [InlineData("*", "xeon", CpeRelation.Superset)] // 3
    [InlineData("*", "xe*", CpeRelation.Undefined)] // 4
    [InlineData("-", "*", CpeRelation.Subset)] // 5
    [InlineData("-", "-", CpeRelation.Equal)] // 6
    [InlineData("-", "xeon", CpeRelation.Disjoint)] // 7
    [InlineData("-", "xe*", CpeRelation.Undefined)] // 8
    [InlineData("xeon", "xeon", CpeRelation.Equal)] // 9
    [InlineData("xeon", "XEON", CpeRelation.Equal)] // 9, case-insensitive
    [InlineData("xeon", "atom", CpeRelation.Disjoint)] // 10
    [InlineData("xeon", "xe*", CpeRelation.Undefined)] // 11
    [InlineData("xeon", "-", CpeRelation.Disjoint)] // 12
    [InlineData("xeon", "*", CpeRelation.Subset)] // 13
    [InlineData("xeon*", "xeon_gold_6248", CpeRelation.Superset)] // 14
    [InlineData("xeon*", "core_i7-8700k", CpeRelation.Disjoint)] // 14
    [InlineData("*_6248", "xeon_gold_6248", CpeRelation.Superset)] // 14
    [InlineData("xeon??", "xeon_e", CpeRelation.Superset)] // 14: up to two characters
    [InlineData("xeon?", "xeon_e5", CpeRelation.Disjoint)] // 14
    [InlineData("xeon*", "*", CpeRelation.Subset)] // 15
    [InlineData("xeon*", "-", CpeRelation.Disjoint)] // 16
    [InlineData("xeon*", "xe*", CpeRelation.Undefined)] // 17
    public void Should_Relate_Attributes_As_Nistir_7696_Table_6_2_Says_When_Comparing_Source_And_Target(string source, string target, CpeRelation expected)
    {
        // When
        var relation = CpeMatching.Compare(V(source), V(target));

        // Then
        Assert.Equal(expected, relation);
    }

    [Theory]
    [InlineData("cpe:2.3:h:intel:xeon_gold_6248:-:*:*:*:*:*:*:*", "cpe:2.3:h:intel:xeon_gold_6248:-:*:*:*:*:*:*:*", true)]
    [InlineData("cpe:2.3:h:intel:xeon:*:*:*:*:*:*:*:*", "cpe:2.3:h:intel:xeon:gold_6248:*:*:*:*:*:*:*", true)]
    [InlineData("cpe:2.3:h:intel:xeon_gold_6248:-:*:*:*:*:*:*:*", "cpe:2.3:h:intel:xeon_gold_6248:*:*:*:*:*:*:*:*", false)] // NA vs ANY: subset, no match
    [InlineData("cpe:2.3:h:intel:xeon_gold_6248:-:*:*:*:*:*:*:*", "cpe:2.3:h:intel:xeon_gold_6248r:-:*:*:*:*:*:*:*", false)]
    [InlineData("cpe:2.3:h:amd:epyc_7502:-:*:*:*:*:*:*:*", "cpe:2.3:h:intel:epyc_7502:-:*:*:*:*:*:*:*", false)]
    [InlineData("cpe:2.3:o:xen:xen:4.14.0:*:*:*:*:*:x86:*", "cpe:2.3:o:xen:xen:4.14.0:*:*:*:*:*:*:*", false)] // target_hw: subset
    public void Should_Match_When_Every_Attribute_Of_The_Criteria_Is_A_Superset_Or_Equal(string criteria, string name, bool matches)
    {
        Assert.Equal(matches, CpeMatching.Matches(CpeName.Parse(criteria), CpeName.Parse(name)));
    }

    private static readonly Gen<CpeValue> Plain = Gen.Frequency(
        (1, Gen.Const(CpeValue.Any)),
        (1, Gen.Const(CpeValue.NotApplicable)),
        (4, Gen.Select(Gen.Char['a', 'd'].Array[1, 3], c => CpeValue.Of(new string(c)))));

    [Fact]
    public void Should_Be_Equal_To_Itself_When_A_Value_Has_No_Wildcard()
    {
        Plain.Sample(v => CpeMatching.Compare(v, v) == CpeRelation.Equal);
    }

    [Fact]
    public void Should_Swap_Subset_And_Superset_When_Source_And_Target_Are_Swapped()
    {
        Gen.Select(Plain, Plain).Sample((a, b) => CpeMatching.Compare(a, b) switch
        {
            CpeRelation.Subset => CpeMatching.Compare(b, a) == CpeRelation.Superset,
            CpeRelation.Superset => CpeMatching.Compare(b, a) == CpeRelation.Subset,
            var r => CpeMatching.Compare(b, a) == r,
        });
    }

    [Fact]
    public void Should_Be_Transitive_When_Matching_Names_Without_Wildcards()
    {
        var names = Gen.Select(Plain, Plain, Plain, (v, p, ver) => Make(v, p, ver));
        Gen.Select(names, names, names).Sample((a, b, c) => !(CpeMatching.Matches(a, b) && CpeMatching.Matches(b, c)) || CpeMatching.Matches(a, c));
    }

    [Fact]
    public void Should_Match_Every_Name_When_Every_Criteria_Attribute_Is_Any()
    {
        var any = CpeName.Parse("cpe:2.3:*:*:*:*:*:*:*:*:*:*:*");
        var names = Gen.Select(Gen.OneOf("a", "o", "h"), Plain.Array[10], (part, rest) => CpeName.Parse("cpe:2.3:" + part + ":" + string.Join(":", rest.Select(v => v.ToString()))));
        names.Sample(n => CpeMatching.Matches(any, n));
    }

    [Fact]
    public void Should_Match_The_Literal_When_A_Star_Stands_For_Any_Prefix_Or_Suffix()
    {
        Gen.Select(Gen.Char['a', 'z'].Array[0, 4], Gen.Char['a', 'z'].Array[1, 4], Gen.Char['a', 'z'].Array[0, 4]).Sample((pre, core, post) =>
        {
            var target = CpeValue.Of(new string(pre) + new string(core) + new string(post));
            var both = new CpeValue(CpeValueKind.Text, new string(core), LeadingStar: true, TrailingStar: true);
            var start = new CpeValue(CpeValueKind.Text, new string(pre) + new string(core), TrailingStar: true);
            return CpeMatching.Compare(both, target) == CpeRelation.Superset && CpeMatching.Compare(start, target) == CpeRelation.Superset;
        });
    }

    private static CpeName Make(CpeValue vendor, CpeValue product, CpeValue version) =>
        CpeName.Parse($"cpe:2.3:h:{vendor}:{product}:{version}:*:*:*:*:*:*:*");
}
