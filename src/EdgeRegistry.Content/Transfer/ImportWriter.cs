using EdgeRegistry.Storage.Blobs;

namespace EdgeRegistry.Content.Transfer;

/// <summary>Appends chunks to an import that may already hold part of them (a source that ignored a Range resends the prefix).</summary>
public static class ImportWriter
{
    /// <summary>
    /// Writes the part of the chunk the import does not hold yet; <paramref name="prehashed"/>: the caller hashed it
    /// (see <see cref="BlobImport.WritePrehashed"/>).
    /// </summary>
    public static ValueTask WriteNewAsync(BlobImport import, Chunk chunk, bool prehashed = false)
    {
        long skip = import.Written - chunk.Offset;
        if (skip >= chunk.Length) return ValueTask.CompletedTask;
        if (skip < 0) throw new IOException($"a gap in the copy of {import.Digest}: byte {chunk.Offset} follows {import.Written}");
        // Not cancelled mid-chunk: the appender's ring must never be left holding half a chunk.
        return prehashed ? import.WritePrehashedAsync(chunk.Memory[(int)skip..]) : import.WriteAsync(chunk.Memory[(int)skip..]);
    }
}
