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
        var ids = new Argument<string[]>("ADVISORY-ID") { Description = "One or more advisory (or CVE) ids, e.g. INTEL-SA-00086; or --all.", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Every advisory (the embedded ones and --advisories DIR): the worst status wins, one line." };
        var root = RootOption();
        var advisoriesDir = CommonOptions.AdvisoriesDirectory();
        var command = new Command("check", "Check plugin: evaluate this host against advisories and print one status line; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.")
        {
            ids, all, root, advisoriesDir,
        };

        command.SetAction(parse =>
        {
            var given = parse.GetValue(ids) ?? [];
            var everything = parse.GetValue(all);
            if (everything == (given.Length > 0))
            {
                return UsageError(env, everything ? "give advisory ids or --all, not both" : "name one or more advisory ids, or --all");
            }

            return Run(env, given, parse.GetValue(root) ?? "/", parse.GetValue(advisoriesDir), everything);
        });
        return command;
    }

    /// <summary>The status line printed when the command line itself is wrong (exit UNKNOWN, as check plugins must).</summary>
    public static int UsageError(CliEnvironment env, string message)
    {
        env.Out.WriteLine(Limit($"VULNTRIAGE UNKNOWN: usage error: {VulnTriageCli.OneLine(message)}"));
        env.Out.Flush();
        return CheckExitCodes.Unknown;
    }

    internal static int Run(CliEnvironment env, IReadOnlyList<string> ids, string root, string? advisoriesDir, bool all = false)
    {
        try
        {
            var catalog = AdvisoryCatalog.Load(advisoriesDir);
            var advisories = all ? [.. catalog.Advisories] : CommonOptions.Resolve(catalog, ids);
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
            return Worst(findings.Select(f => ExitCode(f.Verdict)));
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

    /// <summary>
    /// The exit code of several statuses: CRITICAL, then WARNING, then UNKNOWN, then OK. An affected advisory must page
    /// someone even when another advisory could not be decided (numerically UNKNOWN is 3, but it is not worse than CRITICAL).
    /// </summary>
    public static int Worst(IEnumerable<int> codes)
    {
        var set = codes.ToHashSet();
        return set.Contains(CheckExitCodes.Critical) ? CheckExitCodes.Critical
            : set.Contains(CheckExitCodes.Warning) ? CheckExitCodes.Warning
            : set.Contains(CheckExitCodes.Unknown) ? CheckExitCodes.Unknown
            : CheckExitCodes.Ok;
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
        if (ordered.Count <= MaxDetailedAdvisories)
        {
            var budget = (MaxLineLength - (Separator.Length * (ordered.Count - 1))) / Math.Max(1, ordered.Count);
            return Limit(string.Join(Separator, ordered.Select(f => Segment(f, budget))));
        }

        // Many advisories (check --all): a head with the worst status and the counts, then the advisories that need
        // attention, worst first, each with its reason; the OK ones are only counted.
        var worst = StatusWord(ordered[0].Verdict);
        var counts = ordered.GroupBy(f => StatusWord(f.Verdict)).ToDictionary(g => g.Key, g => g.Count());
        var head = "VULNTRIAGE " + worst + ": " + string.Join(", ", StatusOrder
            .Where(counts.ContainsKey).Select(w => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{counts[w]} {w}"))) + " of "
            + ordered.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " advisories";
        var attention = ordered.Where(f => ExitCodeRank(f.Verdict) > 0).ToList();
        if (attention.Count == 0)
        {
            return Limit(head);
        }

        var room = MaxLineLength - head.Length - Separator.Length - (Separator.Length * (attention.Count - 1));
        var each = Math.Max(60, room / attention.Count);
        return Limit(head + Separator + string.Join(Separator, attention.Select(f => Segment(f, each))));
    }

    private static readonly string[] StatusOrder = ["CRITICAL", "WARNING", "UNKNOWN", "OK"];

    /// <summary>Up to this many advisories, each gets its own segment in the line; beyond it the OK ones are counted.</summary>
    private const int MaxDetailedAdvisories = 3;

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
