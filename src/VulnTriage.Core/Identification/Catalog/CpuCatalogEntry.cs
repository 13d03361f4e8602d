using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace VulnTriage.Core.Identification.Catalog;

/// <summary>
/// The CPUID steppings (0–15, the 4-bit field of CPUID leaf 1 EAX) one catalog row covers.
/// <see cref="Any"/> (written <c>*</c>) covers every stepping, including an out-of-range one.
/// </summary>
public readonly record struct CpuSteppingSet
{
    private const int AllMask = 0xFFFF;

    internal CpuSteppingSet(int mask)
    {
        Mask = mask & AllMask;
    }

    /// <summary>Every stepping (<c>*</c>).</summary>
    public static CpuSteppingSet Any { get; } = new(AllMask);

    /// <summary>Bit <c>n</c> set = stepping <c>n</c> is covered; <c>0xFFFF</c> = <see cref="Any"/>.</summary>
    public int Mask { get; }

    /// <summary>Whether every stepping is covered.</summary>
    public bool IsAny => Mask == AllMask;

    /// <summary>Whether <paramref name="stepping"/> is covered.</summary>
    public bool Contains(int stepping) => IsAny || (stepping is >= 0 and <= 15 && (Mask & (1 << stepping)) != 0);

    /// <summary>Whether the two sets share a stepping.</summary>
    public bool Overlaps(CpuSteppingSet other) => (Mask & other.Mask) != 0;

    /// <summary>The covered steppings in ascending order.</summary>
    public ImmutableArray<int> Values
    {
        get
        {
            var mask = Mask;
            return [.. Enumerable.Range(0, 16).Where(s => (mask & (1 << s)) != 0)];
        }
    }

    /// <summary>The catalog notation: <c>*</c>, or hex ranges and lists such as <c>0-4</c>, <c>5-7</c>, <c>A,B</c>.</summary>
    public override string ToString()
    {
        if (IsAny)
        {
            return "*";
        }

        var values = Values;
        var sb = new StringBuilder();
        for (var i = 0; i < values.Length; i++)
        {
            var first = values[i];
            var last = first;
            while (i + 1 < values.Length && values[i + 1] == last + 1)
            {
                last = values[++i];
            }

            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(first.ToString("X", CultureInfo.InvariantCulture));
            if (last != first)
            {
                sb.Append('-').Append(last.ToString("X", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}

/// <summary>
/// One product line that ships on a catalog row, with the generations it has there.
/// </summary>
/// <param name="Line">One of <see cref="ProductLines.All"/>.</param>
/// <param name="Generations">
/// Generations of <paramref name="Line"/> on this row, ascending and distinct (same meaning as
/// <see cref="ProcessorIdentity.Generation"/>); empty when the parts of this line on this row carry none.
/// </param>
/// <param name="AlsoWithoutGeneration">
/// Whether, besides <paramref name="Generations"/>, parts of this line without a generation ship on this row
/// (e.g. Raptor Lake-P: 13th gen Core <i>and</i> Core 7 150U). Always <c>true</c> when <paramref name="Generations"/> is empty.
/// </param>
public sealed record CpuCatalogProductLine(string Line, ImmutableArray<int> Generations, bool AlsoWithoutGeneration)
{
    /// <summary>Catalog notation: <c>core:8,9</c>, <c>core:13|core</c>, <c>celeron</c>.</summary>
    public override string ToString()
    {
        if (Generations.IsDefaultOrEmpty)
        {
            return Line;
        }

        var generations = $"{Line}:{string.Join(',', Generations.Select(g => g.ToString(CultureInfo.InvariantCulture)))}";
        return AlsoWithoutGeneration ? $"{generations}|{Line}" : generations;
    }
}

/// <summary>
/// One row of the CPU catalog (<c>Identification/Catalog/cpus.tsv</c>): what a range of CPUID signatures of one vendor
/// can be when the parts of that range share one microarchitecture.
/// </summary>
/// <remarks>
/// Invariants (checked when the catalog loads; a violation is a bug in the shipped data and throws):
/// <list type="bullet">
/// <item><see cref="FirstModel"/> ≤ <see cref="LastModel"/>, both 0–FFh; <see cref="Family"/> is the display family.</item>
/// <item><see cref="Microarchitecture"/> and every codename are lower-case kebab-case (<c>zen+</c> keeps its plus).</item>
/// <item>Every product line is in <see cref="Identification.ProductLines.All"/>; no segment is <see cref="MarketSegment.Unknown"/>.</item>
/// <item>An empty <see cref="Codenames"/>, <see cref="Segments"/> or <see cref="ProductLines"/> means the catalog does not record
/// it (unknown), never "none": a part always has a segment and a product line.</item>
/// <item>Two rows of one vendor and family whose models and steppings overlap name different microarchitectures:
/// a signature sold as two microarchitectures has one row per microarchitecture, never two rows for the same one.</item>
/// </list>
/// All lists are distinct and in the order the catalog writes them.
/// </remarks>
/// <param name="Vendor">Vendor (Intel, AMD, Hygon, VIA or Zhaoxin).</param>
/// <param name="Family">CPUID display family (<c>0x06</c>, <c>0x0F</c>, <c>0x17</c>).</param>
/// <param name="FirstModel">First display model of the range (inclusive).</param>
/// <param name="LastModel">Last display model of the range (inclusive).</param>
/// <param name="Steppings">Steppings the row covers.</param>
/// <param name="Microarchitecture">Kebab-case microarchitecture (<c>skylake</c>, <c>p6</c>, <c>zen2</c>).</param>
/// <param name="Codenames">Platform or die codenames possible on this row; empty = not recorded (the row's comment in the file says why).</param>
/// <param name="Segments">Market segments the row's parts are sold in; empty = not recorded.</param>
/// <param name="ProductLines">Product lines that ship on the row, with their generations; empty = not recorded.</param>
/// <param name="Source">Where the row comes from (free text, see the catalog README).</param>
/// <param name="CatalogLine">1-based line of the row in <c>cpus.tsv</c>.</param>
public sealed record CpuCatalogEntry(
    CpuVendor Vendor,
    int Family,
    int FirstModel,
    int LastModel,
    CpuSteppingSet Steppings,
    string Microarchitecture,
    ImmutableArray<string> Codenames,
    ImmutableArray<MarketSegment> Segments,
    ImmutableArray<CpuCatalogProductLine> ProductLines,
    string Source,
    int CatalogLine)
{
    /// <summary>Whether the row covers the signature; an unknown stepping (<c>null</c>) matches every row of the model.</summary>
    public bool Matches(int family, int model, int? stepping) =>
        family == Family && model >= FirstModel && model <= LastModel && (stepping is not { } s || Steppings.Contains(s));

    /// <summary>The row's signatures in Intel's notation: <c>06_55_0-3</c>, <c>17_30-4F</c>.</summary>
    public string SignatureText
    {
        get
        {
            var models = FirstModel == LastModel
                ? FirstModel.ToString("X2", CultureInfo.InvariantCulture)
                : $"{FirstModel.ToString("X2", CultureInfo.InvariantCulture)}-{LastModel.ToString("X2", CultureInfo.InvariantCulture)}";
            var text = $"{Family.ToString("X2", CultureInfo.InvariantCulture)}_{models}";
            return Steppings.IsAny ? text : $"{text}_{Steppings}";
        }
    }
}
