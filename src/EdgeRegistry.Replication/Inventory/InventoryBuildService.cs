using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.Inventory;

/// <summary>
/// Walks the store into this node's inventory in the background, once, from the moment the host starts: the node
/// listens and serves its own store meanwhile, and replication waits for <see cref="InventoryBuild.Completion"/>.
/// A walk that fails (a read error, or anything else) is retried after <see cref="RetryDelay"/> rather than ending the process:
/// local pulls keep working, and `edgereg status` shows the error while replication stays off.
/// </summary>
internal sealed partial class InventoryBuildService(LocalInventory local, TimeProvider time, ILogger<InventoryBuildService> logger)
    : BackgroundService
{
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up path: a walk of a big store takes seconds to minutes of file-system work.
        await Task.Yield();
        LogStarting(logger);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Run(() => local.Build(stoppingToken), stoppingToken).ConfigureAwait(false);
                break;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            // Any failure, not only the store's: an exception escaping here would stop the host (BackgroundService's
            // default), taking local pulls down with replication.
            catch (Exception e)
            {
                local.BuildStatus.AttemptFailed(e.Message);
                LogFailed(logger, local.BuildStatus.ManifestsRead, e.Message, RetryDelay.TotalSeconds);
            }
            try
            {
                await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            local.Restart();
        }
        var build = local.BuildStatus;
        LogBuilt(logger, local.Inventory.Count, build.ManifestsRead, build.Elapsed.TotalSeconds, build.Attempts);
        // The walk's garbage (records, digest strings, lists for every object) is given back by the host's heap
        // trimmer, which collects once this build completes (RegistryHost.OpenStore).
    }

    [LoggerMessage(EventId = 3701, Level = LogLevel.Information,
        Message = "Replication inventory built: {Entries} entries from {Manifests} manifests in {Seconds:0.000} s (attempt {Attempt}); replication starts")]
    private static partial void LogBuilt(ILogger logger, int entries, long manifests, double seconds, int attempt);

    [LoggerMessage(EventId = 3703, Level = LogLevel.Information,
        Message = "Building the replication inventory in the background; this node serves its own store meanwhile, replication starts once it is complete")]
    private static partial void LogStarting(ILogger logger);

    [LoggerMessage(EventId = 3702, Level = LogLevel.Error,
        Message = "Building the replication inventory failed after {Manifests} manifests: {Reason}; local pulls and pushes go on, replication waits; retrying in {Seconds} s")]
    private static partial void LogFailed(ILogger logger, long manifests, string reason, double seconds);
}
