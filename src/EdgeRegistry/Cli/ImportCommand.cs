using System.CommandLine;
using System.Text.Json;
using EdgeRegistry.Configuration;
using EdgeRegistry.Import;
using EdgeRegistry.Import.Media;
using EdgeRegistry.Import.Publishing;
using EdgeRegistry.Mirrors;
using EdgeRegistry.Status;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Cli;

/// <summary>
/// <c>edgereg import</c>: the media operators carry (oc-mirror v1/v2 archives, `oc` file:// trees, OCI layouts and
/// oci-archives, dir: layouts) straight into this node's store, through the running agent when there is one (so the
/// peers get it like a push), else into the store directly. Exit 0 when everything went in, 1 when something was
/// refused or skipped (listed) or the import stopped early, 2 for bad options.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(ProcessContext process)
    {
        var paths = new Argument<string[]>("MEDIA")
        {
            Description = "Archives (mirror_000001.tar, mirror_seq1_000000.tar, an oci-archive), directories of archives, or trees (oc file://, OCI layout, dir:)",
            Arity = ArgumentArity.OneOrMore,
        };
        var target = AgentTargetOptions.Create("written directly when the agent is stopped", ", the import goes through it when the agent runs");
        var repository = new Option<string>("--repository") { Description = "Repository (and tag) for an OCI layout, oci-archive or dir: layout", HelpName = "NAME[:TAG]" };
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be imported and the space it needs; write nothing" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (schema in the README)" };
        var outputDir = new Option<string>("--output-dir") { Description = "Write the cluster's mirror sets (from oc-mirror's cluster-resources) and the catalog and signature resources here, for `oc apply -f`", HelpName = "DIR" };
        var nodes = new Option<string[]>("--node") { Description = "A node's registry for the mirror sets, HOST[:PORT]; repeatable [default: the configured members]", HelpName = "HOST[:PORT]", AllowMultipleArgumentsPerToken = false };
        var insecure = new Option<bool>("--insecure") { Description = "The registries serve plain HTTP: mark the rendered mirrors insecure (as render-mirrors --insecure)" };
        var command = new Command("import", "Import oc-mirror archives, oc file:// trees, OCI and dir: layouts into the store (through the agent when it runs)")
        {
            paths, repository, dryRun, json, outputDir, nodes, insecure,
        };
        target.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => RunAsync(process, new ImportRequest(
            parseResult.GetValue(paths) ?? [],
            target.Read(parseResult),
            parseResult.GetValue(repository),
            parseResult.GetValue(dryRun),
            parseResult.GetValue(json),
            parseResult.GetValue(outputDir),
            parseResult.GetValue(nodes) ?? [],
            parseResult.GetValue(insecure)), cancellationToken));
        return command;
    }

    private sealed record ImportRequest(string[] Paths, CommandLineSettings Settings, string? Repository, bool DryRun, bool Json,
        string? OutputDir, string[] Nodes, bool Insecure);

    private static async Task<int> RunAsync(ProcessContext process, ImportRequest request, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var targets = StatusTargets.Resolve(request.Settings, process.Environment, errors);
        var options = Options(request, errors);
        IReadOnlyList<IMediaSource> sources = [];
        try
        {
            sources = MediaLocator.Locate(request.Paths);
        }
        catch (MediaException e)
        {
            errors.Add(e.Message);
        }

        var nodes = Nodes(request, targets, errors);
        if (targets is null || options is null || errors.Count > 0)
        {
            errors.ForEach(process.Fail);
            return ExitCodes.InvalidInput;
        }

        IImportTarget target;
        string where;
        IDisposable? owned = null;
        try
        {
            if (await AgentImportTarget.ConnectAsync(targets.StatusSocket, cancellationToken) is { } agent)
            {
                (target, where, owned) = (agent, $"the running agent ({targets.StatusSocket})", agent);
            }
            else if (!Directory.Exists(targets.Root))
            {
                process.Fail($"no agent answers on {targets.StatusSocket} and the store {targets.Root} does not exist (give --root or start the agent)");
                return ExitCodes.Failure;
            }
            else
            {
                (target, where) = (new StoreImportTarget(OpenGuardedStore(targets, cancellationToken)), $"the store {targets.Root} (agent stopped)");
            }
        }
        catch (StoreException e)
        {
            process.Fail(e.Message);
            return ExitCodes.Failure;
        }

        using (owned)
        {
            if (!request.Json) process.Error.WriteLine($"edgereg import: {(request.DryRun ? "dry run against" : "importing into")} {where}");
            var progress = new ImportProgress();
            ImportResult result;
            await using (new ImportProgressReporter(progress, process.Error, IsTerminal(process), TimeProvider.System))
            {
                result = await new ImportSession(target, options, progress).RunAsync(sources, cancellationToken);
            }

            var written = WriteResources(process, request, result, nodes, out bool resourcesFailed);
            if (request.Json) process.Output.WriteLine(JsonSerializer.Serialize(result.Report, ImportJsonContext.Default.ImportReport));
            else ImportSummaryWriter.Write(process.Output, result.Report, written);
            return result.Report.Completed && result.Report.Problems.Length == 0 && !resourcesFailed ? ExitCodes.Success : ExitCodes.Failure;
        }
    }

    /// <summary>
    /// The store with the agent's disk guard (its --min-free and --max-store-bytes from the same config), so an import
    /// with the agent stopped keeps to the limits a push would. The store's size is measured first when it is capped.
    /// </summary>
    private static RegistryStore OpenGuardedStore(StatusTargets targets, CancellationToken cancellationToken)
    {
        var store = RegistryStore.Open(new StoreOptions { Root = targets.Root, DiskGuard = targets.DiskGuard });
        if (targets.DiskGuard.MaxStoreBytes is not null)
        {
            long mark = store.Guard.WrittenMark;
            try
            {
                store.Guard.ReportStoreBytes(StoreCensus.Count(targets.Root, TimeProvider.System, cancellationToken).Bytes, mark);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StoreException(StoreError.IoFailure, $"cannot measure the store {targets.Root} for --max-store-bytes: {e.Message}", e);
            }
        }

        return store;
    }

    private static ImportOptions? Options(ImportRequest request, List<string> errors)
    {
        if (request.Repository is null) return new ImportOptions { DryRun = request.DryRun };
        string name = request.Repository;
        string? tag = null;
        int colon = name.LastIndexOf(':');
        if (colon > 0 && name.LastIndexOf('/') < colon)
        {
            tag = name[(colon + 1)..];
            name = name[..colon];
        }

        if (!RepositoryName.TryParse(name, out var repository))
        {
            errors.Add($"--repository \"{request.Repository}\": \"{name}\" is not a valid repository name");
            return null;
        }

        if (tag is not null && !Tag.IsValid(tag))
        {
            errors.Add($"--repository \"{request.Repository}\": \"{tag}\" is not a valid tag");
            return null;
        }

        return new ImportOptions { DryRun = request.DryRun, Repository = repository, Tag = tag };
    }

    private static IReadOnlyList<NodeAddress> Nodes(ImportRequest request, StatusTargets? targets, List<string> errors)
    {
        if (request.OutputDir is null) return [];
        var texts = request.Nodes.Length > 0 ? request.Nodes : targets?.Members ?? [];
        var nodes = new List<NodeAddress>();
        foreach (string text in texts)
        {
            try
            {
                nodes.Add(NodeAddress.Parse(text));
            }
            catch (MirrorInputException e)
            {
                errors.Add(e.Message);
            }
        }

        return nodes;
    }

    private static IReadOnlyList<string> WriteResources(ProcessContext process, ImportRequest request, ImportResult result,
        IReadOnlyList<NodeAddress> nodes, out bool failed)
    {
        failed = false;
        if (request.OutputDir is null || request.DryRun || result.Resources.Count == 0) return [];
        try
        {
            return ClusterResourceWriter.Write(request.OutputDir, result.Resources, nodes, request.Insecure);
        }
        catch (MirrorInputException e)
        {
            process.Fail($"--output-dir: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            process.Fail($"--output-dir \"{request.OutputDir}\": {e.Message}");
        }

        failed = true;
        return [];
    }

    private static bool IsTerminal(ProcessContext process) => ReferenceEquals(process.Error, Console.Error) && !Console.IsErrorRedirected;
}
