using System.CommandLine;
using System.Globalization;
using System.Text;
using VulnTriage.Cli.Commands;
using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Cli;

/// <summary>The composition root: builds the command tree and maps every outcome to a documented exit code.</summary>
internal static class VulnTriageCli
{
    public static int Run(string[] args, CliEnvironment env, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(env);
        // Passwords in --db URLs are known before anything can print them (a usage error may quote a mistyped option),
        // and every stderr line passes through their redaction.
        env.Secrets.AddFromArguments(args);
        using var error = new RedactingWriter(env.Error, env.Secrets);
        env = env with { Error = error };
        if (Application.MackerelInventory.RefuseKeyArgument(args, env.Error))
        {
            return ExitCodes.Usage;
        }

        var root = new RootCommand("VulnTriage: is any of our machinery affected? Triage a host inventory against hardware and firmware advisories, with evidence.")
        {
            TriageCommand.Build(env, cancellationToken),
            HostsCommand.Build(env, cancellationToken),
            IdentifyCommand.Build(env, cancellationToken),
            AdvisoriesCommand.Build(env),
            ProbeCommand.Build(env),
            CheckCommand.Build(env),
            DecideCommand.Build(env),
            DecisionsCommand.Build(env),
            DiffCommand.Build(env),
            TokensCommand.Build(env),
            ServeCommand.Build(env, cancellationToken),
        };

        // Response files (`@file` arguments) are off: `--justification @notes.txt` must store that text, never a file's
        // contents, and `--author @alice` is a name.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var usage = UsageErrors.Describe(parse);
        if (usage is not null && parse.CommandResult.Command.Name == "check")
        {
            // A check plugin must answer UNKNOWN (3) on one stdout line, whatever went wrong.
            return CheckCommand.UsageError(env, env.Secrets.Redact(usage));
        }

        if (usage is not null)
        {
            env.Error.WriteLine($"vulntriage: error: {OneLine(env.Secrets.Redact(usage))}");
            return ExitCodes.Usage;
        }

        return parse.Invoke(new InvocationConfiguration { Output = env.Out, Error = env.Error, EnableDefaultExceptionHandler = false });
    }

    /// <summary>Runs a command body and turns every failure into one line on stderr and its exit code; never a stack trace.</summary>
    public static int Guard(CliEnvironment env, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (InputException e)
        {
            foreach (var d in e.Diagnostics.Take(20))
            {
                env.Error.WriteLine($"vulntriage: {OneLine(env.Secrets.Redact(d.ToString()))}");
            }

            if (e.Diagnostics.Count > 20)
            {
                env.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"vulntriage: … and {e.Diagnostics.Count - 20} more"));
            }

            return ExitCodes.InputError;
        }
        catch (UsageException e)
        {
            env.Error.WriteLine($"vulntriage: error: {OneLine(env.Secrets.Redact(e.Message))}");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            env.Error.WriteLine("vulntriage: cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            env.Error.WriteLine($"vulntriage: error: {OneLine(env.Secrets.Redact(e.Message))}");
            return ExitCodes.InputError;
        }
#pragma warning disable CA1031 // The top level must never print a stack trace; a bug still gets a one-line message and its own code.
        catch (Exception e)
#pragma warning restore CA1031
        {
            env.Error.WriteLine($"vulntriage: internal error: {e.GetType().Name}: {OneLine(env.Secrets.Redact(e.Message))}");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>
    /// Makes text safe for one terminal line: control characters (including CR/LF and ESC) and the bidirectional
    /// controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C: a right-to-left override in a host name would
    /// reorder the rest of the line) become visible escapes.
    /// </summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsControl(c) && !Core.Text.UnicodeControls.IsBidiControl(c))
            {
                sb?.Append(c);
                continue;
            }

            sb ??= new StringBuilder(text, 0, i, text.Length + 16);
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
            });
        }

        return sb?.ToString() ?? text;
    }

}
