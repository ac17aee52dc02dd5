using System.Buffers;
using System.Net;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.Transfer;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.ReadThrough;

/// <summary>
/// A client read-through that drives the flight of its blob: the peer's bytes are read ahead in large chunks,
/// hashed and streamed to the client, and offered to a trailing <see cref="StoreCopy"/> that holds the client up
/// only briefly; that one hash serves the client's check and the import's commit, so each byte is hashed once.
/// The last chunk reaches the client only after the digest verified, so a client never receives a complete body
/// with wrong bytes: a lying peer makes the response fail, never succeed corrupt. Once the client has its bytes,
/// the flight is finished by the fetcher: the import is committed, or — if the disk fell behind or the peer
/// failed — continued from where it stopped with a Range request.
/// </summary>
internal sealed partial class ClientTee
{
    private readonly IRegistryStore _store;
    private readonly BlobFetcher _fetcher;
    private readonly ILogger _logger;

    public ClientTee(IRegistryStore store, BlobFetcher fetcher, ILogger logger)
    {
        _store = store;
        _fetcher = fetcher;
        _logger = logger;
    }

    /// <summary>How far the disk may fall behind the client before the client waits for it (tests make it small).</summary>
    public long StoreLagCapBytes { get; set; } = StoreCopy.DefaultLagCapBytes;

    /// <summary>The share of its time a client may wait for the disk before the store copy is dropped (tests make it 0).</summary>
    public double StoreWaitShare { get; set; } = StoreCopy.DefaultClientWaitShare;

    /// <summary>
    /// Serves the blob from the first candidate that has it and drives <paramref name="flight"/> to its end;
    /// <paramref name="inherited"/> is what a claimed background copy already wrote. False when no peer could serve
    /// (nothing was sent to the client then).
    /// </summary>
    public async Task<bool> ServeAsync(HttpContext context, RepositoryName repository, BlobFlight flight, BlobImport? inherited,
        IEnumerable<Peer> candidates)
    {
        var import = inherited;
        try
        {
            foreach (var peer in candidates)
            {
                // A claimed background copy is continued: its prefix goes to the client from the disk, the rest comes
                // from the peer with a Range request.
                long from = import?.Written ?? 0;
                HttpResponseMessage? response;
                try
                {
                    response = await peer.Client.OpenBlobAsync(flight.Digest, from, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    break; // the client left before anything was sent
                }
                if (response is null) continue;
                long start = response.StatusCode == HttpStatusCode.PartialContent ? response.Content.Headers.ContentRange?.From ?? -1 : 0;
                // After a prefix the peer must send something: a body served wholly from the disk would reach the
                // client unverified (the digest is checked as the last chunk from the peer arrives).
                if (response.Content.Headers.ContentLength is not long body || (start > 0 && body <= 0) || (start != from && start != 0)
                    || (import is { Size: long size } && size != start + body))
                {
                    response.Dispose();
                    continue;
                }
                long length = start + body;
                using (response)
                {
                    if (start != from)
                    {
                        // The peer ignored the Range and sends the whole blob: the prefix is written again rather than
                        // every byte hashed twice (this stream's hash is not the hash of the prefix's bytes).
                        import!.Abort();
                        import = null;
                    }
                    import ??= _store.BeginBlobImport(flight.Digest, length);
                    var handed = import;
                    import = null; // StreamAsync owns it now
                    try
                    {
                        await StreamAsync(context, repository, flight, peer, response, start, length, handed);
                    }
                    catch
                    {
                        // Never leave the digest with a flight nobody drives: later requests would wait on it forever.
                        flight.Finish(false, null);
                        throw;
                    }
                    return true;
                }
            }
        }
        catch (StoreException e)
        {
            LogStoreFailed(_logger, flight.Digest.ToString(), e.Message);
        }
        flight.Finish(false, import);
        return false;
    }

    /// <param name="start">Where the peer's body starts: the import holds the bytes before it (a claimed copy's prefix).</param>
    private async Task StreamAsync(HttpContext context, RepositoryName repository, BlobFlight flight, Peer peer,
        HttpResponseMessage response, long start, long length, BlobImport import)
    {
        var digest = flight.Digest;
        // One hash serves the client's check and the import: it goes on from the import's own hash of its prefix,
        // which is why the client is sent that prefix from the disk, not from the peer.
        var hasher = import.TakeHash();
        bool hashHandedOver = false;
        bool clientAlive = true;
        bool lied = false;
        string? failure = null;
        long total = start;
        long hashed = start;
        WriteBlobHeaders(context.Response, digest, length);
        if (start > 0)
        {
            try
            {
                clientAlive = await SendPrefixAsync(context, import, start);
            }
            catch (StoreException e)
            {
                // The prefix could not be read back (the import is gone): this client cannot get a whole body from here.
                hasher.Dispose();
                LogStoreFailed(_logger, digest.ToString(), e.Message);
                context.Abort();
                _ = ContinueFlight(flight, repository, import: null);
                return;
            }
        }
        var copy = new StoreCopy(import, StoreLagCapBytes, StoreWaitShare);
        Interlocked.Increment(ref peer.State.InFlight);
        try
        {
            try
            {
                await using var source = await response.Content.ReadAsStreamAsync(CancellationToken.None);
                // The transfer goes on if the client leaves: the store copy still needs the bytes.
                await using var reader = new ReadAheadReader(source, start, length - start, ReadAheadReader.DefaultDepth, CancellationToken.None);
                while (await reader.NextAsync(CancellationToken.None) is { } chunk)
                {
                    try
                    {
                        total += chunk.Length;
                        if (total > length)
                        {
                            lied = true;
                            break;
                        }
                        hasher.Append(chunk.Span);
                        hashed += chunk.Length;
                        await copy.OfferAsync(chunk);
                        bool last = total == length;
                        if (last && hasher.Current() != digest)
                        {
                            lied = true;
                            break;
                        }
                        if (clientAlive) clientAlive = await WriteToClientAsync(context, chunk.Memory);
                    }
                    finally
                    {
                        chunk.Release();
                    }
                }
                if (!lied && total != length) failure = $"sent {total} of {length} bytes";
            }
            catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
            {
                failure = e.Message;
            }
            finally
            {
                Interlocked.Decrement(ref peer.State.InFlight);
            }

            if (lied)
            {
                await copy.AbandonAsync();
                peer.State.Failed($"served wrong bytes for {digest}");
                LogLyingPeer(_logger, peer.Member, digest.ToString());
                context.Abort();
                // The store still lacks the blob: the flight goes on from the other peers, without this client.
                _ = ContinueFlight(flight, repository, import: null);
                return;
            }
            var (kept, diskFailure) = await copy.FinishAsync();
            // The disk holds exactly the bytes hashed (the copy was not dropped): the import takes the hash over instead
            // of hashing them again. Otherwise it hashes its file itself, should it be resumed.
            hashHandedOver = kept is not null && kept.AdoptHash(hasher, hashed);
            if (diskFailure is not null) LogStoreFailed(_logger, digest.ToString(), diskFailure.Message);
            if (failure is not null)
            {
                peer.State.Failed(failure);
                LogPeerFailed(_logger, peer.Member, digest.ToString(), failure);
                context.Abort();
                // What reached the disk stays: another peer continues from there.
                _ = ContinueFlight(flight, repository, kept);
                return;
            }
            LogBlobReadThrough(_logger, repository.Value, digest.ToString(), peer.Member, length, copy.Dropped);
            if (kept is null)
            {
                flight.Finish(false, null); // the disk failed: convergence tries again later
                return;
            }
            var finishing = ContinueFlight(flight, repository, kept);
            // Complete on disk: commit before answering, so the next request is served locally. Dropped: the rest is
            // fetched with a Range request in the background; the client already has every byte.
            if (!copy.Dropped) await finishing;
        }
        finally
        {
            if (!hashHandedOver) hasher.Dispose();
        }
    }

    /// <summary>
    /// Hands the flight to the fetcher, unthrottled (a client asked for it): it commits <paramref name="import"/> when
    /// complete, or continues it (or starts afresh when null) from the peers.
    /// </summary>
    private Task ContinueFlight(BlobFlight flight, RepositoryName repository, BlobImport? import) =>
        Task.Run(() => _fetcher.DriveAsync(flight, repository, import, throttled: false, background: false, CancellationToken.None));

    /// <summary>Sends the client the first <paramref name="count"/> bytes from the import's file; false when the client left.</summary>
    private static async Task<bool> SendPrefixAsync(HttpContext context, BlobImport import, long count)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadAheadReader.ChunkBytes);
        try
        {
            for (long at = 0; at < count;)
            {
                int read = import.ReadWritten(at, buffer.AsSpan(0, (int)Math.Min(ReadAheadReader.ChunkBytes, count - at)));
                if (read == 0) throw new StoreException(StoreError.IoFailure, $"the prefix of {import.Digest} ended at {at} of {count} bytes");
                if (!await WriteToClientAsync(context, buffer.AsMemory(0, read))) return false;
                at += read;
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<bool> WriteToClientAsync(HttpContext context, ReadOnlyMemory<byte> chunk)
    {
        try
        {
            var flushed = await context.Response.BodyWriter.WriteAsync(chunk, context.RequestAborted);
            return !flushed.IsCanceled && !flushed.IsCompleted;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    internal static void WriteBlobHeaders(HttpResponse response, Digest digest, long length)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        response.ContentLength = length;
        response.Headers["Docker-Content-Digest"] = digest.ToString();
        response.Headers.AcceptRanges = "bytes";
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Served blob {Digest} of {Repository} from peer {Peer} ({Bytes} bytes; store copy dropped: {Dropped})")]
    private static partial void LogBlobReadThrough(ILogger logger, string repository, string digest, string peer, long bytes, bool dropped);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Error, Message = "Peer {Peer} served bytes that do not match {Digest}; the response was cut and nothing stored")]
    private static partial void LogLyingPeer(ILogger logger, string peer, string digest);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Warning, Message = "Peer {Peer} failed while serving {Digest} to a client: {Reason}; the response was cut")]
    private static partial void LogPeerFailed(ILogger logger, string peer, string digest, string reason);

    [LoggerMessage(EventId = 3405, Level = LogLevel.Warning, Message = "Could not store blob {Digest} read through from a peer: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, string digest, string reason);
}
