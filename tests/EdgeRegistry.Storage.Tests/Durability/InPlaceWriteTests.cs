using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Tests.Support;

namespace EdgeRegistry.Storage.Tests.Durability;

/// <summary>
/// <see cref="IFileAppender.WriteInPlaceAsync"/> on real files: aligned pool buffers go to the disk from where they
/// are, anything else is copied; either way the file and the hash hold exactly the bytes, in order, and each
/// buffer's release runs once, only after nothing reads it any more.
/// </summary>
public sealed class InPlaceWriteTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string NewFile(int existingLength)
    {
        string path = _dir.Combine(Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, TestContent.Bytes(existingLength, 1));
        return path;
    }

    /// <summary>Hands <paramref name="content"/> over in pool buffers of <paramref name="piece"/> bytes, starting <paramref name="skew"/> bytes into each.</summary>
    private static async Task<int[]> WriteInPiecesAsync(IFileAppender appender, byte[] content, int piece, int skew)
    {
        var releases = new int[(content.Length + piece - 1) / piece];
        for (int i = 0, at = 0; at < content.Length; i++, at += piece)
        {
            int count = Math.Min(piece, content.Length - at);
            var buffer = AlignedBufferPool.Shared.Rent();
            content.AsSpan(at, count).CopyTo(buffer.Span[skew..]);
            int index = i;
            await appender.WriteInPlaceAsync(buffer.Slice(skew, count), () =>
            {
                Interlocked.Increment(ref releases[index]);
                buffer.Span.Fill(0xEE); // a reused buffer: must not reach the file or the hash
                AlignedBufferPool.Shared.Return(buffer);
            }, CancellationToken.None);
        }
        await appender.CompleteWritesAsync();
        return releases;
    }

    [Theory]
    [InlineData(0, 1 << 20, 0, 5 * (1 << 20) + 100)]   // aligned: in place, the tail through the page cache
    [InlineData(0, (1 << 20) - 8, 8, 3 * (1 << 20))]   // buffers off a page: copied
    [InlineData(1000, 1 << 20, 0, 2 * (1 << 20) + 7)]  // file off a block: copied until aligned
    [InlineData(0, 300_000, 0, 2 * (1 << 20))]         // pieces that leave the file off a block
    public async Task DirectAppender_WriteInPlace_FileAndHashHoldTheBytesAndEachReleaseRunsOnce(int existing, int piece, int skew, int length)
    {
        byte[] content = TestContent.Bytes(length, 9);
        string path = NewFile(existing);
        using var hasher = new ContentHasher(DigestAlgorithm.Sha256);
        int[] releases;
        await using (var appender = DirectFileAppender.TryOpen(path))
        {
            Assert.NotNull(appender);
            appender.Hasher = hasher;
            releases = await WriteInPiecesAsync(appender, content, piece, skew);
            Assert.True(appender.IsDirect);
        }

        Assert.All(releases, count => Assert.Equal(1, count));
        Assert.Equal(TestContent.Sha256(content), hasher.Current());
        byte[] file = File.ReadAllBytes(path);
        Assert.Equal(existing + length, file.Length);
        Assert.True(file.AsSpan(existing).SequenceEqual(content));
    }

    [Fact]
    public async Task StreamAppender_WriteInPlace_CopiesAndReleasesOnce()
    {
        byte[] content = TestContent.Bytes(3 * (1 << 20) + 5, 4);
        string path = NewFile(0);
        using var hasher = new ContentHasher(DigestAlgorithm.Sha256);
        int[] releases;
        await using (var appender = StreamFileAppender.Open(path))
        {
            appender.Hasher = hasher;
            releases = await WriteInPiecesAsync(appender, content, 1 << 20, 0);
        }

        Assert.All(releases, count => Assert.Equal(1, count));
        Assert.Equal(TestContent.Sha256(content), hasher.Current());
        Assert.Equal(content, File.ReadAllBytes(path));
    }

    [Fact]
    public void AlignedBufferPool_Rent_PageAlignedAndFullSize()
    {
        for (int i = 0; i < 4; i++)
        {
            var buffer = AlignedBufferPool.Shared.Rent();
            using var pin = buffer.Pin();
            unsafe
            {
                Assert.Equal(0, (nint)pin.Pointer % AlignedChunk.Alignment);
            }
            Assert.Equal(AlignedBufferPool.BufferBytes, buffer.Length);
            AlignedBufferPool.Shared.Return(buffer);
        }
    }
}
