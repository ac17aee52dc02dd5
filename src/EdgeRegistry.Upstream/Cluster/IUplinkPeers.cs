using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Upstream.Cluster;

/// <summary>
/// This node and the members it can reach now, and the cluster's peer credentials for the questions members ask
/// each other about the uplink; the executable feeds it from replication.
/// </summary>
public interface IUplinkPeers
{
    string Self { get; }

    IReadOnlyList<UplinkPeer> Reachable();

    /// <summary>Signs a request to another member as this node.</summary>
    void Sign(HttpRequestMessage request);

    /// <summary>The member that signed <paramref name="request"/>, or null with why its credentials were refused.</summary>
    (string? Member, string? Problem) Verify(HttpRequest request);
}
