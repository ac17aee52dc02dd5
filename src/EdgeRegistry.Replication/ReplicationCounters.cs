namespace EdgeRegistry.Replication;

/// <summary>What background convergence copied from peers, for the host's metrics. Interlocked adds only.</summary>
public sealed class ReplicationCounters
{
    private long _fetchedBlobs;
    private long _fetchedBytes;

    public long FetchedBlobs => Volatile.Read(ref _fetchedBlobs);

    public long FetchedBytes => Volatile.Read(ref _fetchedBytes);

    internal void BlobFetched(long bytes)
    {
        Interlocked.Increment(ref _fetchedBlobs);
        Interlocked.Add(ref _fetchedBytes, bytes);
    }
}
