using System.CommandLine;
using VulnTriage.Advisories;
using VulnTriage.Core.Decisions;
using VulnTriage.Reports.Diff;

namespace VulnTriage.Cli.Commands;

/// <summary><c>vulntriage diff &lt;ADVISORY-ID&gt;</c>: what changed between the previous saved run and the latest.</summary>
internal static class DiffCommand
{
    public static Command Build(CliEnvironment env)
    {
        var id = new Argument<string>("ADVISORY-ID") { Description = "The advisory, e.g. INTEL-SA-00086." };
        var format = new Option<string>("--format", "-f") { Description = "Output format.", DefaultValueFactory = _ => "markdown" };
        format.AcceptOnlyFromAmong("markdown", "json");
        var lang = new Option<string>("--lang") { Description = "Language of the Markdown output.", DefaultValueFactory = _ => "en" };
        lang.AcceptOnlyFromAmong("en", "ja");
        var output = CommonOptions.OutFile();
        var advisoriesDir = CommonOptions.AdvisoriesDirectory();
        var db = StateOptions.Db();
        var command = new Command("diff", "Show what changed for an advisory since the previous saved run (`triage --save`): hosts newly affected, newly fixed, verdicts that moved, hosts gone and new.")
        {
            id, format, lang, output, advisoriesDir, db,
        };
        command.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var catalog = AdvisoryCatalog.Load(parse.GetValue(advisoriesDir));
            var advisoryId = catalog.Find(parse.GetRequiredValue(id))?.Id ?? parse.GetRequiredValue(id);
            var path = StateOptions.Resolve(parse.GetValue(db), env);
            if (!File.Exists(path))
            {
                env.Error.WriteLine($"vulntriage: error: {VulnTriageCli.OneLine(path)} does not exist; save runs with `vulntriage triage {advisoryId} --save` first");
                return ExitCodes.InputError;
            }

            using var state = StateOptions.Open(path, env);
            var runs = state.RunIds(advisoryId);
            if (runs.Length < 2)
            {
                env.Error.WriteLine($"vulntriage: error: {runs.Length} saved run(s) of {advisoryId} in {VulnTriageCli.OneLine(path)}; a diff needs two (`vulntriage triage {advisoryId} --save`)");
                return ExitCodes.InputError;
            }

            var previous = state.LoadRun(runs[^2])!;
            var latest = state.LoadRun(runs[^1])!;
            var diff = RunDiff.Compare(previous, latest, advisoryId);
            CommonOptions.WriteOutput(parse.GetValue(output), env, w =>
            {
                if (parse.GetValue(format) == "json")
                {
                    RunDiffWriter.WriteJson(diff, w);
                }
                else
                {
                    RunDiffWriter.WriteMarkdown(diff, parse.GetValue(lang) ?? "en", w);
                }
            });
            return ExitCodes.Ok;
        }));
        return command;
    }
}
