namespace EdgeRegistry.Storage.Capacity;

/// <summary>
/// The guard as `edgereg status` and `/metrics` show it. Free and store bytes already count the writes in progress
/// (<see cref="ReservedBytes"/>); null when not known (statfs failed, or the store not measured yet).
/// </summary>
public sealed record DiskGuardSnapshot(
    DiskGuardState State,
    string? Reason,
    long? FreeBytes,
    long? TotalBytes,
    long? MinFreeBytes,
    string MinFree,
    long? StoreBytes,
    long? MaxStoreBytes,
    long ReservedBytes,
    long Refusals,
    string? LastRefusal,
    DateTimeOffset? LastRefusalAt);
