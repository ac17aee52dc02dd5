using EdgeRegistry.Replication;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Upstream.Cluster;

namespace EdgeRegistry.Hosting;

/// <summary>Feeds replication's view of the members into the cache's one-uplink-fetch-per-cluster election.</summary>
internal sealed class ReplicationUplinkPeers(ReplicationOptions replication, PeerSet peers) : IUplinkPeers
{
    private readonly string _scheme = replication.UseTls ? "https" : "http";

    public string Self => replication.Self;

    public IReadOnlyList<UplinkPeer> Reachable() =>
        peers.All.Where(static p => p.Reachable).Select(p => new UplinkPeer(p.Member, new Uri($"{_scheme}://{p.Member}/"))).ToList();
}
