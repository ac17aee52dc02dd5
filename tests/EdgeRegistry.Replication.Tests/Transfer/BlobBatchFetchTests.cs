using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Replication.Tests.Transfer;

/// <summary>
/// Small blobs a node lacks are asked of a real (scripted, loopback) peer in one batch request; each is still verified
/// on its own, what arrived is stored in one durable round, a lie or a broken answer costs only what it touched, and a
/// peer that predates batches is served one request per blob.
/// </summary>
public sealed class BlobBatchFetchTests
{
    private static List<byte[]> Contents(int count, int bytes, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var content = new byte[bytes];
            random.NextBytes(content);
            return content;
        }).ToList();
    }

    private static async Task<(TransferNode Node, List<byte[]> Contents, List<(Digest Digest, Storage.Naming.RepositoryName Repository)> Blobs)>
        StartAsync(int peers, int count, int bytes = 4000, int seed = 1)
    {
        var node = await TransferNode.StartAsync(peerCount: peers);
        var contents = Contents(count, bytes, seed);
        var blobs = contents.Select(c => (node.HoldOnPeers(c), TransferNode.Repository)).ToList();
        node.AnnounceOnPeers(contents);
        return (node, contents, blobs);
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchBatch_SmallBlobsOnePeer_OneRequestEachStoredIntact()
    {
        var (node, contents, blobs) = await StartAsync(peers: 1, count: 10);
        await using var _ = node;

        bool[] stored = await node.Fetcher.FetchBatchAsync(blobs, CancellationToken.None);

        Assert.All(stored, Assert.True);
        for (int i = 0; i < blobs.Count; i++) Assert.Equal(contents[i], node.StoredBytes(blobs[i].Digest));
        Assert.Equal(blobs.Select(b => b.Digest.ToString()), Assert.Single(node.Peers[0].BatchRequests));
        Assert.Empty(node.Peers[0].Gets); // no blob was asked for alone
        Assert.Empty(Directory.EnumerateFileSystemEntries(node.TempArea));
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchBatch_FullBatch_StoredInOneDurableRoundEachBlobAnnounced()
    {
        var (node, _, blobs) = await StartAsync(peers: 1, count: BlobFetcher.BatchBlobs);
        await using var _ = node;
        var announced = new List<Digest>();
        node.Store.Changed += change =>
        {
            if (change.Kind != Storage.StoreChangeKind.BlobCommitted) return;
            lock (announced) announced.Add(change.Digest!.Value);
        };
        long rounds = node.Store.TempDirectorySyncs;

        bool[] stored = await node.Fetcher.FetchBatchAsync(blobs, CancellationToken.None);

        Assert.All(stored, Assert.True);
        // One fsync of the temp directory for the batch's 32 renames, where a round per blob took 16.
        Assert.Equal(1, node.Store.TempDirectorySyncs - rounds);
        lock (announced) Assert.Equal(blobs.Select(b => b.Digest.ToString()).Order(), announced.Select(d => d.ToString()).Order());
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchBatch_PeerLiesAboutOneBlob_OthersStoredLieFetchedFromTheHonestPeer()
    {
        var (node, contents, blobs) = await StartAsync(peers: 2, count: 4);
        await using var _ = node;
        node.Peers[0].Script = PeerScript.Lying; // the second blob of each of its batches
        node.Peers[1].Batches = BatchScript.Unknown; // so every batch goes to the liar

        bool[] stored = await node.Fetcher.FetchBatchAsync(blobs, CancellationToken.None);

        Assert.All(stored, Assert.True);
        for (int i = 0; i < blobs.Count; i++) Assert.Equal(contents[i], node.StoredBytes(blobs[i].Digest));
        Assert.Contains("wrong bytes", node.StateOf(node.Peers[0]).LastError);
        Assert.Equal([0L], node.Peers[1].Gets); // the one lied about, from the honest peer
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchBatch_PeerPredatesBatches_EachBlobAskedAloneAndTheRefusalRemembered()
    {
        var (node, contents, blobs) = await StartAsync(peers: 1, count: 6);
        await using var _ = node;
        node.Peers[0].Batches = BatchScript.Unknown;

        bool[] first = await node.Fetcher.FetchBatchAsync(blobs[..3], CancellationToken.None);
        bool[] second = await node.Fetcher.FetchBatchAsync(blobs[3..], CancellationToken.None);

        Assert.All(first.Concat(second), Assert.True);
        for (int i = 0; i < blobs.Count; i++) Assert.Equal(contents[i], node.StoredBytes(blobs[i].Digest));
        Assert.Equal(6, node.Peers[0].Gets.Count);
        Assert.False(node.StateOf(node.Peers[0]).TakesBatches);
        Assert.True(node.StateOf(node.Peers[0]).Reachable); // an older version is not a failed peer
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchBatch_AnswerCutInTheSecondBlob_FirstKeptRestFetchedAloneNothingHalfStored()
    {
        var (node, contents, blobs) = await StartAsync(peers: 1, count: 5);
        await using var _ = node;
        node.Peers[0].Batches = BatchScript.CutAfterFirst;

        bool[] stored = await node.Fetcher.FetchBatchAsync(blobs, CancellationToken.None);

        // The cut blames the peer (back-off), so the blobs left may wait for it to expire; each is fetched alone then.
        Assert.True(stored[0]);
        Assert.Equal(contents[0], node.StoredBytes(blobs[0].Digest));
        for (int i = 1; i < blobs.Count; i++)
        {
            if (stored[i]) Assert.Equal(contents[i], node.StoredBytes(blobs[i].Digest));
            else Assert.Null(node.Store.BlobLength(blobs[i].Digest));
        }
        Assert.Single(node.Peers[0].BatchRequests);
        Assert.Empty(Directory.EnumerateFileSystemEntries(node.TempArea));
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchBatch_AnswersOutOfOrder_PeerBlamedBlobsFetchedFromTheOtherPeer()
    {
        var (node, contents, blobs) = await StartAsync(peers: 2, count: 4);
        await using var _ = node;
        node.Peers[0].Batches = BatchScript.OutOfOrder;
        node.Peers[1].Batches = BatchScript.Unknown;

        bool[] stored = await node.Fetcher.FetchBatchAsync(blobs, CancellationToken.None);

        Assert.All(stored, Assert.True);
        for (int i = 0; i < blobs.Count; i++) Assert.Equal(contents[i], node.StoredBytes(blobs[i].Digest));
        Assert.Contains("out of order", node.StateOf(node.Peers[0]).LastError);
        Assert.Equal(4, node.Peers[1].Gets.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchBatch_BlobNotOnThePeerAfterAll_OthersStoredItAskedAlone()
    {
        var (node, contents, blobs) = await StartAsync(peers: 1, count: 3);
        await using var _ = node;
        var absent = Contents(1, 3000, 99)[0];
        var absentDigest = ContentHasher.Compute(DigestAlgorithm.Sha256, absent);
        node.AnnounceOnPeers([absent]); // the feed says so, the store does not
        var asked = blobs.Append((absentDigest, TransferNode.Repository)).ToList();

        bool[] stored = await node.Fetcher.FetchBatchAsync(asked, CancellationToken.None);

        Assert.Equal([true, true, true, false], stored);
        Assert.Null(node.Store.BlobLength(absentDigest));
        Assert.Equal(4, Assert.Single(node.Peers[0].BatchRequests).Length);
        Assert.True(node.StateOf(node.Peers[0]).Reachable); // "missing" is an answer, not a failure
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchBatch_BlobAlreadyStored_LinkedWithoutAskingForIt()
    {
        var (node, contents, blobs) = await StartAsync(peers: 1, count: 3);
        await using var _ = node;
        node.Store.ImportBlob(blobs[0].Digest, contents[0], Storage.Naming.RepositoryName.Parse("apps/elsewhere"));

        bool[] stored = await node.Fetcher.FetchBatchAsync(blobs, CancellationToken.None);

        Assert.All(stored, Assert.True);
        Assert.NotNull(node.Store.StatBlob(TransferNode.Repository, blobs[0].Digest));
        Assert.Equal(blobs[1..].Select(b => b.Digest.ToString()), Assert.Single(node.Peers[0].BatchRequests));
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchBatch_BlobOverTheInlineBound_StreamedAloneOthersBatched()
    {
        var (node, contents, blobs) = await StartAsync(peers: 1, count: 3);
        await using var _ = node;
        var large = Contents(1, BlobFetcher.InlineBytes + 1, 7)[0];
        var largeDigest = node.HoldOnPeers(large);
        node.AnnounceOnPeers([large]);

        bool[] stored = await node.Fetcher.FetchBatchAsync([.. blobs, (largeDigest, TransferNode.Repository)], CancellationToken.None);

        Assert.All(stored, Assert.True);
        Assert.Equal(large, node.StoredBytes(largeDigest));
        Assert.Equal(3, Assert.Single(node.Peers[0].BatchRequests).Length);
        Assert.Equal([0L], node.Peers[0].Gets);
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchQueue_ManySmallBlobsWaiting_WorkersTakeThemInBatchesEveryOneStored()
    {
        var (node, contents, blobs) = await StartAsync(peers: 1, count: 40, bytes: 2000);
        await using var _ = node;
        var queue = new FetchQueue(node.Fetcher, node.Clients, workers: 1, smallWorkers: 2);
        foreach (var (digest, repository) in blobs) queue.Enqueue(digest, repository, 2000);
        using var stop = new CancellationTokenSource();

        var running = queue.RunAsync(stop.Token);
        await queue.WaitForPendingAtMostAsync(0, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await running;

        for (int i = 0; i < blobs.Count; i++) Assert.Equal(contents[i], node.StoredBytes(blobs[i].Digest));
        Assert.Equal(40, queue.Fetched);
        Assert.Equal(0, queue.Failed);
        var batches = node.Peers[0].BatchRequests;
        Assert.InRange(batches.Count, 40 / BlobFetcher.BatchBlobs, 40 / 2);
        Assert.All(batches, b => Assert.InRange(b.Length, 2, BlobFetcher.BatchBlobs));
        Assert.Equal(40, batches.Sum(b => b.Length) + node.Peers[0].Gets.Count);
    }
}
