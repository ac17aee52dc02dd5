using EdgeRegistry.Storage.Blobs;

namespace EdgeRegistry.Replication.Transfer;

/// <summary>The chunks of a background copy, written into its import (which hashes them).</summary>
internal sealed class ImportSink(BlobImport import, Func<CancellationToken, ValueTask>? pause) : IChunkSink
{
    public async ValueTask<CopyResult?> AcceptAsync(Chunk chunk, bool last, CancellationToken cancellationToken)
    {
        if (pause is not null) await pause(cancellationToken).ConfigureAwait(false);
        WriteNew(import, chunk);
        return null;
    }

    /// <summary>
    /// Writes the part of the chunk the import does not hold yet (a peer that ignored a Range resends the prefix);
    /// <paramref name="prehashed"/>: the caller hashed it (see <see cref="BlobImport.WritePrehashed"/>).
    /// </summary>
    public static void WriteNew(BlobImport import, Chunk chunk, bool prehashed = false)
    {
        long skip = import.Written - chunk.Offset;
        if (skip >= chunk.Length) return;
        if (skip < 0) throw new IOException($"a gap in the copy of {import.Digest}: byte {chunk.Offset} follows {import.Written}");
        if (prehashed) import.WritePrehashed(chunk.Span[(int)skip..]);
        else import.Write(chunk.Span[(int)skip..]);
    }
}
