using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Durability;

/// <summary>A full disk (ENOSPC) gives StorageFull, makes nothing visible and leaves every stored byte as it was.</summary>
public sealed class DiskFullTests : IDisposable
{
    private const string RepoName = "edge/full";
    private static readonly RepositoryName Repo = RepositoryName.Parse(RepoName);
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static bool Everywhere(string _) => true;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1024 * 1024 + 3)]
    public async Task PutBlobAsync_DiskFillsMidWrite_StorageFullNothingVisibleExistingContentIdentical(long budget)
    {
        var existing = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 1);
        var before = _f.Snapshot();
        byte[] content = TestContent.Bytes(3 * 1024 * 1024, 2);
        var digest = TestContent.Sha256(content);
        _f.Faults.FailWritesAfter(budget, Everywhere);

        var error = await Assert.ThrowsAsync<StoreException>(() => _f.PutBlobAsync(RepoName, content));

        Assert.Equal(StoreError.StorageFull, error.Error);
        Assert.True(_f.Faults.Injected > 0);
        Assert.Null(_f.Store.StatBlob(Repo, digest));
        Assert.False(File.Exists(_f.BlobDataPath(digest)));
        Assert.Equal(before.Keys.Where(k => !k.Contains("/_uploads/", StringComparison.Ordinal)), _f.VisibleFiles());
        Assert.All(before, entry => Assert.Equal(entry.Value, File.ReadAllBytes(Path.Combine(_f.Root, entry.Key))));
        Assert.Equal(existing.Manifest, _f.Store.GetManifest(Repo, "v1")!.Content.ToArray());

        _f.Faults.Clear();
        Assert.Equal(digest, (await _f.PutBlobAsync(RepoName, content)).Digest);
    }

    [Fact]
    public async Task AppendUploadAsync_DiskFillsMidChunk_StorageFullAndUploadKeepsItsPreviousLength()
    {
        byte[] content = TestContent.Bytes(2 * 1024 * 1024, 3);
        string id = _f.Store.StartUpload(Repo).Id;
        await _f.Store.AppendUploadAsync(Repo, id, StoreFixture.Body(content[..1000]), 0, 1000, CancellationToken.None);
        _f.Faults.FailWritesAfter(1024 * 1024 + 10);

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.AppendUploadAsync(Repo, id, StoreFixture.Body(content[1000..]), 1000, content.Length - 1000, CancellationToken.None));

        Assert.Equal(StoreError.StorageFull, error.Error);
        Assert.Equal(1000, _f.Store.GetUpload(Repo, id)!.Value.Length);
        _f.Faults.Clear();
        await _f.Store.AppendUploadAsync(Repo, id, StoreFixture.Body(content[1000..]), 1000, content.Length - 1000, CancellationToken.None);
        var info = await _f.Store.CompleteUploadAsync(Repo, id, TestContent.Sha256(content), null, null, null, CancellationToken.None);
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(info.Digest)));
    }

    [Fact]
    public async Task PutManifestAsync_DiskFull_StorageFullAndTagsAndManifestsUnchanged()
    {
        var old = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 4);
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, RepoName, 5, 1);
        byte[] manifest = Testing.Support.Manifests.OciManifest(config, configBytes.Length, layers);
        var before = _f.Snapshot();
        _f.Faults.FailWritesAfter(0, Everywhere);

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.PutManifestAsync(Repo, "v1", ManifestMediaTypes.OciManifest, manifest, CancellationToken.None));

        Assert.Equal(StoreError.StorageFull, error.Error);
        Assert.Equal(before, _f.Snapshot());
        Assert.Equal(old.Digest, _f.Store.GetManifest(Repo, "v1")!.Digest);
        Assert.Null(_f.Store.GetManifest(Repo, TestContent.Sha256(manifest).ToString()));
        Assert.Equal(old.Digest, _f.OpenPlain().GetManifest(Repo, "v1")!.Digest);
    }

    [Fact]
    public async Task PutManifestAsync_DiskFillsWhileWritingTheTag_OldTagIntact()
    {
        var old = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 6);
        var next = await ImageBuilder.PushOciAsync(_f, RepoName, "next", 7);
        // Manifest and revision exist already, so the only writes left are the tag's links.
        _f.Faults.FailWritesAfter(0, Everywhere);

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.PutManifestAsync(Repo, "v1", ManifestMediaTypes.OciManifest, next.Manifest, CancellationToken.None));

        Assert.Equal(StoreError.StorageFull, error.Error);
        Assert.Equal(old.Digest, _f.Store.GetManifest(Repo, "v1")!.Digest);
        Assert.Equal(old.Digest, _f.OpenPlain().GetManifest(Repo, "v1")!.Digest);
        Assert.Equal(old.Digest.ToString(), File.ReadAllText(Path.Combine(_f.RepositoryPath(RepoName), "_manifests", "tags", "v1", "current", "link")));
    }

    /// <summary>With delayed allocation the kernel may report a full disk only at fsync.</summary>
    [Fact]
    public async Task PutBlobAsync_FsyncReportsDiskFull_StorageFullAndNothingVisible()
    {
        byte[] content = TestContent.Bytes(100_000, 8);
        var digest = TestContent.Sha256(content);
        _f.Faults.Arm(FaultOperation.Fsync, Everywhere, IoErrors.NoSpace);

        var error = await Assert.ThrowsAsync<StoreException>(() => _f.PutBlobAsync(RepoName, content));

        Assert.Equal(StoreError.StorageFull, error.Error);
        Assert.Null(_f.Store.StatBlob(Repo, digest));
        Assert.False(File.Exists(_f.BlobDataPath(digest)));
    }

    [Fact]
    public async Task StartUpload_DiskFull_StorageFullAndNoUploadLeftBehind()
    {
        await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 9);
        var before = _f.Snapshot();
        _f.Faults.FailWritesAfter(0, Everywhere);
        _f.Faults.FailOpens(p => p.Contains("/_uploads/", StringComparison.Ordinal));

        var error = Assert.Throws<StoreException>(() => _f.Store.StartUpload(Repo));

        Assert.Equal(StoreError.StorageFull, error.Error);
        Assert.Equal(before, _f.Snapshot());
    }
}
