using EdgeRegistry.Replication.Peers;

namespace EdgeRegistry.Status;

/// <summary>
/// Where the status endpoint gets its peer rows; replication registers one in DI. Without one (a stand-alone
/// registry) the status lists no peers.
/// </summary>
internal interface IPeerStatusSource
{
    /// <summary>The current view of every peer; must answer from memory, without a network round trip.</summary>
    IReadOnlyList<PeerReport> GetPeers();
}
