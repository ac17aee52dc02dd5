using System.Buffers;
using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.Transfer;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.Convergence;

/// <summary>
/// A small blob's bytes as <see cref="Peer"/> sent them in a batch: not yet verified, or already stored with the rest of
/// the batch, whose one durable round settled the copy (<see cref="Settled"/>: stored, or the peer lied).
/// </summary>
internal readonly record struct Prefetched(Peer Peer, ReadOnlyMemory<byte> Content, CopyResult? Settled = null);

/// <summary>
/// Background copies of many small blobs from one peer in one request (<see cref="Api.BlobBatchWire"/>): a rehydrating
/// node's objects are mostly a few KiB each, and a request per blob cost both nodes more CPU than the bytes. What the
/// batch delivers is stored together, in one durable round (<see cref="IRegistryStore.ImportBlobs"/>): one round per
/// blob, one after another, left the disk waiting for a journal commit per object. Each blob still has its own flight,
/// driven to its end by <see cref="DriveAsync"/> with the round's outcome (<see cref="Prefetched"/>): verified in memory,
/// a lie blames the peer and the other peers are asked. Whatever the batch does not deliver — the peer does not hold it
/// after all, it is large, the answer breaks off or breaks the format — is fetched alone, as before; a round the disk
/// refuses or fails is retried blob by blob, so the one that does not fit is told apart from the rest.
/// </summary>
internal sealed partial class BlobFetcher
{
    /// <summary>Blobs per batch: enough to spread a request over many objects, few enough that a broken answer costs little.</summary>
    internal const int BatchBlobs = 16;

    /// <summary>
    /// Ensures the store holds each blob (linked into its repository), as <see cref="FetchAsync"/> does one by one
    /// (background, throttled); the blobs of known small size that one peer holds are asked of it together.
    /// Completes when every copy has ended; true for each blob that is stored.
    /// </summary>
    public async Task<bool[]> FetchBatchAsync(IReadOnlyList<(Digest Digest, RepositoryName Repository)> blobs, CancellationToken cancellationToken)
    {
        var outcomes = new Task<bool>[blobs.Count];
        var flights = new BlobFlight[blobs.Count];
        var batchable = new List<int>();
        for (int i = 0; i < blobs.Count; i++)
        {
            var (digest, repository) = blobs[i];
            var flight = flights[i] = Flights.Join(digest, clientDriven: false, out bool lead);
            outcomes[i] = flight.Stored;
            if (!lead) continue;
            // Asked after the join, as DriveAsync does: a blob already here is linked by its driver, not fetched.
            if (flight.Import is null && AnnouncedSize(digest) is > 0 and <= InlineBytes && _store.BlobLength(digest) is null) batchable.Add(i);
            else _ = DriveAsync(flight, repository, throttled: true, background: true, cancellationToken);
        }
        try
        {
            while (batchable.Count > 0)
            {
                var first = blobs[batchable[0]].Digest;
                var peer = _peers.Holding(first).FirstOrDefault(static p => p.State.TakesBatches);
                var group = peer is null ? [batchable[0]] : batchable.Where(i => peer.View.Inventory.HasBlob(blobs[i].Digest)).ToList();
                batchable.RemoveAll(group.Contains);
                if (peer is null || group.Count == 1)
                {
                    foreach (int i in group) _ = DriveAsync(flights[i], blobs[i].Repository, throttled: true, background: true, cancellationToken);
                    continue;
                }
                // A peer that turns out to predate batches is not asked again: the group goes to another, or alone.
                if (!await CopyBatchAsync(peer, group.Select(i => (flights[i], blobs[i].Repository)).ToList(), cancellationToken).ConfigureAwait(false))
                {
                    batchable.InsertRange(0, group);
                }
            }
        }
        finally
        {
            // A flight this call leads must be driven whatever escaped, or everyone joining it would wait for good.
            foreach (int i in batchable) _ = DriveAsync(flights[i], blobs[i].Repository, throttled: true, background: true, cancellationToken);
        }
        return await Task.WhenAll(outcomes).ConfigureAwait(false);
    }

    /// <summary>
    /// One batch request to <paramref name="peer"/>, whose answers are read whole and then stored in one round
    /// (<see cref="StoreDeliveredAsync"/>); every flight it was given is driven to its end, by this batch or (for what
    /// it did not deliver) alone. False, with no flight touched, when the peer refused the batch as unknown
    /// (<see cref="PeerState.RefusedBatches"/>).
    /// </summary>
    private async Task<bool> CopyBatchAsync(Peer peer, List<(BlobFlight Flight, RepositoryName Repository)> group, CancellationToken cancellationToken)
    {
        HttpResponseMessage? response = null;
        try
        {
            response = await peer.Client.OpenBlobBatchAsync(group.Select(static g => g.Flight.Digest).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException || e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            // The peer's state has it already (timed out); a stopped queue's drivers end at once below.
        }
        if (response is null && !peer.State.TakesBatches) return false;
        int next = 0; // the flights before it are delivered, or driven (or being driven) alone already
        // At most BatchBlobs buffers of InlineBytes (1 MiB) per batch under way, each returned once its flight is driven.
        var delivered = new List<Delivered>(group.Count);
        Interlocked.Increment(ref peer.State.InFlight);
        try
        {
            if (response is null) return true;
            Stream stream = new StallGuardStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                PeerClient.BlobStallTimeout, "the peer");
            if (!_bucket.Unlimited) stream = new ThrottledStream(stream, _bucket, () => group.Any(g => _urgent.ContainsKey(g.Flight.Digest)));
            await using var reader = new BlobBatchReader(stream);
            while (next < group.Count)
            {
                var (flight, repository) = group[next];
                byte[] buffer = ArrayPool<byte>.Shared.Rent(InlineBytes);
                BatchAnswer answer;
                int length;
                try
                {
                    (answer, length) = await reader.NextAsync(flight.Digest, buffer, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
                next++;
                if (answer == BatchAnswer.Blob)
                {
                    delivered.Add(new Delivered(flight, repository, buffer, length));
                    continue;
                }
                ArrayPool<byte>.Shared.Return(buffer);
                _ = DriveAsync(flight, repository, throttled: true, background: true, cancellationToken);
            }
        }
        catch (InvalidDataException e)
        {
            peer.State.Failed(e.Message);
            LogBatchFailed(_logger, peer.Member, e.Message);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            peer.State.Failed(e.Message);
            LogBatchFailed(_logger, peer.Member, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            response?.Dispose();
            Interlocked.Decrement(ref peer.State.InFlight);
            // What the batch did not deliver is fetched alone (a stopped queue's drivers end at once, finishing their flights).
            for (; next < group.Count; next++)
            {
                _ = DriveAsync(group[next].Flight, group[next].Repository, throttled: true, background: true, cancellationToken);
            }
            // What it delivered before it ended or broke off is stored, and its flights finished, whatever escaped above.
            await StoreDeliveredAsync(peer, delivered, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>
    /// Stores the blobs a batch delivered in one durable round, then drives each flight to its end with the round's
    /// outcome: stored, or a lie (which blames the peer, and the other peers are asked). Waits for clients first, as
    /// every background copy does. A round the disk guard refuses, or the disk fails, settles nothing: each blob is then
    /// stored alone (<see cref="StoreInlineAsync"/>), so a refusal names the blob that does not fit.
    /// </summary>
    private async Task StoreDeliveredAsync(Peer peer, List<Delivered> delivered, CancellationToken cancellationToken)
    {
        if (delivered.Count == 0) return;
        try
        {
            IReadOnlyList<StoreException?>? outcomes = null;
            try
            {
                if (_clients is not null) await new ClientYield(_clients).WaitAsync(cancellationToken).ConfigureAwait(false);
                outcomes = _store.ImportBlobs([.. delivered.Select(static d => new SmallBlob(d.Flight.Digest, d.Content, d.Repository))]);
            }
            catch (StoreException e)
            {
                LogBatchRoundFailed(_logger, delivered.Count, peer.Member, e.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The drivers below end at once, finishing their flights.
            }
            for (int i = 0; i < delivered.Count; i++)
            {
                var (flight, repository, _, length) = delivered[i];
                CopyResult? settled = null;
                if (outcomes is not null)
                {
                    settled = outcomes[i] is null
                        ? new CopyResult(CopyOutcome.Stored, Bytes: length)
                        : new CopyResult(CopyOutcome.PeerLied, $"served wrong bytes for {flight.Digest}");
                    if (outcomes[i] is null) LogFetched(_logger, flight.Digest.ToString(), peer.Member, length);
                }
                await DriveAsync(flight, repository, throttled: true, background: true, cancellationToken,
                    new Prefetched(peer, delivered[i].Content, settled)).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var blob in delivered) ArrayPool<byte>.Shared.Return(blob.Buffer);
        }
    }

    /// <summary>A blob a batch delivered: its flight, and its bytes in a pooled buffer, not yet verified.</summary>
    private readonly record struct Delivered(BlobFlight Flight, RepositoryName Repository, byte[] Buffer, int Length)
    {
        public ReadOnlyMemory<byte> Content => Buffer.AsMemory(0, Length);
    }

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Storing {Count} blobs from {Peer} together failed: {Reason}; each is stored alone")]
    private static partial void LogBatchRoundFailed(ILogger logger, int count, string peer, string reason);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "A batch of blobs from {Peer} broke off: {Reason}; the rest is fetched one by one")]
    private static partial void LogBatchFailed(ILogger logger, string peer, string reason);
}
