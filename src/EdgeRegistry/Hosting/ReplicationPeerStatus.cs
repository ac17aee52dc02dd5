using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Status;

namespace EdgeRegistry.Hosting;

/// <summary>Feeds replication's view of the peers into `edgereg status`.</summary>
internal sealed class ReplicationPeerStatus(PeerReports reports) : IPeerStatusSource
{
    public IReadOnlyList<PeerReport> GetPeers() => reports.Current();
}
