using EdgeRegistry.Content.Transfer;
using System.IO.Pipelines;
using EdgeRegistry.Replication.Transfer;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Replication.ReadThrough;

/// <summary>
/// The chunks of a client read-through: each is hashed (going on from the import's hash of its prefix), offered
/// to the trailing <see cref="StoreCopy"/>, and written to the client — the last one only once the digest
/// verified. A client that leaves stops receiving; the copy goes on for the store.
/// </summary>
internal sealed class TeeSink(Digest digest, ContentHasher hasher, long hashedBefore, StoreCopy copy, PipeWriter client,
    bool clientAlive, CancellationToken clientAborted) : IChunkSink
{
    /// <summary>Bytes from the blob's start the hasher covers.</summary>
    public long Hashed { get; private set; } = hashedBefore;

    public bool ClientAlive { get; private set; } = clientAlive;

    /// <summary>True once the last chunk verified.</summary>
    public bool Verified { get; private set; }

    public async ValueTask<CopyResult?> AcceptAsync(Chunk chunk, bool last, CancellationToken cancellationToken)
    {
        hasher.Append(chunk.Span);
        Hashed += chunk.Length;
        await copy.OfferAsync(chunk).ConfigureAwait(false);
        if (last)
        {
            if (hasher.Current() != digest) return new CopyResult(CopyOutcome.PeerLied, $"served wrong bytes for {digest}");
            Verified = true;
        }
        if (ClientAlive) ClientAlive = await ClientWriter.WriteAsync(client, chunk.Memory, clientAborted).ConfigureAwait(false);
        return null;
    }
}
