using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Status;

namespace EdgeRegistry.Hosting;

/// <summary>Feeds replication's view of the peers into `edgereg status`.</summary>
internal sealed class ReplicationPeerStatus(PeerReports reports) : IPeerStatusSource
{
    public IReadOnlyList<PeerStatus> GetPeers() => reports.Current().Select(static r => new PeerStatus(
        r.Member, r.Reachable, r.LatencyMs, r.LastContact, r.ObjectsTheyHaveWeLack, r.BytesTheyHaveWeLack,
        r.ObjectsWeHaveTheyLack, r.BytesWeHaveTheyLack, r.LastConvergence, r.Error)).ToList();
}
