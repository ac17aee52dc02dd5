using EdgeRegistry.Content.Transfer;
using System.Buffers;
using System.IO.Pipelines;
using EdgeRegistry.Content;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.Transfer;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.ReadThrough;

/// <summary>
/// A client read-through that drives the flight of its blob: the peer's bytes are copied by the one
/// <see cref="BlobCopier"/> into a <see cref="TeeSink"/>, which hashes them, streams them to the client and offers
/// them to a trailing <see cref="StoreCopy"/> that holds the client up only briefly; that one hash serves the
/// client's check and the import's commit, so each byte is hashed once. The last chunk reaches the client only
/// after the digest verified, so a client never receives a complete body with wrong bytes: a lying peer makes the
/// response fail, never succeed corrupt. Once the client has its bytes, the flight is finished by the fetcher:
/// the import is committed, or — if the disk fell behind or the peer failed — continued from where it stopped
/// with a Range request.
/// </summary>
internal sealed partial class ClientTee(IRegistryStore store, BlobFetcher fetcher, ReadThroughOptions options, ILogger logger)
{
    /// <summary>
    /// Opens the blob at the first candidate that has it, continuing the flight's import if a claimed background
    /// copy left one; the body is sent by the caller. Missing when no peer could serve (the flight is finished then),
    /// failed when the local store could not take it. A body holds <paramref name="activity"/> (the client's mark) until disposed.
    /// </summary>
    public async Task<BlobLookup> OpenAsync(RepositoryName repository, BlobFlight flight, IEnumerable<Peer> candidates, IDisposable activity,
        CancellationToken clientAborted)
    {
        var lookup = BlobLookup.Missing;
        try
        {
            foreach (var peer in candidates)
            {
                // A claimed background copy is continued: its prefix goes to the client from the disk, the rest comes
                // from the peer with a Range request.
                var (response, failure) = await PeerBlobResponse.OpenAsync(peer, flight.Digest, flight.Import?.Written ?? 0,
                    flight.Import?.Size, clientAborted);
                if (failure.Outcome == CopyOutcome.Stopped) break; // the client left before anything was sent
                if (response is null)
                {
                    if (failure.BlamesPeer) peer.State.Failed(failure.Reason ?? "failed");
                    continue;
                }
                try
                {
                    // The peer ignored the Range and sends the whole blob: the prefix is written again rather than
                    // every byte hashed twice (this stream's hash is not the hash of the prefix's bytes).
                    if (response.Start == 0 && flight.Import is { Written: > 0 }) flight.DropImport();
                    if (flight.Import is null) TryBeginImport(flight, response.Length);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
                return BlobLookup.Streaming(new PeerBlobBody(this, repository, flight, peer, response, activity));
            }
        }
        catch (StoreException e)
        {
            LogStoreFailed(logger, flight.Digest.ToString(), e.Message);
            lookup = BlobLookup.Failed;
        }
        catch
        {
            flight.Finish(false); // never leave the digest with a flight nobody drives
            throw;
        }
        flight.Finish(false);
        return lookup;
    }

    /// <summary>
    /// Begins the store copy unless the disk guard refuses it: then the client is served straight from the peer
    /// without a copy (serving is never refused because of the guard) and convergence copies the blob once there is room.
    /// </summary>
    private void TryBeginImport(BlobFlight flight, long length)
    {
        var refusal = store.Guard.Check(length, $"the copy of blob {flight.Digest}");
        if (refusal is null)
        {
            try
            {
                flight.BeginImport(store, length);
                return;
            }
            catch (StoreException e) when (e.Error == StoreError.SpaceLimit)
            {
                // Another writer took the room between the check and the reservation.
                LogServedWithoutCopy(logger, flight.Digest.ToString(), e.Message);
                return;
            }
        }
        LogServedWithoutCopy(logger, flight.Digest.ToString(), refusal.Message);
    }

    /// <summary>Streams the opened response to the client and drives the flight to its end (or hands it to the fetcher).</summary>
    internal async Task<BlobSendResult> StreamAsync(RepositoryName repository, BlobFlight flight, Peer peer, PeerBlobResponse response,
        PipeWriter client, CancellationToken clientAborted)
    {
        try
        {
            return await TeeAsync(repository, flight, peer, response, client, clientAborted);
        }
        catch
        {
            // Never leave the digest with a flight nobody drives: later requests would wait on it forever.
            flight.Finish(false);
            throw;
        }
    }

    private async Task<BlobSendResult> TeeAsync(RepositoryName repository, BlobFlight flight, Peer peer, PeerBlobResponse response,
        PipeWriter client, CancellationToken clientAborted)
    {
        var digest = flight.Digest;
        // No import: the disk guard refused the copy, and the client is served from the peer alone.
        var import = flight.Import;
        long start = response.Start;
        // One hash serves the client's check and the import: it goes on from the import's own hash of its prefix,
        // which is why the client is sent that prefix from the disk, not from the peer.
        var hasher = import?.TakeHash() ?? new ContentHasher(digest.Algorithm);
        bool hashHandedOver = false;
        try
        {
            bool clientAlive = true;
            if (start > 0 && import is not null)
            {
                try
                {
                    clientAlive = await SendPrefixAsync(client, import, start, clientAborted);
                }
                catch (StoreException e)
                {
                    // The prefix could not be read back (the import is gone): this client cannot get a whole body from here.
                    LogStoreFailed(logger, digest.ToString(), e.Message);
                    flight.DropImport();
                    _ = ContinueFlight(flight, repository);
                    return BlobSendResult.SourceFailed;
                }
            }
            var copy = import is null ? StoreCopy.Skipped() : new StoreCopy(import, options.StoreLagCapBytes, options.StoreWaitShare);
            var sink = new TeeSink(digest, hasher, start, copy, client, clientAlive, clientAborted);
            CopyResult result;
            Interlocked.Increment(ref peer.State.InFlight);
            try
            {
                // The transfer goes on if the client leaves: the store copy still needs the bytes.
                result = await BlobCopier.CopyAsync(response, wrap: null, sink, CancellationToken.None);
            }
            finally
            {
                Interlocked.Decrement(ref peer.State.InFlight);
            }
            // An empty blob has no last chunk to verify on.
            if (result.Outcome == CopyOutcome.Complete && !sink.Verified && hasher.Current() != digest)
                result = new CopyResult(CopyOutcome.PeerLied, $"served wrong bytes for {digest}");

            var (kept, diskFailure) = await copy.FinishAsync();
            if (result.Outcome == CopyOutcome.PeerLied)
            {
                flight.DropImport();
                peer.State.Failed(result.Reason ?? $"served wrong bytes for {digest}");
                LogLyingPeer(logger, peer.Member, digest.ToString());
                // The store still lacks the blob: the flight goes on from the other peers, without this client.
                _ = ContinueFlight(flight, repository);
                return BlobSendResult.SourceFailed;
            }
            // The disk holds exactly the bytes hashed (the copy was not dropped): the import takes the hash over instead
            // of hashing them again. Dropped, it takes the snapshot of the hash at the drop; failing both, it hashes
            // its file itself, should it be resumed.
            hashHandedOver = kept is not null && kept.AdoptHash(hasher, sink.Hashed);
            if (sink.DropSnapshot is { } snapshot && (kept is null || !kept.AdoptHash(snapshot, sink.DroppedAt))) snapshot.Dispose();
            if (diskFailure is not null)
            {
                LogStoreFailed(logger, digest.ToString(), diskFailure.Message);
                flight.DropImport();
            }
            if (result.Outcome != CopyOutcome.Complete)
            {
                string reason = result.Reason ?? "failed";
                peer.State.Failed(reason);
                LogPeerFailed(logger, peer.Member, digest.ToString(), reason);
                // What reached the disk stays: another peer continues from there.
                _ = ContinueFlight(flight, repository);
                return BlobSendResult.SourceFailed;
            }
            LogBlobReadThrough(logger, repository.Value, digest.ToString(), peer.Member, response.Length, copy.Dropped);
            if (kept is null)
            {
                flight.Finish(false); // the disk failed: convergence tries again later
            }
            else
            {
                var finishing = ContinueFlight(flight, repository);
                // Complete on disk: commit before answering, so the next request is served locally. Dropped: the rest
                // is fetched with a Range request in the background; the client already has every byte.
                if (!copy.Dropped) await finishing;
            }
            return sink.ClientAlive ? BlobSendResult.Complete : BlobSendResult.ClientGone;
        }
        finally
        {
            if (!hashHandedOver) hasher.Dispose();
        }
    }

    /// <summary>
    /// Hands the flight to the fetcher, unthrottled (a client asked for it): it commits the flight's import when
    /// complete, or continues it (or starts afresh) from the peers.
    /// </summary>
    internal Task ContinueFlight(BlobFlight flight, RepositoryName repository) =>
        Task.Run(() => fetcher.DriveAsync(flight, repository, throttled: false, background: false, CancellationToken.None));

    /// <summary>Sends the client the first <paramref name="count"/> bytes from the import's file; false when the client left.</summary>
    private static async Task<bool> SendPrefixAsync(PipeWriter client, BlobImport import, long count, CancellationToken clientAborted)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadAheadReader.ChunkBytes);
        try
        {
            for (long at = 0; at < count;)
            {
                int read = import.ReadWritten(at, buffer.AsSpan(0, (int)Math.Min(ReadAheadReader.ChunkBytes, count - at)));
                if (read == 0) throw new StoreException(StoreError.IoFailure, $"the prefix of {import.Digest} ended at {at} of {count} bytes");
                if (!await ClientWriter.WriteAsync(client, buffer.AsMemory(0, read), clientAborted)) return false;
                at += read;
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Served blob {Digest} of {Repository} from peer {Peer} ({Bytes} bytes; store copy dropped: {Dropped})")]
    private static partial void LogBlobReadThrough(ILogger logger, string repository, string digest, string peer, long bytes, bool dropped);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Error, Message = "Peer {Peer} served bytes that do not match {Digest}; the response was cut and nothing stored")]
    private static partial void LogLyingPeer(ILogger logger, string peer, string digest);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Warning, Message = "Peer {Peer} failed while serving {Digest} to a client: {Reason}; the response was cut")]
    private static partial void LogPeerFailed(ILogger logger, string peer, string digest, string reason);

    [LoggerMessage(EventId = 3406, Level = LogLevel.Warning, Message = "Serving blob {Digest} from a peer without a local copy: {Reason}")]
    private static partial void LogServedWithoutCopy(ILogger logger, string digest, string reason);

    [LoggerMessage(EventId = 3405, Level = LogLevel.Warning, Message = "Could not store blob {Digest} read through from a peer: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, string digest, string reason);
}
