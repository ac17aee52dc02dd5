using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Collection;

/// <summary>
/// What the rest of the cluster still needs, as this node has learned it from its peers (replication provides it;
/// a node without peers has none). The collector's manifest and tag deletes replicate as tombstones that outrank
/// the peers' copies, so a decision made on a partial view — a peer's tag, pull, index or signature not applied here
/// yet — would delete on every node what a peer still needs. The collector reads this once per run, after the run
/// began (what is applied later is leased, see <see cref="ContentLeases"/>), and decides only where it is settled.
/// </summary>
public interface IClusterRoots
{
    ClusterRoots Read();
}

/// <param name="Incomplete">Why this node's view of the cluster is not whole yet (a peer never listed since start):
/// then no manifest or tag is deleted at all. Null when whole.</param>
/// <param name="Unsettled">Repositories where a peer holds a tag or manifest update not applied here yet (a
/// replicated index whose children or a signature whose subject is still on its way, a tag moved on a peer): no
/// manifest or tag is deleted in them this run.</param>
/// <param name="Pulled">The latest pull of each manifest digest on any peer, as learned (on top of
/// <see cref="PullRecords"/>, which holds what was applied).</param>
public sealed record ClusterRoots(
    string? Incomplete,
    IReadOnlySet<RepositoryName> Unsettled,
    IReadOnlyDictionary<Digest, DateTimeOffset> Pulled)
{
    /// <summary>A node alone: nothing elsewhere to protect.</summary>
    public static readonly ClusterRoots None = new(null, new HashSet<RepositoryName>(), new Dictionary<Digest, DateTimeOffset>());
}
