namespace EdgeRegistry.Replication;

/// <summary>What background convergence copied from peers, for the host's metrics. Interlocked adds only.</summary>
public sealed class ReplicationCounters
{
    private long _fetchedBlobs;
    private long _fetchedBytes;
    private int _waitingForSpace;
    private string? _waitReason;

    public long FetchedBlobs => Volatile.Read(ref _fetchedBlobs);

    public long FetchedBytes => Volatile.Read(ref _fetchedBytes);

    /// <summary>Background copies waiting for the disk guard to allow them.</summary>
    public int WaitingForSpace => Volatile.Read(ref _waitingForSpace);

    /// <summary>The guard's refusal the waiting copies last got; null when none waits.</summary>
    public string? WaitReason => WaitingForSpace > 0 ? Volatile.Read(ref _waitReason) : null;

    internal void CopyWaiting(string reason)
    {
        Volatile.Write(ref _waitReason, reason);
        Interlocked.Increment(ref _waitingForSpace);
    }

    internal void CopyStillWaiting(string reason) => Volatile.Write(ref _waitReason, reason);

    /// <summary>The copies still waiting after this one stopped.</summary>
    internal int CopyDoneWaiting() => Interlocked.Decrement(ref _waitingForSpace);

    internal void BlobFetched(long bytes)
    {
        Interlocked.Increment(ref _fetchedBlobs);
        Interlocked.Add(ref _fetchedBytes, bytes);
    }
}
