using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Blobs;

public sealed class BlobTests : IDisposable
{
    private static readonly RepositoryName Repo = RepositoryName.Parse("library/app");
    private static readonly RepositoryName Other = RepositoryName.Parse("other/app");
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Theory]
    [InlineData(DigestAlgorithm.Sha256)]
    [InlineData(DigestAlgorithm.Sha512)]
    public async Task PutBlobAsync_CorrectDigest_StatAndReadReturnTheBytes(DigestAlgorithm algorithm)
    {
        byte[] content = TestContent.Bytes(300_000, 1);
        var digest = ContentHasher.Compute(algorithm, content);

        var info = await _f.PutBlobAsync(Repo.Value, content, algorithm);

        Assert.Equal(digest, info.Digest);
        Assert.Equal(content.Length, info.Length);
        Assert.Equal(info, _f.Store.StatBlob(Repo, digest));
        using var reader = _f.Store.OpenBlob(Repo, digest);
        Assert.NotNull(reader);
        Assert.Equal(content.Length, reader.Length);
        Assert.Equal(content, ReadAll(reader));
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
    }

    [Fact]
    public async Task Read_AtOffsets_ReturnsTheRequestedSlicesAndZeroAtEnd()
    {
        byte[] content = TestContent.Bytes(10_000, 2);
        var digest = (await _f.PutBlobAsync(Repo.Value, content)).Digest;
        using var reader = _f.Store.OpenBlob(Repo, digest)!;

        var buffer = new byte[100];
        Assert.Equal(100, reader.Read(buffer, 5_000));
        Assert.Equal(content.AsSpan(5_000, 100).ToArray(), buffer);
        Assert.Equal(10, await reader.ReadAsync(buffer, 9_990, CancellationToken.None));
        Assert.Equal(content.AsSpan(9_990, 10).ToArray(), buffer.AsSpan(0, 10).ToArray());
        Assert.Equal(0, reader.Read(buffer, 10_000));
    }

    [Fact]
    public async Task PutBlobAsync_EmptyBlob_Stored()
    {
        var info = await _f.PutBlobAsync(Repo.Value, []);
        Assert.Equal(0, info.Length);
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", info.Digest.ToString());
        Assert.Equal(info, _f.Store.StatBlob(Repo, info.Digest));
    }

    [Fact]
    public async Task PutBlobAsync_WrongDigest_DigestMismatchAndNothingVisible()
    {
        byte[] content = TestContent.Bytes(5_000, 3);
        var claimed = TestContent.Sha256(TestContent.Bytes(5_000, 4));

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.PutBlobAsync(Repo, claimed, StoreFixture.Body(content), content.Length, CancellationToken.None));

        Assert.Equal(StoreError.DigestMismatch, error.Error);
        Assert.Null(_f.Store.StatBlob(Repo, claimed));
        Assert.Null(_f.Store.StatBlob(Repo, TestContent.Sha256(content)));
        Assert.Empty(Directory.EnumerateFiles(_f.Root, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(4_999)]
    [InlineData(5_001)]
    public async Task PutBlobAsync_DeclaredLengthDiffersFromBody_UploadInvalidAndNothingVisible(long declared)
    {
        byte[] content = TestContent.Bytes(5_000, 5);
        var digest = TestContent.Sha256(content);

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.PutBlobAsync(Repo, digest, StoreFixture.Body(content), declared, CancellationToken.None));

        Assert.Equal(StoreError.UploadInvalid, error.Error);
        Assert.Null(_f.Store.StatBlob(Repo, digest));
        Assert.False(File.Exists(_f.BlobDataPath(digest)));
    }

    [Fact]
    public async Task StatBlob_BlobStoredInAnotherRepository_NullUntilMounted()
    {
        byte[] content = TestContent.Bytes(2_000, 6);
        var digest = (await _f.PutBlobAsync(Other.Value, content)).Digest;

        Assert.Null(_f.Store.StatBlob(Repo, digest));
        Assert.Null(_f.Store.OpenBlob(Repo, digest));

        var mounted = _f.Store.MountBlob(Repo, digest, Other);

        Assert.Equal(new Storage.Blobs.BlobInfo(digest, content.Length), mounted);
        Assert.Equal(mounted, _f.Store.StatBlob(Repo, digest));
        Assert.Equal("sha256:" + digest.Hex, File.ReadAllText(Path.Combine(_f.RepositoryPath(Repo.Value), "_layers", "sha256", digest.Hex, "link")));
    }

    [Fact]
    public void MountBlob_SourceDoesNotHoldIt_NullAndNoLink()
    {
        var digest = TestContent.Sha256([1, 2, 3]);
        Assert.Null(_f.Store.MountBlob(Repo, digest, Other));
        Assert.Null(_f.Store.StatBlob(Repo, digest));
        Assert.False(Directory.Exists(_f.RepositoryPath(Repo.Value)));
    }

    [Fact]
    public async Task DeleteBlob_Linked_UnlinksFromThatRepositoryOnly()
    {
        byte[] content = TestContent.Bytes(2_000, 7);
        var digest = (await _f.PutBlobAsync(Repo.Value, content)).Digest;
        _f.Store.MountBlob(Other, digest, Repo);

        Assert.True(_f.Store.DeleteBlob(Repo, digest));

        Assert.Null(_f.Store.StatBlob(Repo, digest));
        Assert.Null(_f.Store.OpenBlob(Repo, digest));
        Assert.NotNull(_f.Store.StatBlob(Other, digest));
        Assert.False(_f.Store.DeleteBlob(Repo, digest));
    }

    [Fact]
    public async Task OpenBlob_DeletedWhileOpen_ReaderKeepsServingTheBytes()
    {
        byte[] content = TestContent.Bytes(50_000, 8);
        var digest = (await _f.PutBlobAsync(Repo.Value, content)).Digest;
        using var reader = _f.Store.OpenBlob(Repo, digest)!;

        _f.Store.DeleteBlob(Repo, digest);

        Assert.Equal(content, ReadAll(reader));
    }

    [Fact]
    public async Task PutBlobAsync_SameBlobTwice_SecondSucceedsAndBytesUnchanged()
    {
        byte[] content = TestContent.Bytes(4_000, 9);
        var first = await _f.PutBlobAsync(Repo.Value, content);
        var second = await _f.PutBlobAsync(Repo.Value, content);
        Assert.Equal(first, second);
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(first.Digest)));
    }

    internal static byte[] ReadAll(Storage.Blobs.BlobReader reader)
    {
        var result = new byte[reader.Length];
        long offset = 0;
        while (offset < result.Length)
        {
            int read = reader.Read(result.AsSpan((int)offset), offset);
            Assert.True(read > 0, $"read returned 0 at offset {offset} of {result.Length}");
            offset += read;
        }
        return result;
    }
}
