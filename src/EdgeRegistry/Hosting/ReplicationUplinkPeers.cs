using EdgeRegistry.Replication;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.Security;
using EdgeRegistry.Upstream.Cluster;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Hosting;

/// <summary>
/// Feeds replication's view of the members into the cache's one-uplink-fetch-per-cluster election, and its peer
/// credentials into the members' uplink questions.
/// </summary>
internal sealed class ReplicationUplinkPeers(ReplicationOptions replication, PeerSet peers, PeerCredentials credentials) : IUplinkPeers
{
    private readonly string _scheme = replication.UseTls ? "https" : "http";

    public string Self => replication.Self;

    public IReadOnlyList<UplinkPeer> Reachable() =>
        peers.All.Where(static p => p.Reachable).Select(p => new UplinkPeer(p.Member, new Uri($"{_scheme}://{p.Member}/"))).ToList();

    public void Sign(HttpRequestMessage request) => credentials.Sign(request);

    public (string? Member, string? Problem) Verify(HttpRequest request) => credentials.Verify(request);
}
