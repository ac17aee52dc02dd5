using System.Collections.Concurrent;
using System.IO.Pipelines;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.Convergence;

/// <summary>
/// Copies a blob from a peer into the local store, once: concurrent requests for the same digest share one
/// fetch (single flight). The store verifies the digest before committing, so a peer that serves wrong bytes
/// wastes one transfer and is marked failed; the next peer that holds the blob is tried.
/// </summary>
public sealed partial class BlobFetcher
{
    private readonly IRegistryStore _store;
    private readonly PeerSet _peers;
    private readonly TokenBucket _bucket;
    private readonly ILogger _logger;
    private readonly ReplicationCounters? _counters;
    private readonly ConcurrentDictionary<Digest, Task<bool>> _inFlight = new();

    /// <summary>Digests a client is waiting for: their background fetch runs at full speed from then on.</summary>
    private readonly ConcurrentDictionary<Digest, byte> _urgent = new();

    public BlobFetcher(IRegistryStore store, PeerSet peers, TokenBucket bucket, ILogger logger, ReplicationCounters? counters = null)
    {
        _counters = counters;
        _store = store;
        _peers = peers;
        _bucket = bucket;
        _logger = logger;
    }

    /// <summary>
    /// The running fetch of <paramref name="digest"/>, if any, for a client that will wait on it: from now on it
    /// ignores the replication bandwidth cap, because a pod is waiting for it.
    /// </summary>
    public Task<bool>? InFlight(Digest digest)
    {
        if (!_inFlight.TryGetValue(digest, out var task)) return null;
        _urgent[digest] = 0;
        return task;
    }

    /// <summary>Ensures the store holds the blob (linked into <paramref name="repository"/>); false when no peer could supply it.</summary>
    public Task<bool> FetchAsync(Digest digest, RepositoryName repository, bool throttled, CancellationToken cancellationToken)
    {
        if (_store.BlobLength(digest) is not null)
        {
            _store.MountBlob(repository, digest, from: null);
            return Task.FromResult(true);
        }
        var created = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = _inFlight.GetOrAdd(digest, created.Task);
        if (task != created.Task) return task;
        _ = RunAsync(created, digest, repository, throttled, cancellationToken);
        return task;
    }

    private void Finish(Digest digest, TaskCompletionSource<bool> lead, bool stored)
    {
        _inFlight.TryRemove(digest, out _);
        _urgent.TryRemove(digest, out _);
        lead.TrySetResult(stored);
    }

    private async Task RunAsync(TaskCompletionSource<bool> completion, Digest digest, RepositoryName repository, bool throttled,
        CancellationToken cancellationToken)
    {
        bool stored = false;
        try
        {
            // A fetch of the same digest may have committed between FetchAsync's check and this flight's start
            // (it left _inFlight just before we entered): copying it again would waste a transfer.
            if (_store.BlobLength(digest) is not null)
            {
                _store.MountBlob(repository, digest, from: null);
                stored = true;
                return;
            }
            foreach (var peer in Candidates(digest))
            {
                if (await TryFromAsync(peer, digest, repository, throttled, cancellationToken).ConfigureAwait(false))
                {
                    stored = true;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Finish(digest, completion, stored);
        }
    }

    /// <summary>Peers known to hold the blob first (least busy first), then the other available peers.</summary>
    public IEnumerable<Peer> Candidates(Digest digest) =>
        _peers.Holding(digest).Concat(_peers.Available().Where(p => !p.View.Inventory.HasBlob(digest))).ToList();

    private async Task<bool> TryFromAsync(Peer peer, Digest digest, RepositoryName repository, bool throttled, CancellationToken cancellationToken)
    {
        using var response = await peer.Client.OpenBlobAsync(digest, cancellationToken).ConfigureAwait(false);
        if (response is null) return false;
        long? length = response.Content.Headers.ContentLength;
        Interlocked.Increment(ref peer.State.InFlight);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            if (throttled && !_bucket.Unlimited) stream = new ThrottledStream(stream, _bucket, () => _urgent.ContainsKey(digest));
            await using (stream.ConfigureAwait(false))
            {
                var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 1 << 20));
                await _store.PutBlobAsync(repository, digest, reader, length, cancellationToken).ConfigureAwait(false);
                await reader.CompleteAsync().ConfigureAwait(false);
            }
            LogFetched(_logger, digest.ToString(), peer.Member, length ?? -1);
            _counters?.BlobFetched(length ?? _store.BlobLength(digest) ?? 0);
            return true;
        }
        catch (StoreException e) when (e.Error is StoreError.DigestMismatch or StoreError.UploadInvalid)
        {
            peer.State.Failed($"served wrong bytes for {digest}");
            LogLyingPeer(_logger, peer.Member, digest.ToString());
            return false;
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            peer.State.Failed(e.Message);
            LogFetchFailed(_logger, digest.ToString(), peer.Member, e.Message);
            return false;
        }
        finally
        {
            Interlocked.Decrement(ref peer.State.InFlight);
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Copied blob {Digest} from {Peer} ({Bytes} bytes)")]
    private static partial void LogFetched(ILogger logger, string digest, string peer, long bytes);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error, Message = "Peer {Peer} served bytes that do not match {Digest}; nothing was stored")]
    private static partial void LogLyingPeer(ILogger logger, string peer, string digest);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Copying blob {Digest} from {Peer} failed: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string digest, string peer, string reason);
}
