namespace EdgeRegistry.Storage.Capacity;

/// <summary>
/// The guard near or at a limit, with the numbers: what <see cref="IDiskPressureListener"/>s are told.
/// <see cref="HeadroomBytes"/> is how much more the store may write before the nearer limit refuses (0 or less: over).
/// </summary>
public sealed record DiskPressure(DiskGuardState State, long HeadroomBytes, long FreeBytes, long MinFreeBytes, long StoreBytes,
    long? MaxStoreBytes, string Reason);
