using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Tests.Support;

namespace EdgeRegistry.Storage.Tests.Uploads;

/// <summary>
/// Every upload request shape through the one append path (O_DIRECT chunks, buffered head and tail) on real
/// files: sizes around the 4 KiB block and the 1 MiB chunk, resumes at unaligned offsets, empty and one-byte
/// blobs, and stores on file systems that take or refuse O_DIRECT. Content is always read back byte for byte.
/// </summary>
public sealed class UploadWritePathTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private static readonly RepositoryName Repo = RepositoryName.Parse("edge/writes");
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(MiB - 1)]
    [InlineData(MiB + 1)]
    [InlineData(5 * MiB + 4095)]
    public async Task PutBlobAsync_SingleRequest_StoredByteIdentical(int size)
    {
        byte[] content = TestContent.Bytes(size, size % 97);
        var digest = TestContent.Sha256(content);

        var info = await _f.PutBlobAsync(Repo.Value, content);

        Assert.Equal(digest, info.Digest);
        Assert.Equal(size, info.Length);
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(_f.RepositoryPath(Repo.Value), "_uploads")));
    }

    [Fact]
    public async Task PutBlobAsync_Sha512_HashedInTheSamePassAndStored()
    {
        byte[] content = TestContent.Bytes(3 * MiB + 11, 21);
        var digest = TestContent.Sha512(content);

        var info = await _f.PutBlobAsync(Repo.Value, content, DigestAlgorithm.Sha512);

        Assert.Equal(digest, info.Digest);
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
    }

    /// <summary>Chunk boundaries off the 4 KiB grid: each PATCH resumes with a buffered head, then goes direct.</summary>
    [Theory]
    [InlineData(new[] { 1000, 3 * MiB + 7, MiB, 3 })]
    [InlineData(new[] { 1, 4095, 4096, 2 * MiB })]
    [InlineData(new[] { 4096, MiB, 1 })]
    [InlineData(new[] { 0, 5000, 0, 70_000 })]
    public async Task PatchChunksThenPut_ResumesAtAlignedAndUnalignedOffsets_StoredByteIdentical(int[] chunkSizes)
    {
        byte[] content = TestContent.Bytes(chunkSizes.Sum() + 12_345, chunkSizes.Length);
        var digest = TestContent.Sha256(content);
        string id = _f.Store.StartUpload(Repo).Id;

        long offset = 0;
        foreach (int size in chunkSizes)
        {
            var status = await _f.Store.AppendUploadAsync(Repo, id, StoreFixture.Body(content[(int)offset..((int)offset + size)]), offset, size, CancellationToken.None);
            offset += size;
            Assert.Equal(offset, status.Length);
            Assert.Equal(content[..(int)offset], File.ReadAllBytes(Path.Combine(_f.RepositoryPath(Repo.Value), "_uploads", id, "data")));
        }
        byte[] last = content[(int)offset..];
        var info = await _f.Store.CompleteUploadAsync(Repo, id, digest, StoreFixture.Body(last), offset, last.Length, CancellationToken.None);

        Assert.Equal(content.Length, info.Length);
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
    }

    [Fact]
    public async Task PutBlobAsync_WrongDigestOnAMultiChunkBody_DigestMismatchAndNothingStored()
    {
        byte[] content = TestContent.Bytes(4 * MiB + 100, 22);
        var wrong = TestContent.Sha256(TestContent.Bytes(10, 23));
        var before = _f.Snapshot();

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.PutBlobAsync(Repo, wrong, StoreFixture.Body(content), content.Length, CancellationToken.None));

        Assert.Equal(StoreError.DigestMismatch, error.Error);
        Assert.False(File.Exists(_f.BlobDataPath(wrong)));
        Assert.False(File.Exists(_f.BlobDataPath(TestContent.Sha256(content))));
        Assert.Equal(before.Keys, _f.Snapshot().Keys);
    }

    [Fact]
    public async Task AppendUploadAsync_DiskFillsInTheSecondChunk_UploadCutBackAndResumable()
    {
        byte[] content = TestContent.Bytes(4 * MiB + 3, 24);
        string id = _f.Store.StartUpload(Repo).Id;
        await _f.Store.AppendUploadAsync(Repo, id, StoreFixture.Body(content[..777]), 0, 777, CancellationToken.None);
        _f.Faults.FailWritesAfter(MiB + 4096);

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.AppendUploadAsync(Repo, id, StoreFixture.Body(content[777..]), 777, content.Length - 777, CancellationToken.None));

        Assert.Equal(StoreError.StorageFull, error.Error);
        Assert.True(_f.Faults.Injected > 0);
        Assert.Equal(content[..777], File.ReadAllBytes(Path.Combine(_f.RepositoryPath(Repo.Value), "_uploads", id, "data")));
        _f.Faults.Clear();
        var info = await _f.Store.CompleteUploadAsync(Repo, id, TestContent.Sha256(content), StoreFixture.Body(content[777..]), 777,
            content.Length - 777, CancellationToken.None);
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(info.Digest)));
    }

    [Fact]
    public async Task Store_OnRamfsWhichRefusesODirect_UploadsThroughThePageCache()
    {
        using var mount = ScratchMount.Mount("ramfs");
        using var store = new StoreFixture(root: mount.Path);
        await AssertUploadShapesRoundTripAsync(store);
    }

    [Fact]
    public async Task Store_OnTmpfs_UploadsRoundTrip()
    {
        using var mount = ScratchMount.Mount("tmpfs", "size=64m");
        using var store = new StoreFixture(root: mount.Path);
        await AssertUploadShapesRoundTripAsync(store);
    }

    /// <summary>A real full disk: a 6 MiB tmpfs, not an injected fault. The kernel's ENOSPC arrives on a direct write.</summary>
    [Fact]
    public async Task PutBlobAsync_RealDiskFillsMidUpload_StorageFullNothingVisibleStoreIntact()
    {
        using var mount = ScratchMount.Mount("tmpfs", "size=6m");
        using var store = new StoreFixture(root: mount.Path);
        var existing = await ImageBuilder.PushOciAsync(store, "edge/writes", "v1", 25);
        var before = store.Snapshot();
        byte[] tooBig = TestContent.Bytes(8 * MiB + 5, 26);
        var digest = TestContent.Sha256(tooBig);

        var error = await Assert.ThrowsAsync<StoreException>(() => store.PutBlobAsync(Repo.Value, tooBig));

        Assert.Equal(StoreError.StorageFull, error.Error);
        Assert.Equal(0, store.Faults.Injected);
        Assert.Null(store.Store.StatBlob(Repo, digest));
        Assert.False(File.Exists(store.BlobDataPath(digest)));
        Assert.Equal(before, store.Snapshot());
        Assert.Equal(existing.Manifest, store.Store.GetManifest(Repo, "v1")!.Content.ToArray());
        byte[] fits = TestContent.Bytes(2 * MiB + 1, 27);
        Assert.Equal(fits, File.ReadAllBytes(store.BlobDataPath((await store.PutBlobAsync(Repo.Value, fits)).Digest)));
    }

    private static async Task AssertUploadShapesRoundTripAsync(StoreFixture store)
    {
        foreach (int size in new[] { 0, 1, 4097, 3 * MiB + 5 })
        {
            byte[] content = TestContent.Bytes(size, size % 89 + 30);
            var info = await store.PutBlobAsync(Repo.Value, content);
            Assert.Equal(content, File.ReadAllBytes(store.BlobDataPath(info.Digest)));
        }
        byte[] chunked = TestContent.Bytes(2 * MiB + 999, 40);
        string id = store.Store.StartUpload(Repo).Id;
        await store.Store.AppendUploadAsync(Repo, id, StoreFixture.Body(chunked[..1001]), 0, 1001, CancellationToken.None);
        var blob = await store.Store.CompleteUploadAsync(Repo, id, TestContent.Sha256(chunked), StoreFixture.Body(chunked[1001..]), 1001,
            chunked.Length - 1001, CancellationToken.None);
        Assert.Equal(chunked, File.ReadAllBytes(store.BlobDataPath(blob.Digest)));
    }
}
