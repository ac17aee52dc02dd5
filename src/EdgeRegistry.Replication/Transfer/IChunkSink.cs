using EdgeRegistry.Content.Transfer;

namespace EdgeRegistry.Replication.Transfer;

/// <summary>Where <see cref="BlobCopier"/> puts each chunk: an import, or a client with a trailing store copy.</summary>
internal interface IChunkSink
{
    /// <summary>
    /// Takes one chunk, in order (the copier releases it afterwards; keep it with <see cref="Chunk.Retain"/>);
    /// <paramref name="last"/> when it ends the announced body. Null to go on, or the result that ends the copy.
    /// </summary>
    ValueTask<CopyResult?> AcceptAsync(Chunk chunk, bool last, CancellationToken cancellationToken);
}
