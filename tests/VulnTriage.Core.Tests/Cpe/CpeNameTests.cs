using CsCheck;
using VulnTriage.Core.Cpe;

namespace VulnTriage.Core.Tests.Cpe;

/// <summary>
/// The CPE 2.3 formatted-string binding (NISTIR 7695 §6.2): strings from real NVD records parse and bind back unchanged;
/// malformed strings are refused with the reason. Laws: bind(unbind(s)) = s for canonical strings, unbind(bind(w)) = w.
/// </summary>
public sealed class CpeNameTests
{
    [Theory]
    [InlineData("cpe:2.3:h:intel:xeon_gold_6248:-:*:*:*:*:*:*:*")] // CVE-2022-40982
    [InlineData("cpe:2.3:h:intel:core_i7:8700k:*:*:*:*:*:*:*")] // CVE-2018-3646 (2018-era style)
    [InlineData("cpe:2.3:h:amd:epyc_7502:-:*:*:*:*:*:*:*")] // CVE-2023-20593
    [InlineData("cpe:2.3:o:intel:manageability_engine_firmware:11.20:*:*:*:*:*:*:*")] // CVE-2017-5705
    [InlineData("cpe:2.3:o:xen:xen:4.14.0:*:*:*:*:*:x86:*")] // CVE-2023-20593, target_hw
    [InlineData("cpe:2.3:o:asus:z170m-plus\\/br_firmware:-:*:*:*:*:*:*:*")] // CVE-2017-5711: '/' quoted
    [InlineData("cpe:2.3:h:intel:xeon:*:*:*:*:*:*:*:*")] // CVE-2018-3646: any Xeon
    public void Should_Parse_And_Bind_Back_Unchanged_When_Reading_Criteria_From_Nvd_Records(string text)
    {
        // When
        var ok = CpeName.TryParse(text, out var name, out var error);

        // Then
        Assert.True(ok, error);
        Assert.Equal(text, name!.ToString());
    }

    [Fact]
    public void Should_Unquote_Escaped_Characters_When_Parsing()
    {
        // When
        var name = CpeName.Parse("cpe:2.3:o:asus:z170m-plus\\/br_firmware:-:*:*:*:*:*:*:*");

        // Then
        Assert.Equal("z170m-plus/br_firmware", name.Product.Literal);
        Assert.Equal(CpeValueKind.NotApplicable, name.Version.Kind);
        Assert.Equal(CpeValueKind.Any, name.TargetHardware.Kind);
    }

    [Fact]
    public void Should_Read_Wildcards_At_The_Ends_Only_When_Parsing()
    {
        // When
        var name = CpeName.Parse("cpe:2.3:h:intel:*xeon??:1.0\\*:*:*:*:*:*:*:*");

        // Then
        Assert.True(name.Product.LeadingStar);
        Assert.Equal(2, name.Product.TrailingQuestions);
        Assert.Equal("xeon", name.Product.Literal);
        Assert.False(name.Version.HasWildcards);
        Assert.Equal("1.0*", name.Version.Literal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("cpe:/h:intel:xeon_gold_6248", "starts with 'cpe:2.3:'")]
    [InlineData("cpe:2.3:h:intel:xeon_gold_6248:-:*:*:*:*:*:*", "found 10")]
    [InlineData("cpe:2.3:h:intel:xeon_gold_6248:-:*:*:*:*:*:*:*:*", "found 12")]
    [InlineData("cpe:2.3:x:intel:xeon_gold_6248:-:*:*:*:*:*:*:*", "part")]
    [InlineData("cpe:2.3:h:intel:xeon*gold:-:*:*:*:*:*:*:*", "only stand at the start or the end")]
    [InlineData("cpe:2.3:o:asus:z170m-plus/br_firmware:-:*:*:*:*:*:*:*", "must be escaped")]
    [InlineData("cpe:2.3:h:intel::-:*:*:*:*:*:*:*", "empty component")]
    [InlineData("cpe:2.3:h:intel:xeon gold:-:*:*:*:*:*:*:*", "space")]
    [InlineData("cpe:2.3:h:intel:xeon\\:-:*:*:*:*:*:*:*", "found 10")]
    public void Should_Refuse_With_A_Reason_When_The_String_Is_Not_A_Cpe_Name(string text, string reason)
    {
        // When
        var ok = CpeName.TryParse(text, out var name, out var error);

        // Then
        Assert.False(ok);
        Assert.Null(name);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    private static readonly Gen<char> LiteralChar = Gen.OneOf(Gen.Char['a', 'z'], Gen.Char['0', '9'], Gen.OneOf('_', '-', '.', '/', ':', '!', '*', '?', '\\'));

    internal static readonly Gen<CpeValue> Values = Gen.Frequency(
        (1, Gen.Const(CpeValue.Any)),
        (1, Gen.Const(CpeValue.NotApplicable)),
        (6, Gen.Select(LiteralChar.Array[1, 8], Gen.Bool, Gen.Int[0, 2], Gen.Bool, Gen.Int[0, 2], (chars, ls, lq, ts, tq) =>
            new CpeValue(CpeValueKind.Text, new string(chars), ls, ls ? 0 : lq, ts, ts ? 0 : tq))));

    internal static readonly Gen<CpeName> Names = Gen.Select(Gen.OneOf("a", "o", "h"), Values.Array[10], (part, rest) =>
        CpeName.Parse("cpe:2.3:" + part + ":" + string.Join(":", rest.Select(v => v.ToString()))));

    [Fact]
    public void Should_Unbind_What_It_Binds_When_Round_Tripping_Any_Value()
    {
        Values.Sample(v =>
        {
            var ok = CpeValue.TryParse(v.ToString(), out var back, out _, out _);
            return ok && back == v;
        });
    }

    [Fact]
    public void Should_Bind_What_It_Unbinds_When_Round_Tripping_Any_Name()
    {
        Names.Sample(n => CpeName.Parse(n.ToString()) == n && CpeName.Parse(n.ToString()).ToString() == n.ToString());
    }
}
