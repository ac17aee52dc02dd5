using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeRegistry.Scrub;
using EdgeRegistry.Status;

namespace EdgeRegistry.Cli;

/// <summary>
/// <c>edgereg scrub [--now] [--json]</c>: shows the running agent's scrub — the pass under way, the last full pass,
/// damage found, repaired and not repaired — or with <c>--now</c> starts a pass (continuing one a restart cut short).
/// It talks to the agent over its status socket, like `edgereg gc`; the scrub runs only in the agent (its repairs
/// come from the peers and its quarantine must reach the agent's caches). Exit 0 done, 1 failed, 2 bad options.
/// </summary>
internal static class ScrubCommand
{
    public static Command Create(ProcessContext process)
    {
        var target = AgentTargetOptions.Create("(the scrub runs in the agent; named here so one config file finds it)");
        var now = new Option<bool>("--now") { Description = "Start a full pass now (or continue the one a restart interrupted)" };
        var json = new Option<bool>("--json") { Description = "Print the scrub's report as JSON" };
        var command = new Command("scrub", "Show the background scrub's progress and the damage it found and repaired, or start a pass")
        {
            now, json,
        };
        target.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => target.Resolve(parseResult, process) is { } settings
            ? RunAsync(settings.StatusSocket, parseResult.GetValue(now), parseResult.GetValue(json), process, cancellationToken)
            : Task.FromResult(ExitCodes.InvalidInput));
        return command;
    }

    private static async Task<int> RunAsync(string socket, bool now, bool json, ProcessContext process, CancellationToken cancellationToken)
    {
        var (report, problem) = await AgentCall.SendAsync(socket, now ? HttpMethod.Post : HttpMethod.Get, ScrubEndpoint.Path,
            ScrubJsonContext.Default.ScrubReport, StatusClient.Timeout, now ? "start a scrub pass" : "report its scrub", cancellationToken);
        if (report is null)
        {
            process.Fail(problem ?? $"no agent answers on {socket}: the scrub runs in the agent (`systemctl start edgereg`, or --status-socket)");
            return ExitCodes.Failure;
        }

        if (json) process.Output.WriteLine(JsonSerializer.Serialize(report, ScrubJsonContext.Default.ScrubReport));
        else Write(process.Output, report, now, DateTimeOffset.UtcNow);
        return ExitCodes.Success;
    }

    private static void Write(TextWriter output, ScrubReport report, bool requested, DateTimeOffset now)
    {
        if (report.PassStarted is { } started)
        {
            string share = report.PassTotalBytes > 0
                ? string.Create(CultureInfo.InvariantCulture, $" ({Math.Min(100.0, 100.0 * report.PassBytes / report.PassTotalBytes):0}%)")
                : "";
            output.WriteLine($"{(requested ? "Pass under way" : "Scrubbing")}: {report.Phase} phase, {Readable.Bytes(report.PassBytes)} of {Readable.Bytes(report.PassTotalBytes)} re-hashed{share} at {Readable.Bytes(report.RateBytesPerSecond)}/s, started {Readable.Ago(started, now)}");
        }
        else
        {
            output.WriteLine(requested ? "Pass starting" : report.NextPass is { } next
                ? $"Idle; next pass in {Readable.Duration(next > now ? next - now : TimeSpan.Zero)}"
                : "Idle; passes on demand only (edgereg scrub --now)");
        }
        output.WriteLine(report.LastPassEnded is { } ended && report.LastPassStarted is { } began
            ? $"last full pass: ended {Readable.Ago(ended, now)}, took {Readable.Duration(ended - began)}"
            : "last full pass: none yet");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"since start: {Readable.Bytes(report.BytesScrubbed)} re-hashed, {report.Passes} passes, {report.DamageFound} damaged objects found, {report.Repaired} repaired, {report.Unrepaired.Count} not repaired"));
        foreach (var damage in report.Unrepaired) output.WriteLine($"not repaired: {damage.Object}, {damage.Cause}: {damage.Problem}");
        if (report.LastError is { } error) output.WriteLine($"last pass failed: {error}");
    }
}
