using System.Net;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Replication.Transfer;

/// <summary>How one attempt to copy a blob from one peer ended.</summary>
internal enum CopyOutcome
{
    /// <summary>Every announced byte is in the import (not yet verified: that is the commit's job).</summary>
    Complete,
    /// <summary>The peer does not hold the blob (or no longer): ask another.</summary>
    NotThere,
    /// <summary>The peer failed mid-way (down, cut, too long, wrong length); the import keeps what was written.</summary>
    PeerFailed,
    /// <summary>Stopped on request (a client claimed the copy); the import keeps what was written.</summary>
    Stopped,
}

/// <summary>
/// One blob fetched from one peer into a <see cref="BlobImport"/>, read ahead of the disk in large chunks. A
/// partly written import is resumed with a Range request from where it ends, so a dropped or interrupted copy never
/// transfers the same bytes twice (a peer that ignores Range answers 200 and the prefix is skipped).
/// </summary>
internal static class PeerBlobCopy
{
    /// <param name="import">The import to continue, or null to begin one once the peer announced the length.</param>
    /// <param name="wrap">Wraps the response body (bandwidth cap), or null.</param>
    /// <param name="pause">Awaited before each chunk is written (a background copy yielding to clients), or null.</param>
    public static async Task<(CopyOutcome Outcome, BlobImport? Import)> RunAsync(IRegistryStore store, Peer peer, Digest digest,
        BlobImport? import, Func<Stream, Stream>? wrap, Func<CancellationToken, ValueTask>? pause, CancellationToken cancellationToken)
    {
        long from = import?.Written ?? 0;
        HttpResponseMessage? response;
        try
        {
            response = await peer.Client.OpenBlobAsync(digest, from, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (CopyOutcome.Stopped, import);
        }
        if (response is null) return (CopyOutcome.NotThere, import);
        using (response)
        {
            long start = response.StatusCode == HttpStatusCode.PartialContent ? response.Content.Headers.ContentRange?.From ?? -1 : 0;
            long? remaining = response.Content.Headers.ContentLength;
            if (start < 0 || start > from || remaining is not long body)
            {
                peer.State.Failed($"answered an unusable response for {digest} from byte {from}");
                return (CopyOutcome.PeerFailed, import);
            }
            long total = start + body;
            if (import is not null && import.Size is long size && size != total)
            {
                peer.State.Failed($"announced {total} bytes for {digest}, another peer {size}");
                return (CopyOutcome.PeerFailed, import);
            }
            import ??= store.BeginBlobImport(digest, total);
            try
            {
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                if (wrap is not null) stream = wrap(stream);
                await using (stream.ConfigureAwait(false))
                {
                    var reader = new ReadAheadReader(stream, start, body, ReadAheadReader.DefaultDepth, cancellationToken);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.NextAsync(cancellationToken).ConfigureAwait(false) is { } chunk)
                        {
                            try
                            {
                                if (pause is not null) await pause(cancellationToken).ConfigureAwait(false);
                                WriteNew(import, chunk);
                            }
                            finally
                            {
                                chunk.Release();
                            }
                        }
                    }
                }
                if (import.Written != total)
                {
                    peer.State.Failed($"sent {import.Written - from} of {total - from} bytes of {digest}");
                    return (CopyOutcome.PeerFailed, import);
                }
                return (CopyOutcome.Complete, import);
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or IOException or HttpRequestException)
            {
                // Stopped on request (a client claimed the copy): a read cut by the cancellation may surface as an I/O
                // error, which must not count against the peer — it would put a healthy peer into back-off.
                return (CopyOutcome.Stopped, import);
            }
            catch (StoreException e) when (e.Error == StoreError.UploadInvalid)
            {
                // More bytes than announced: the import refused them and is gone.
                peer.State.Failed($"sent more than {total} bytes for {digest}");
                return (CopyOutcome.PeerFailed, null);
            }
            catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
            {
                peer.State.Failed(e.Message);
                return (CopyOutcome.PeerFailed, import);
            }
        }
    }

    /// <summary>
    /// Writes the part of the chunk the import does not hold yet; <paramref name="prehashed"/>: the caller hashed it
    /// (see <see cref="BlobImport.WritePrehashed"/>).
    /// </summary>
    internal static void WriteNew(BlobImport import, Chunk chunk, bool prehashed = false)
    {
        long skip = import.Written - chunk.Offset;
        if (skip >= chunk.Length) return;
        if (skip < 0) throw new IOException($"a gap in the copy of {import.Digest}: byte {chunk.Offset} follows {import.Written}");
        if (prehashed) import.WritePrehashed(chunk.Span[(int)skip..]);
        else import.Write(chunk.Span[(int)skip..]);
    }
}
