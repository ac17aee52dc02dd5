using EdgeRegistry.Storage.Blobs;

namespace EdgeRegistry.Replication.Transfer;

/// <summary>The chunks of a background copy, written into its import (which hashes them).</summary>
internal sealed class ImportSink(BlobImport import, Func<CancellationToken, ValueTask>? pause) : IChunkSink
{
    public async ValueTask<CopyResult?> AcceptAsync(Chunk chunk, bool last, CancellationToken cancellationToken)
    {
        if (pause is not null) await pause(cancellationToken).ConfigureAwait(false);
        await WriteNewAsync(import, chunk).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Writes the part of the chunk the import does not hold yet (a peer that ignored a Range resends the prefix);
    /// <paramref name="prehashed"/>: the caller hashed it (see <see cref="BlobImport.WritePrehashed"/>).
    /// </summary>
    public static ValueTask WriteNewAsync(BlobImport import, Chunk chunk, bool prehashed = false)
    {
        long skip = import.Written - chunk.Offset;
        if (skip >= chunk.Length) return ValueTask.CompletedTask;
        if (skip < 0) throw new IOException($"a gap in the copy of {import.Digest}: byte {chunk.Offset} follows {import.Written}");
        // Not cancelled mid-chunk: the appender's ring must never be left holding half a chunk. The import borrows
        // the chunk's buffer (written from where it is) and releases its hold once the disk has it.
        var data = chunk.Memory[(int)skip..];
        Action release = chunk.Retain().Release;
        return prehashed ? import.WritePrehashedAsync(data, release) : import.WriteAsync(data, release);
    }
}
