using System.Collections.Immutable;

namespace VulnTriage.Core.Cpe;

/// <summary>
/// Compares version strings the way NVD's version ranges are read by the matchers that use them (go-cve-dictionary via
/// hashicorp/go-version, Fleet's <c>smartVerCmp</c>; shared/docs/reference/nvd-cpe-vex.md §3.3): split at punctuation
/// into parts, each part into runs of digits and of letters; digit runs compare as numbers (leading zeros ignored),
/// letter runs case-insensitively, a digit run before a letter run; a missing part counts as <c>0</c>, so
/// <c>1.0</c> = <c>1.0.0</c>; within a part an equal prefix makes the longer part later (<c>1</c> &lt; <c>1b</c>).
/// A total preorder (reflexive, transitive, total); pure.
/// </summary>
public static class CpeVersion
{
    /// <summary>Longest version accepted.</summary>
    public const int MaxLength = 256;

    /// <summary>Compares two versions: negative when <paramref name="a"/> is earlier, 0 when equal, positive when later.</summary>
    public static int Compare(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var pa = Parts(a);
        var pb = Parts(b);
        var n = Math.Max(pa.Length, pb.Length);
        for (var i = 0; i < n; i++)
        {
            var c = ComparePart(i < pa.Length ? pa[i] : Zero, i < pb.Length ? pb[i] : Zero);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    /// <summary>Whether <paramref name="text"/> is a version this comparer reads: non-empty, printable ASCII, at most <see cref="MaxLength"/>, with a letter or digit.</summary>
    public static bool IsValid(string? text) =>
        !string.IsNullOrEmpty(text) && text.Length <= MaxLength && text.All(c => c is >= (char)0x21 and <= (char)0x7E) && text.Any(char.IsAsciiLetterOrDigit);

    private static readonly ImmutableArray<string> Zero = ["0"];

    // Parts at punctuation; each part as its runs of digits (without leading zeros) and letters (lower case).
    private static ImmutableArray<ImmutableArray<string>> Parts(string version)
    {
        var parts = ImmutableArray.CreateBuilder<ImmutableArray<string>>();
        var runs = ImmutableArray.CreateBuilder<string>();
        var i = 0;
        while (i <= version.Length)
        {
            if (i == version.Length || !char.IsAsciiLetterOrDigit(version[i]))
            {
                if (runs.Count > 0)
                {
                    parts.Add(runs.ToImmutable());
                    runs.Clear();
                }

                i++;
                continue;
            }

            var start = i;
            var digits = char.IsAsciiDigit(version[i]);
            while (i < version.Length && char.IsAsciiLetterOrDigit(version[i]) && char.IsAsciiDigit(version[i]) == digits)
            {
                i++;
            }

            var run = version[start..i];
            runs.Add(digits ? (run.TrimStart('0') is { Length: > 0 } trimmed ? trimmed : "0") : run.ToLowerInvariant());
        }

        return parts.ToImmutable();
    }

    private static int ComparePart(ImmutableArray<string> a, ImmutableArray<string> b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var c = CompareRun(a[i], b[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    private static int CompareRun(string a, string b)
    {
        var da = char.IsAsciiDigit(a[0]);
        var db = char.IsAsciiDigit(b[0]);
        if (da && db)
        {
            // Numbers of any length: the longer (without leading zeros) is larger, else the digits decide.
            return a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
        }

        return da != db ? (da ? -1 : 1) : string.CompareOrdinal(a, b);
    }
}

/// <summary>
/// An NVD version range: <c>versionStartIncluding</c> / <c>versionStartExcluding</c> and <c>versionEndIncluding</c> /
/// <c>versionEndExcluding</c>, each optional (at most one of each pair), compared with <see cref="CpeVersion"/>.
/// </summary>
/// <param name="StartIncluding">Lowest version in the range, included.</param>
/// <param name="StartExcluding">Version the range starts after.</param>
/// <param name="EndIncluding">Highest version in the range, included.</param>
/// <param name="EndExcluding">Version the range stops before (often the first fixed one).</param>
public sealed record CpeVersionRange(string? StartIncluding, string? StartExcluding, string? EndIncluding, string? EndExcluding)
{
    /// <summary>Whether any bound is given.</summary>
    public bool IsBounded => StartIncluding is not null || StartExcluding is not null || EndIncluding is not null || EndExcluding is not null;

    /// <summary>Whether <paramref name="version"/> lies in the range.</summary>
    public bool Contains(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return (StartIncluding is null || CpeVersion.Compare(version, StartIncluding) >= 0)
            && (StartExcluding is null || CpeVersion.Compare(version, StartExcluding) > 0)
            && (EndIncluding is null || CpeVersion.Compare(version, EndIncluding) <= 0)
            && (EndExcluding is null || CpeVersion.Compare(version, EndExcluding) < 0);
    }

    /// <summary>The range in NVD's words, e.g. <c>&gt;= 8.0.0.0, &lt;= 8.1.71.3608</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>(2);
        if (StartIncluding is not null)
        {
            parts.Add(">= " + StartIncluding);
        }

        if (StartExcluding is not null)
        {
            parts.Add("> " + StartExcluding);
        }

        if (EndIncluding is not null)
        {
            parts.Add("<= " + EndIncluding);
        }

        if (EndExcluding is not null)
        {
            parts.Add("< " + EndExcluding);
        }

        return string.Join(", ", parts);
    }
}

/// <summary>
/// One NVD match criterion: a CPE match string and an optional version range (the range applies to the version
/// attribute, which is then ANY). It matches a target name per NISTIR 7696 on every attribute but the version, and on
/// the version by the range; a target whose version is ANY, NA or a wildcard is not in any bounded range (as Fleet's
/// nvdtools and Dependency-Track read it).
/// </summary>
/// <param name="Criteria">The match string.</param>
/// <param name="Range">The version range, or <c>null</c>.</param>
public sealed record CpeMatchCriterion(CpeName Criteria, CpeVersionRange? Range = null)
{
    /// <summary>Whether this criterion matches <paramref name="target"/>.</summary>
    public bool Matches(CpeName target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (Range is not { IsBounded: true } range)
        {
            return CpeMatching.Matches(Criteria, target);
        }

        if (target.Version is not { Kind: CpeValueKind.Text, HasWildcards: false } version || !CpeVersion.IsValid(version.Literal) || !range.Contains(version.Literal))
        {
            return false;
        }

        return CpeMatching.Matches(Criteria.WithVersion(CpeValue.Any), target);
    }

    /// <summary>The criterion as NVD shows it: the match string and the range.</summary>
    public override string ToString() => Range is { IsBounded: true } r ? $"{Criteria} ({r})" : Criteria.ToString();
}

/// <summary>
/// Match criteria indexed by product, so that a processor's few names are tested only against the criteria that can match
/// them (Downfall lists 1,036 processor criteria). The answers are those of <see cref="CpeMatchCriterion.Matches"/>.
/// </summary>
public sealed class CpeCriteriaIndex
{
    private readonly Dictionary<string, List<CpeMatchCriterion>> _byProduct = new(StringComparer.Ordinal);
    private readonly List<CpeMatchCriterion> _open = [];

    /// <summary>Indexes <paramref name="criteria"/>.</summary>
    public CpeCriteriaIndex(IEnumerable<CpeMatchCriterion> criteria)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        var vendors = new HashSet<string>(StringComparer.Ordinal);
        var anyVendor = false;
        foreach (var c in criteria)
        {
            Count++;
            if (c.Criteria.Vendor is { Kind: CpeValueKind.Text, HasWildcards: false } vendor)
            {
                vendors.Add(vendor.Literal.ToLowerInvariant());
            }
            else
            {
                anyVendor = true;
            }

            if (c.Criteria.Product is { Kind: CpeValueKind.Text, HasWildcards: false } product)
            {
                var key = product.Literal.ToLowerInvariant();
                if (!_byProduct.TryGetValue(key, out var list))
                {
                    _byProduct[key] = list = [];
                }

                list.Add(c);
            }
            else
            {
                _open.Add(c);
            }
        }

        Vendors = anyVendor ? null : vendors;
    }

    /// <summary>How many criteria.</summary>
    public int Count { get; }

    /// <summary>The vendors the criteria name (lower case); <c>null</c> when one criterion allows any vendor.</summary>
    public IReadOnlySet<string>? Vendors { get; }

    /// <summary>The first criterion that matches <paramref name="name"/>, or <c>null</c>.</summary>
    public CpeMatchCriterion? FirstMatch(CpeName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Product is { Kind: CpeValueKind.Text, HasWildcards: false } product
            && _byProduct.TryGetValue(product.Literal.ToLowerInvariant(), out var list))
        {
            foreach (var c in list)
            {
                if (c.Matches(name))
                {
                    return c;
                }
            }
        }

        foreach (var c in _open)
        {
            if (c.Matches(name))
            {
                return c;
            }
        }

        return null;
    }
}
