using System.Net;
using EdgeRegistry.Content;
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
        services.AddSingleton(options);
        services.AddSingleton(sp => new VersionFiles(sp.GetRequiredService<IRegistryStore>()));
        services.AddSingleton(sp => new HybridLogicalClock(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var store = sp.GetRequiredService<IRegistryStore>();
            var local = new LocalInventory(store, sp.GetRequiredService<VersionFiles>(), sp.GetRequiredService<HybridLogicalClock>(), options.Self);
            local.Build();
            store.Changed += local.OnStoreChanged;
            return local;
        });
        services.AddSingleton(sp => new PeerAuthenticator(options.Secret, options.Peers.Append(options.Self), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var http = new HttpClient(new SocketsHttpHandler
            {
                ConnectTimeout = options.ConnectTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = DecompressionMethods.None,
                UseProxy = false,
                AllowAutoRedirect = false,
            })
            { Timeout = Timeout.InfiniteTimeSpan };
            var time = sp.GetRequiredService<TimeProvider>();
            var authenticator = sp.GetRequiredService<PeerAuthenticator>();
            return new PeerSet(options.Peers.Select(member =>
            {
                var state = new PeerState(member, time);
                return new Peer(state, new PeerClient(state, http, authenticator, options.Self, options.UseTls, options.MaxManifestBytes), new PeerView());
            }).ToList());
        });
        services.AddSingleton(sp => new PeerReports(sp.GetRequiredService<PeerSet>(), sp.GetRequiredService<LocalInventory>()));
        services.AddSingleton<ClientActivity>();
        services.AddSingleton<ReplicationCounters>();
        services.AddSingleton(sp => new TokenBucket(options.BytesPerSecond, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new BlobFetcher(sp.GetRequiredService<IRegistryStore>(), sp.GetRequiredService<PeerSet>(),
            sp.GetRequiredService<TokenBucket>(), Logger(sp, "EdgeRegistry.Replication.Fetch"), sp.GetRequiredService<ReplicationCounters>(),
            sp.GetRequiredService<ClientActivity>()));
        services.AddSingleton(sp => new FetchQueue(sp.GetRequiredService<BlobFetcher>(), sp.GetRequiredService<ClientActivity>(), options.FetchConcurrency));
        services.AddSingleton(sp => new EntryApplier(sp.GetRequiredService<IRegistryStore>(), sp.GetRequiredService<LocalInventory>(),
            sp.GetRequiredService<FetchQueue>(), Logger(sp, "EdgeRegistry.Replication.Apply")));
        services.AddSingleton(sp => new CompletenessCache(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IContentSource>(sp => new PeerContent(sp.GetRequiredService<IRegistryStore>(), sp.GetRequiredService<PeerSet>(),
            sp.GetRequiredService<BlobFetcher>(), sp.GetRequiredService<EntryApplier>(), sp.GetRequiredService<LocalInventory>(),
            sp.GetRequiredService<ClientActivity>(), sp.GetRequiredService<CompletenessCache>(), Logger(sp, "EdgeRegistry.Replication.ReadThrough")));
        services.AddSingleton<IReadOnlyList<PeerSync>>(sp => sp.GetRequiredService<PeerSet>().All.Select(peer => new PeerSync(peer,
            sp.GetRequiredService<EntryApplier>(), sp.GetRequiredService<HybridLogicalClock>(), sp.GetRequiredService<FetchQueue>(), options,
            sp.GetRequiredService<TimeProvider>(), Logger(sp, "EdgeRegistry.Replication.Sync"))).ToList());
        services.AddSingleton(sp => new PeerEndpoints(sp.GetRequiredService<IRegistryStore>(), sp.GetRequiredService<LocalInventory>(),
            sp.GetRequiredService<PeerAuthenticator>(), sp.GetRequiredService<PeerSet>(), sp.GetRequiredService<ILogger<PeerEndpoints>>()));
        services.AddHostedService(sp => new ReplicationService(sp.GetRequiredService<IReadOnlyList<PeerSync>>(), sp.GetRequiredService<FetchQueue>(),
            sp.GetRequiredService<LocalInventory>(), sp.GetRequiredService<VersionFiles>(), options, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ReplicationService>>()));
        return services;
    }

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

    private static ILogger Logger(IServiceProvider services, string category) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger(category);
}
