using EdgeRegistry.Upstream.Routing;

namespace EdgeRegistry.Upstream;

/// <summary>The pull-through cache's settings, resolved and checked by the executable before anything listens.</summary>
public sealed record UpstreamOptions
{
    /// <summary>Registries served host-in-path: <c>/v2/HOST/PATH</c> is PATH at HOST.</summary>
    public IReadOnlyList<UpstreamRegistry> HostInPath { get; init; } = [];

    /// <summary>Inverted mirror-set entries (mirror path → source), in the files' order.</summary>
    public IReadOnlyList<UpstreamRoute> Routes { get; init; } = [];

    /// <summary>Docker config.json with the credentials (the node's pull secret); a missing file means anonymous.</summary>
    public string? AuthFile { get; init; }

    /// <summary>PEM CA bundle trusted for every upstream besides the system CAs.</summary>
    public string? CaFile { get; init; }

    /// <summary>How often a cached tag is checked against its upstream while the upstream is reachable.</summary>
    public TimeSpan TagRefresh { get; init; } = TimeSpan.FromMinutes(3);

    public long MaxManifestBytes { get; init; } = 4 << 20;

    /// <summary>http or https: how this node reaches its members' registry API for the one-fetch-per-cluster reads.</summary>
    public bool MembersUseTls { get; init; }

    public bool IsEmpty => HostInPath.Count == 0 && Routes.Count == 0;

    /// <summary>Every registry named, once per host (options of the first naming win).</summary>
    public IReadOnlyList<UpstreamRegistry> Registries() =>
        HostInPath.Concat(Routes.Select(static r => r.Registry)).DistinctBy(static r => r.Host, StringComparer.OrdinalIgnoreCase).ToList();
}
