namespace EdgeRegistry.Storage.Capacity;

/// <summary>What statvfs says about the file system holding a path: bytes available to unprivileged writers, and its size.</summary>
public readonly record struct FileSystemSpace(long AvailableBytes, long TotalBytes)
{
    /// <summary>
    /// statvfs through DriveInfo (any path on the file system works, not only its mount point). The available
    /// count excludes the blocks ext4/xfs reserve for root: the guard keeps to what other services see as free.
    /// </summary>
    public static FileSystemSpace? Read(string path)
    {
        try
        {
            var drive = new DriveInfo(path);
            return new FileSystemSpace(drive.AvailableFreeSpace, drive.TotalSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
