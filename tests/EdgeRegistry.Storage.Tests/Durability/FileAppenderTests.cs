using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Tests.Support;

namespace EdgeRegistry.Storage.Tests.Durability;

/// <summary>
/// The production appenders on real files: O_DIRECT on the test machine's disk, the page-cache fallback where
/// a file system refuses direct I/O (at fcntl or only at the first write), aligned and unaligned starts.
/// </summary>
public sealed class FileAppenderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string NewFile(byte[] existing)
    {
        string path = _dir.Combine(Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, existing);
        return path;
    }

    /// <summary>Appends <paramref name="content"/> the way the upload path does: fill Buffer, hand it over, repeat.</summary>
    private static async Task AppendAllAsync(IFileAppender appender, byte[] content)
    {
        int done = 0;
        while (done < content.Length)
        {
            var buffer = appender.Buffer;
            int take = Math.Min(buffer.Length, content.Length - done);
            content.AsSpan(done, take).CopyTo(buffer.Span);
            await appender.WriteAsync(take, CancellationToken.None);
            done += take;
        }
        await appender.CompleteWritesAsync();
    }

    [Theory]
    [InlineData(0, 3 * 1024 * 1024)]
    [InlineData(0, 5 * 1024 * 1024 + 4095)]
    [InlineData(1000, 4 * 1024 * 1024 + 1)]
    [InlineData(4096, 1)]
    [InlineData(4095, 1)]
    [InlineData(7, 4096)]
    public async Task DirectAppender_AlignedAndUnalignedStarts_FileHoldsOldBytesThenNewBytesAndHashCoversThem(int existingLength, int appendLength)
    {
        byte[] existing = TestContent.Bytes(existingLength, 1);
        byte[] content = TestContent.Bytes(appendLength, 2);
        string path = NewFile(existing);
        using var hasher = new ContentHasher(DigestAlgorithm.Sha256);

        await using (var appender = DirectFileAppender.TryOpen(path))
        {
            Assert.NotNull(appender); // the test machine's disk (ext4) takes O_DIRECT
            Assert.Equal(existingLength, appender.Length);
            appender.Hasher = hasher;
            await AppendAllAsync(appender, content);
            Assert.Equal(existingLength + appendLength, appender.Length);
            Assert.True(appender.IsDirect);
        }

        Assert.Equal(TestContent.Sha256(content), hasher.Current());
        Assert.Equal([.. existing, .. content], File.ReadAllBytes(path));
    }

    [Fact]
    public async Task DirectAppender_UnalignedStart_FirstBufferOnlyReachesTheNextBlock()
    {
        string path = NewFile(TestContent.Bytes(1000, 3));
        await using var appender = DirectFileAppender.TryOpen(path)!;

        Assert.Equal(4096 - 1000, appender.Buffer.Length);
        appender.Buffer.Span.Fill(7);
        await appender.WriteAsync(4096 - 1000, CancellationToken.None);
        Assert.Equal(DirectFileAppender.ChunkBytes, appender.Buffer.Length);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1024L * 1024)]
    public async Task DirectAppender_FileSystemAcceptsTheFlagButRefusesTheWrite_FallsBackWithoutLosingABbyte(long refusedAt)
    {
        byte[] existing = TestContent.Bytes(4096, 4);
        byte[] content = TestContent.Bytes(4 * 1024 * 1024 + 123, 5);
        string path = NewFile(existing);
        int refusals = 0;

        await using (var appender = DirectFileAppender.TryOpen(path, offset =>
        {
            if (offset < existing.Length + refusedAt) return 0;
            refusals++;
            return 22; // EINVAL, what such a file system answers
        }))
        {
            Assert.NotNull(appender);
            await AppendAllAsync(appender, content);
            Assert.False(appender.IsDirect);
        }

        Assert.Equal(1, refusals); // refused once, then never asked again
        Assert.Equal([.. existing, .. content], File.ReadAllBytes(path));
    }

    [Fact]
    public async Task DirectAppender_RealWriteFailure_ReportedAndNotTakenForARefusal()
    {
        string path = NewFile([]);
        await using var appender = DirectFileAppender.TryOpen(path, _ => 5 /* EIO */)!;
        var buffer = appender.Buffer;
        buffer.Span.Fill(1);

        var error = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await appender.WriteAsync(buffer.Length, CancellationToken.None);
            await appender.CompleteWritesAsync();
        });

        Assert.Equal(5, error.HResult);
        Assert.True(appender.IsDirect);
    }

    [Fact]
    public async Task DirectAppender_Truncate_WaitsForWritesInFlightAndCutsBack()
    {
        byte[] existing = TestContent.Bytes(5000, 6);
        string path = NewFile(existing);
        await using (var appender = DirectFileAppender.TryOpen(path)!)
        {
            await AppendAllAsync(appender, TestContent.Bytes(3 * 1024 * 1024, 7));
            await appender.TruncateAsync(existing.Length);
            Assert.Equal(existing.Length, appender.Length);
        }

        Assert.Equal(existing, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task DirectAppender_OnRamfsWhichRefusesODirect_LearnsItAtTheFirstBlockAndAppendsThroughThePageCache()
    {
        using var mount = ScratchMount.Mount("ramfs");
        string path = Path.Combine(mount.Path, "data");
        byte[] existing = TestContent.Bytes(1000, 8);
        byte[] content = TestContent.Bytes(2 * 1024 * 1024 + 5, 9);
        File.WriteAllBytes(path, existing);
        using var hasher = new ContentHasher(DigestAlgorithm.Sha512);

        await using (var appender = DirectFileAppender.TryOpen(path))
        {
            // Opening no longer asks the file system (no fcntl at open): the refusal comes at the first whole block.
            Assert.NotNull(appender);
            appender.Hasher = hasher;
            await AppendAllAsync(appender, content);
            Assert.False(appender.IsDirect);
        }

        Assert.Equal(TestContent.Sha512(content), hasher.Current());
        Assert.Equal([.. existing, .. content], File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 4095)]
    [InlineData(100, 3000)]
    public async Task DirectAppender_SmallerThanABlock_NeverSetsODirectAndStaysDirectCapable(int existingLength, int appendLength)
    {
        // On ramfs a single attempt to set O_DIRECT would turn IsDirect false: true afterwards means the small
        // append never asked (one pwrite through the page cache, no fcntl).
        using var mount = ScratchMount.Mount("ramfs");
        string path = Path.Combine(mount.Path, "data");
        byte[] existing = TestContent.Bytes(existingLength, 10);
        byte[] content = TestContent.Bytes(appendLength, 11);
        File.WriteAllBytes(path, existing);

        await using (var appender = DirectFileAppender.TryOpen(path)!)
        {
            Assert.Equal(existingLength, appender.Length);
            await AppendAllAsync(appender, content);
            Assert.True(appender.IsDirect);
        }

        Assert.Equal([.. existing, .. content], File.ReadAllBytes(path));
    }
}
