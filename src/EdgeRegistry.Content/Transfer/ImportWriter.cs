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
        // Not cancelled mid-chunk: the appender's ring must never be left holding half a chunk. The import borrows
        // the chunk's buffer (written from where it is) and releases its hold once the disk has it.
        var data = chunk.Memory[(int)skip..];
        Action release = chunk.Retain().Release;
        return prehashed ? import.WritePrehashedAsync(data, release) : import.WriteAsync(data, release);
    }
}
