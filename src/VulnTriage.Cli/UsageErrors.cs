using System.CommandLine;
using System.CommandLine.Parsing;

namespace VulnTriage.Cli;

/// <summary>
/// Turns a failed parse into ONE line a newcomer can act on: a misspelled option is named as an option
/// ("unknown option '--fromat'; did you mean '--format'?"), a misspelled command as a command, and only then the
/// parser's own first message. The parser alone would take <c>--fromat</c> as an advisory id (the command's
/// argument accepts any word) and report something else entirely.
/// </summary>
internal static class UsageErrors
{
    /// <summary>The one-line message for <paramref name="parse"/>, or <c>null</c> when the command line is fine.</summary>
    public static string? Describe(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var command = parse.CommandResult.Command;
        if (UnknownOption(parse) is { } option)
        {
            var suggestion = Suggest(option.Split('=', 2)[0], AllOptionNames(parse.CommandResult));
            return $"unknown option '{option}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?") + Hint(command);
        }

        if (command.Subcommands.Count > 0 && parse.Errors.Count > 0)
        {
            var word = parse.UnmatchedTokens.Count > 0 ? parse.UnmatchedTokens[0] : null;
            if (word is null)
            {
                return $"missing command: one of {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}" + Hint(command);
            }

            var suggestion = Suggest(word, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
            return $"unknown command '{word}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?") + Hint(command);
        }

        if (parse.Errors.Count == 0)
        {
            return null;
        }

        // The parser's own messages list choices on separate lines; keep them on one.
        var message = parse.Errors[0].Message
            .Replace("\r", "", StringComparison.Ordinal)
            .Replace("\n\t", " ", StringComparison.Ordinal)
            .Replace("\n", " ", StringComparison.Ordinal)
            .Trim();
        return message + Hint(command);
    }

    /// <summary>Edit distance with adjacent transpositions (optimal string alignment), case-insensitive.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>The closest candidate within a third of the word's length (at least 2 edits), or <c>null</c>.</summary>
    public static string? Suggest(string word, IEnumerable<string> candidates)
    {
        var limit = Math.Max(2, word.TrimStart('-').Length / 3);
        return candidates
            .Select(c => (Name: c, Distance: Distance(word, c)))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .FirstOrDefault();
    }

    private static string Hint(Command command)
    {
        var path = new List<string>();
        for (Command? c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            path.Insert(0, c.Name);
        }

        return path.Count == 0 ? " (see 'vulntriage --help')" : $" (see 'vulntriage {string.Join(' ', path)} --help')";
    }

    /// <summary>
    /// The first word that looks like an option but is none: left unmatched, or taken as a command argument.
    /// A word that is an option's value (<c>--justification "-x"</c>) or follows <c>--</c> is not an option.
    /// </summary>
    private static string? UnknownOption(ParseResult parse)
    {
        var optionValues = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        foreach (var result in Descendants(parse.RootCommandResult))
        {
            if (result is OptionResult option)
            {
                foreach (var t in option.Tokens)
                {
                    optionValues.Add(t);
                }
            }
        }

        foreach (var token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                break;
            }

            if (token.Type == TokenType.Argument && token.Value.Length > 1 && token.Value[0] == '-' && !optionValues.Contains(token)
                && !double.TryParse(token.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                return token.Value;
            }
        }

        return null;
    }

    private static IEnumerable<SymbolResult> Descendants(SymbolResult result)
    {
        yield return result;
        if (result is CommandResult command)
        {
            foreach (var child in command.Children)
            {
                foreach (var d in Descendants(child))
                {
                    yield return d;
                }
            }
        }
    }

    private static IEnumerable<string> AllOptionNames(CommandResult result)
    {
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                foreach (var o in c.Command.Options.Where(o => !o.Hidden && (o.Recursive || ReferenceEquals(c, result))))
                {
                    yield return o.Name;
                    foreach (var alias in o.Aliases.Where(a => a.StartsWith("--", StringComparison.Ordinal)))
                    {
                        yield return alias;
                    }
                }
            }
        }
    }
}
