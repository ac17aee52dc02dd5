using System.Buffers;
using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.Transfer;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Convergence;

/// <summary>
/// The inline copy of a small blob (most of a rehydrating node's objects: configs, small layers). Streaming it through a
/// <see cref="Storage.Blobs.BlobImport"/> costs a read-ahead task, a thread hop per chunk, a temporary file with an
/// appender and two durable rounds (data, then link) — for a few KiB, latency the fetch worker only waits through.
/// Read whole into a pooled buffer instead and handed to <see cref="IRegistryStore.ImportBlob"/> on this thread, it is
/// verified in memory (a lying peer's bytes never reach the disk) and its data and link are made durable in one round.
/// </summary>
internal sealed partial class BlobFetcher
{
    /// <summary>Up to this announced length a blob is copied inline: two of them fit a page-cache-friendly buffer each worker holds briefly.</summary>
    internal const int InlineBytes = 64 * 1024;

    /// <summary>Inline only from the first byte and with nothing written yet: a continued import keeps streaming into its file.</summary>
    private static bool TakesInline(BlobFlight flight, PeerBlobResponse response) =>
        flight.Import is null && response.Start == 0 && response.Length <= InlineBytes;

    /// <summary>
    /// Reads the blob whole, then stores it (<see cref="StoreInlineAsync"/>). A client claiming the flight meanwhile stops the read (nothing was written, so it starts afresh).
    /// </summary>
    private async Task<CopyResult> CopyInlineAsync(BlobFlight flight, Peer peer, PeerBlobResponse response, RepositoryName repository,
        Func<Stream, Stream>? wrap, ClientYield? yielding, CancellationToken cancellationToken)
    {
        int length = (int)response.Length;
        // One byte more than announced: a peer that sends more is caught by the read, not by the digest.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length + 1);
        try
        {
            var read = await BlobCopier.ReadWholeAsync(response, wrap, buffer.AsMemory(0, length + 1), cancellationToken).ConfigureAwait(false);
            if (read.Outcome != CopyOutcome.Complete) return read;
            return await StoreInlineAsync(flight, peer, buffer.AsMemory(0, length), repository, yielding, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Verifies and stores a small blob read whole from <paramref name="peer"/> (alone, or in a batch): <see cref="CopyOutcome.Stored"/>
    /// once it is durable, linked and announced. Wrong bytes blame the peer as a failed commit does; a refusal of the disk
    /// guard is remembered for the fetch queue. Waits for clients first, as every background copy does.
    /// </summary>
    private async Task<CopyResult> StoreInlineAsync(BlobFlight flight, Peer peer, ReadOnlyMemory<byte> content, RepositoryName repository,
        ClientYield? yielding, CancellationToken cancellationToken)
    {
        var digest = flight.Digest;
        if (yielding is not null) await yielding.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var blob = _store.ImportBlob(digest, content, repository);
            LogFetched(_logger, blob.Digest.ToString(), peer.Member, blob.Length);
            return new CopyResult(CopyOutcome.Stored, Bytes: blob.Length);
        }
        catch (StoreException e) when (e.Error is StoreError.DigestMismatch or StoreError.UploadInvalid)
        {
            // Logged once, by the driver that blames the peer (DriveAsync).
            return new CopyResult(CopyOutcome.PeerLied, $"served wrong bytes for {digest}");
        }
        catch (StoreException e)
        {
            if (e.Error == StoreError.SpaceLimit) _refusedForSpace[digest] = content.Length;
            return new CopyResult(CopyOutcome.DiskFailed, e.Message);
        }
    }
}
