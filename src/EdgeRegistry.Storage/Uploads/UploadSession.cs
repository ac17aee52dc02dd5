using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Uploads;

/// <summary>
/// In-memory state of one upload: a lock that serializes its requests and a running sha256 over the bytes
/// written so far. The state is a cache of the data file: after a restart (or a failed write) it is
/// rebuilt by hashing the file, so an upload survives the process.
/// </summary>
internal sealed class UploadSession : IDisposable
{
    public SemaphoreSlim Lock { get; } = new(1, 1);

    /// <summary>sha256 of the first <see cref="HashedLength"/> bytes; null when it must be rebuilt from the file.</summary>
    public ContentHasher? Hasher { get; set; }

    public long HashedLength { get; set; }

    public void Invalidate()
    {
        Hasher?.Dispose();
        Hasher = null;
        HashedLength = 0;
    }

    public void Dispose()
    {
        Invalidate();
        Lock.Dispose();
    }
}
