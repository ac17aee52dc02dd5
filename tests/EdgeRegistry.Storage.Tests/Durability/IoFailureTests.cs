using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Durability;

/// <summary>fsync, rename and read failures (EIO) give IoFailure and never expose or damage content.</summary>
public sealed class IoFailureTests : IDisposable
{
    private const string RepoName = "edge/io";
    private static readonly RepositoryName Repo = RepositoryName.Parse(RepoName);
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task PutBlobAsync_FileFsyncFails_IoFailureAndNothingVisible()
    {
        var existing = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 1);
        var before = _f.Snapshot();
        byte[] content = TestContent.Bytes(200_000, 2);
        var digest = TestContent.Sha256(content);
        _f.Faults.FailFsync();

        var error = await Assert.ThrowsAsync<StoreException>(() => _f.PutBlobAsync(RepoName, content));

        Assert.Equal(StoreError.IoFailure, error.Error);
        Assert.True(_f.Faults.Injected > 0);
        Assert.Null(_f.Store.StatBlob(Repo, digest));
        Assert.False(File.Exists(_f.BlobDataPath(digest)));
        Assert.Equal(before.Keys.Where(k => !k.Contains("/_uploads/", StringComparison.Ordinal)), _f.VisibleFiles());
        Assert.Equal(existing.Manifest, _f.Store.GetManifest(Repo, "v1")!.Content.ToArray());
    }

    [Fact]
    public async Task CompleteUploadAsync_FsyncFails_IoFailureAndUploadStaysCompletable()
    {
        byte[] content = TestContent.Bytes(50_000, 3);
        var digest = TestContent.Sha256(content);
        string id = _f.Store.StartUpload(Repo).Id;
        await _f.Store.AppendUploadAsync(Repo, id, StoreFixture.Body(content), 0, content.Length, CancellationToken.None);
        _f.Faults.FailFsync();

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.CompleteUploadAsync(Repo, id, digest, null, null, null, CancellationToken.None));

        Assert.Equal(StoreError.IoFailure, error.Error);
        Assert.Null(_f.Store.StatBlob(Repo, digest));
        _f.Faults.Clear();
        Assert.Equal(content.Length, _f.Store.GetUpload(Repo, id)!.Value.Length);
        Assert.Equal(digest, (await _f.Store.CompleteUploadAsync(Repo, id, digest, null, null, null, CancellationToken.None)).Digest);
    }

    [Fact]
    public async Task PutManifestAsync_FsyncFails_IoFailureAndOldTagIntact()
    {
        var old = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 4);
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, RepoName, 5, 1);
        byte[] manifest = Testing.Support.Manifests.OciManifest(config, configBytes.Length, layers);
        _f.Faults.FailFsync();

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.PutManifestAsync(Repo, "v1", ManifestMediaTypes.OciManifest, manifest, CancellationToken.None));

        Assert.Equal(StoreError.IoFailure, error.Error);
        Assert.Equal(old.Digest, _f.Store.GetManifest(Repo, "v1")!.Digest);
        Assert.Null(_f.Store.GetManifest(Repo, TestContent.Sha256(manifest).ToString()));
        Assert.Equal(old.Digest, _f.OpenPlain().GetManifest(Repo, "v1")!.Digest);
    }

    [Fact]
    public async Task PutManifestAsync_RenameOfTagLinkFails_IoFailureAndOldTagIntact()
    {
        var old = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 6);
        var next = await ImageBuilder.PushOciAsync(_f, RepoName, "next", 7);
        _f.Faults.FailMoves(p => p.EndsWith("/v1/current/link", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.PutManifestAsync(Repo, "v1", ManifestMediaTypes.OciManifest, next.Manifest, CancellationToken.None));

        Assert.Equal(StoreError.IoFailure, error.Error);
        Assert.Equal(1, _f.Faults.Injected);
        Assert.Equal(old.Digest, _f.Store.GetManifest(Repo, "v1")!.Digest);
        Assert.Equal(old.Digest, _f.OpenPlain().GetManifest(Repo, "v1")!.Digest);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_f.Root, ".edgereg", "tmp")));
    }

    [Fact]
    public async Task PutBlobAsync_RenameIntoBlobStoreFails_IoFailureAndNothingVisible()
    {
        byte[] content = TestContent.Bytes(20_000, 8);
        var digest = TestContent.Sha256(content);
        _f.Faults.FailMoves(p => p.Contains("/blobs/", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<StoreException>(() => _f.PutBlobAsync(RepoName, content));

        Assert.Equal(StoreError.IoFailure, error.Error);
        Assert.Null(_f.Store.StatBlob(Repo, digest));
        Assert.False(File.Exists(_f.BlobDataPath(digest)));
    }

    /// <summary>
    /// A directory the service may not write (here made immutable with chattr, which refuses even root, as a wrong
    /// owner or SELinux label refuses the service) must give a store error naming the operation, not an unhandled
    /// exception that the HTTP layer would turn into a bare 500; the tag that was there stays.
    /// </summary>
    [Fact]
    public async Task PutManifestAsync_PermissionDenied_IoFailureNamingPermissionAndOldTagIntact()
    {
        var old = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 11);
        var next = await ImageBuilder.PushOciAsync(_f, RepoName, "next", 12);
        string tags = Path.Combine(_f.Root, "docker", "registry", "v2", "repositories", RepoName, "_manifests", "tags");
        Assert.True(Directory.Exists(tags), tags);
        Chattr("+i", tags);
        try
        {
            var error = await Assert.ThrowsAsync<StoreException>(() =>
                _f.Store.PutManifestAsync(Repo, "v2", ManifestMediaTypes.OciManifest, next.Manifest, CancellationToken.None));

            Assert.Equal(StoreError.IoFailure, error.Error);
            Assert.Contains("permission denied", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Chattr("-i", tags);
        }
        Assert.Equal(old.Digest, _f.Store.GetManifest(Repo, "v1")!.Digest);
        Assert.Null(_f.OpenPlain().GetManifest(Repo, "v2"));
    }

    private static void Chattr(string flag, string path)
    {
        using var chattr = System.Diagnostics.Process.Start("chattr", [flag, path])!;
        chattr.WaitForExit();
        Assert.True(chattr.ExitCode == 0, $"chattr {flag} {path} failed (the test needs root and a file system with immutable flags)");
    }

    /// <summary>
    /// A read error on a stored manifest must reach the caller as a store error (IoFailure), so the HTTP layer maps it
    /// in its one place, and must not be mistaken for "unknown" (which would tell clients the manifest is gone).
    /// </summary>
    [Fact]
    public async Task GetManifest_ReadFailsWithEio_IoFailure()
    {
        var image = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 9);
        var restarted = _f.Reopen();
        _f.Faults.FailReads(p => p.Contains("/blobs/", StringComparison.Ordinal));

        var error = Assert.Throws<StoreException>(() => restarted.GetManifest(Repo, image.Digest.ToString()));

        Assert.Equal(StoreError.IoFailure, error.Error);
    }

    [Fact]
    public async Task BlobReader_ReadFailsWithEio_ThrowsIOExceptionAndBlobStaysIntact()
    {
        byte[] content = TestContent.Bytes(10_000, 10);
        var digest = (await _f.PutBlobAsync(RepoName, content)).Digest;
        using var reader = _f.Store.OpenBlob(Repo, digest)!;
        _f.Faults.FailReads();

        Assert.ThrowsAny<IOException>(() => reader.Read(new byte[10], 0));

        _f.Faults.Clear();
        Assert.Equal(content, Blobs.BlobTests.ReadAll(reader));
    }
}
