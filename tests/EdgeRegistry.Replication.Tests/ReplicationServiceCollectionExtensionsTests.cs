using EdgeRegistry.Content;
using EdgeRegistry.Replication.Api;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.ReadThrough;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Naming;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeRegistry.Replication.Tests;

/// <summary>
/// The container alone wires replication over a real store: every service resolves by constructor injection,
/// the inventory is read from the store once and then follows its changes, and the peers are the configured ones.
/// </summary>
public sealed class ReplicationServiceCollectionExtensionsTests : IDisposable
{
    private static readonly ReplicationOptions Options = new()
    {
        Self = "127.0.0.1:5000",
        Peers = ["127.0.0.2:5000", "127.0.0.3:5000"],
        Secret = "a-cluster-secret-of-enough-length!"u8.ToArray(),
    };

    private readonly StoreFixture _f = new();
    private readonly ServiceProvider _services;

    public ReplicationServiceCollectionExtensionsTests()
    {
        var collection = new ServiceCollection().AddLogging().AddSingleton<IRegistryStore>(_f.Store);
        _services = collection.AddReplication(Options).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public void Dispose()
    {
        _services.Dispose();
        _f.Dispose();
    }

    [Fact]
    public void AddReplication_BuiltProvider_ResolvesTheHostedServiceTheApiAndReadThrough()
    {
        Assert.Single(_services.GetServices<IHostedService>().OfType<ReplicationService>());
        Assert.IsType<PeerContent>(Assert.Single(_services.GetServices<IContentSource>()));
        Assert.NotNull(_services.GetRequiredService<FetchQueue>());
        Assert.NotNull(_services.GetRequiredService<PeerEndpoints>());
        Assert.Same(_services.GetRequiredService<LocalInventory>(), _services.GetRequiredService<LocalInventory>());
    }

    [Fact]
    public void AddReplication_ConfiguredPeers_OnePeerPerMemberReportedUnreachable()
    {
        var peers = _services.GetRequiredService<PeerSet>();

        Assert.Equal(Options.Peers, peers.All.Select(p => p.Member));
        var reports = _services.GetRequiredService<PeerReports>().Current();
        Assert.Equal(Options.Peers, reports.Select(r => r.Member));
        Assert.All(reports, r => Assert.False(r.Reachable));
    }

    [Fact(Timeout = 60_000)]
    public async Task PrepareReplication_ImageInStore_FollowsPushesAtOnceAndHoldsEverythingOnceTheBackgroundBuildEnds()
    {
        await ImageBuilder.PushOciAsync(_f, "team/app", "v1", 1);

        _services.PrepareReplication();
        var local = _services.GetRequiredService<LocalInventory>();
        var build = _services.GetRequiredService<InventoryBuild>();
        Assert.Equal(Options.Self, local.Self);
        // Subscribed before the walk: a push before the build starts is recorded by its event.
        await ImageBuilder.PushOciAsync(_f, "team/app", "v2", 2);
        Assert.False(build.IsComplete);
        Assert.NotNull(local.Inventory.Get(InventoryKey.ForTag(RepositoryName.Parse("team/app"), "v2")));

        var service = Assert.Single(_services.GetServices<IHostedService>().OfType<InventoryBuildService>());
        await service.StartAsync(CancellationToken.None);
        await build.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        await service.StopAsync(CancellationToken.None);

        Assert.NotNull(local.Inventory.Get(InventoryKey.ForTag(RepositoryName.Parse("team/app"), "v1")));
        Assert.NotNull(local.Inventory.Get(InventoryKey.ForTag(RepositoryName.Parse("team/app"), "v2")));
        await ImageBuilder.PushOciAsync(_f, "team/app", "v3", 3);
        Assert.NotNull(local.Inventory.Get(InventoryKey.ForTag(RepositoryName.Parse("team/app"), "v3")));
    }
}
