using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Storage.Naming;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Replication.Tests.Convergence;

/// <summary>
/// The feeds' backpressure (<see cref="PeerSync.MaxPendingFetches"/>) waits on the fetch queue's signal, not a poll:
/// a wait for the queue to come down to a bound is released by the very copy that brings it there, so by the time
/// anyone can see the queue at the bound the waiter is already released — a feed resumes the moment there is room.
/// Real store, real fetcher and workers; this node has no peers, so each copy ends at once as failed.
/// </summary>
public sealed class FetchQueueDrainTests
{
    private const int Queued = 12;
    private const int Bound = 6;

    [Fact(Timeout = 30_000)]
    public async Task WaitForPendingAtMost_ReleasedByTheCopyThatBringsTheQueueToItsBound()
    {
        using var store = new StoreFixture();
        var clients = new ClientActivity();
        var fetcher = new BlobFetcher(store.Store, new PeerSet([]), new TokenBucket(0, TimeProvider.System), NullLogger<BlobFetcher>.Instance,
            new ReplicationCounters(), clients);
        var queue = new FetchQueue(fetcher, clients, workers: 1, smallWorkers: 1);
        var repository = RepositoryName.Parse("app");
        for (int i = 0; i < Queued; i++) queue.Enqueue(TestContent.Sha256(TestContent.Bytes(32, seed: i)), repository, size: 32);

        // Already under a bound it asks for: no wait at all (and no registration to be woken).
        Assert.True(queue.WaitForPendingAtMostAsync(Queued, CancellationToken.None).IsCompletedSuccessfully);
        var drained = queue.WaitForPendingAtMostAsync(Bound, CancellationToken.None);
        using var never = new CancellationTokenSource();
        var cancelled = queue.WaitForPendingAtMostAsync(-1, never.Token);
        Assert.False(drained.IsCompleted);

        using var stop = new CancellationTokenSource();
        var workers = queue.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (queue.Pending > Bound)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the queue did not drain to {Bound}: {queue.Pending} pending");
            await Task.Delay(1);
        }
        // Released under the same lock as the removal that made room: seen at the bound means released already.
        Assert.True(drained.IsCompletedSuccessfully, $"the queue is at {queue.Pending}, but the wait for {Bound} is still {drained.Status}");
        await drained;

        // A waiter whose bound the queue cannot meet ends only by its cancellation.
        await WaitUntilAsync(() => queue.Pending == 0);
        Assert.False(cancelled.IsCompleted);
        never.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(Queued, queue.Failed);
        stop.Cancel();
        await workers;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
