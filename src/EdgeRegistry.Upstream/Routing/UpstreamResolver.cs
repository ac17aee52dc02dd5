namespace EdgeRegistry.Upstream.Routing;

/// <summary>
/// Which upstream repositories a local repository is for, in the order they are tried. containers/image never tells
/// a mirror the source (it replaces the matched prefix with the mirror's location), so the mirror sets are inverted:
/// the longest matching mirror path wins, and a path several sources were mirrored to (oc-mirror maps ocp-release
/// and ocp-v4.0-art-dev to one) tries them in their order. The host-in-path form <c>HOST/PATH</c> (Harbor's and
/// zot's convention) comes first: a configured host as the first path component is unambiguous.
/// </summary>
public sealed class UpstreamResolver
{
    private readonly Dictionary<string, UpstreamRegistry> _hostInPath;
    private readonly UpstreamRoute[] _routes;

    public UpstreamResolver(IEnumerable<UpstreamRegistry> hostInPath, IEnumerable<UpstreamRoute> routes)
    {
        _hostInPath = hostInPath.ToDictionary(static r => r.Host, StringComparer.OrdinalIgnoreCase);
        // Stable: entries of equal prefix keep the mirror sets' order.
        _routes = routes.OrderByDescending(static r => r.LocalPrefix.Length).ToArray();
    }

    public bool IsEmpty => _hostInPath.Count == 0 && _routes.Length == 0;

    public IReadOnlyList<UpstreamTarget> Resolve(string repository)
    {
        var targets = new List<UpstreamTarget>(2);
        int slash = repository.IndexOf('/');
        if (slash > 0 && _hostInPath.TryGetValue(repository[..slash], out var registry))
            targets.Add(new UpstreamTarget(registry, repository[(slash + 1)..]));
        int matched = -1;
        foreach (var route in _routes)
        {
            // Longest prefix first: once one matched, shorter ones are not this repository's (they are its parents').
            if (matched >= 0 && route.LocalPrefix.Length < matched) break;
            if (Remainder(repository, route.LocalPrefix) is not { } rest) continue;
            matched = route.LocalPrefix.Length;
            string remote = route.RemotePrefix.Length == 0 ? rest : rest.Length == 0 ? route.RemotePrefix : $"{route.RemotePrefix}/{rest}";
            if (remote.Length > 0) targets.Add(new UpstreamTarget(route.Registry, remote));
        }
        return targets;
    }

    /// <summary>What follows the prefix (as whole path components), or null when the repository is not under it.</summary>
    private static string? Remainder(string repository, string prefix)
    {
        if (prefix.Length == 0) return repository;
        if (!repository.StartsWith(prefix, StringComparison.Ordinal)) return null;
        if (repository.Length == prefix.Length) return "";
        return repository[prefix.Length] == '/' ? repository[(prefix.Length + 1)..] : null;
    }
}
