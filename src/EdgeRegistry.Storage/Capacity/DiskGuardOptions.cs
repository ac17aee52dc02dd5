namespace EdgeRegistry.Storage.Capacity;

/// <summary>The limits the disk guard keeps every write of the store within.</summary>
public sealed record DiskGuardOptions
{
    /// <summary>
    /// 15%: the kubelet's default eviction threshold is <c>imagefs.available&lt;15%</c>, and <c>/var</c> holds CRI-O's
    /// images too, so a store that by itself went below it would get the node's pods evicted.
    /// </summary>
    public static readonly SpaceLimit DefaultMinFree = SpaceLimit.OfPercent(15);

    /// <summary>Free space the store's writes must leave on its file system.</summary>
    public SpaceLimit MinFree { get; init; } = DefaultMinFree;

    /// <summary>Most bytes the store's blobs may take; null for no cap of its own.</summary>
    public long? MaxStoreBytes { get; init; }

    /// <summary>
    /// How long one statfs answer is used. Writes in between are accounted by the guard itself (reserved and written
    /// bytes), so the cache costs no accuracy, only a syscall per second instead of one per chunk.
    /// </summary>
    public TimeSpan SpaceFreshness { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>No limits at all: stores opened by tools and tests that do not ask for a guard.</summary>
    public static readonly DiskGuardOptions None = new() { MinFree = SpaceLimit.OfBytes(0) };
}
