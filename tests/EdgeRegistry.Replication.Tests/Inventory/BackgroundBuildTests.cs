using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Tests.Inventory;

/// <summary>
/// The inventory built in the background while the store takes writes: a real store on a temp dir, restarted as at a
/// cold start, whose walk is held on one version record by the test fixture's slow file system (the first open of that
/// file waits until released), so writes land at a known point of the walk — the very key it is reading, keys it has
/// passed, keys it has yet to reach. Afterwards the inventory must be exactly what a restart would rebuild from disk,
/// and the change feed must carry each key once at its final version.
/// </summary>
public sealed class BackgroundBuildTests : IDisposable
{
    private const string Self = "127.0.0.1:5000";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly RepositoryName One = RepositoryName.Parse("a/one");
    private static readonly RepositoryName Two = RepositoryName.Parse("b/two");
    private static readonly RepositoryName Three = RepositoryName.Parse("c/three");
    private static readonly RepositoryName Four = RepositoryName.Parse("d/four");

    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    /// <summary>The inventory as the host makes it: subscribed to the store's changes, not walked yet.</summary>
    private static LocalInventory Subscribed(IRegistryStore store, TimeProvider time) =>
        new LocalInventoryLoader(store, new VersionFiles(store), new HybridLogicalClock(time),
            new ReplicationOptions { Self = Self, Peers = [], Secret = new byte[32] }, new InventoryBuild(time)).Load();

    private async Task SeedAsync()
    {
        // Versions recorded by a node whose clock was right (or a peer's that ran ahead).
        var seeded = Subscribed(_f.Store, TimeProvider.System);
        seeded.Build();
        await ImageBuilder.PushOciAsync(_f, One.Value, "v1", 1);
        await ImageBuilder.PushOciAsync(_f, Two.Value, "v1", 2);
        await ImageBuilder.PushOciAsync(_f, Two.Value, "v2", 3);
        await ImageBuilder.PushOciAsync(_f, Three.Value, "v1", 4);
        _f.Store.Changed -= seeded.OnStoreChanged;
    }

    [Fact(Timeout = 60_000)]
    public async Task Build_WritesLandWhileTheWalkIsHeld_InventoryAndFeedAreWhatARestartRebuilds()
    {
        await SeedAsync();
        var store = _f.Reopen();
        // The walk stops inside b/two, having listed its tags, just before it reads the version of the first of them.
        var hold = _f.Faults.HoldOpens(path => path.StartsWith(store.Paths.TagVersion(Two, ""), StringComparison.Ordinal));
        // Started after a power cut with the clock an hour behind the versions on disk.
        var local = Subscribed(store, new ManualTime(DateTimeOffset.UtcNow - TimeSpan.FromHours(1)));
        var walk = Task.Run(() => local.Build());
        await hold.Reached.WaitAsync(Bound);
        Assert.False(local.BuildStatus.IsComplete);
        string held = Path.GetFileName(hold.HeldPath)!, other = held == "v1" ? "v2" : "v1";
        var movedBefore = new VersionFiles(store).ReadTag(Two, held)!.Value;

        // The tag the walk is reading moves to the other tag's image, and the other tag — listed, its version not read
        // yet — is deleted: the walk's reading of it (live, version 0) must not bring it back. Then a new repository, a
        // delete by digest (its tag goes with it) and a tag delete, wherever the walk is.
        var target = store.GetManifest(Two, other)!;
        await store.PutManifestAsync(Two, held, target.MediaType, target.Content, CancellationToken.None);
        Assert.True(store.DeleteManifest(Two, other));
        var four = await ImageBuilder.PushOciAsync(_f, Four.Value, "v1", 5);
        var one = store.GetManifest(One, "v1")!;
        Assert.True(store.DeleteManifest(One, one.Digest.ToString()));
        Assert.True(store.DeleteManifest(Three, "v1"));
        hold.Release();
        await walk.WaitAsync(Bound);
        await local.BuildStatus.Completion.WaitAsync(Bound);

        // The tag the walk was reading is at the move's version, which outranks the one it replaced despite the clock.
        var moved = local.Inventory.Get(InventoryKey.ForTag(Two, held))!;
        Assert.Equal(target.Digest, moved.Digest);
        Assert.True(local.Inventory.Get(InventoryKey.ForTag(Two, other))!.Deleted);
        Assert.Equal(Self, moved.Node);
        Assert.True(moved.Version > movedBefore.Version, $"the move got {moved.Version}, not above the stored {movedBefore.Version}");
        Assert.Equal(four.Digest, local.Inventory.Get(InventoryKey.ForTag(Four, "v1"))!.Digest);
        Assert.True(local.Inventory.HasBlob(four.Layers[0]));
        Assert.True(local.Inventory.Get(InventoryKey.ForManifest(One, one.Digest))!.Deleted);
        Assert.True(local.Inventory.Get(InventoryKey.ForTag(One, "v1"))!.Deleted);
        Assert.True(local.Inventory.Get(InventoryKey.ForTag(Three, "v1"))!.Deleted);

        // What a restart rebuilds from disk: every tag and manifest, live or tombstoned, at the same version.
        var rebuilt = Subscribed(_f.Reopen(), TimeProvider.System);
        rebuilt.Build();
        Assert.Equal(Versioned(rebuilt.Inventory), Versioned(local.Inventory));

        // The feed a peer reads from the start: each key once, at the version the inventory holds.
        var feed = local.Inventory.ChangesSince(0, int.MaxValue);
        Assert.Equal(feed.Count, feed.Select(c => c.Entry.Key).Distinct().Count());
        Assert.Equal(local.Inventory.Count, feed.Count);
        Assert.All(feed, c => Assert.Equal(local.Inventory.Get(c.Entry.Key), c.Entry));
    }

    [Fact(Timeout = 60_000)]
    public async Task Build_BlobLinkTombstonedOnDisk_ReCommitDuringTheWalkOutranksTheTombstone()
    {
        await SeedAsync();
        var image = await ImageBuilder.PushOciAsync(_f, Four.Value, "v1", 6);
        var seeded = Subscribed(_f.Store, TimeProvider.System);
        seeded.Build();
        Assert.True(_f.Store.DeleteBlob(Four, image.Layers[0]));
        _f.Store.Changed -= seeded.OnStoreChanged;
        var tombstone = new VersionFiles(_f.Store).ReadTombstone(InventoryKey.ForBlob(Four, image.Layers[0]))!;

        var store = _f.Reopen();
        var hold = _f.Faults.HoldOpens(path => path.StartsWith(store.Paths.ManifestVersions, StringComparison.Ordinal));
        var local = Subscribed(store, new ManualTime(DateTimeOffset.UtcNow - TimeSpan.FromHours(1)));
        var walk = Task.Run(() => local.Build());
        await hold.Reached.WaitAsync(Bound);
        // The walk has read no tombstone yet: the re-push must find this one on disk, or peers would keep deleting it.
        await ImageBuilder.PushOciAsync(_f, Four.Value, "v1", 6);
        hold.Release();
        await walk.WaitAsync(Bound);

        var relinked = local.Inventory.Get(InventoryKey.ForBlob(Four, image.Layers[0]))!;
        Assert.False(relinked.Deleted);
        Assert.True(relinked.Supersedes(tombstone), $"the re-link at {relinked.Version} does not outrank the tombstone at {tombstone.Version}");
    }

    [Fact(Timeout = 60_000)]
    public async Task Build_WhileHeld_ClusterRootsAreIncompleteUntilItEnds()
    {
        await SeedAsync();
        var store = _f.Reopen();
        var hold = _f.Faults.HoldOpens(path => path.StartsWith(store.Paths.ManifestVersions, StringComparison.Ordinal));
        var local = Subscribed(store, TimeProvider.System);
        var roots = new ClusterViewRoots(new PeerSet([]), local);
        var walk = Task.Run(() => local.Build());
        await hold.Reached.WaitAsync(Bound);

        Assert.NotNull(roots.Read().Incomplete);
        Assert.False(local.BuildStatus.Completion.IsCompleted);

        hold.Release();
        await walk.WaitAsync(Bound);
        Assert.Null(roots.Read().Incomplete);
        Assert.True(local.BuildStatus.IsComplete);
        Assert.True(local.BuildStatus.ManifestsRead >= 4);
    }

    /// <summary>The versioned entries (tags and manifests, tombstones included), as comparable text.</summary>
    private static List<string> Versioned(NodeInventory inventory) =>
        [.. inventory.Entries().Where(static e => e.Kind is EntryKind.Tag or EntryKind.Manifest)
            .Select(static e => $"{e.Kind} {e.Repository} {e.Tag} {e.Digest} {e.Version} {e.Node} {e.Deleted}").Order(StringComparer.Ordinal)];
}
