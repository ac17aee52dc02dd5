using EdgeRegistry.Storage.Durability;

namespace EdgeRegistry.Status;

/// <summary>
/// The store's contents and disk. Counts are null until a first count has finished (and when the store cannot
/// be read); <see cref="CountedAt"/> says how old they are. <see cref="LastError"/> is why the last count failed.
/// <see cref="FileSystem"/> is read from the kernel's mount table at each status (a few KB, never the store).
/// </summary>
internal sealed record StoreStatus(
    string Root,
    int? Repositories,
    long? Manifests,
    long? Blobs,
    long? Bytes,
    long? FreeBytes,
    long? TotalBytes,
    DateTimeOffset? CountedAt,
    string? LastError,
    StoreFileSystem? FileSystem = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsUnreadable => LastError is not null && Repositories is null;

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsLowOnSpace => FreeBytes is { } free && TotalBytes is { } total && new DiskSpace(free, total).IsLow;

    public static StoreStatus From(string root, CensusResult? census, DiskSpace? disk) => new(
        root,
        census?.Counts?.Repositories,
        census?.Counts?.Manifests,
        census?.Counts?.Blobs,
        census?.Counts?.Bytes,
        disk?.FreeBytes,
        disk?.TotalBytes,
        census?.Counts?.CountedAt,
        census?.Error,
        StoreFileSystem.Detect(root));
}
