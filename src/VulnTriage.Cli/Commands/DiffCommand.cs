using System.CommandLine;
using VulnTriage.Advisories;
using VulnTriage.Core.Decisions;
using VulnTriage.Reports.Diff;
using VulnTriage.Storage;

namespace VulnTriage.Cli.Commands;

/// <summary><c>vulntriage diff &lt;ADVISORY-ID&gt;</c>: what changed between the previous saved run and the latest.</summary>
internal static class DiffCommand
{
    public static Command Build(CliEnvironment env)
    {
        var id = new Argument<string>("ADVISORY-ID") { Description = "The advisory, e.g. INTEL-SA-00086." };
        var format = new Option<string>("--format", "-f") { Description = "Output format (md is markdown). Default: from the --out file's extension (.json, .md), else markdown." };
        format.AcceptOnlyFromAmong("markdown", "md", "json");
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
            var advisoryId = CommonOptions.Find(catalog, parse.GetRequiredValue(id)).Id;
            var location = StateOptions.Resolve(parse.GetValue(db), env);
            if (!StateStores.Exists(location))
            {
                env.Error.WriteLine($"vulntriage: error: {VulnTriageCli.OneLine(location.Display)} does not exist; save runs with `vulntriage triage {advisoryId} --save` first");
                return ExitCodes.InputError;
            }

            using var state = StateOptions.OpenReadOnly(location);
            var runs = state.RunIds(advisoryId);
            if (runs.Length == 0)
            {
                env.Error.WriteLine($"vulntriage: error: no saved run of {advisoryId} in {VulnTriageCli.OneLine(location.Display)}; save one with `vulntriage triage {advisoryId} --inventory FILE --save`");
                return ExitCodes.InputError;
            }

            // One saved run is the baseline: everything in it is "new", which is what a first diff should say.
            var latest = state.LoadRun(runs[^1])!;
            var previous = runs.Length >= 2
                ? state.LoadRun(runs[^2])!
                : new SavedRun("(none)", latest.SavedAt, latest.Inventory, latest.ToolVersion, latest.Advisories, []);
            if (runs.Length == 1)
            {
                env.Error.WriteLine($"vulntriage: only one saved run of {advisoryId}; every host is shown as new (save another run to see what changed)");
            }

            var diff = RunDiff.Compare(previous, latest, advisoryId);
            CommonOptions.WriteOutput(parse.GetValue(output), env, w =>
            {
                if (CommonOptions.ReportFormat(parse, format, output) == "json")
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
