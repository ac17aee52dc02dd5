using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Upstream.Auth;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Upstream.Client;

/// <summary>One client, state and bandwidth cap per upstream registry, sharing the handler, the pull secret and the token cache.</summary>
public sealed class UpstreamClients : IDisposable
{
    private readonly Dictionary<string, (UpstreamClient Client, TokenBucket? Bucket)> _byHost = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<SocketsHttpHandler> _handlers = [];

    internal UpstreamClients(UpstreamOptions options, TimeProvider time, ILogger logger)
    {
        var cas = options.CaFile is { } caFile ? UpstreamHandlerFactory.LoadCaFile(caFile).Cas : null;
        var shared = UpstreamHandlerFactory.Create(cas);
        _handlers.Add(shared);
        var auth = new AuthFile(options.AuthFile, logger);
        var tokens = new TokenCache(time);
        foreach (var registry in options.Registries())
        {
            var handler = shared;
            if (registry.HasOwnTls)
            {
                // Its own CA bundle (with the global one) or no verification at all: a connection pool of its own.
                var own = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
                if (cas is not null) own.AddRange(cas);
                if (registry.CaFile is { } file && UpstreamHandlerFactory.LoadCaFile(file).Cas is { } extra) own.AddRange(extra);
                handler = UpstreamHandlerFactory.Create(own, registry.TlsVerify);
                _handlers.Add(handler);
            }
            // Back-off never outlasts the refresh interval: a tag moved while cut off is followed within one interval of the link returning.
            var refresh = registry.TagRefresh ?? options.TagRefresh;
            var state = new UpstreamState(registry.Host, time, refresh < UpstreamState.DefaultMaxBackoff ? refresh : UpstreamState.DefaultMaxBackoff);
            var client = new UpstreamClient(registry, handler, auth, tokens, state, logger);
            _byHost[registry.Host] = (client, registry.BytesPerSecond > 0 ? new TokenBucket(registry.BytesPerSecond, time) : null);
        }
    }

    /// <summary>Each upstream's state, for `edgereg status` and `/metrics`.</summary>
    public IEnumerable<UpstreamState> States => _byHost.Values.Select(static v => v.Client.State);

    internal (UpstreamClient Client, TokenBucket? Bucket) For(UpstreamRegistry registry) => _byHost[registry.Host];

    public void Dispose()
    {
        foreach (var handler in _handlers) handler.Dispose();
    }
}
