using EdgeRegistry.Content;
using EdgeRegistry.Storage;
using EdgeRegistry.Upstream.Client;
using EdgeRegistry.Upstream.Cluster;
using EdgeRegistry.Upstream.Content;
using EdgeRegistry.Upstream.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Upstream;

/// <summary>Wiring of the pull-through cache: the host calls this only when an upstream is configured.</summary>
public static class UpstreamServiceCollectionExtensions
{
    /// <summary>How long the member that owns a blob's uplink fetch may take to start answering.</summary>
    private static readonly TimeSpan MemberConnectTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Registers the cache as the last content source. With <see cref="IUplinkPeers"/> registered (a clustered node),
    /// blobs are fetched (and HEAD-checked) over the uplink by one member each and read through from it by the others.
    /// </summary>
    public static IServiceCollection AddUpstreamCache(this IServiceCollection services, UpstreamOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options);
        services.TryAddSingleton<UpstreamCounters>();
        services.TryAddSingleton(static sp => new UpstreamResolver(sp.GetRequiredService<UpstreamOptions>().HostInPath, sp.GetRequiredService<UpstreamOptions>().Routes));
        services.TryAddSingleton(static sp => new UpstreamClients(sp.GetRequiredService<UpstreamOptions>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeRegistry.Upstream")));
        services.TryAddSingleton(static sp => new UpstreamContent(
            sp.GetRequiredService<IRegistryStore>(),
            sp.GetRequiredService<UpstreamResolver>(),
            sp.GetRequiredService<UpstreamClients>(),
            sp.GetService<IUplinkPeers>(),
            sp.GetService<IUplinkPeers>() is null ? null : new HttpClient(new SocketsHttpHandler
            {
                ConnectTimeout = MemberConnectTimeout,
                AutomaticDecompression = System.Net.DecompressionMethods.None,
                UseCookies = false,
                // Members serve the cluster's own certificate; they are verified by digest like every source.
                SslOptions = new System.Net.Security.SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
            }) { Timeout = Timeout.InfiniteTimeSpan },
            sp.GetRequiredService<UpstreamCounters>(),
            sp.GetRequiredService<UpstreamOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<UpstreamContent>>()));
        services.AddSingleton<IContentSource>(static sp => sp.GetRequiredService<UpstreamContent>());
        services.TryAddSingleton(static sp => new UplinkEndpoints(sp.GetRequiredService<UpstreamContent>(), sp.GetRequiredService<IUplinkPeers>(),
            sp.GetRequiredService<ILogger<UplinkEndpoints>>()));
        return services;
    }

    /// <summary>
    /// The members' questions about the uplink (<see cref="UplinkEndpoints"/>): on a clustered node, before the
    /// distribution API, whose paths they are outside of.
    /// </summary>
    public static IApplicationBuilder UseUplinkEndpoints(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        if (services.GetService<IUplinkPeers>() is null) return app;
        return app.Use(next => context => services.GetRequiredService<UplinkEndpoints>().InvokeAsync(context, next));
    }
}
