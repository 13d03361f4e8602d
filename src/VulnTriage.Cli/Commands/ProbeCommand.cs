using System.CommandLine;
using System.Text;
using VulnTriage.Inventory.Probe;

namespace VulnTriage.Cli.Commands;

/// <summary>
/// <c>vulntriage probe [--root DIR]</c>: reads this host's CPU, platform, ME/SPS/TXE firmware and virtualization facts
/// and prints one <c>vulntriage-probe/1</c> JSON document (docs/probe-format.md): a <c>--facts</c> file and a Mackerel
/// metadata-plugin output at once. Exit 0, or 3 when nothing at all could be read under the root.
/// </summary>
internal static class ProbeCommand
{
    public static Command Build(CliEnvironment env)
    {
        var root = CheckCommand.RootOption();
        var command = new Command("probe", "Read this host's CPU, platform (DMI), ME/SPS/TXE firmware and virtualization facts and print them as one JSON document (vulntriage-probe/1).")
        {
            root,
        };

        command.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var dir = parse.GetValue(root) ?? "/";
            if (!Directory.Exists(dir))
            {
                env.Error.WriteLine($"vulntriage: error: --root '{VulnTriageCli.OneLine(dir)}' is not a directory");
                return ExitCodes.InputError;
            }

            var probe = HostProbe.Run(dir);
            env.Out.Write(Encoding.UTF8.GetString(ProbeJson.Write(probe)));
            env.Out.Flush();
            if (!probe.ReadAnything)
            {
                env.Error.WriteLine($"vulntriage: error: nothing could be read under '{VulnTriageCli.OneLine(dir)}' (no cpuinfo, DMI, MEI, kernel or hostname files)");
                return ExitCodes.InputError;
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
