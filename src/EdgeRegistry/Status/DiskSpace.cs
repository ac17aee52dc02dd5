namespace EdgeRegistry.Status;

/// <summary>Free and total bytes of the file system holding a path (statvfs through DriveInfo: cheap, no walk).</summary>
internal sealed record DiskSpace(long FreeBytes, long TotalBytes)
{
    /// <summary>Below this share of free space the node is one big image away from failed pulls.</summary>
    public const double LowFreeRatio = 0.10;

    public bool IsLow => TotalBytes > 0 && (double)FreeBytes / TotalBytes < LowFreeRatio;

    public static DiskSpace? Of(string path) =>
        Storage.Capacity.FileSystemSpace.Read(path) is { } space ? new DiskSpace(space.AvailableBytes, space.TotalBytes) : null;
}
