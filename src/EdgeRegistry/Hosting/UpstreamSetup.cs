using EdgeRegistry.Configuration;
using EdgeRegistry.Mirrors;
using EdgeRegistry.Upstream;
using EdgeRegistry.Upstream.Routing;

namespace EdgeRegistry.Hosting;

/// <summary>
/// Turns the upstream settings into the cache's options: host-in-path registries, the mirror sets inverted into
/// routes (each entry's first mirror path → its source), read with the same parser as `render-mirrors` so the files
/// the cluster was configured with are the files the cache is configured with, and the config file's
/// <c>upstreamRegistries</c> objects — each registry's own settings over the global ones, its own repositories as
/// routes. Every mention of a registry (by flag, mirror set or object) shares one set of options. A node without
/// upstreams gets no cache.
/// </summary>
internal static class UpstreamSetup
{
    /// <returns>The cache's options, null without upstreams; or the problem that must stop start-up.</returns>
    public static (UpstreamOptions? Options, string? Problem) Resolve(ServeSettings settings)
    {
        if (!settings.IsCaching) return (null, null);
        var plain = settings.UpstreamPlainHttp.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var configured = settings.UpstreamRegistries.ToDictionary(static r => r.Name, StringComparer.OrdinalIgnoreCase);
        var registries = new Dictionary<string, UpstreamRegistry>(StringComparer.OrdinalIgnoreCase);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        UpstreamRegistry Registry(string host)
        {
            used.Add(host);
            if (registries.TryGetValue(host, out var known)) return known;
            var own = configured.GetValueOrDefault(host);
            var registry = new UpstreamRegistry(host, plain.Contains(host) || own?.PlainHttp == true, own?.BytesPerSecond ?? settings.UpstreamBytesPerSecond)
            {
                Url = own?.Url,
                CaFile = own?.CaFile,
                TlsVerify = own?.TlsVerify ?? true,
                CredentialsKey = own?.Credentials,
                TagRefresh = own?.TagRefresh,
            };
            registries[host] = registry;
            return registry;
        }

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
        foreach (var own in settings.UpstreamRegistries)
        {
            routes.AddRange(own.Repositories.Select(r => new UpstreamRoute(r.Local, Registry(own.Name), r.Remote)));
        }
        var hostInPath = settings.Upstreams.Concat(settings.UpstreamRegistries.Where(static r => r.HostInPath).Select(static r => r.Name))
            .Distinct(StringComparer.OrdinalIgnoreCase).Select(Registry).ToList();
        // An object nothing maps to would silently do nothing: say so instead.
        if (settings.UpstreamRegistries.FirstOrDefault(r => !used.Contains(r.Name)) is { } unused)
        {
            return (null, $"{unused.Origin}: no repository maps to it: set \"hostInPath\": true, list \"repositories\", " +
                $"or name it as a source in a --mirror-set file");
        }
        return (new UpstreamOptions
        {
            HostInPath = hostInPath,
            Routes = routes,
            AuthFile = settings.UpstreamAuthFile,
            CaFile = settings.UpstreamCaFile,
            TagRefresh = settings.TagRefresh,
            MaxManifestBytes = settings.MaxManifestBytes,
            MembersUseTls = settings.UsesTls,
        }, null);
    }
}
