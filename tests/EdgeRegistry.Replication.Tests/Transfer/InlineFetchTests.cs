using Microsoft.Extensions.Logging;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Storage.Versions;

namespace EdgeRegistry.Replication.Tests.Transfer;

/// <summary>
/// Small blobs fetched from a real (scripted, loopback) peer take the inline path: read whole, verified in memory,
/// data and link made durable in one round of the temp directory's fsync — where a streamed import takes two. A lie is
/// still caught before anything is stored, and a tombstone still keeps the link away.
/// </summary>
public sealed class InlineFetchTests
{
    private static byte[] Content(int bytes, int seed)
    {
        var content = new byte[bytes];
        new Random(seed).NextBytes(content);
        return content;
    }

    [Fact(Timeout = 60_000)]
    public async Task Fetch_OnlyPeerLiesAboutASmallBlob_NothingStoredPeerMarkedNoTempLeft()
    {
        await using var node = await TransferNode.StartAsync(peerCount: 1);
        byte[] content = Content(10_000, 1);
        var digest = node.HoldOnPeers(content);
        node.Peers[0].Script = PeerScript.Lying;

        bool stored = await node.Fetcher.FetchAsync(digest, TransferNode.Repository, throttled: true, CancellationToken.None);

        Assert.False(stored);
        Assert.Null(node.Store.BlobLength(digest));
        Assert.Contains("wrong bytes", node.StateOf(node.Peers[0]).LastError);
        Assert.Empty(Directory.EnumerateFileSystemEntries(node.TempArea));
        // One journal line for the lie (the error operators alert on), not a second "copy failed" warning as well.
        var lie = Assert.Single(node.FetcherLog.Entries, e => e.Message.Contains(digest.ToString(), StringComparison.Ordinal) && e.Level >= LogLevel.Warning);
        Assert.Equal((LogLevel.Error, 3102), (lie.Level, lie.EventId));
    }

    [Fact(Timeout = 60_000)]
    public async Task Fetch_SmallBlobOneLyingPeer_TheHonestPeerSuppliesIt()
    {
        await using var node = await TransferNode.StartAsync(peerCount: 2);
        byte[] content = Content(BlobFetcher.InlineBytes, 2);
        var digest = node.HoldOnPeers(content);
        node.Peers[0].Script = PeerScript.Lying;

        bool stored = await node.Fetcher.FetchAsync(digest, TransferNode.Repository, throttled: true, CancellationToken.None);

        Assert.True(stored);
        Assert.Equal(content, node.StoredBytes(digest));
        Assert.Equal([0L], node.Peers[1].Gets);
        Assert.Contains("wrong bytes", node.StateOf(node.Peers[0]).LastError);
    }

    [Fact(Timeout = 60_000)]
    public async Task Fetch_SmallBlobTombstonedInTheRepository_DataStoredLinkNotResurrected()
    {
        await using var node = await TransferNode.StartAsync(peerCount: 1);
        byte[] content = Content(2000, 3);
        var digest = node.HoldOnPeers(content);
        node.Store.Versions.WriteBlob(TransferNode.Repository, digest, new VersionRecord(9, "127.0.0.2:0", Deleted: true));

        await node.Fetcher.FetchAsync(digest, TransferNode.Repository, throttled: true, CancellationToken.None);

        Assert.Null(node.Store.StatBlob(TransferNode.Repository, digest));
        Assert.False(File.Exists(node.Store.Paths.LayerLink(TransferNode.Repository, digest)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Fetch_SmallBlobFromARealPeer_StoredInlineInOneDurableRound()
    {
        await using var node = await TransferNode.StartAsync(peerCount: 1);
        byte[] content = Content(20_000, 4);
        var digest = node.HoldOnPeers(content);
        long rounds = node.Store.TempDirectorySyncs;

        bool stored = await node.Fetcher.FetchAsync(digest, TransferNode.Repository, throttled: true, CancellationToken.None);

        Assert.True(stored);
        Assert.Equal(1, node.Store.TempDirectorySyncs - rounds); // the streamed import's data-then-link takes two
        Assert.Equal(content, node.StoredBytes(digest));
        Assert.Equal(content.Length, node.Store.StatBlob(TransferNode.Repository, digest)?.Length);
        Assert.Equal([0L], node.Peers[0].Gets);
        Assert.Empty(Directory.EnumerateFileSystemEntries(node.TempArea));
    }

    [Fact(Timeout = 60_000)]
    public async Task Fetch_BlobJustOverTheInlineBound_StreamedThroughAnImport()
    {
        await using var node = await TransferNode.StartAsync(peerCount: 1);
        byte[] content = Content(BlobFetcher.InlineBytes + 1, 5);
        var digest = node.HoldOnPeers(content);
        long rounds = node.Store.TempDirectorySyncs;

        bool stored = await node.Fetcher.FetchAsync(digest, TransferNode.Repository, throttled: true, CancellationToken.None);

        Assert.True(stored);
        Assert.Equal(2, node.Store.TempDirectorySyncs - rounds);
        Assert.Equal(content, node.StoredBytes(digest));
    }
}
