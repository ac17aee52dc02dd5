using System.Threading.Channels;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Convergence;

/// <summary>
/// The blobs this node still has to copy from its peers, worked by a fixed number of workers (bounded
/// concurrency). Each worker asks the least busy peer that holds its blob, so when both peers hold what a node
/// lacks it fetches from both at once. Workers pause while clients are pulling through a peer.
/// </summary>
internal sealed class FetchQueue : IReplicationBacklog
{
    private readonly Channel<(Digest Digest, RepositoryName Repository)> _channel =
        Channel.CreateUnbounded<(Digest, RepositoryName)>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly HashSet<Digest> _queued = [];
    private readonly Lock _lock = new();
    private readonly BlobFetcher _fetcher;
    private readonly ClientActivity _clients;
    private readonly SpaceWait? _space;
    private readonly int _workers;
    private int _failed;

    public FetchQueue(BlobFetcher fetcher, ClientActivity clients, ReplicationOptions options, SpaceWait space)
        : this(fetcher, clients, options.FetchConcurrency, space)
    {
    }

    internal FetchQueue(BlobFetcher fetcher, ClientActivity clients, int workers, SpaceWait? space = null)
    {
        _fetcher = fetcher;
        _clients = clients;
        _workers = workers;
        _space = space;
    }

    /// <summary>Blobs waiting or being copied.</summary>
    public int Pending
    {
        get { lock (_lock) return _queued.Count; }
    }

    /// <summary>Copies that found no peer able to supply the blob (retried by the next reconciliation).</summary>
    public int Failed => Volatile.Read(ref _failed);

    public void Enqueue(Digest digest, RepositoryName repository)
    {
        lock (_lock)
        {
            if (!_queued.Add(digest)) return;
        }
        _channel.Writer.TryWrite((digest, repository));
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, _workers).Select(_ => WorkAsync(cancellationToken)));

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (digest, repository) in _channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                // Yield to client pulls, but never starve: at most 2 s per item.
                for (int i = 0; i < 40 && _clients.Busy; i++) await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                bool stored;
                long size = _fetcher.AnnouncedSize(digest);
                while (true)
                {
                    // A copy the disk guard would refuse waits for room rather than failing: it is no client's request.
                    if (_space is not null) await _space.WaitForRoomAsync(digest, size, cancellationToken).ConfigureAwait(false);
                    stored = await _fetcher.FetchAsync(digest, repository, throttled: true, cancellationToken).ConfigureAwait(false);
                    // Refused at its import (its size was not known before the peer announced it, or another writer took
                    // the room first): wait for that much room instead of counting a failure.
                    if (stored || _space is null || _fetcher.TakeSpaceRefusal(digest) is not long refused) break;
                    size = refused;
                }
                if (!stored) Interlocked.Increment(ref _failed);
                lock (_lock) _queued.Remove(digest);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
