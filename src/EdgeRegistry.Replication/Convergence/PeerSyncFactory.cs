using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.Convergence;

/// <summary>Makes the sync loop of one peer; every loop shares the applier, the clock and the fetch queue.</summary>
internal sealed class PeerSyncFactory(EntryApplier applier, HybridLogicalClock clock, FetchQueue fetches, ReplicationOptions options,
    TimeProvider time, ILogger<PeerSync> logger)
{
    public PeerSync For(Peer peer) => new(peer, applier, clock, fetches, options, time, logger);
}
