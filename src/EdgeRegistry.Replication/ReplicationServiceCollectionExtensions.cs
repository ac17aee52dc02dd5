using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Content;
using EdgeRegistry.Replication.Api;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.ReadThrough;
using EdgeRegistry.Replication.Security;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Collection;
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
        services.AddReadThrough();
        services.AddPeerApi();
        return services;
    }

    /// <summary>This node's inventory, the version records it is built from, and the background walk that builds it.</summary>
    private static void AddInventory(this IServiceCollection services)
    {
        services.TryAddSingleton<VersionFiles>();
        services.TryAddSingleton<HybridLogicalClock>();
        services.TryAddSingleton<InventoryBuild>();
        services.TryAddSingleton<LocalInventoryLoader>();
        services.TryAddSingleton(static sp => sp.GetRequiredService<LocalInventoryLoader>().Load());
        services.AddHostedService<InventoryBuildService>();
    }

    /// <summary>The other members: how we authenticate to them, talk to them, and report on them.</summary>
    private static void AddPeers(this IServiceCollection services)
    {
        services.TryAddSingleton<PeerAuthenticator>();
        // Public over the internal authenticator, for the executable to hand to features outside replication.
        services.TryAddSingleton(static sp => new PeerCredentials(sp.GetRequiredService<PeerAuthenticator>(), sp.GetRequiredService<ReplicationOptions>()));
        services.TryAddSingleton<PeerSetFactory>();
        services.TryAddSingleton(static sp => sp.GetRequiredService<PeerSetFactory>().Create());
        // Public for the executable's status, over internal inventory types: built here rather than by reflection.
        services.TryAddSingleton(static sp => new PeerReports(sp.GetRequiredService<PeerSet>(), sp.GetRequiredService<LocalInventory>()));
    }

    /// <summary>Background convergence with every peer: the sync loops, the applier and the throttle they share.</summary>
    private static void AddConvergence(this IServiceCollection services)
    {
        services.TryAddSingleton<ClientActivity>();
        services.TryAddSingleton<ReplicationCounters>();
        services.TryAddSingleton(static sp => new TokenBucket(sp.GetRequiredService<ReplicationOptions>().BytesPerSecond, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<EntryApplier>();
        services.TryAddSingleton<PeerSyncFactory>();
        // The garbage collector decides only where the peers' updates are applied (its deletes replicate).
        services.TryAddSingleton<IClusterRoots>(static sp => new ClusterViewRoots(sp.GetRequiredService<PeerSet>(), sp.GetRequiredService<LocalInventory>()));
        services.AddHostedService<ReplicationService>();
    }

    /// <summary>
    /// Content fetched from peers: for clients (read-through, a content source after the local store) and for
    /// convergence (the fetcher and its queue of blobs to copy).
    /// </summary>
    private static void AddReadThrough(this IServiceCollection services)
    {
        services.TryAddSingleton<BlobFetcher>();
        services.TryAddSingleton<SpaceWait>();
        services.TryAddSingleton<FetchQueue>();
        services.TryAddSingleton<IReplicationBacklog>(static sp => sp.GetRequiredService<FetchQueue>());
        services.TryAddSingleton<CompletenessCache>();
        // The scrub's source of good copies (the executable's scrub service asks for it when there is one).
        services.TryAddSingleton<Storage.Scrub.IScrubRepair, Repair.PeerRepair>();
        services.TryAddSingleton<PeerContent>();
        // Registered by factory so the executable's metrics can decorate every content source the same way.
        services.AddSingleton<IContentSource>(static sp => sp.GetRequiredService<PeerContent>());
    }

    /// <summary>
    /// Replicates the users of <paramref name="file"/> (this node's credentials file) with every peer: call after
    /// <see cref="AddReplication"/>. The peer API then serves the users' hashes to authenticated members.
    /// </summary>
    public static IServiceCollection AddUserReplication(this IServiceCollection services, Users.IUserFile file)
    {
        services.TryAddSingleton(file);
        services.TryAddSingleton(static sp => Users.UserLedger.Load(sp.GetRequiredService<Users.IUserFile>().Path));
        services.AddHostedService<Users.UserSync>();
        return services;
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
    /// Subscribes this node's inventory to the store's changes. The host calls it right after opening the store, before
    /// anything listens, so every write is recorded; the walk of the store runs in the background once the host starts
    /// (<see cref="InventoryBuildService"/>), and peers are told "not ready" until it is complete.
    /// </summary>
    public static void PrepareReplication(this IServiceProvider services) => services.GetService<LocalInventory>();
}
