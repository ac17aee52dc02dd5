using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication;

/// <summary>
/// Runs replication in the background for the life of the process: one sync loop per peer, the fetch workers,
/// and hourly expiry of old tombstones.
/// </summary>
internal sealed partial class ReplicationService : BackgroundService
{
    private static readonly TimeSpan ExpiryInterval = TimeSpan.FromHours(1);

    private readonly IReadOnlyList<PeerSync> _syncs;
    private readonly FetchQueue _fetches;
    private readonly LocalInventory _local;
    private readonly VersionFiles _versions;
    private readonly ReplicationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ReplicationService(PeerSet peers, PeerSyncFactory syncs, FetchQueue fetches, LocalInventory local, VersionFiles versions,
        ReplicationOptions options, TimeProvider time, ILogger<ReplicationService> logger)
    {
        _syncs = peers.All.Select(syncs.For).ToList();
        _fetches = fetches;
        _local = local;
        _versions = versions;
        _options = options;
        _time = time;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(_logger, _options.Self, string.Join(", ", _options.Peers));
        return Task.WhenAll(_syncs.Select(s => s.RunAsync(stoppingToken))
            .Append(_fetches.RunAsync(stoppingToken))
            .Append(ExpireTombstonesAsync(stoppingToken)));
    }

    private async Task ExpireTombstonesAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ExpiryInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                long cutoff = (_time.GetUtcNow() - _options.TombstoneLifetime).ToUnixTimeMilliseconds() << 16;
                foreach (var expired in _local.Inventory.ExpireTombstones(cutoff))
                {
                    // A record that cannot be removed now only comes back as the same expired tombstone at the next
                    // start, which expires it again: say so, and carry on with the others.
                    try { _versions.Delete(expired); }
                    catch (StoreException e) { LogTombstoneRemovalFailed(_logger, e.Message); }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "Replication on: this node is {Self}, peers {Peers}")]
    private static partial void LogStarted(ILogger logger, string self, string peers);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Warning, Message = "An expired tombstone's version file could not be removed: {Reason}")]
    private static partial void LogTombstoneRemovalFailed(ILogger logger, string reason);
}
