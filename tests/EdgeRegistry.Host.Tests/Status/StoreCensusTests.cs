using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Status;
using EdgeRegistry.Storage;

namespace EdgeRegistry.Host.Tests.Status;

public sealed class StoreCensusTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Count_StoreWrittenByRegistryStore_CountsNestedRepositoriesDistinctManifestsAndSharedBlobsOnce()
    {
        var root = _temp.File("store");
        var store = RegistryStore.Open(root);
        var alpineBytes = await StoreContent.PushImageAsync(store, "library/alpine", "3.20", "alpine");
        // The same image in a second repository: a second repository, but no new manifest or blob.
        await StoreContent.PushImageAsync(store, "mirror/library/alpine", "3.20", "alpine");
        var appBytes = await StoreContent.PushImageAsync(store, "app", "v1", "app");

        var counts = StoreCensus.Count(root, TimeProvider.System, CancellationToken.None);

        Assert.Equal(3, counts.Repositories);
        Assert.Equal(2, counts.Manifests);
        Assert.Equal(6, counts.Blobs);
        Assert.Equal(alpineBytes + appBytes, counts.Bytes);
    }

    [Fact]
    public async Task Count_PushStoppedAfterItsBlobs_ARepositoryAsTheCatalogListsIt()
    {
        var root = _temp.File("store");
        var store = RegistryStore.Open(root);
        await StoreContent.PushImageAsync(store, "app", "v1", "app");
        // The client uploaded a blob and never sent the manifest: only _layers, listed by the catalog (and Distribution).
        await using (var body = new MemoryStream("stopped"u8.ToArray()))
        {
            await store.PutBlobAsync(Storage.Naming.RepositoryName.Parse("team/stopped"),
                Storage.Digests.ContentHasher.Compute(Storage.Digests.DigestAlgorithm.Sha256, "stopped"u8),
                System.IO.Pipelines.PipeReader.Create(body), expectedLength: null, CancellationToken.None);
        }

        var counts = StoreCensus.Count(root, TimeProvider.System, CancellationToken.None);

        Assert.Equal(store.ListRepositories().Count, counts.Repositories);
        Assert.Equal(2, counts.Repositories);
        Assert.Equal(1, counts.Manifests);
    }

    [Fact]
    public void Count_FreshStore_AllZero()
    {
        var root = _temp.File("store");
        RegistryStore.Open(root);

        var counts = StoreCensus.Count(root, TimeProvider.System, CancellationToken.None);

        Assert.Equal(new StoreCounts(0, 0, 0, 0, counts.CountedAt), counts);
    }

    [Fact]
    public async Task Count_ReadOnly_LeavesStoreUntouched()
    {
        var root = _temp.File("store");
        var store = RegistryStore.Open(root);
        await StoreContent.PushImageAsync(store, "app", "v1", "app");
        var before = Snapshot(root);

        StoreCensus.Count(root, TimeProvider.System, CancellationToken.None);

        Assert.Equal(before, Snapshot(root));
    }

    [Fact]
    public void Count_MissingRoot_DirectoryNotFoundNamingIt()
    {
        var root = _temp.File("nowhere");

        var error = Assert.Throws<DirectoryNotFoundException>(() => StoreCensus.Count(root, TimeProvider.System, CancellationToken.None));

        Assert.Contains(root, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void Count_DirectoryWithoutLayout_DirectoryNotFoundSayingNoStore()
    {
        var root = _temp.File("empty");
        Directory.CreateDirectory(root);

        var error = Assert.Throws<DirectoryNotFoundException>(() => StoreCensus.Count(root, TimeProvider.System, CancellationToken.None));

        Assert.Contains("holds no registry store", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Count_Cancelled_StopsWithOperationCanceled()
    {
        var root = _temp.File("store");
        RegistryStore.Open(root);
        Directory.CreateDirectory(Path.Combine(StoreCensus.LayoutDirectory(root), "blobs", "sha256", "ab"));

        Assert.Throws<OperationCanceledException>(() => StoreCensus.Count(root, TimeProvider.System, new CancellationToken(canceled: true)));
    }

    private static string[] Snapshot(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(path => $"{path} {(File.Exists(path) ? new FileInfo(path).Length : -1)} {File.GetLastWriteTimeUtc(path):O}")
            .Order(StringComparer.Ordinal)
            .ToArray();
}
