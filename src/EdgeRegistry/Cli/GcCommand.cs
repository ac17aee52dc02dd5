using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeRegistry.Collection;
using EdgeRegistry.Configuration;
using EdgeRegistry.Status;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Collection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Cli;

/// <summary>
/// <c>edgereg gc [--dry-run] [--json]</c>: asks the running agent over its status socket to collect now (so the
/// collection shares the agent's leases and replicates its deletes), or — with the agent stopped — collects the
/// store directly, like Distribution's <c>registry garbage-collect</c>. It uses the settings `serve` would
/// (grace, retention, pins, rules from the same config file and environment). Exit 0 done, 1 failed, 2 bad options.
/// </summary>
internal static class GcCommand
{
    /// <summary>A collection of a big store takes minutes; an agent that takes longer than this is stuck.</summary>
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromHours(2);

    public static Command Create(ProcessContext process)
    {
        var target = AgentTargetOptions.Create("collected directly when the agent is stopped");
        var dryRun = new Option<bool>("--dry-run") { Description = "Only report what would be deleted" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var command = new Command("gc", "Collect garbage now: delete what nothing references and nothing pulled recently (per repository report)")
        {
            dryRun, json,
        };
        target.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => target.Resolve(parseResult, process) is { } settings
            ? RunAsync(settings, parseResult.GetValue(dryRun), parseResult.GetValue(json), process, cancellationToken)
            : Task.FromResult(ExitCodes.InvalidInput));
        return command;
    }

    private static async Task<int> RunAsync(ServeSettings settings, bool dryRun, bool json, ProcessContext process, CancellationToken cancellationToken)
    {
        var (report, problem) = await AgentCall.SendAsync(settings.StatusSocket, HttpMethod.Post,
            CollectionEndpoint.Path + (dryRun ? "?dryRun=true" : ""), CollectionJsonContext.Default.CollectionReport, AgentTimeout, "collect",
            cancellationToken);
        if (report is null && problem is null) (report, problem) = CollectDirectly(settings, dryRun);
        if (report is null)
        {
            process.Fail(problem!);
            return ExitCodes.Failure;
        }

        if (json) process.Output.WriteLine(JsonSerializer.Serialize(report, CollectionJsonContext.Default.CollectionReport));
        else Write(process.Output, report);
        return ExitCodes.Success;
    }

    private static (CollectionReport? Report, string? Problem) CollectDirectly(ServeSettings settings, bool dryRun)
    {
        if (!Directory.Exists(Path.Combine(settings.Root, Storage.Layout.StorePaths.V2Relative)))
            return (null, $"{settings.Root} holds no store (no {Storage.Layout.StorePaths.V2Relative}) and no agent answers on {settings.StatusSocket}");
        using var agentLock = AgentLock.TryTake(settings.Root, out var problem);
        if (agentLock is null) return (null, $"no agent answers on {settings.StatusSocket}, but {problem}: run gc through that agent's --status-socket");
        try
        {
            var store = RegistryStore.Open(settings.Root);
            var collector = new GarbageCollector(store, settings.Collection.Options, TimeProvider.System, NullLogger.Instance);
            return (collector.Collect(dryRun, dryRun ? "edgereg gc --dry-run, agent stopped" : "edgereg gc, agent stopped"), null);
        }
        catch (StoreException e)
        {
            return (null, e.Message);
        }
    }

    private static void Write(TextWriter output, CollectionReport report)
    {
        string verb = report.DryRun ? "would delete" : "deleted";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(report.DryRun ? "Dry run: " : "")}{verb} {report.ManifestsDeleted} manifests, {report.TagsDeleted} tags, {report.BlobsDeleted} blobs, {Readable.Bytes(report.BytesReclaimed)} in {report.Duration.TotalSeconds:F1} s"));
        if (report.KeptInUse > 0) output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kept {report.KeptInUse} objects in use during the run (collected next time)"));
        foreach (string note in report.Notes) output.WriteLine($"note: {note}");
        if (report.Repositories.Count == 0) return;
        int width = Math.Max("REPOSITORY".Length, report.Repositories.Max(static r => r.Repository.Length));
        output.WriteLine($"{"REPOSITORY".PadRight(width)}  MANIFESTS  TAGS  BLOBS  BYTES");
        foreach (var r in report.Repositories)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Repository.PadRight(width)}  {r.Manifests,9}  {r.Tags,4}  {r.Blobs,5}  {Readable.Bytes(r.Bytes)}"));
        }
    }
}
