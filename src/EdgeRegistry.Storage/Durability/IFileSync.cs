namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// The durability seams that <see cref="System.IO.Abstractions.IFileSystem"/> lacks: forcing file data and
/// directory entries to stable storage, and appending to a file outside the page cache where the file system
/// allows it. Tests substitute an implementation that fails on demand.
/// </summary>
public interface IFileSync
{
    /// <summary>fsync(2) of an open file written through the store's file system.</summary>
    void FlushFile(Stream stream);

    /// <summary>fsync(2) of a directory, making renames and creations inside it durable.</summary>
    void FlushDirectory(string path);

    /// <summary>Opens the existing file at <paramref name="path"/> for appending at its end.</summary>
    IFileAppender CreateAppender(string path);
}
