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
    private readonly PeerSet _peers;
    private readonly IRegistryStore _store;
    private readonly FetchQueue _fetches;
    private readonly LocalInventory _local;
    private readonly VersionFiles _versions;
    private readonly ReplicationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ReplicationService(PeerSet peers, PeerSyncFactory syncs, FetchQueue fetches, LocalInventory local, VersionFiles versions,
        IRegistryStore store, ReplicationOptions options, TimeProvider time, ILogger<ReplicationService> logger)
    {
        _syncs = peers.All.Select(syncs.For).ToList();
        _peers = peers;
        _store = store;
        _fetches = fetches;
        _local = local;
        _versions = versions;
        _options = options;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(_logger, _options.Self, string.Join(", ", _options.Peers));
        // Nothing here may act on a half inventory: the sync loops compare it with the peers' (and would copy or delete
        // by the difference), the applier checks it for what is newer, the expiry drops its tombstones.
        try
        {
            await _local.BuildStatus.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        _store.Pulls.Expired += ExpirePulls;
        try
        {
            await Task.WhenAll(_syncs.Select(s => s.RunAsync(stoppingToken))
                .Append(_fetches.RunAsync(stoppingToken))
                .Append(ExpireTombstonesAsync(stoppingToken))).ConfigureAwait(false);
        }
        finally
        {
            _store.Pulls.Expired -= ExpirePulls;
        }
    }

    /// <summary>
    /// The store forgot pulls past the retention (after a collection): so do this node's inventory and its views of the
    /// peers (they expire theirs by the same rule; pull entries are outside the inventory summary, so no drift).
    /// </summary>
    private void ExpirePulls(DateTimeOffset cutoff)
    {
        long version = cutoff.ToUnixTimeMilliseconds() << 16;
        int expired = _local.Inventory.ExpirePulls(version);
        foreach (var peer in _peers.All) expired += peer.View.Inventory.ExpirePulls(version);
        if (expired > 0) LogPullsExpired(_logger, expired, cutoff);
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
                    // Any exception, not only the store's: escaping would end this loop for the life of the process.
                    try { _versions.Delete(expired); }
                    catch (Exception e) when (e is not OperationCanceledException) { LogTombstoneRemovalFailed(_logger, e.Message); }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "Replication on: this node is {Self}, peers {Peers}")]
    private static partial void LogStarted(ILogger logger, string self, string peers);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Information, Message = "Forgot {Count} pull records older than {Cutoff:u} (past the pull retention)")]
    private static partial void LogPullsExpired(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Warning, Message = "An expired tombstone's version file could not be removed: {Reason}")]
    private static partial void LogTombstoneRemovalFailed(ILogger logger, string reason);
}
