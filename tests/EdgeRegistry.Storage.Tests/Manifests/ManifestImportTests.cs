using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Manifests;

/// <summary>
/// A replicated manifest imported into a store that lacks it (<see cref="IRegistryStore.ImportManifest"/>): its layer
/// links, bytes and revision link published in one durable round, announced after it. Failures first.
/// </summary>
public sealed class ManifestImportTests : IDisposable
{
    private static readonly RepositoryName Source = RepositoryName.Parse("edge/source");
    private static readonly RepositoryName Replica = RepositoryName.Parse("edge/replica/nested");
    private readonly StoreFixture _origin = new();
    private readonly StoreFixture _f = new();

    public void Dispose()
    {
        _f.Dispose();
        _origin.Dispose();
    }

    /// <summary>An image pushed on another store: what a peer's feed names and this node imports (its blobs not here yet).</summary>
    private Task<ImageBuilder.PushedImage> PeerImageAsync(int seed) => ImageBuilder.PushOciAsync(_origin, Source.Value, "v1", seed, layerCount: 4);

    [Fact]
    public async Task ImportManifest_IntoANewRepository_LinksBytesAndRevisionInOneRoundAnnouncedAfterIt()
    {
        var image = await PeerImageAsync(1);
        var announced = new List<(StoreChange Change, int Pending)>();
        _f.Store.Changed += change => announced.Add((change, _f.Faults.PowerCut.Pending));
        long rounds = _f.Store.TempDirectorySyncs;
        int fileSyncs = _f.Sync.FileSyncs, directorySyncs = _f.Sync.DirectorySyncs;

        Assert.NotNull(_f.Store.ImportManifest(Replica, image.Digest, image.Manifest));

        Assert.Equal(1, _f.Store.TempDirectorySyncs - rounds);
        Assert.Equal(1, _f.Sync.DirectorySyncs - directorySyncs);
        Assert.Equal(image.Layers.Length + 3, _f.Sync.FileSyncs - fileSyncs); // config and layer links, the bytes, the revision link
        var (change, pending) = Assert.Single(announced);
        Assert.Equal((StoreChangeKind.ManifestStored, image.Digest), (change.Kind, change.Digest!.Value));
        Assert.Equal(0, pending); // nothing a power cut could take back when the feed is told
        foreach (var layer in image.Layers.Append(image.Config))
            Assert.Equal(layer.ToString(), File.ReadAllText(_f.Store.Paths.LayerLink(Replica, layer)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_f.Store.Paths.Temp));
    }

    [Fact]
    public async Task ImportManifest_PowerCutAfterItReturned_RevisionBytesAndLinksSurvive()
    {
        var image = await PeerImageAsync(2);

        _f.Store.ImportManifest(Replica, image.Digest, image.Manifest);

        var store = _f.PowerCutAndRestart();
        Assert.Equal(image.Manifest, store.GetManifest(Replica, image.Digest.ToString())!.Content.ToArray());
        Assert.Equal(image.Digest.ToString(), File.ReadAllText(store.Paths.RevisionLink(Replica, image.Digest)));
        Assert.True(File.Exists(store.Paths.LayerLink(Replica, image.Layers[^1])));
    }

    [Fact]
    public async Task ImportManifest_SharedFsyncFails_IoFailureUnannouncedAndNoRevisionAfterTheCut()
    {
        var image = await PeerImageAsync(3);
        var changes = new List<StoreChange>();
        _f.Store.Changed += changes.Add;
        _f.Faults.FailFsync(p => p == _f.Store.Paths.Temp);

        var e = Assert.Throws<StoreException>(() => _f.Store.ImportManifest(Replica, image.Digest, image.Manifest));

        Assert.Equal(StoreError.IoFailure, e.Error);
        Assert.Empty(changes);
        var store = _f.PowerCutAndRestart();
        Assert.Null(store.GetManifest(Replica, image.Digest.ToString()));
        Assert.False(File.Exists(store.Paths.RevisionLink(Replica, image.Digest)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Paths.Temp));
    }

    [Fact]
    public async Task ImportManifest_LinkWriteFailsMidWay_StoreErrorNothingPublishedAndNoTempFileLeft()
    {
        var image = await PeerImageAsync(4);
        var before = _f.VisibleFiles();
        _f.Faults.FailFsync(); // every file's fsync: the first staged link fails

        var e = Assert.Throws<StoreException>(() => _f.Store.ImportManifest(Replica, image.Digest, image.Manifest));

        Assert.Equal(StoreError.IoFailure, e.Error);
        Assert.Equal(before, _f.VisibleFiles());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_f.Store.Paths.Temp));
        _f.Faults.Clear();
        Assert.NotNull(_f.Store.ImportManifest(Replica, image.Digest, image.Manifest)); // and it can be done again
    }
}
