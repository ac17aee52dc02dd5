using EdgeRegistry.Distribution;
using EdgeRegistry.Replication.Api;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.ReadThrough;
using EdgeRegistry.Replication.Security;
using EdgeRegistry.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication;

/// <summary>Wiring of replication: the host calls these only for a clustered node.</summary>
public static class ReplicationServiceCollectionExtensions
{
    public static IServiceCollection AddReplication(this IServiceCollection services, ReplicationOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options);
        services.AddInventory();
        services.AddPeers();
        services.AddConvergence();
        services.AddReadThrough(options);
        services.AddPeerApi();
        return services;
    }

    /// <summary>This node's inventory and the version records it is built from.</summary>
    private static void AddInventory(this IServiceCollection services)
    {
        services.TryAddSingleton<VersionFiles>();
        services.TryAddSingleton<HybridLogicalClock>();
        services.TryAddSingleton<LocalInventoryLoader>();
        services.TryAddSingleton(static sp => sp.GetRequiredService<LocalInventoryLoader>().Load());
    }

    /// <summary>The other members: how we authenticate to them, talk to them, and report on them.</summary>
    private static void AddPeers(this IServiceCollection services)
    {
        services.TryAddSingleton<PeerAuthenticator>();
        services.TryAddSingleton<PeerSetFactory>();
        services.TryAddSingleton(static sp => sp.GetRequiredService<PeerSetFactory>().Create());
        services.TryAddSingleton<PeerReports>();
    }

    /// <summary>Background convergence with every peer: the sync loops, the applier and the throttle they share.</summary>
    private static void AddConvergence(this IServiceCollection services)
    {
        services.TryAddSingleton<ClientActivity>();
        services.TryAddSingleton<ReplicationCounters>();
        services.TryAddSingleton<TokenBucket>();
        services.TryAddSingleton<EntryApplier>();
        services.TryAddSingleton<PeerSyncFactory>();
        services.AddHostedService<ReplicationService>();
    }

    /// <summary>
    /// Content fetched from peers, for clients (read-through) and for convergence (BlobFetcher, FetchQueue). These
    /// types are being reworked on their own branch; their registrations stay as they were until that lands.
    /// </summary>
    private static void AddReadThrough(this IServiceCollection services, ReplicationOptions options)
    {
        services.AddSingleton(sp => new BlobFetcher(sp.GetRequiredService<IRegistryStore>(), sp.GetRequiredService<PeerSet>(),
            sp.GetRequiredService<TokenBucket>(), Logger(sp, "EdgeRegistry.Replication.Fetch"), sp.GetRequiredService<ReplicationCounters>(),
            sp.GetRequiredService<ClientActivity>()));
        services.AddSingleton(sp => new FetchQueue(sp.GetRequiredService<BlobFetcher>(), sp.GetRequiredService<ClientActivity>(), options.FetchConcurrency));
        services.AddSingleton(sp => new CompletenessCache(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IRemoteContent>(sp => new PeerContent(sp.GetRequiredService<IRegistryStore>(), sp.GetRequiredService<PeerSet>(),
            sp.GetRequiredService<BlobFetcher>(), sp.GetRequiredService<EntryApplier>(), sp.GetRequiredService<LocalInventory>(),
            sp.GetRequiredService<ClientActivity>(), sp.GetRequiredService<CompletenessCache>(), Logger(sp, "EdgeRegistry.Replication.ReadThrough")));
    }

    /// <summary>The peer-only HTTP API other members read our inventory and content through.</summary>
    private static void AddPeerApi(this IServiceCollection services) => services.TryAddSingleton<PeerEndpoints>();

    /// <summary>Serves the peer-only API; call before the distribution API.</summary>
    public static IApplicationBuilder UseReplicationEndpoints(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        return app.Use(next => context => services.GetRequiredService<PeerEndpoints>().InvokeAsync(context, next));
    }

    /// <summary>
    /// Reads the store into this node's inventory. The host calls it right after opening the store, before
    /// anything listens, so peers never see a partial inventory and a store failure stops start-up cleanly.
    /// </summary>
    public static void PrepareReplication(this IServiceProvider services) => services.GetService<LocalInventory>();

    // Only the read-through registrations still hand out a plain ILogger under their old category names.
    private static ILogger Logger(IServiceProvider services, string category) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger(category);
}
