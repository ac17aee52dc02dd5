using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Replication.Peers;

/// <summary>The peers of this node, and the rules for choosing among them.</summary>
public sealed class PeerSet
{
    internal PeerSet(IReadOnlyList<Peer> peers) => All = peers;

    public IReadOnlyList<Peer> All { get; }

    internal void HeardFrom(string member)
    {
        foreach (var peer in All)
        {
            if (string.Equals(peer.Member, member, StringComparison.OrdinalIgnoreCase)) peer.State.HeardFrom();
        }
    }

    /// <summary>Peers that may be asked now, fastest first.</summary>
    internal IEnumerable<Peer> Available() =>
        All.Where(static p => p.State.Available).OrderBy(static p => p.State.LatencyMs ?? double.MaxValue);

    /// <summary>Available peers known (from their feeds) to hold the blob, least busy first.</summary>
    internal IEnumerable<Peer> Holding(Digest digest) =>
        Available().Where(p => p.View.Inventory.HasBlob(digest)).OrderBy(static p => p.State.InFlight);
}
