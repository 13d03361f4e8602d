using System.CommandLine;
using System.Text;
using VulnTriage.Advisories;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Matching;
using VulnTriage.Inventory.Probe;
using VulnTriage.Reports.Common;

namespace VulnTriage.Cli.Commands;

/// <summary>
/// <c>vulntriage check &lt;ADVISORY-ID&gt;... [--root DIR] [--advisories DIR]</c>: a check plugin (mackerel-agent,
/// Nagios/NRPE, Sensu). Probes this host, evaluates each advisory, prints ONE status line of at most
/// <see cref="MaxLineLength"/> characters and exits with the check-plugin code of the worst verdict
/// (<see cref="CheckExitCodes"/>), not the triage exit codes.
/// </summary>
internal static class CheckCommand
{
    /// <summary>mackerel-agent (and most monitoring systems) keep at most 1024 characters of a check's message.</summary>
    public const int MaxLineLength = 1024;

    public static Option<string> RootOption() => new("--root")
    {
        Description = "Read the host's files under this directory instead of / (a captured tree laid out like /).",
        DefaultValueFactory = _ => "/",
    };

    public static Command Build(CliEnvironment env)
    {
        var ids = new Argument<string[]>("ADVISORY-ID") { Description = "One or more advisory ids, e.g. INTEL-SA-00086.", Arity = ArgumentArity.OneOrMore };
        var root = RootOption();
        var advisoriesDir = CommonOptions.AdvisoriesDirectory();
        var command = new Command("check", "Check plugin: evaluate this host against advisories and print one status line; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.")
        {
            ids, root, advisoriesDir,
        };

        command.SetAction(parse => Run(env, parse.GetValue(ids) ?? [], parse.GetValue(root) ?? "/", parse.GetValue(advisoriesDir)));
        return command;
    }

    /// <summary>The status line printed when the command line itself is wrong (exit UNKNOWN, as check plugins must).</summary>
    public static int UsageError(CliEnvironment env, string message)
    {
        env.Out.WriteLine(Limit($"VULNTRIAGE UNKNOWN: usage error: {VulnTriageCli.OneLine(message)}"));
        env.Out.Flush();
        return CheckExitCodes.Unknown;
    }

    internal static int Run(CliEnvironment env, IReadOnlyList<string> ids, string root, string? advisoriesDir)
    {
        try
        {
            var catalog = AdvisoryCatalog.Load(advisoriesDir);
            var advisories = CommonOptions.Resolve(catalog, ids);
            if (!Directory.Exists(root))
            {
                throw new UsageException($"--root '{root}' is not a directory");
            }

            var probe = HostProbe.Run(root);
            var host = ProbeToHost.ToHost(probe);
            var facts = ProbeToHost.ToFacts(probe, "probe");
            var cache = new IdentificationCache();
            var findings = advisories.Select(a => AdvisoryEvaluator.Evaluate(a, host, facts, cache)).ToList();
            env.Out.WriteLine(StatusLine(findings));
            env.Out.Flush();
            return findings.Select(f => ExitCode(f.Verdict)).Max();
        }
#pragma warning disable CA1031 // A check plugin reports every failure as UNKNOWN on one line; it never crashes or prints a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var message = e switch
            {
                Core.Diagnostics.InputException input => string.Join("; ", input.Diagnostics.Take(3).Select(d => d.ToString())),
                UsageException => e.Message,
                _ => $"{e.GetType().Name}: {e.Message}",
            };
            env.Out.WriteLine(Limit($"VULNTRIAGE UNKNOWN: error: {VulnTriageCli.OneLine(message)}"));
            env.Out.Flush();
            return CheckExitCodes.Unknown;
        }
    }

    /// <summary>The check-plugin exit code of a verdict.</summary>
    public static int ExitCode(Verdict verdict) => verdict switch
    {
        Verdict.Affected => CheckExitCodes.Critical,
        Verdict.NeedsConfirmation => CheckExitCodes.Warning,
        Verdict.Unknown => CheckExitCodes.Unknown,
        _ => CheckExitCodes.Ok,
    };

    /// <summary>The status word of a verdict.</summary>
    public static string StatusWord(Verdict verdict) => ExitCode(verdict) switch
    {
        CheckExitCodes.Critical => "CRITICAL",
        CheckExitCodes.Warning => "WARNING",
        CheckExitCodes.Unknown => "UNKNOWN",
        _ => "OK",
    };

    /// <summary>
    /// One line, worst advisory first: <c>INTEL-SA-00086 CRITICAL: affected — &lt;reason&gt; (clause &lt;clause&gt;)</c>,
    /// several advisories joined by <c> | </c>. Reasons are shortened so the clause always survives and the whole line
    /// stays within <see cref="MaxLineLength"/>; control characters (attacker-controlled strings) are made visible.
    /// </summary>
    internal static string StatusLine(IReadOnlyList<Finding> findings)
    {
        const string Separator = " | ";
        var ordered = findings.OrderBy(f => -ExitCodeRank(f.Verdict)).ThenBy(f => f.AdvisoryId, StringComparer.Ordinal).ToList();
        var budget = (MaxLineLength - (Separator.Length * (ordered.Count - 1))) / Math.Max(1, ordered.Count);
        var segments = ordered.Select(f => Segment(f, budget));
        return Limit(string.Join(Separator, segments));
    }

    private static int ExitCodeRank(Verdict verdict) => verdict switch
    {
        Verdict.Affected => 3,
        Verdict.NeedsConfirmation => 2,
        Verdict.Unknown => 1,
        _ => 0,
    };

    private static string Segment(Finding finding, int budget)
    {
        var head = $"{VulnTriageCli.OneLine(finding.AdvisoryId)} {StatusWord(finding.Verdict)}: {finding.Verdict.ToWire()} — ";
        var main = finding.Evidence.FirstOrDefault();
        var tail = main is null ? "" : $" (clause {VulnTriageCli.OneLine(main.Clause)})";
        var reason = new StringBuilder(main is null ? "no evidence" : EvidenceText.Reason(main, "en"));

        // The probe's notes say what to read next ("read the SPS version from the BMC", "check the physical host"):
        // they belong with a status that asks for action. An OK line states one thing — that nothing is needed.
        if (ExitCodeRank(finding.Verdict) > 0)
        {
            foreach (var note in finding.Evidence.Skip(1).Where(e => e.Kind == EvidenceKind.FactsNote))
            {
                reason.Append(reason.Length > 0 && reason[^1] == '.' ? " " : "; ").Append(EvidenceText.Reason(note, "en"));
            }
        }

        var text = VulnTriageCli.OneLine(reason.ToString());
        var room = budget - head.Length - tail.Length;
        if (text.Length > room)
        {
            text = room <= 1 ? "…" : text[..(room - 1)].TrimEnd() + "…";
        }

        return head + text + tail;
    }

    private static string Limit(string line) =>
        line.Length <= MaxLineLength ? line : line[..(MaxLineLength - 1)] + "…";
}

/// <summary>
/// Check-plugin exit codes (Nagios plugin guidelines, used by mackerel-agent and Sensu). These differ from the
/// triage exit codes in <see cref="ExitCodes"/>: here 2 means CRITICAL (affected), not a usage error, and every
/// error is 3 (UNKNOWN).
/// </summary>
internal static class CheckExitCodes
{
    /// <summary>not_affected, fixed, provider_managed.</summary>
    public const int Ok = 0;

    /// <summary>needs_confirmation.</summary>
    public const int Warning = 1;

    /// <summary>affected.</summary>
    public const int Critical = 2;

    /// <summary>unknown, or any error (bad arguments, unknown advisory, unreadable root).</summary>
    public const int Unknown = 3;
}
