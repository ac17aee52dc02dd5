using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Upstream.Auth;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Upstream.Client;

/// <summary>One client, state and bandwidth cap per upstream registry, sharing the handler, the pull secret and the token cache.</summary>
public sealed class UpstreamClients : IDisposable
{
    private readonly Dictionary<string, (UpstreamClient Client, TokenBucket? Bucket)> _byHost = new(StringComparer.OrdinalIgnoreCase);
    private readonly SocketsHttpHandler _handler;

    internal UpstreamClients(UpstreamOptions options, TimeProvider time, ILogger logger)
    {
        var cas = options.CaFile is { } caFile ? UpstreamHandlerFactory.LoadCaFile(caFile).Cas : null;
        _handler = UpstreamHandlerFactory.Create(cas);
        var auth = new AuthFile(options.AuthFile, logger);
        var tokens = new TokenCache(time);
        foreach (var registry in options.Registries())
        {
            var client = new UpstreamClient(registry, _handler, auth, tokens, new UpstreamState(registry.Host, time), logger);
            _byHost[registry.Host] = (client, registry.BytesPerSecond > 0 ? new TokenBucket(registry.BytesPerSecond, time) : null);
        }
    }

    /// <summary>Each upstream's state, for `edgereg status` and `/metrics`.</summary>
    public IEnumerable<UpstreamState> States => _byHost.Values.Select(static v => v.Client.State);

    internal (UpstreamClient Client, TokenBucket? Bucket) For(UpstreamRegistry registry) => _byHost[registry.Host];

    public void Dispose() => _handler.Dispose();
}
