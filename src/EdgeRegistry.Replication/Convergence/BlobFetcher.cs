using EdgeRegistry.Content.Transfer;
using System.Collections.Concurrent;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.Transfer;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.Convergence;

/// <summary>
/// Copies blobs from peers into the local store, once per digest: every request for a digest joins its
/// <see cref="BlobFlight"/> (single flight), whether it comes from convergence or from a client read-through.
/// Bytes go straight into a <see cref="BlobImport"/> (a small blob into memory instead, see BlobFetcher.Inline.cs),
/// which commits only if the digest verifies, so a peer that
/// serves wrong bytes wastes one transfer and is marked failed; the next peer that holds the blob is tried. A copy
/// interrupted by a failing peer continues from the next peer where it stopped.
/// </summary>
internal sealed partial class BlobFetcher
{
    private readonly IRegistryStore _store;
    private readonly PeerSet _peers;
    private readonly TokenBucket _bucket;
    private readonly ILogger _logger;
    private readonly ReplicationCounters _counters;
    private readonly ClientActivity _clients;

    /// <summary>Digests a client is waiting for: their background fetch runs at full speed from then on.</summary>
    private readonly ConcurrentDictionary<Digest, byte> _urgent = new();

    /// <summary>Copies the disk guard refused, with the size a peer announced: the fetch queue waits for that much room.</summary>
    private readonly ConcurrentDictionary<Digest, long> _refusedForSpace = new();

    public BlobFetcher(IRegistryStore store, PeerSet peers, TokenBucket bucket, ILogger<BlobFetcher> logger, ReplicationCounters counters,
        ClientActivity clients)
    {
        _clients = clients;
        _counters = counters;
        _store = store;
        _peers = peers;
        _bucket = bucket;
        _logger = logger;
    }

    internal BlobFlights Flights { get; } = new();

    /// <summary>
    /// Ensures the store holds the blob (linked into <paramref name="repository"/>); false when no peer could supply
    /// it. Joins the flight of the digest if one is under way. Not <paramref name="throttled"/> means a client is
    /// waiting: the bandwidth cap no longer applies to the flight, whoever started it.
    /// </summary>
    public Task<bool> FetchAsync(Digest digest, RepositoryName repository, bool throttled, CancellationToken cancellationToken)
    {
        // Whether the blob is here already is asked once, by the flight's driver after it joined (see DriveAsync):
        // asked here too, a rehydrating node paid two stats per blob for one answer.
        if (!throttled) _urgent[digest] = 0;
        var flight = Flights.Join(digest, clientDriven: false, out bool lead);
        if (lead) _ = DriveAsync(flight, repository, throttled, background: true, cancellationToken);
        return flight.Stored;
    }

    /// <summary>
    /// Drives a flight to its end: commits the flight's import when it is complete, otherwise copies (the rest of)
    /// the blob from the peers that hold it, least busy first, each tried once. A background driver stops when a
    /// client claims the flight, which then continues what was written. Completes the flight.
    /// </summary>
    /// <param name="prefetched">The blob's bytes as one peer sent them in a batch (see BlobFetcher.Batch.cs): stored
    /// first as that peer's copy (or already stored, or found wrong, by the batch's round), and if they are wrong, the
    /// other peers are asked as usual.</param>
    internal async Task<bool> DriveAsync(BlobFlight flight, RepositoryName repository, bool throttled, bool background,
        CancellationToken cancellationToken, Prefetched? prefetched = null)
    {
        var digest = flight.Digest;
        bool stored = false, alreadyStored = false;
        long storedLength = 0;
        using var stop = background
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, flight.BackgroundStop)
            : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            // Here already (another copy finished just before this flight began, or it was never missing): link it. Asked
            // after the join, so a copy that commits later is one this flight joined, and nothing is copied twice.
            if (prefetched is null && flight.Import is null && _store.BlobLength(digest) is not null)
            {
                _store.LinkReplicatedBlob(repository, digest);
                stored = alreadyStored = true;
            }
            else if (flight.Import is { Size: long size } import && import.Written == size)
            {
                stored = TryCommit(flight, repository, peer: null, out storedLength);
            }
            var tried = new HashSet<Peer>();
            var yielding = background && _clients is not null ? new ClientYield(_clients) : null;
            while (!stored && !stop.IsCancellationRequested && (prefetched?.Peer ?? NextPeer(digest, tried)) is { } peer)
            {
                tried.Add(peer);
                var result = prefetched switch
                {
                    { Settled: { } settled } => settled,
                    { } bytes => await StoreInlineAsync(flight, peer, bytes.Content, repository, yielding, stop.Token).ConfigureAwait(false),
                    null => await CopyFromAsync(flight, peer, repository, throttled, yielding, stop.Token).ConfigureAwait(false),
                };
                prefetched = null;
                if (result.Outcome == CopyOutcome.Stored)
                {
                    stored = true;
                    storedLength = result.Bytes;
                    continue;
                }
                if (result.Outcome == CopyOutcome.Complete)
                {
                    stored = TryCommit(flight, repository, peer, out storedLength);
                    continue;
                }
                if (result.BlamesPeer)
                {
                    peer.State.Failed(result.Reason ?? "failed");
                    // One line per failure: a lie (wrong or too many bytes) is the error operators alert on, the rest a warning.
                    if (result.Outcome == CopyOutcome.PeerLied) LogLyingPeer(_logger, peer.Member, digest.ToString());
                    else LogFetchFailed(_logger, digest.ToString(), peer.Member, result.Reason ?? "failed");
                }
                // Bytes that cannot be the blob are not continued; a failed disk is not helped by another peer.
                if (result.Outcome is CopyOutcome.PeerLied or CopyOutcome.DiskFailed) flight.DropImport();
                if (result.Outcome == CopyOutcome.DiskFailed)
                {
                    LogFetchFailed(_logger, digest.ToString(), peer.Member, result.Reason ?? "the disk failed");
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (stored || !background || !flight.ClientDriven) _urgent.TryRemove(digest, out _);
            if (stored && !alreadyStored && background && !flight.ClientDriven) _counters?.BlobFetched(storedLength);
            flight.Finish(stored);
        }
        return stored;
    }

    /// <summary>
    /// One peer's copy into the flight's import, continued from where it ends; the import is begun once the peer
    /// announced the length. A small blob from its first byte is copied and stored inline instead (<see cref="CopyInlineAsync"/>).
    /// </summary>
    private async Task<CopyResult> CopyFromAsync(BlobFlight flight, Peer peer, RepositoryName repository, bool throttled, ClientYield? yielding,
        CancellationToken cancellationToken)
    {
        var digest = flight.Digest;
        Interlocked.Increment(ref peer.State.InFlight);
        try
        {
            var (response, failure) = await PeerBlobResponse.OpenAsync(peer, digest, flight.Import?.Written ?? 0, flight.Import?.Size,
                cancellationToken).ConfigureAwait(false);
            if (response is null) return failure;
            using (response)
            {
                var wrap = throttled && !_bucket.Unlimited
                    ? s => new ThrottledStream(s, _bucket, () => _urgent.ContainsKey(digest))
                    : (Func<Stream, Stream>?)null;
                if (TakesInline(flight, response))
                {
                    return await CopyInlineAsync(flight, peer, response, repository, wrap, yielding, cancellationToken).ConfigureAwait(false);
                }
                BlobImport import;
                try
                {
                    import = flight.Import ?? flight.BeginImport(_store, response.Length);
                }
                catch (StoreException e)
                {
                    if (e.Error == StoreError.SpaceLimit) _refusedForSpace[digest] = response.Length;
                    return new CopyResult(CopyOutcome.DiskFailed, e.Message);
                }
                return await BlobCopier.CopyAsync(response, wrap, new ImportSink(import, yielding is null ? null : yielding.WaitAsync),
                    cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref peer.State.InFlight);
        }
    }

    /// <summary>Verifies and publishes; a digest mismatch marks the peer (if one alone supplied the bytes) as lying.</summary>
    private bool TryCommit(BlobFlight flight, RepositoryName repository, Peer? peer, out long length)
    {
        var digest = flight.Digest;
        length = 0;
        try
        {
            var blob = flight.Commit(repository);
            length = blob.Length;
            LogFetched(_logger, blob.Digest.ToString(), peer?.Member ?? "a client read-through", blob.Length);
            return true;
        }
        catch (StoreException e) when (e.Error is StoreError.DigestMismatch or StoreError.UploadInvalid)
        {
            peer?.State.Failed($"served wrong bytes for {digest}");
            LogLyingPeer(_logger, peer?.Member ?? "a peer", digest.ToString());
            return false;
        }
        catch (StoreException e)
        {
            LogFetchFailed(_logger, digest.ToString(), peer?.Member ?? "local store", e.Message);
            return false;
        }
    }

    /// <summary>The size of a copy of <paramref name="digest"/> the disk guard refused since the last call; null when none was.</summary>
    public long? TakeSpaceRefusal(Digest digest) => _refusedForSpace.TryRemove(digest, out long size) ? size : null;

    /// <summary>The blob's size as the peers holding it announced it in their inventories; 0 when none did.</summary>
    public long AnnouncedSize(Digest digest)
    {
        var key = InventoryKey.ForBlob(null, digest);
        foreach (var peer in _peers.Holding(digest))
        {
            if (peer.View.Inventory.Get(key) is { } entry) return entry.Size;
        }
        return 0;
    }

    private Peer? NextPeer(Digest digest, HashSet<Peer> tried) => Candidates(digest).FirstOrDefault(p => !tried.Contains(p));

    /// <summary>Peers known to hold the blob first (least busy first), then the other available peers.</summary>
    public IEnumerable<Peer> Candidates(Digest digest) =>
        _peers.Holding(digest).Concat(_peers.Available().Where(p => !p.View.Inventory.HasBlob(digest))).ToList();

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Copied blob {Digest} from {Peer} ({Bytes} bytes)")]
    private static partial void LogFetched(ILogger logger, string digest, string peer, long bytes);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error, Message = "Peer {Peer} served bytes that do not match {Digest}; nothing was stored")]
    private static partial void LogLyingPeer(ILogger logger, string peer, string digest);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Copying blob {Digest} from {Peer} failed: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string digest, string peer, string reason);
}
