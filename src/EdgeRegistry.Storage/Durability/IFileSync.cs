namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// The one durability seam that <see cref="System.IO.Abstractions.IFileSystem"/> lacks: forcing file data
/// and directory entries to stable storage. Tests substitute an implementation that fails on demand.
/// </summary>
public interface IFileSync
{
    /// <summary>fsync(2) of an open file written through the store's file system.</summary>
    void FlushFile(Stream stream);

    /// <summary>fsync(2) of a directory, making renames and creations inside it durable.</summary>
    void FlushDirectory(string path);
}
