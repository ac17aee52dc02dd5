using EdgeRegistry.Configuration;
using EdgeRegistry.Mirrors;
using EdgeRegistry.Upstream;
using EdgeRegistry.Upstream.Routing;

namespace EdgeRegistry.Hosting;

/// <summary>
/// Turns the upstream settings into the cache's options: host-in-path registries, and the mirror sets inverted into
/// routes (each entry's first mirror path → its source), read with the same parser as `render-mirrors` so the files
/// the cluster was configured with are the files the cache is configured with. A node without upstreams gets no cache.
/// </summary>
internal static class UpstreamSetup
{
    /// <returns>The cache's options, null without upstreams; or the problem that must stop start-up.</returns>
    public static (UpstreamOptions? Options, string? Problem) Resolve(ServeSettings settings)
    {
        if (!settings.IsCaching) return (null, null);
        var plain = settings.UpstreamPlainHttp.ToHashSet(StringComparer.OrdinalIgnoreCase);
        UpstreamRegistry Registry(string host) => new(host, plain.Contains(host), settings.UpstreamBytesPerSecond);

        var routes = new List<UpstreamRoute>();
        foreach (var file in settings.MirrorSetFiles)
        {
            IReadOnlyList<MirroredRepository> entries;
            try
            {
                entries = MirrorSourceFile.Read(file);
            }
            catch (MirrorInputException e)
            {
                return (null, $"{SettingKey.MirrorSets.Flag}: {e.Message}");
            }
            routes.AddRange(entries.Select(e => new UpstreamRoute(e.MirrorPath, Registry(e.Source.Registry.ToLowerInvariant()), e.Source.Path)));
        }
        return (new UpstreamOptions
        {
            HostInPath = settings.Upstreams.Select(Registry).ToList(),
            Routes = routes,
            AuthFile = settings.UpstreamAuthFile,
            CaFile = settings.UpstreamCaFile,
            TagRefresh = settings.TagRefresh,
            MaxManifestBytes = settings.MaxManifestBytes,
            MembersUseTls = settings.UsesTls,
        }, null);
    }
}
