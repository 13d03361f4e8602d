using System.Text.RegularExpressions;

namespace VulnTriage.Cli;

/// <summary>
/// Secrets seen on the command line or in the environment (a password in a <c>--db postgresql://</c> URL, say), so that
/// every line the CLI writes to stderr can be cleaned of them, whatever code path wrote it: a usage error quoting a
/// mistyped option, a driver's message. Defence in depth beside the stores' own redaction.
/// </summary>
internal sealed partial class Secrets
{
    private readonly List<string> _values = [];
    private readonly Lock _lock = new();

    /// <summary>Remembers a secret (and its percent-encoded form); empty values are ignored.</summary>
    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return;
        }

        lock (_lock)
        {
            foreach (var form in new[] { secret, Uri.EscapeDataString(secret) }.Distinct(StringComparer.Ordinal))
            {
                if (!_values.Contains(form))
                {
                    _values.Add(form);
                }
            }

            // Longest first, so a secret that contains another is replaced whole.
            _values.Sort((a, b) => b.Length.CompareTo(a.Length));
        }
    }

    /// <summary>Remembers the passwords of every PostgreSQL URL found in <paramref name="args"/> (well-formed or not).</summary>
    public void AddFromArguments(IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        foreach (var arg in args)
        {
            foreach (Match m in UrlPassword().Matches(arg))
            {
                Add(m.Groups["pw"].Value);
                Add(Uri.UnescapeDataString(m.Groups["pw"].Value));
            }

            foreach (Match m in QueryPassword().Matches(arg))
            {
                Add(m.Groups["pw"].Value);
                Add(Uri.UnescapeDataString(m.Groups["pw"].Value));
            }
        }
    }

    /// <summary>The text with every remembered secret replaced by <c>***</c>.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_lock)
        {
            foreach (var secret in _values)
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }

    // user:password@ in a postgres(ql):// URL; the password may hold any character but '@' and '/' (libpq percent-encodes those).
    [GeneratedRegex(@"postgres(?:ql)?://[^:/@\s]*:(?<pw>[^@/\s]+)@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"postgres(?:ql)?://\S*?[?&]password=(?<pw>[^&\s]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QueryPassword();
}

/// <summary>
/// A writer that holds each line until it ends and writes it with <see cref="Secrets"/> redacted, so no code path that
/// writes to stderr can print a password it was handed (a driver message, a diagnostic quoting an argument).
/// </summary>
internal sealed class RedactingWriter(TextWriter inner, Secrets secrets) : TextWriter
{
    private readonly System.Text.StringBuilder _line = new();

    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        _line.Append(value);
        if (value is '\n' or '\r')
        {
            inner.Write(secrets.Redact(_line.ToString()));
            _line.Clear();
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        foreach (var c in value)
        {
            Write(c);
        }
    }

    public override void Flush()
    {
        if (_line.Length > 0)
        {
            inner.Write(secrets.Redact(_line.ToString()));
            _line.Clear();
        }

        inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }
}
