namespace EdgeRegistry.Upstream.Routing;

/// <summary>
/// Repositories under <paramref name="LocalPrefix"/> here are repositories under <paramref name="RemotePrefix"/> at
/// <paramref name="Registry"/>: one inverted mirror-set entry (mirror path → source). An empty prefix is the root.
/// </summary>
public sealed record UpstreamRoute(string LocalPrefix, UpstreamRegistry Registry, string RemotePrefix);
