using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Upstream.Content;

namespace EdgeRegistry.Upstream.Tests.Content;

public sealed class BlobHeadsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly Digest Blob = ContentHasher.Compute(DigestAlgorithm.Sha256, "layer"u8.ToArray());

    [Fact]
    public async Task AskOnceAsync_ConcurrentChecksOfOneBlob_ShareOneHeadAndTheLengthIsRememberedForTheLifetime()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var heads = new BlobHeads(time);
        var release = new TaskCompletionSource<long?>(TaskCreationOptions.RunContinuationsAsynchronously);
        int asked = 0;
        Task<long?> Head()
        {
            Interlocked.Increment(ref asked);
            return release.Task;
        }

        var checks = Enumerable.Range(0, 3).Select(_ => heads.AskOnceAsync(Blob, Head, CancellationToken.None)).ToList();
        Assert.Null(heads.Known(Blob));
        release.SetResult(1234);
        var lengths = await Task.WhenAll(checks).WaitAsync(Bound);

        Assert.All(lengths, l => Assert.Equal(1234, l));
        Assert.Equal(1, asked);
        Assert.Equal(1234, heads.Known(Blob));
        time.Advance(BlobHeads.Lifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(1234, heads.Known(Blob));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(heads.Known(Blob));
    }

    [Fact]
    public async Task AskOnceAsync_UpstreamLacksTheBlob_NotRememberedSoTheNextCheckAsksAgain()
    {
        var heads = new BlobHeads(new ManualTime(DateTimeOffset.UnixEpoch));
        int asked = 0;
        Task<long?> Absent()
        {
            Interlocked.Increment(ref asked);
            return Task.FromResult<long?>(null);
        }

        Assert.Null(await heads.AskOnceAsync(Blob, Absent, CancellationToken.None).WaitAsync(Bound));
        Assert.Null(heads.Known(Blob));
        Assert.Null(await heads.AskOnceAsync(Blob, Absent, CancellationToken.None).WaitAsync(Bound));
        Assert.Equal(2, asked);
    }
}
