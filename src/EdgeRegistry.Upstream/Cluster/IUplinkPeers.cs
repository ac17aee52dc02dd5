namespace EdgeRegistry.Upstream.Cluster;

/// <summary>This node and the members it can reach now; the executable feeds it from replication's peer set.</summary>
public interface IUplinkPeers
{
    string Self { get; }

    IReadOnlyList<UplinkPeer> Reachable();
}
