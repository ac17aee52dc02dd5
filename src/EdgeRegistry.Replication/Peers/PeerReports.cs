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

    /// <summary>Entries in this node's inventory now (while it is built: so far).</summary>
    public int LocalEntries => _local.Inventory.Count;

    public IReadOnlyList<PeerReport> Current()
    {
        return _peers.All.Select(peer =>
        {
            var theirs = peer.View.Inventory;
            var (theyHave, theyBytes) = theirs.Lacking(_local.Inventory);
            var (weHave, weBytes) = _local.Inventory.Lacking(theirs);
            var state = peer.State;
            return new PeerReport(peer.Member, state.Reachable, state.LatencyMs, state.LastContact,
                theyHave, theyBytes, weHave, weBytes, peer.View.LastConvergence, state.LastError, state.Building);
        }).ToList();
    }
}
