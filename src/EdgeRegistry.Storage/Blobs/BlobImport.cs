using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Blobs;

/// <summary>
/// One blob arriving from another registry of the cluster, written straight into a temporary file of the store
/// (no upload session, no re-read): every byte is hashed as it is written, and <see cref="Commit"/> makes the
/// blob visible only if the whole content has the expected digest (and size), after fsyncing the data, renaming
/// it into the blob layout and fsyncing the directory — the same durability as a push. Whatever the peer sends,
/// nothing becomes visible unless it verifies: short, long or wrong data ends in an exception and the temporary
/// file is deleted. Dispose without commit aborts. A crash leaves only a temporary file, which store recovery
/// deletes. Not thread-safe: one writer.
/// </summary>
public sealed class BlobImport : IDisposable
{
    /// <summary>Dirty data handed to the disk every this many bytes, so the final fsync is short.</summary>
    private const long WritebackBytes = 8 << 20;

    private readonly string _temp;
    private readonly Stream _file;
    private readonly ContentHasher _hasher;
    private readonly IFileSync _sync;
    private readonly Func<string, BlobInfo, RepositoryName, BlobInfo> _publish;
    private readonly Action<string> _delete;
    private long _writebackFrom;
    private bool _finished;

    internal BlobImport(Digest digest, long? size, string temp, Stream file, IFileSync sync,
        Func<string, BlobInfo, RepositoryName, BlobInfo> publish, Action<string> delete)
    {
        Digest = digest;
        Size = size;
        _temp = temp;
        _file = file;
        _sync = sync;
        _publish = publish;
        _delete = delete;
        _hasher = new ContentHasher(digest.Algorithm);
    }

    public Digest Digest { get; }

    /// <summary>The announced size; null when unknown (then only the digest decides).</summary>
    public long? Size { get; }

    /// <summary>Bytes written so far (a resumed transfer continues from here).</summary>
    public long Written { get; private set; }

    /// <summary>Appends bytes. More bytes than the announced size is an error, and the import is then aborted.</summary>
    public void Write(ReadOnlySpan<byte> chunk)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (Size is long size && Written + chunk.Length > size)
        {
            Abort();
            throw new StoreException(StoreError.UploadInvalid, $"blob {Digest} is longer than its announced {size} bytes");
        }
        try
        {
            _hasher.Append(chunk);
            _file.Write(chunk);
        }
        catch (IOException e)
        {
            Abort();
            throw IoFailures.Translate(e, $"importing blob {Digest}");
        }
        Written += chunk.Length;
        if (Written - _writebackFrom >= WritebackBytes)
        {
            EarlyWriteback.Start(_file, _writebackFrom, Written - _writebackFrom);
            _writebackFrom = Written;
        }
    }

    /// <summary>
    /// Verifies size and digest, makes the bytes durable and visible, and links the blob into
    /// <paramref name="repository"/>. Throws <see cref="StoreException"/> (DigestMismatch, UploadInvalid, IoFailure,
    /// StorageFull) and removes the temporary file when anything is wrong; nothing is visible then.
    /// </summary>
    public BlobInfo Commit(RepositoryName repository)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        try
        {
            if (Size is long size && Written != size)
            {
                throw new StoreException(StoreError.UploadInvalid, $"blob {Digest} ended after {Written} of {size} bytes");
            }
            var actual = _hasher.Current();
            if (actual != Digest)
            {
                throw new StoreException(StoreError.DigestMismatch, $"the imported content has digest {actual}, not {Digest}")
                    { Detail = Digest.ToString() };
            }
            // Durable before visible: the rename in publish makes these bytes the blob.
            _sync.FlushFile(_file);
            _file.Dispose();
            _finished = true;
            _hasher.Dispose();
            return _publish(_temp, new BlobInfo(Digest, Written), repository);
        }
        catch (IOException e)
        {
            Abort();
            throw IoFailures.Translate(e, $"importing blob {Digest}");
        }
        catch
        {
            Abort();
            throw;
        }
    }

    /// <summary>Drops the import: the temporary file is deleted, nothing becomes visible. Idempotent.</summary>
    public void Abort()
    {
        if (!_finished)
        {
            _finished = true;
            try { _file.Dispose(); }
            catch (IOException) { }
            _hasher.Dispose();
        }
        _delete(_temp);
    }

    public void Dispose()
    {
        if (!_finished) Abort();
    }
}
