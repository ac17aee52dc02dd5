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

    /// <summary>
    /// When the store copy was dropped: a copy of the hash as it stood at the end of what the copy took (and
    /// <see cref="DroppedAt"/>, its byte count), so the import resumes on it instead of reading its prefix back from
    /// the disk to hash it again. The taker owns it.
    /// </summary>
    public ContentHasher? DropSnapshot { get; private set; }

    public long DroppedAt { get; private set; }

    public async ValueTask<CopyResult?> AcceptAsync(Chunk chunk, bool last, CancellationToken cancellationToken)
    {
        // Offered before it is hashed: if this is the chunk the copy drops at, the hash still stands at the end of
        // what the import will hold.
        if (!await copy.OfferAsync(chunk).ConfigureAwait(false) && copy.Dropped && DropSnapshot is null)
        {
            DropSnapshot = hasher.Clone();
            DroppedAt = Hashed;
        }
        hasher.Append(chunk.Span);
        Hashed += chunk.Length;
        if (last)
        {
            if (hasher.Current() != digest) return new CopyResult(CopyOutcome.PeerLied, $"served wrong bytes for {digest}");
            Verified = true;
        }
        if (ClientAlive) ClientAlive = await ClientWriter.WriteAsync(client, chunk.Memory, clientAborted).ConfigureAwait(false);
        return null;
    }
}
