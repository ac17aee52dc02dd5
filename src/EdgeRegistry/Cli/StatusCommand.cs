using System.CommandLine;
using System.Text.Json;
using EdgeRegistry.Configuration;
using EdgeRegistry.Status;
using EdgeRegistry.Systemd.Units;

namespace EdgeRegistry.Cli;

/// <summary>
/// <c>edgereg status</c>: the agent, the store, each peer and the systemd units an image pull depends on, with a
/// one-word verdict. Exit 0 healthy, 1 degraded, 2 agent down or store unreadable (and 2 for bad options).
/// </summary>
internal static class StatusCommand
{
    public static Command Create(ProcessContext process)
    {
        var target = AgentTargetOptions.Create("read directly when the agent is down");
        var listen = new Option<string[]>(SettingKey.Listen.Flag)
        {
            Description = "The agent's listen addresses, as given to `serve` (shown when the agent is down)",
            HelpName = "HOST:PORT",
            AllowMultipleArgumentsPerToken = false,
        };
        var json = new Option<bool>("--json") { Description = "Print the status as JSON (schema in the README)" };
        var command = new Command("status", "Show the agent, store, peers and systemd units, with a verdict (exit 0 healthy, 1 degraded, 2 down)")
        {
            listen, json,
        };
        target.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            target.Read(parseResult) with { Listen = parseResult.GetValue(listen) ?? [] },
            parseResult.GetValue(json),
            process,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CommandLineSettings commandLine, bool json, ProcessContext process, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        if (StatusTargets.Resolve(commandLine, process.Environment, errors) is not { } targets)
        {
            errors.ForEach(process.Fail);
            return ExitCodes.InvalidInput;
        }

        var busAddress = process.Environment("DBUS_SYSTEM_BUS_ADDRESS") is { Length: > 0 } address ? address : SystemdUnits.DefaultSystemBusAddress;
        var (report, rows) = await StatusInspector.InspectAsync(targets, busAddress, TimeProvider.System, cancellationToken);
        var verdict = StatusRows.Verdict(rows);
        if (json)
        {
            process.Output.WriteLine(JsonSerializer.Serialize(report, StatusJsonContext.Default.StatusReport));
        }
        else
        {
            HumanStatusWriter.Write(process.Output, verdict, rows, UsesColour(process));
        }

        return (int)verdict;
    }

    /// <summary>Colour only for a person at a terminal: the real console, not redirected, and no NO_COLOR (https://no-color.org).</summary>
    private static bool UsesColour(ProcessContext process) =>
        ReferenceEquals(process.Output, Console.Out) && !Console.IsOutputRedirected && process.Environment("NO_COLOR") is null;
}
