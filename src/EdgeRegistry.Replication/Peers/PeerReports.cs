using EdgeRegistry.Replication.Inventory;

namespace EdgeRegistry.Replication.Peers;

/// <summary>
/// Compares this node's inventory with what it learned of each peer's, from memory only (status must never wait
/// on the network). An object counts as lacking on one side when the other holds it and this side has nothing
/// at least as new for the same key; tombstones are not objects.
/// </summary>
public sealed class PeerReports
{
    private readonly PeerSet _peers;
    private readonly LocalInventory _local;

    internal PeerReports(PeerSet peers, LocalInventory local)
    {
        _peers = peers;
        _local = local;
    }

    public IReadOnlyList<PeerReport> Current()
    {
        var ours = _local.Inventory.Snapshot().Where(static e => !e.Deleted).ToList();
        return _peers.All.Select(peer =>
        {
            var theirs = peer.View.Inventory;
            var (theyHave, theyBytes) = Lacking(theirs.Snapshot().Where(static e => !e.Deleted), _local.Inventory);
            var (weHave, weBytes) = Lacking(ours, theirs);
            var state = peer.State;
            return new PeerReport(peer.Member, state.Reachable, state.LatencyMs, state.LastContact,
                theyHave, theyBytes, weHave, weBytes, peer.View.LastConvergence, state.LastError);
        }).ToList();
    }

    private static (long Objects, long Bytes) Lacking(IEnumerable<InventoryEntry> present, NodeInventory other)
    {
        long objects = 0, bytes = 0;
        foreach (var entry in present)
        {
            var counterpart = other.Get(entry.Key);
            if (counterpart is not null && !counterpart.Deleted && !entry.Supersedes(counterpart)) continue;
            if (counterpart is { Deleted: true } && counterpart.Supersedes(entry)) continue;
            objects++;
            if (entry.Kind != EntryKind.Tag) bytes += entry.Size;
        }
        return (objects, bytes);
    }
}
