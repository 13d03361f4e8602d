namespace VulnTriage.Core.Cpe;

/// <summary>The relation of a source attribute (or name) to a target one (NISTIR 7696 Table 6-2 and §6.2).</summary>
public enum CpeRelation
{
    /// <summary>The two denote the same set.</summary>
    Equal,

    /// <summary>The source denotes a subset of the target.</summary>
    Subset,

    /// <summary>The source denotes a superset of the target (the source "matches" the target).</summary>
    Superset,

    /// <summary>The two have nothing in common.</summary>
    Disjoint,

    /// <summary>The target carries a wildcard: the relation is not defined.</summary>
    Undefined,
}

/// <summary>
/// CPE name matching per NISTIR 7696: attribute comparison (Table 6-2, the <c>compare</c> and <c>compareStrings</c>
/// reference functions, case-insensitive) and name comparison (§6.2: disjoint if any attribute is disjoint, equal if all are
/// equal, superset if all are superset or equal). A source (e.g. NVD's match criteria) <i>matches</i> a target (e.g. a
/// host's processor) when the name relation is <see cref="CpeRelation.Superset"/> or <see cref="CpeRelation.Equal"/>.
/// Pure.
/// </summary>
public static class CpeMatching
{
    /// <summary>The relation of one source attribute value to one target value (NISTIR 7696 Table 6-2).</summary>
    public static CpeRelation Compare(CpeValue source, CpeValue target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);

        // Rows 4, 8, 11 and 17: a wildcard in the target makes the relation undefined.
        if (target.Kind == CpeValueKind.Text && target.HasWildcards)
        {
            return CpeRelation.Undefined;
        }

        if (SameValue(source, target))
        {
            return CpeRelation.Equal;
        }

        if (source.Kind == CpeValueKind.Any)
        {
            return CpeRelation.Superset;
        }

        if (target.Kind == CpeValueKind.Any)
        {
            return CpeRelation.Subset;
        }

        if (source.Kind == CpeValueKind.NotApplicable || target.Kind == CpeValueKind.NotApplicable)
        {
            return CpeRelation.Disjoint;
        }

        return source.HasWildcards && WildcardMatches(source, target.Literal) ? CpeRelation.Superset : CpeRelation.Disjoint;
    }

    /// <summary>The relation of two names (NISTIR 7696 §6.2): disjoint if any attribute is, undefined if any is, equal if all are, superset/subset if all are that or equal.</summary>
    public static CpeRelation CompareNames(CpeName source, CpeName target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        bool allEqual = true, superset = true, subset = true, undefined = false;
        for (var i = 0; i < source.Attributes.Length; i++)
        {
            switch (Compare(source.Attributes[i], target.Attributes[i]))
            {
                case CpeRelation.Disjoint:
                    return CpeRelation.Disjoint;
                case CpeRelation.Undefined:
                    undefined = true;
                    allEqual = superset = subset = false;
                    break;
                case CpeRelation.Superset:
                    allEqual = subset = false;
                    break;
                case CpeRelation.Subset:
                    allEqual = superset = false;
                    break;
            }
        }

        return undefined ? CpeRelation.Undefined
            : allEqual ? CpeRelation.Equal
            : superset ? CpeRelation.Superset
            : subset ? CpeRelation.Subset
            : CpeRelation.Undefined;
    }

    /// <summary>Whether <paramref name="source"/> matches <paramref name="target"/>: the name relation is superset or equal.</summary>
    public static bool Matches(CpeName source, CpeName target) =>
        CompareNames(source, target) is CpeRelation.Superset or CpeRelation.Equal;

    /// <summary>Whether two attributes are the same value (case-insensitive for text, as NISTIR 7696 lower-cases before comparing).</summary>
    private static bool SameValue(CpeValue a, CpeValue b) =>
        a.Kind == b.Kind
        && (a.Kind != CpeValueKind.Text
            || (string.Equals(a.Literal, b.Literal, StringComparison.OrdinalIgnoreCase)
                && a.LeadingStar == b.LeadingStar && a.TrailingStar == b.TrailingStar
                && a.LeadingQuestions == b.LeadingQuestions && a.TrailingQuestions == b.TrailingQuestions));

    /// <summary>
    /// NISTIR 7696's <c>compareStrings</c> on unquoted characters: the source's literal must occur in the target with at
    /// most <c>LeadingQuestions</c> characters before it (any number after a leading <c>*</c>, none without a wildcard) and
    /// at most <c>TrailingQuestions</c> after it (any number before a trailing <c>*</c>).
    /// </summary>
    private static bool WildcardMatches(CpeValue source, string target)
    {
        var literal = source.Literal;
        var maxBefore = source.LeadingStar ? int.MaxValue : source.LeadingQuestions;
        var maxAfter = source.TrailingStar ? int.MaxValue : source.TrailingQuestions;
        for (var index = 0; index + literal.Length <= target.Length; index++)
        {
            if (index > maxBefore)
            {
                return false;
            }

            if (string.Compare(target, index, literal, 0, literal.Length, StringComparison.OrdinalIgnoreCase) != 0)
            {
                continue;
            }

            var after = target.Length - index - literal.Length;
            if (after <= maxAfter)
            {
                return true;
            }
        }

        return false;
    }
}
