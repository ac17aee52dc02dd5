using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Storage.Collection;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Convergence;

/// <summary>
/// The garbage collector's view of the peers (see <see cref="IClusterRoots"/>), read from what their feeds told us:
/// <list type="bullet">
/// <item>a peer whose feed has not been read to its end since this process started (or since it restarted) may hold
/// anything: the view is incomplete, and the collector deletes no manifest or tag. A peer that was listed once and
/// is down now counts with what it last said;</item>
/// <item>a repository where a peer's live tag or manifest entry outranks (or is missing from) this node's inventory
/// has an update on its way here — an index whose children are already here, a signature whose subject is not, a
/// tag just set on the peer — so it is unsettled, and nothing in it is deleted until it is applied;</item>
/// <item>pull entries give each digest's latest pull on any peer, even before they are applied to the pull records.</item>
/// </list>
/// </summary>
internal sealed class ClusterViewRoots(PeerSet peers, LocalInventory local) : IClusterRoots
{
    public ClusterRoots Read()
    {
        // The garbage collector waits for the build (the host's collection service); this is the collector's own guard.
        if (!local.IsBuilt) return new ClusterRoots("this node's inventory is still being built", new HashSet<RepositoryName>(), new Dictionary<Digest, DateTimeOffset>());
        var unlisted = peers.All.Where(static p => !p.View.Listed).Select(static p => p.Member).ToList();
        var unsettled = new HashSet<RepositoryName>();
        var pulled = new Dictionary<Digest, DateTimeOffset>();
        foreach (var peer in peers.All)
        {
            foreach (var entry in peer.View.Inventory.Entries())
            {
                switch (entry)
                {
                    case { Kind: EntryKind.Pull, Digest: { } digest }:
                        var when = HybridLogicalClock.ToTime(entry.Version);
                        if (!pulled.TryGetValue(digest, out var known) || when > known) pulled[digest] = when;
                        break;
                    case { Kind: EntryKind.Tag or EntryKind.Manifest, Deleted: false, Repository: { } repository }:
                        if (unsettled.Contains(repository)) break;
                        if (local.Inventory.Get(entry.Key) is not { } mine || entry.Supersedes(mine)) unsettled.Add(repository);
                        break;
                }
            }
        }
        string? incomplete = unlisted.Count == 0 ? null : $"the inventory of {string.Join(", ", unlisted)} has not been read to its end yet";
        return new ClusterRoots(incomplete, unsettled, pulled);
    }
}
