namespace EdgeRegistry.Upstream;

/// <summary>What the cache did for clients: blobs and manifests served from an upstream (directly or through the member that fetched it).</summary>
public sealed class UpstreamCounters
{
    private long _blobs;
    private long _blobBytes;
    private long _manifests;
    private long _memberBytes;
    private long _misses;

    public long BlobsServed => Volatile.Read(ref _blobs);
    public long BlobBytesServed => Volatile.Read(ref _blobBytes);
    public long ManifestsServed => Volatile.Read(ref _manifests);

    /// <summary>Bytes read through from the member that owns a blob's uplink fetch, instead of over the uplink.</summary>
    public long MemberBytes => Volatile.Read(ref _memberBytes);

    public long Misses => Volatile.Read(ref _misses);

    internal void Blob(long bytes)
    {
        Interlocked.Increment(ref _blobs);
        Interlocked.Add(ref _blobBytes, bytes);
    }

    internal void Manifest() => Interlocked.Increment(ref _manifests);

    internal void FromMember(long bytes) => Interlocked.Add(ref _memberBytes, bytes);

    internal void Miss() => Interlocked.Increment(ref _misses);
}
