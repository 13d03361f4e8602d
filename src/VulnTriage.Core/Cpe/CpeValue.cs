using System.Text;

namespace VulnTriage.Core.Cpe;

/// <summary>What an attribute of a CPE name holds (NISTIR 7695 §5.3.1): the logical values ANY and NA, or a string.</summary>
public enum CpeValueKind
{
    /// <summary>ANY (bound as <c>*</c>): no restriction.</summary>
    Any,

    /// <summary>NA, "not applicable" (bound as <c>-</c>): the attribute has no legitimate value.</summary>
    NotApplicable,

    /// <summary>A string, possibly with unquoted wildcards at its start and end.</summary>
    Text,
}

/// <summary>
/// One attribute value of a CPE 2.3 name, unbound from the formatted-string binding: ANY, NA, or a literal string
/// (quoting removed) with optional unquoted wildcards at either end — <c>*</c> (any run of characters) or a run of
/// <c>?</c> (up to that many characters, as NISTIR 7696's reference algorithm reads them). NISTIR 7695 allows
/// wildcards only at the start and end of a value; an embedded one is refused when parsing.
/// </summary>
/// <param name="Kind">ANY, NA or text.</param>
/// <param name="Literal">The literal characters between the wildcards, quoting removed (empty for ANY and NA).</param>
/// <param name="LeadingStar">A leading unquoted <c>*</c>.</param>
/// <param name="LeadingQuestions">How many leading unquoted <c>?</c> (0 when <paramref name="LeadingStar"/>).</param>
/// <param name="TrailingStar">A trailing unquoted <c>*</c>.</param>
/// <param name="TrailingQuestions">How many trailing unquoted <c>?</c> (0 when <paramref name="TrailingStar"/>).</param>
public sealed record CpeValue(CpeValueKind Kind, string Literal, bool LeadingStar = false, int LeadingQuestions = 0, bool TrailingStar = false, int TrailingQuestions = 0)
{
    /// <summary>ANY.</summary>
    public static CpeValue Any { get; } = new(CpeValueKind.Any, "");

    /// <summary>NA.</summary>
    public static CpeValue NotApplicable { get; } = new(CpeValueKind.NotApplicable, "");

    /// <summary>A literal string without wildcards.</summary>
    public static CpeValue Of(string literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        return new CpeValue(CpeValueKind.Text, literal);
    }

    /// <summary>Whether the value carries an unquoted wildcard.</summary>
    public bool HasWildcards => LeadingStar || TrailingStar || LeadingQuestions > 0 || TrailingQuestions > 0;

    /// <summary>The value in the formatted-string binding (<c>*</c>, <c>-</c>, or the quoted string).</summary>
    public override string ToString()
    {
        switch (Kind)
        {
            case CpeValueKind.Any:
                return "*";
            case CpeValueKind.NotApplicable:
                return "-";
        }

        var sb = new StringBuilder(Literal.Length + 4);
        sb.Append(LeadingStar ? "*" : new string('?', LeadingQuestions));
        if (Literal == "-" && !HasWildcards)
        {
            // A lone literal hyphen would read back as NA: keep its quoting.
            sb.Append("\\-");
        }
        else
        {
            foreach (var c in Literal)
            {
                // NISTIR 7695 §6.2.2.2 (process_quoted_chars): '.', '-' and '_' are written bare; every other
                // non-alphanumeric character keeps its backslash.
                if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')
                {
                    sb.Append(c);
                }
                else
                {
                    sb.Append('\\').Append(c);
                }
            }
        }

        sb.Append(TrailingStar ? "*" : new string('?', TrailingQuestions));
        return sb.ToString();
    }

    /// <summary>
    /// Unbinds one component of a formatted string (NISTIR 7695 §6.2.3, <c>unbind_value_fs</c> / <c>add_quoting</c>):
    /// <c>*</c> is ANY, <c>-</c> is NA; <c>\x</c> is the literal x; <c>*</c> and runs of <c>?</c> are wildcards only at
    /// the start or end; any other printable ASCII punctuation than <c>. - _</c> must be escaped.
    /// </summary>
    /// <returns><c>false</c> with the reason and the offending offset when the component is not well formed.</returns>
    public static bool TryParse(string component, out CpeValue? value, out string? error, out int errorOffset)
    {
        ArgumentNullException.ThrowIfNull(component);
        value = null;
        error = null;
        errorOffset = 0;
        switch (component)
        {
            case "":
                error = "empty component";
                return false;
            case "*":
                value = Any;
                return true;
            case "-":
                value = NotApplicable;
                return true;
        }

        var literal = new StringBuilder(component.Length);
        bool leadingStar = false, trailingStar = false;
        int leadingQ = 0, trailingQ = 0;
        var i = 0;
        if (component[0] == '*')
        {
            leadingStar = true;
            i = 1;
        }
        else
        {
            while (i < component.Length && component[i] == '?')
            {
                leadingQ++;
                i++;
            }
        }

        // The end of the literal part: trailing wildcards, unless they are quoted.
        var end = component.Length;
        if (end > i && component[end - 1] == '*' && !IsQuoted(component, end - 1))
        {
            trailingStar = true;
            end--;
        }
        else
        {
            while (end > i && component[end - 1] == '?' && !IsQuoted(component, end - 1))
            {
                trailingQ++;
                end--;
            }
        }

        while (i < end)
        {
            var c = component[i];
            if (c is < (char)0x21 or > (char)0x7E)
            {
                error = c == ' ' ? "a space must be escaped" : $"character U+{(int)c:X4} is not printable ASCII";
                errorOffset = i;
                return false;
            }

            if (c == '\\')
            {
                if (i + 1 >= end)
                {
                    error = "a backslash must quote the character after it";
                    errorOffset = i;
                    return false;
                }

                var next = component[i + 1];
                if (next is < (char)0x21 or > (char)0x7E)
                {
                    error = $"character U+{(int)next:X4} is not printable ASCII";
                    errorOffset = i + 1;
                    return false;
                }

                literal.Append(next);
                i += 2;
                continue;
            }

            if (c is '*' or '?')
            {
                error = $"the wildcard '{c}' may only stand at the start or the end of a value (quote it as \\{c})";
                errorOffset = i;
                return false;
            }

            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-'))
            {
                error = $"'{c}' must be escaped as \\{c}";
                errorOffset = i;
                return false;
            }

            literal.Append(c);
            i++;
        }

        value = new CpeValue(CpeValueKind.Text, literal.ToString(), leadingStar, leadingQ, trailingStar, trailingQ);
        return true;
    }

    // An odd number of backslashes right before position i quotes the character at i.
    private static bool IsQuoted(string s, int i)
    {
        var n = 0;
        for (var j = i - 1; j >= 0 && s[j] == '\\'; j--)
        {
            n++;
        }

        return n % 2 == 1;
    }
}
