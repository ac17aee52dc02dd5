using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Replication.Api;
using EdgeRegistry.Replication.ReadThrough;
using EdgeRegistry.Replication.Transfer;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Replication.Tests.Transfer;

/// <summary>
/// Blob transfers from peers with the real fetcher, read-through, store and HTTP on loopback: peers that go down
/// mid-transfer or lie never leave corrupt bytes visible or reach a client as a complete body; one transfer serves
/// every concurrent asker; a store copy the disk could not keep up with is completed later.
/// </summary>
public sealed class TransferTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static byte[] Content(int mib, int seed)
    {
        var bytes = new byte[mib << 20];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact(Timeout = 60_000)]
    public async Task Fetch_PeerGoesDownMidTransfer_NextPeerResumesWithARangeAndTheBytesAreRight()
    {
        await using var node = await TransferNode.StartAsync(peerCount: 2);
        byte[] content = Content(8, 1);
        var digest = node.HoldOnPeers(content);
        node.Peers[0].Script = PeerScript.CutMidway;
        node.Peers[0].CutAfterBytes = 3 << 20;

        bool stored = await node.Fetcher.FetchAsync(digest, TransferNode.Repository, throttled: true, CancellationToken.None);

        Assert.True(stored);
        Assert.Equal(content, node.StoredBytes(digest));
        Assert.Equal([0L], node.Peers[0].Gets);
        long resumedFrom = Assert.Single(node.Peers[1].Gets);
        Assert.InRange(resumedFrom, 1, 3 << 20); // continued where the first peer stopped, not from the start
        Assert.False(node.StateOf(node.Peers[0]).Reachable);
        Assert.Empty(Directory.EnumerateFileSystemEntries(node.TempArea));
    }

    [Fact(Timeout = 60_000)]
    public async Task Fetch_OnlyPeerGoesDownMidTransfer_NothingVisibleAndNoTempLeft()
    {
        await using var node = await TransferNode.StartAsync(peerCount: 1);
        byte[] content = Content(4, 2);
        var digest = node.HoldOnPeers(content);
        node.Peers[0].Script = PeerScript.CutMidway;

        bool stored = await node.Fetcher.FetchAsync(digest, TransferNode.Repository, throttled: true, CancellationToken.None);

        Assert.False(stored);
        Assert.Null(node.Store.BlobLength(digest));
        Assert.Empty(Directory.EnumerateFileSystemEntries(node.TempArea));
    }

    [Fact(Timeout = 60_000)]
    public async Task Fetch_LyingPeer_NothingCorruptStoredAndTheHonestPeerSupplies()
    {
        await using var node = await TransferNode.StartAsync(peerCount: 2);
        byte[] content = Content(3, 3);
        var digest = node.HoldOnPeers(content);
        node.Peers[0].Script = PeerScript.Lying;

        bool stored = await node.Fetcher.FetchAsync(digest, TransferNode.Repository, throttled: true, CancellationToken.None);

        Assert.True(stored);
        Assert.Equal(content, node.StoredBytes(digest));
        Assert.Equal([0L], node.Peers[1].Gets); // the lie cost a whole new transfer: no resume on top of wrong bytes
        Assert.Contains("wrong bytes", node.StateOf(node.Peers[0]).LastError);
    }

    [Fact(Timeout = 60_000)]
    public async Task ReadThrough_OnlyPeerLies_ClientGetsAnErrorNotCorruptBytesAndNothingStored()
    {
        await using var node = await TransferNode.StartAsync(peerCount: 1);
        byte[] content = Content(3, 4);
        var digest = node.HoldOnPeers(content);
        node.Peers[0].Script = PeerScript.Lying;

        var error = await Record.ExceptionAsync(() => node.Client.GetByteArrayAsync(node.BlobUrl(digest)));

        Assert.True(error is HttpRequestException or IOException, $"the client must see a failure, got {error?.GetType().Name ?? "a complete body"}");
        // A fetch of the same digest joins the client's flight if it is still trying the (only, lying) peer, or tries
        // it once more: either way it ends unstored, and only then is "nothing stored" a finding (a sleep was not).
        Assert.False(await node.Fetcher.FetchAsync(digest, TransferNode.Repository, throttled: true, CancellationToken.None).WaitAsync(Bound));
        Assert.Null(node.Store.BlobLength(digest));
        Assert.Empty(Directory.EnumerateFileSystemEntries(node.TempArea));
    }

    [Fact(Timeout = 60_000)]
    public async Task ReadThrough_PeerGoesDownMidStream_ClientGetsAnErrorAndTheStoreCompletesFromTheOtherPeer()
    {
        await using var node = await TransferNode.StartAsync(peerCount: 2);
        byte[] content = Content(8, 5);
        var digest = node.HoldOnPeers(content);
        node.Peers[0].Script = PeerScript.CutMidway;

        var error = await Record.ExceptionAsync(() => node.Client.GetByteArrayAsync(node.BlobUrl(digest)));

        Assert.True(error is HttpRequestException or IOException, $"the client must see a failure, got {error?.GetType().Name ?? "a complete body"}");
        Assert.True(await node.EventuallyStoredAsync(digest, Bound));
        Assert.Equal(content, node.StoredBytes(digest));
        Assert.Equal(content, await node.Client.GetByteArrayAsync(node.BlobUrl(digest)));
    }

    [Fact(Timeout = 60_000)]
    public async Task SingleFlight_TwoClientsAndBackgroundConvergence_OnePeerTransfer()
    {
        await using var node = await TransferNode.StartAsync(peerCount: 1);
        byte[] content = Content(8, 6);
        var digest = node.HoldOnPeers(content);
        node.Peers[0].DelayPerMiB = TimeSpan.FromMilliseconds(100); // the transfers overlap for ~0.8 s

        var first = node.Client.GetByteArrayAsync(node.BlobUrl(digest));
        await WaitForAsync(() => node.Peers[0].Gets.Count == 1);
        var second = node.Client.GetByteArrayAsync(node.BlobUrl(digest));
        var background = node.Fetcher.FetchAsync(digest, TransferNode.Repository, throttled: true, CancellationToken.None);

        Assert.Equal(content, await first);
        Assert.Equal(content, await second);
        Assert.True(await background);
        Assert.Single(node.Peers[0].Gets);
        Assert.Equal(content, node.StoredBytes(digest));
    }

    [Fact(Timeout = 60_000)]
    public async Task ClientClaim_ClientArrivesWhileBackgroundCopies_TakesItOverAndBothEndWithTheBlob()
    {
        await using var node = await TransferNode.StartAsync(peerCount: 1);
        byte[] content = Content(8, 7);
        var digest = node.HoldOnPeers(content);
        node.Peers[0].HoldAt = 3 << 20; // the background copy stops 3 MiB in until the client takes it over

        var background = node.Fetcher.FetchAsync(digest, TransferNode.Repository, throttled: true, CancellationToken.None);
        Assert.True(await node.EventuallyWrittenAsync(3 << 20, Bound), "the background copy never wrote its 3 MiB");
        var pulled = await node.Client.GetByteArrayAsync(node.BlobUrl(digest));

        Assert.Equal(content, pulled);
        Assert.True(await background.WaitAsync(Bound)); // the background's waiters see the client-driven flight's result
        Assert.Equal(2, node.Peers[0].Gets.Count); // the background copy stopped; the client's stream is the one transfer left
        Assert.Equal(3L << 20, node.Peers[0].Gets[1]); // and it continued the copy: the prefix came from the disk
        Assert.Null(node.StateOf(node.Peers[0]).LastError); // stopping the background read is not the peer's failure
        Assert.Equal(content, node.StoredBytes(digest));
        Assert.Empty(Directory.EnumerateFileSystemEntries(node.TempArea));
    }

    [Fact(Timeout = 60_000)]
    public async Task ClientClaim_PeerLiesAboutTheRest_ClientGetsAnErrorAndNothingCorruptIsStored()
    {
        await using var node = await TransferNode.StartAsync(peerCount: 1);
        byte[] content = Content(16, 10);
        var digest = node.HoldOnPeers(content);
        // The background copy stops 3 MiB in until the client takes it over. A time-paced copy (a delay per MiB, then
        // the claim "a few MiB" later) raced on a loaded machine: it could have nothing on disk yet, or be past the
        // lie at 8 MiB so the client got a whole honest body.
        node.Peers[0].HoldAt = 3 << 20;

        var background = node.Fetcher.FetchAsync(digest, TransferNode.Repository, throttled: true, CancellationToken.None);
        Assert.True(await node.EventuallyWrittenAsync(3 << 20, Bound), "the background copy never wrote its 3 MiB of honest prefix");
        node.Peers[0].Script = PeerScript.Lying; // the rest, asked for with a Range, has a byte flipped at 8 MiB
        var error = await Record.ExceptionAsync(() => node.Client.GetByteArrayAsync(node.BlobUrl(digest)));

        Assert.True(error is HttpRequestException or IOException, $"the client must see a failure, got {error?.GetType().Name ?? "a complete body"}");
        Assert.Equal(3L << 20, node.Peers[0].Gets[1]); // the claim continued the honest prefix on disk, before the lie
        Assert.False(await background.WaitAsync(Bound)); // the only peer lies: no copy is stored
        Assert.Null(node.Store.BlobLength(digest));
        Assert.Contains("wrong bytes", node.StateOf(node.Peers[0]).LastError);
        Assert.Empty(Directory.EnumerateFileSystemEntries(node.TempArea));
    }

    [Fact(Timeout = 60_000)]
    public async Task StoreCopy_DiskFallsBehind_CopyDroppedClientServedAndBlobFetchedAgainLater()
    {
        // Any queued chunk puts the disk "too far behind", and the client never waits for it.
        await using var node = await TransferNode.StartAsync(peerCount: 1, new ReadThroughOptions { StoreLagCapBytes = 1, StoreWaitShare = 0 });
        byte[] content = Content(6, 8);
        var digest = node.HoldOnPeers(content);

        var pulled = await node.Client.GetByteArrayAsync(node.BlobUrl(digest));

        Assert.Equal(content, pulled);
        Assert.True(await node.EventuallyStoredAsync(digest, Bound));
        Assert.Equal(content, node.StoredBytes(digest));
        Assert.Equal(2, node.Peers[0].Gets.Count); // the client's stream, then the store's own copy
        Assert.Empty(Directory.EnumerateFileSystemEntries(node.TempArea));
    }

    [Fact(Timeout = 60_000)]
    public async Task StoreCopy_DiskAChunkBehind_ClientWaitsForItAndTheOneTransferIsStored()
    {
        // The client waits for the disk at every chunk.
        await using var node = await TransferNode.StartAsync(peerCount: 1, new ReadThroughOptions { StoreLagCapBytes = ReadAheadReader.ChunkBytes });
        byte[] content = Content(8, 9);
        var digest = node.HoldOnPeers(content);

        var pulled = await node.Client.GetByteArrayAsync(node.BlobUrl(digest));

        Assert.Equal(content, pulled);
        Assert.True(await node.EventuallyStoredAsync(digest, Bound));
        Assert.Equal(content, node.StoredBytes(digest));
        Assert.Single(node.Peers[0].Gets); // the copy kept up: no second transfer to complete it
        Assert.Empty(Directory.EnumerateFileSystemEntries(node.TempArea));
    }

    [Theory]
    [InlineData("bytes=100-", 1000, 100)]
    [InlineData("bytes=0-", 1000, 0)]
    [InlineData("bytes=1000-", 1000, 0)]
    [InlineData("bytes=5-10", 1000, 0)]
    [InlineData("bytes=-5", 1000, 0)]
    [InlineData("", 1000, 0)]
    public void ResumeOffset_OnlyAnOpenRangeInsideTheBlobResumes(string range, long length, long expected) =>
        Assert.Equal(expected, PeerEndpoints.ResumeOffset(range, length));

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached");
            await Task.Delay(10);
        }
    }
}
