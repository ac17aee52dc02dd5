using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Tests.Inventory;

/// <summary>
/// The real inventory on a real store reached through the store's fault-injecting file system: versions are
/// recorded as part of each write, survive a power cut once the write returned, and a version that cannot be
/// written fails the push or the apply and leaves the inventory as a restart would rebuild it.
/// </summary>
public sealed class VersionRecordingTests : IDisposable
{
    private const string Self = "127.0.0.1:5000";
    private static readonly RepositoryName Repo = RepositoryName.Parse("team/app");
    private readonly StoreFixture _f = new();
    private LocalInventory _local;

    public VersionRecordingTests() => _local = Attach(_f.Store);

    public void Dispose() => _f.Dispose();

    private static LocalInventory Attach(IRegistryStore store)
    {
        var local = new LocalInventory(store, new VersionFiles(store), new HybridLogicalClock(TimeProvider.System), Self);
        local.Build();
        store.Changed += local.OnStoreChanged;
        return local;
    }

    private static InventoryKey TagKey(string tag) => InventoryKey.ForTag(Repo, tag);

    /// <summary>The process dies with the power: a new store and a new inventory are built from what the disk kept.</summary>
    private LocalInventory PowerCutAndRestart()
    {
        var store = _f.PowerCutAndRestart();
        return _local = Attach(store);
    }

    [Fact]
    public async Task PutManifestAsync_PowerCutAfterReturn_TagVersionSurvives()
    {
        await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", 1);
        var pushed = _local.Inventory.Get(TagKey("v1"))!;
        Assert.True(pushed.Version > 0);

        var restarted = PowerCutAndRestart();

        Assert.Equal(pushed, restarted.Inventory.Get(TagKey("v1")));
    }

    [Fact]
    public async Task DeleteManifest_PowerCutAfterReturn_TombstoneSurvivesSoThePeerCannotBringTheTagBack()
    {
        var image = await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", 2);
        var olderOnPeer = _local.Inventory.Get(TagKey("v1"))!;
        Assert.True(_f.Store.DeleteManifest(Repo, "v1"));
        var tombstone = _local.Inventory.Get(TagKey("v1"))!;
        Assert.True(tombstone.Deleted);

        var restarted = PowerCutAndRestart();

        var rebuilt = restarted.Inventory.Get(TagKey("v1"));
        Assert.Equal(tombstone, rebuilt);
        Assert.False(olderOnPeer.Supersedes(rebuilt!));
        Assert.Null(_f.Store.GetManifest(Repo, "v1"));
        Assert.NotNull(_f.Store.GetManifest(Repo, image.Digest.ToString()));
    }

    [Fact]
    public async Task DeleteManifestByDigest_TagGoesWithIt_TombstoneJustAfterTheTagWriteItSaw_SoAMoveElsewhereThatItHadNotSeenWins()
    {
        // The soak's lost tag: v1 moved to another image on a peer (201), then the old image deleted by digest here
        // before the move arrived. The delete took v1 with it; at the clock's reading that tombstone beat the move on
        // every node and the acknowledged tag was gone everywhere.
        var old = await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", 4);
        var moved = await ImageBuilder.PushOciAsync(_f, Repo.Value, "other", 5);
        var seen = _local.Inventory.Get(TagKey("v1"))!;
        // The peer's move: newer than the tag write this node saw, older than the delete by the clock.
        var move = new InventoryEntry(EntryKind.Tag, Repo, "v1", moved.Digest, 0, _local.Clock.Now(), "127.0.0.3:5000", false);

        Assert.True(_f.Store.DeleteManifest(Repo, old.Digest.ToString()));

        var tombstone = _local.Inventory.Get(TagKey("v1"))!;
        Assert.True(tombstone.Deleted);
        Assert.Equal(seen.Version + 1, tombstone.Version);
        Assert.Equal(Self, tombstone.Node);
        Assert.False(seen.Supersedes(tombstone)); // the write the delete saw stays deleted
        Assert.True(move.Supersedes(tombstone));  // the move it had not seen wins
        Assert.True(_f.Store.SetTag(Repo, "v1", moved.Digest, LocalInventory.VersionOf(move)));
        Assert.Equal(moved.Digest, _f.Store.GetManifest(Repo, "v1")!.Digest);
        Assert.Equal(move, _local.Inventory.Get(TagKey("v1")));
        // The restart rebuilds the same entry from the version records (durable like any write).
        Assert.Equal(move, PowerCutAndRestart().Inventory.Get(TagKey("v1")));
    }

    [Fact]
    public async Task DeleteTag_ItsTombstoneTakesTheClockReading_AnOlderMoveLoses()
    {
        await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", 6);
        var moved = await ImageBuilder.PushOciAsync(_f, Repo.Value, "other", 7);
        var move = new InventoryEntry(EntryKind.Tag, Repo, "v1", moved.Digest, 0, _local.Clock.Now(), "127.0.0.3:5000", false);

        Assert.True(_f.Store.DeleteManifest(Repo, "v1")); // the tag itself named: a delete after everything before it

        var tombstone = _local.Inventory.Get(TagKey("v1"))!;
        Assert.True(tombstone.Deleted);
        Assert.True(tombstone.Supersedes(move));
    }

    [Fact]
    public async Task SetTag_AppliedAtPeerVersion_PowerCutKeepsThePeerVersion()
    {
        var image = await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", 3);
        long peerVersion = _local.Clock.Now() + 1000;

        _f.Store.SetTag(Repo, "v2", image.Digest, LocalInventory.VersionOf(
            new InventoryEntry(EntryKind.Tag, Repo, "v2", image.Digest, 0, peerVersion, "127.0.0.2:5000", false)));

        var restarted = PowerCutAndRestart();
        var rebuilt = restarted.Inventory.Get(TagKey("v2"))!;
        Assert.Equal((peerVersion, "127.0.0.2:5000", image.Digest), (rebuilt.Version, rebuilt.Node, rebuilt.Digest!.Value));
    }

    [Fact]
    public async Task PutManifestAsync_VersionWriteFailsWithEio_PushFailsAndInventoryMatchesARestart()
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, Repo.Value, 4, 1);
        byte[] manifest = Manifests.OciManifest(config, configBytes.Length, layers);
        _f.Faults.FailMoves(p => p.StartsWith(_f.Store.Paths.TagVersions, StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.PutManifestAsync(Repo, "v1", ManifestMediaTypes.OciManifest, manifest, CancellationToken.None));

        Assert.Equal(StoreError.IoFailure, error.Error);
        Assert.True(_f.Faults.Injected > 0);
        var held = _local.Inventory.Get(TagKey("v1"))!;
        Assert.Equal(0, held.Version);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_f.Store.Paths.Temp));
        _f.Faults.Clear();
        var restarted = Attach(_f.Reopen());
        Assert.Equal(held, restarted.Inventory.Get(TagKey("v1")));
    }

    [Fact]
    public async Task PutManifestAsync_ManifestVersionWriteFails_PushFailsTagStillRecordedAndInventoryMatchesARestart()
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, Repo.Value, 6, 1);
        byte[] manifest = Manifests.OciManifest(config, configBytes.Length, layers);
        var digest = TestContent.Sha256(manifest);
        _f.Faults.FailMoves(p => p.StartsWith(_f.Store.Paths.ManifestVersions, StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.PutManifestAsync(Repo, "v1", ManifestMediaTypes.OciManifest, manifest, CancellationToken.None));

        Assert.Equal(StoreError.IoFailure, error.Error);
        var manifestKey = InventoryKey.ForManifest(Repo, digest);
        var heldManifest = _local.Inventory.Get(manifestKey)!;
        var heldTag = _local.Inventory.Get(TagKey("v1"))!;
        Assert.Equal(0, heldManifest.Version);
        Assert.True(heldTag.Version > 0);
        _f.Faults.Clear();
        var restarted = Attach(_f.Reopen());
        Assert.Equal(heldManifest, restarted.Inventory.Get(manifestKey));
        Assert.Equal(heldTag, restarted.Inventory.Get(TagKey("v1")));
    }

    [Fact]
    public async Task RecordApplied_TombstoneWriteFails_ApplyFailsAndInventoryUnchanged()
    {
        await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", 5);
        var before = _local.Inventory.Get(TagKey("gone"));
        var tombstone = new InventoryEntry(EntryKind.Tag, Repo, "gone", null, 0, _local.Clock.Now() + 10, "127.0.0.2:5000", Deleted: true);
        // The directory fsync that makes the record's rename durable: the store's temp directory (shared by the writes of the moment).
        _f.Faults.FailFsync(p => p == _f.Store.Paths.Temp);

        var error = Assert.Throws<StoreException>(() => _local.RecordApplied(tombstone));

        Assert.Equal(StoreError.IoFailure, error.Error);
        Assert.Equal(before, _local.Inventory.Get(TagKey("gone")));
        _f.Faults.Clear();
        _local.RecordApplied(tombstone);
        Assert.Equal(tombstone, Attach(_f.Reopen()).Inventory.Get(TagKey("gone")));
    }
    /// <summary>
    /// Two peers' updates of one tag learned at once, each fetching its manifest first: the newer lands first and
    /// the older must not move the tag back (the race a three-node tag convergence test caught in CI).
    /// </summary>
    [Fact]
    public async Task SetTag_OlderReplicatedUpdateLandsAfterNewer_TagStaysOnTheNewer()
    {
        var older = await ImageBuilder.PushOciAsync(_f, Repo.Value, "a", 6);
        var newer = await ImageBuilder.PushOciAsync(_f, Repo.Value, "b", 7);
        long version = _local.Clock.Now() + 1000;
        var fromB = new InventoryEntry(EntryKind.Tag, Repo, "latest", newer.Digest, 0, version + 1, "127.0.0.2:5000", false);
        var fromA = new InventoryEntry(EntryKind.Tag, Repo, "latest", older.Digest, 0, version, "127.0.0.3:5000", false);

        Assert.True(_f.Store.SetTag(Repo, "latest", newer.Digest, LocalInventory.VersionOf(fromB)));
        Assert.False(_f.Store.SetTag(Repo, "latest", older.Digest, LocalInventory.VersionOf(fromA)));

        Assert.Equal(newer.Digest, _f.Store.GetManifest(Repo, "latest")!.Digest);
        Assert.Equal(fromB, _local.Inventory.Get(TagKey("latest")));
        Assert.Equal(fromB, Attach(_f.Reopen()).Inventory.Get(TagKey("latest")));
    }

    [Fact]
    public async Task DeleteManifest_OlderReplicatedTagDeleteAfterNewerUpdate_TagStays()
    {
        var image = await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", 8);
        var pushed = _local.Inventory.Get(TagKey("v1"))!;
        var olderDelete = new ChangeVersion(pushed.Version - 1, "127.0.0.2:5000");

        Assert.True(_f.Store.DeleteManifest(Repo, "v1", olderDelete));

        Assert.Equal(image.Digest, _f.Store.GetManifest(Repo, "v1")!.Digest);
        Assert.Equal(pushed, _local.Inventory.Get(TagKey("v1")));
    }

    [Fact]
    public async Task SetTag_ReplicatedUpdateNewerThanTheClientPush_Lands()
    {
        await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", 9);
        var other = await ImageBuilder.PushOciAsync(_f, Repo.Value, "other", 10);
        var pushed = _local.Inventory.Get(TagKey("v1"))!;
        var newer = new InventoryEntry(EntryKind.Tag, Repo, "v1", other.Digest, 0, pushed.Version + 1, "127.0.0.2:5000", false);

        Assert.True(_f.Store.SetTag(Repo, "v1", other.Digest, LocalInventory.VersionOf(newer)));

        Assert.Equal(other.Digest, _f.Store.GetManifest(Repo, "v1")!.Digest);
        Assert.Equal(newer, _local.Inventory.Get(TagKey("v1")));
    }
    /// <summary>A peer's copy of a manifest arrives after another peer's newer delete of it was applied: it stays deleted.</summary>
    [Fact]
    public async Task ImportManifest_OlderReplicatedCopyAfterNewerDelete_StaysDeleted()
    {
        var image = await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", 11);
        var pushed = _local.Inventory.Get(InventoryKey.ForManifest(Repo, image.Digest))!;
        var delete = new ChangeVersion(pushed.Version + 2, "127.0.0.2:5000");
        Assert.True(_f.Store.DeleteManifest(Repo, image.Digest.ToString(), delete));

        var copy = _f.Store.ImportManifest(Repo, image.Digest, image.Manifest, new ChangeVersion(pushed.Version + 1, "127.0.0.3:5000"));

        Assert.Null(copy);
        Assert.Null(_f.Store.GetManifest(Repo, image.Digest.ToString()));
        var held = _local.Inventory.Get(InventoryKey.ForManifest(Repo, image.Digest))!;
        Assert.True(held.Deleted);
        Assert.Equal(delete.Version, held.Version);
    }

    [Fact]
    public async Task DeleteManifest_OlderReplicatedDeleteAfterNewerPush_RevisionStays()
    {
        var image = await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", 12);
        var pushed = _local.Inventory.Get(InventoryKey.ForManifest(Repo, image.Digest))!;

        Assert.True(_f.Store.DeleteManifest(Repo, image.Digest.ToString(), new ChangeVersion(pushed.Version - 1, "127.0.0.2:5000")));

        Assert.NotNull(_f.Store.GetManifest(Repo, image.Digest.ToString()));
        Assert.Equal(pushed, _local.Inventory.Get(InventoryKey.ForManifest(Repo, image.Digest)));
    }
}
