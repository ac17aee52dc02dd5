using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Uploads;

public sealed class UploadTests : IDisposable
{
    private static readonly RepositoryName Repo = RepositoryName.Parse("edge/uploads");
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private Task<Storage.Uploads.UploadStatus> AppendAsync(string id, byte[] chunk, long? offset) =>
        _f.Store.AppendUploadAsync(Repo, id, StoreFixture.Body(chunk), offset, chunk.Length, CancellationToken.None);

    [Fact]
    public void StartUpload_NewSession_EmptyAndFindable()
    {
        var started = _f.Store.StartUpload(Repo);

        var status = _f.Store.GetUpload(Repo, started.Id);

        Assert.NotNull(status);
        Assert.Equal(0, status.Value.Length);
        Assert.Equal(started.Id, status.Value.Id);
        Assert.True(Directory.Exists(Path.Combine(_f.RepositoryPath(Repo.Value), "_uploads", started.Id)));
    }

    [Theory]
    [InlineData(DigestAlgorithm.Sha256)]
    [InlineData(DigestAlgorithm.Sha512)]
    public async Task CompleteUploadAsync_ChunksInOrderThenFinalChunk_CommitsTheWholeBlob(DigestAlgorithm algorithm)
    {
        byte[] content = TestContent.Bytes(3 * 1024 * 1024 + 17, 10);
        var digest = ContentHasher.Compute(algorithm, content);
        string id = _f.Store.StartUpload(Repo).Id;

        var first = await AppendAsync(id, content[..1_000_000], 0);
        var second = await AppendAsync(id, content[1_000_000..2_500_000], 1_000_000);
        Assert.Equal(1_000_000, first.Length);
        Assert.Equal(2_500_000, second.Length);
        Assert.Equal(2_500_000, _f.Store.GetUpload(Repo, id)!.Value.Length);

        byte[] rest = content[2_500_000..];
        var info = await _f.Store.CompleteUploadAsync(Repo, id, digest, StoreFixture.Body(rest), 2_500_000, rest.Length, CancellationToken.None);

        Assert.Equal(digest, info.Digest);
        Assert.Equal(content.Length, info.Length);
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
        Assert.Null(_f.Store.GetUpload(Repo, id));
        Assert.False(Directory.Exists(Path.Combine(_f.RepositoryPath(Repo.Value), "_uploads", id)));
    }

    [Fact]
    public async Task CompleteUploadAsync_NoFinalChunk_CommitsWhatWasAppended()
    {
        byte[] content = TestContent.Bytes(10_000, 11);
        string id = _f.Store.StartUpload(Repo).Id;
        await AppendAsync(id, content, null);

        var info = await _f.Store.CompleteUploadAsync(Repo, id, TestContent.Sha256(content), null, null, null, CancellationToken.None);

        Assert.Equal(content.Length, info.Length);
        Assert.NotNull(_f.Store.StatBlob(Repo, info.Digest));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1_001)]
    public async Task AppendUploadAsync_ChunkNotAtTheEnd_UploadOutOfOrderAndUploadUnchanged(long offset)
    {
        byte[] content = TestContent.Bytes(2_000, 12);
        string id = _f.Store.StartUpload(Repo).Id;
        await AppendAsync(id, content[..1_000], 0);

        var error = await Assert.ThrowsAsync<StoreException>(() => AppendAsync(id, content[1_000..], offset));

        Assert.Equal(StoreError.UploadOutOfOrder, error.Error);
        Assert.Equal(1_000, _f.Store.GetUpload(Repo, id)!.Value.Length);
        await AppendAsync(id, content[1_000..], 1_000);
        var info = await _f.Store.CompleteUploadAsync(Repo, id, TestContent.Sha256(content), null, null, null, CancellationToken.None);
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(info.Digest)));
    }

    [Fact]
    public async Task AppendUploadAsync_BodyLongerThanDeclared_UploadInvalidAndUploadUnchanged()
    {
        string id = _f.Store.StartUpload(Repo).Id;
        await AppendAsync(id, [1, 2, 3], 0);

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.AppendUploadAsync(Repo, id, StoreFixture.Body(new byte[100]), 3, 10, CancellationToken.None));

        Assert.Equal(StoreError.UploadInvalid, error.Error);
        Assert.Equal(3, _f.Store.GetUpload(Repo, id)!.Value.Length);
    }

    [Fact]
    public async Task CompleteUploadAsync_WrongDigest_DigestMismatchAndNoBlob()
    {
        byte[] content = TestContent.Bytes(5_000, 13);
        var wrong = TestContent.Sha256([9]);
        string id = _f.Store.StartUpload(Repo).Id;
        await AppendAsync(id, content, 0);

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.CompleteUploadAsync(Repo, id, wrong, null, null, null, CancellationToken.None));

        Assert.Equal(StoreError.DigestMismatch, error.Error);
        Assert.Null(_f.Store.StatBlob(Repo, wrong));
        Assert.False(File.Exists(_f.BlobDataPath(wrong)));
        Assert.False(File.Exists(_f.BlobDataPath(TestContent.Sha256(content))));
    }

    [Fact]
    public async Task CancelUpload_Existing_RemovesItAndLaterUseIsUnknown()
    {
        string id = _f.Store.StartUpload(Repo).Id;
        await AppendAsync(id, [1, 2, 3], 0);

        Assert.True(_f.Store.CancelUpload(Repo, id));

        Assert.Null(_f.Store.GetUpload(Repo, id));
        Assert.False(_f.Store.CancelUpload(Repo, id));
        var error = await Assert.ThrowsAsync<StoreException>(() => AppendAsync(id, [4], 3));
        Assert.Equal(StoreError.UploadUnknown, error.Error);
    }

    [Theory]
    [InlineData("2b1d3f3e-0000-4000-8000-000000000000")]
    [InlineData("not-a-uuid")]
    [InlineData("../../../../etc")]
    [InlineData("2B1D3F3E-0000-4000-8000-000000000000")]
    [InlineData("")]
    public async Task AppendAndComplete_UnknownOrMalformedId_UploadUnknown(string id)
    {
        var append = await Assert.ThrowsAsync<StoreException>(() => AppendAsync(id, [1], 0));
        var complete = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.CompleteUploadAsync(Repo, id, TestContent.Sha256([1]), StoreFixture.Body([1]), 0, 1, CancellationToken.None));

        Assert.Equal(StoreError.UploadUnknown, append.Error);
        Assert.Equal(StoreError.UploadUnknown, complete.Error);
        Assert.Null(_f.Store.GetUpload(Repo, id));
        Assert.False(_f.Store.CancelUpload(Repo, id));
    }

    [Fact]
    public async Task GetUpload_IdOfAnotherRepository_Null()
    {
        string id = _f.Store.StartUpload(Repo).Id;
        await AppendAsync(id, [1, 2], 0);
        Assert.Null(_f.Store.GetUpload(RepositoryName.Parse("edge/elsewhere"), id));
    }

    [Theory]
    [InlineData(DigestAlgorithm.Sha256)]
    [InlineData(DigestAlgorithm.Sha512)]
    public async Task CompleteUploadAsync_AfterRestart_ContinuesFromStoredBytesWithTheRightDigest(DigestAlgorithm algorithm)
    {
        byte[] content = TestContent.Bytes(2 * 1024 * 1024 + 5, 14);
        var digest = ContentHasher.Compute(algorithm, content);
        string id = _f.Store.StartUpload(Repo).Id;
        await AppendAsync(id, content[..1_500_000], 0);

        var restarted = _f.Reopen();

        Assert.Equal(1_500_000, restarted.GetUpload(Repo, id)!.Value.Length);
        await restarted.AppendUploadAsync(Repo, id, StoreFixture.Body(content[1_500_000..2_000_000]), 1_500_000, 500_000, CancellationToken.None);
        byte[] rest = content[2_000_000..];
        var info = await restarted.CompleteUploadAsync(Repo, id, digest, StoreFixture.Body(rest), 2_000_000, rest.Length, CancellationToken.None);
        Assert.Equal(digest, info.Digest);
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
    }

    [Fact]
    public async Task Open_UploadOlderThanStaleUploadAge_RemovedWhileFreshOneStays()
    {
        string stale = _f.Store.StartUpload(Repo).Id;
        string fresh = _f.Store.StartUpload(Repo).Id;
        await AppendAsync(stale, [1, 2, 3], 0);
        await AppendAsync(fresh, [4, 5, 6], 0);
        string staleDirectory = Path.Combine(_f.RepositoryPath(Repo.Value), "_uploads", stale);
        var longAgo = DateTime.UtcNow - TimeSpan.FromHours(2);
        foreach (string file in Directory.EnumerateFiles(staleDirectory)) File.SetLastWriteTimeUtc(file, longAgo);
        Directory.SetLastWriteTimeUtc(staleDirectory, longAgo);

        var reopened = RegistryStore.Open(_f.Options with { StaleUploadAge = TimeSpan.FromHours(1) });

        Assert.Null(reopened.GetUpload(Repo, stale));
        Assert.False(Directory.Exists(staleDirectory));
        Assert.Equal(3, reopened.GetUpload(Repo, fresh)!.Value.Length);
    }

    [Fact]
    public async Task Open_StaleUploadsAtEveryDepthOfNames_RemovedWithoutTouchingRepositoryContent()
    {
        // A repository may be a prefix of another's name ("edge" and "edge/uploads/deep"): both hold uploads, and
        // the purge's walk of names must find each while never descending into a repository's own directories.
        var outer = RepositoryName.Parse("edge");
        var deep = RepositoryName.Parse("edge/uploads/deep");
        var blob = await _f.PutBlobAsync(deep.Value, [7, 8, 9]);
        var stale = new List<string>();
        foreach (var repository in new[] { outer, Repo, deep })
        {
            string id = _f.Store.StartUpload(repository).Id;
            await _f.Store.AppendUploadAsync(repository, id, StoreFixture.Body([1, 2, 3]), 0, 3, CancellationToken.None);
            string directory = Path.Combine(_f.RepositoryPath(repository.Value), "_uploads", id);
            var longAgo = DateTime.UtcNow - TimeSpan.FromHours(2);
            foreach (string file in Directory.EnumerateFiles(directory)) File.SetLastWriteTimeUtc(file, longAgo);
            Directory.SetLastWriteTimeUtc(directory, longAgo);
            stale.Add(directory);
        }

        var reopened = RegistryStore.Open(_f.Options with { StaleUploadAge = TimeSpan.FromHours(1) });

        Assert.All(stale, directory => Assert.False(Directory.Exists(directory), $"{directory} was not purged"));
        Assert.Equal(3, reopened.BlobLength(blob.Digest));
        Assert.True(File.Exists(reopened.Paths.LayerLink(deep, blob.Digest)));
    }
}
