namespace EdgeRegistry.Upstream.Cluster;

/// <summary>Another member of the cluster, as the uplink owner election sees it.</summary>
public sealed record UplinkPeer(string Member, Uri BaseAddress);
