using EdgeRegistry.Content.Transfer;

namespace EdgeRegistry.Replication.ReadThrough;

/// <summary>How a read-through paces its client by the disk; the defaults ship, tests make the disk "slow" with them.</summary>
internal sealed record ReadThroughOptions
{
    public static readonly ReadThroughOptions Default = new();

    /// <summary>How far the disk may fall behind the client before the client waits for it.</summary>
    public long StoreLagCapBytes { get; init; } = StoreCopy.DefaultLagCapBytes;

    /// <summary>The share of its time a client may wait for the disk before the store copy is dropped.</summary>
    public double StoreWaitShare { get; init; } = StoreCopy.DefaultClientWaitShare;
}
