using System.Threading.Channels;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Replication.Convergence;

/// <summary>
/// The blobs this node still has to copy from its peers, worked by a fixed number of workers (bounded
/// concurrency). Each worker asks the least busy peer that holds its blob, so when both peers hold what a node
/// lacks it fetches from both at once. Workers pause while clients are pulling through a peer.
/// Small blobs (configs, manifests, small layers: most of a mirror's objects) have a lane of their own with more
/// workers: their copy is a round trip and a few fsyncs, not bytes, so only many in flight keep the link and the
/// disk busy, while big blobs stay at <see cref="ReplicationOptions.FetchConcurrency"/>, where more only adds seeks.
/// </summary>
internal sealed partial class FetchQueue : IReplicationBacklog
{
    /// <summary>Up to this size a blob takes the small lane (by the size its manifest or the peer's feed gives).</summary>
    internal const long SmallBlobBytes = 1 << 20;

    /// <summary>Small-lane workers: enough requests in flight to hide a round trip and an fsync per object.</summary>
    internal const int SmallWorkers = 16;

    private readonly Channel<(Digest Digest, RepositoryName Repository)> _large = NewChannel();
    private readonly Channel<(Digest Digest, RepositoryName Repository)> _small = NewChannel();
    private readonly HashSet<Digest> _queued = [];

    /// <summary>Who waits for <see cref="Pending"/> to come down to a bound (<see cref="WaitForPendingAtMostAsync"/>); under <c>_lock</c>.</summary>
    private readonly List<(int Bound, TaskCompletionSource Drained)> _drainWaiters = [];
    private readonly Lock _lock = new();
    private readonly BlobFetcher _fetcher;
    private readonly ClientActivity _clients;
    private readonly SpaceWait? _space;
    private readonly int _workers;
    private readonly int _smallWorkers;
    private readonly ILogger _logger;
    private int _failed;

    public FetchQueue(BlobFetcher fetcher, ClientActivity clients, ReplicationOptions options, SpaceWait space, ILogger<FetchQueue> logger)
        : this(fetcher, clients, options.FetchConcurrency, SmallWorkers, space, logger)
    {
    }

    internal FetchQueue(BlobFetcher fetcher, ClientActivity clients, int workers, int smallWorkers = SmallWorkers, SpaceWait? space = null,
        ILogger? logger = null)
    {
        _fetcher = fetcher;
        _clients = clients;
        _workers = workers;
        _space = space;
        _smallWorkers = smallWorkers;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Blobs waiting or being copied.</summary>
    public int Pending
    {
        get { lock (_lock) return _queued.Count; }
    }

    /// <summary>
    /// Completes once at most <paramref name="bound"/> blobs are pending: at once when that holds now, else at the
    /// moment a copy ends that brings the queue down to it. Checked and registered under the queue's lock, which every
    /// removal takes, so no drain between the check and the registration can be missed (no lost wake-up) — and nothing
    /// polls: a feed held back by its bound resumes as soon as the copies make room.
    /// </summary>
    public Task WaitForPendingAtMostAsync(int bound, CancellationToken cancellationToken)
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_queued.Count <= bound) return Task.CompletedTask;
            _drainWaiters.Add((bound, drained));
        }
        return cancellationToken.CanBeCanceled ? UntilDrainedOrCancelledAsync(drained, cancellationToken) : drained.Task;
    }

    /// <summary>A cancelled wait also leaves the list, so a feed stopped while held back leaves nothing behind.</summary>
    private async Task UntilDrainedOrCancelledAsync(TaskCompletionSource drained, CancellationToken cancellationToken)
    {
        try
        {
            await drained.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (_lock) _drainWaiters.RemoveAll(w => w.Drained == drained);
            throw;
        }
    }

    /// <summary>A copy ended: the blob leaves the queue, and waiters whose bound is now met are released.</summary>
    private void Done(Digest digest)
    {
        lock (_lock)
        {
            _queued.Remove(digest);
            if (_drainWaiters.Count == 0) return;
            int pending = _queued.Count;
            for (int i = _drainWaiters.Count - 1; i >= 0; i--)
            {
                if (_drainWaiters[i].Bound < pending) continue;
                // Continuations run asynchronously: nothing of the waiter runs here, under the lock.
                _drainWaiters[i].Drained.TrySetResult();
                _drainWaiters.RemoveAt(i);
            }
        }
    }

    /// <summary>True while the blob waits in a lane or is being copied.</summary>
    public bool IsQueued(Digest digest)
    {
        lock (_lock) return _queued.Contains(digest);
    }

    /// <summary>Copies that found no peer able to supply the blob (retried by the next reconciliation).</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Blobs the queue's workers saw stored (copied, or found stored by another copy), since start.</summary>
    public long Fetched => Interlocked.Read(ref _fetched);

    private long _fetched;

    /// <param name="size">The blob's size as its manifest or the peer's feed gives it (0 or less: unknown, taken as large).</param>
    public void Enqueue(Digest digest, RepositoryName repository, long size)
    {
        lock (_lock)
        {
            if (!_queued.Add(digest)) return;
        }
        var lane = size is > 0 and <= SmallBlobBytes ? _small : _large;
        lane.Writer.TryWrite((digest, repository));
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, _workers).Select(_ => WorkAsync(_large.Reader, cancellationToken))
            .Concat(Enumerable.Range(0, _smallWorkers).Select(_ => WorkSmallAsync(_small.Reader, cancellationToken))));

    private async Task WorkAsync(ChannelReader<(Digest Digest, RepositoryName Repository)> lane, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (digest, repository) in lane.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await CopyOneAsync(digest, repository, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// A small-lane worker takes what is waiting, up to a batch (<see cref="BlobFetcher.BatchBlobs"/>): while a node
    /// rehydrates, the lane holds thousands and each request carries many blobs; when one blob is waiting, it goes alone.
    /// </summary>
    private async Task WorkSmallAsync(ChannelReader<(Digest Digest, RepositoryName Repository)> lane, CancellationToken cancellationToken)
    {
        var group = new List<(Digest Digest, RepositoryName Repository)>(BlobFetcher.BatchBlobs);
        try
        {
            while (await lane.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                group.Clear();
                while (group.Count < BlobFetcher.BatchBlobs && lane.TryRead(out var item)) group.Add(item);
                if (group.Count == 1) await CopyOneAsync(group[0].Digest, group[0].Repository, cancellationToken).ConfigureAwait(false);
                else if (group.Count > 1) await CopyGroupAsync(group, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task CopyOneAsync(Digest digest, RepositoryName repository, CancellationToken cancellationToken)
    {
        bool stored = false;
        try
        {
            stored = await CopyAsync(digest, repository, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever escaped the copy must not end this worker for the life of the process (nor leave the digest
            // counted as pending, which would hold the feeds back): a failed copy, retried by the next reconciliation.
            LogCopyFailed(_logger, digest.ToString(), e);
        }
        Ended(digest, stored);
    }

    /// <summary>Several small blobs at once (<see cref="BlobFetcher.FetchBatchAsync"/>), each ending as a copy of its own would.</summary>
    private async Task CopyGroupAsync(List<(Digest Digest, RepositoryName Repository)> group, CancellationToken cancellationToken)
    {
        var stored = new bool[group.Count];
        try
        {
            await YieldToClientsAsync(cancellationToken).ConfigureAwait(false);
            if (_space is not null)
            {
                long bytes = group.Sum(g => _fetcher.AnnouncedSize(g.Digest));
                await _space.WaitForRoomAsync(group[0].Digest, bytes, cancellationToken).ConfigureAwait(false);
            }
            stored = await _fetcher.FetchBatchAsync(group, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < group.Count; i++)
            {
                // Refused at its import by the disk guard: waits for that much room, as a copy of its own does.
                if (!stored[i] && _space is not null && _fetcher.TakeSpaceRefusal(group[i].Digest) is long refused)
                {
                    stored[i] = await CopyWhenRoomAsync(group[i].Digest, group[i].Repository, refused, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogCopyFailed(_logger, string.Join(", ", group.Select(static g => g.Digest)), e);
        }
        for (int i = 0; i < group.Count; i++) Ended(group[i].Digest, stored[i]);
    }

    private void Ended(Digest digest, bool stored)
    {
        if (stored) Interlocked.Increment(ref _fetched);
        else Interlocked.Increment(ref _failed);
        Done(digest);
    }

    /// <summary>One queued blob: true when it is stored.</summary>
    private async Task<bool> CopyAsync(Digest digest, RepositoryName repository, CancellationToken cancellationToken)
    {
        await YieldToClientsAsync(cancellationToken).ConfigureAwait(false);
        return await CopyWhenRoomAsync(digest, repository, _fetcher.AnnouncedSize(digest), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Yield to client pulls, but never starve: at most 2 s per item.</summary>
    private async Task YieldToClientsAsync(CancellationToken cancellationToken)
    {
        for (int i = 0; i < 40 && _clients.Busy; i++) await Task.Delay(50, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> CopyWhenRoomAsync(Digest digest, RepositoryName repository, long size, CancellationToken cancellationToken)
    {
        while (true)
        {
            // A copy the disk guard would refuse waits for room rather than failing: it is no client's request.
            if (_space is not null) await _space.WaitForRoomAsync(digest, size, cancellationToken).ConfigureAwait(false);
            bool stored = await _fetcher.FetchAsync(digest, repository, throttled: true, cancellationToken).ConfigureAwait(false);
            // Refused at its import (its size was not known before the peer announced it, or another writer took
            // the room first): wait for that much room instead of counting a failure.
            if (stored || _space is null || _fetcher.TakeSpaceRefusal(digest) is not long refused) return stored;
            size = refused;
        }
    }

    [LoggerMessage(EventId = 3504, Level = LogLevel.Error, Message = "Copying blob {Digest} from the peers failed unexpectedly; the next reconciliation tries again")]
    private static partial void LogCopyFailed(ILogger logger, string digest, Exception exception);

    private static Channel<(Digest, RepositoryName)> NewChannel() =>
        Channel.CreateUnbounded<(Digest, RepositoryName)>(new UnboundedChannelOptions { SingleWriter = false });
}
