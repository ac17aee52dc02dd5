using System.Buffers;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Blobs;

/// <summary>
/// One blob arriving from another registry of the cluster, written straight into a temporary file of the store
/// (no upload session): every byte is hashed as it is written (or by the caller, see below), and <see cref="Commit"/> makes the
/// blob visible only if the whole content has the expected digest (and size), after fsyncing the data, renaming
/// it into the blob layout and fsyncing the directory — the same durability as a push. Whatever the peer sends,
/// nothing becomes visible unless it verifies: short, long or wrong data ends in an exception and the temporary
/// file is deleted. Dispose without commit aborts. A crash leaves only a temporary file, which store recovery
/// deletes. Not thread-safe: one writer.
/// <para>
/// A read-through must know the digest of what it streams to its client before the disk has caught up, so it hashes
/// the stream itself; <see cref="TakeHash"/>, <see cref="WritePrehashed"/> and <see cref="AdoptHash"/> let it carry
/// the import's hash instead of hashing every byte a second time. Whenever the import's hash does not cover exactly its file (the
/// caller's writes stopped short of what it hashed), the import re-reads its file to hash it before it goes on:
/// nothing is ever committed on the strength of a hash of other bytes.
/// </para>
/// </summary>
public sealed class BlobImport : IDisposable
{
    /// <summary>Dirty data handed to the disk every this many bytes, so the final fsync is short.</summary>
    private const long WritebackBytes = 8 << 20;

    private readonly string _temp;
    private readonly Stream _file;
    private readonly IFileSync _sync;
    private readonly Func<string, BlobInfo, RepositoryName, BlobInfo> _publish;
    private readonly Action<string> _delete;
    private ContentHasher _hasher;
    private long _writebackFrom;
    private bool _finished;

    /// <summary>True while the bytes written were hashed by the caller and <see cref="_hasher"/> has not seen them.</summary>
    private bool _callerHashes;

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
        HashFileIfCallerHashed();
        Append(chunk, hash: true);
    }

    /// <summary>
    /// Hands the caller the hash of the bytes written so far, to go on hashing the bytes it writes next with
    /// <see cref="WritePrehashed"/> (and whatever else it checks with them, e.g. a stream to a client); the hash comes
    /// back with <see cref="AdoptHash"/>. Until then, the import holds no hash of its content: written further with
    /// <see cref="Write"/> or committed, it hashes its file first.
    /// </summary>
    public ContentHasher TakeHash()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        HashFileIfCallerHashed();
        var taken = _hasher;
        _hasher = new ContentHasher(Digest.Algorithm); // stands in until a hash is adopted or the file is hashed again
        _callerHashes = true;
        return taken;
    }

    /// <summary>
    /// Appends bytes the caller hashes itself, with the hasher <see cref="TakeHash"/> gave it, in order. The caller
    /// must hash exactly these bytes (the same immutable buffer); a hash of anything else is never adopted, since the
    /// byte counts would differ.
    /// </summary>
    public void WritePrehashed(ReadOnlySpan<byte> chunk)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (!_callerHashes) throw new InvalidOperationException($"prehashed bytes of {Digest} without TakeHash first");
        Append(chunk, hash: false);
    }

    /// <summary>
    /// Takes the caller's hasher back when it covers exactly the bytes written (<paramref name="hashedBytes"/> from
    /// the first byte): true, and the import owns (and disposes) it from now on. False otherwise — e.g. the caller
    /// hashed more than reached the disk — and the caller keeps its hasher; the import then hashes its file when it
    /// needs a hash.
    /// </summary>
    public bool AdoptHash(ContentHasher hasher, long hashedBytes)
    {
        if (_finished || !_callerHashes || hashedBytes != Written || hasher.Algorithm != Digest.Algorithm) return false;
        _hasher.Dispose();
        _hasher = hasher;
        _callerHashes = false;
        return true;
    }

    /// <summary>
    /// Reads back bytes already written (a read-through sends a claimed background copy's prefix to its client from
    /// here); 0 at <see cref="Written"/>. Like every call, not while another is under way.
    /// </summary>
    public int ReadWritten(long offset, Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        int count = (int)Math.Min(buffer.Length, Math.Max(0, Written - offset));
        if (count == 0) return 0;
        try
        {
            _file.Position = offset;
            int read = _file.Read(buffer[..count]);
            _file.Position = Written;
            return read;
        }
        catch (IOException e)
        {
            Abort();
            throw IoFailures.Translate(e, $"reading back blob {Digest}");
        }
    }

    private void Append(ReadOnlySpan<byte> chunk, bool hash)
    {
        if (Size is long size && Written + chunk.Length > size)
        {
            Abort();
            throw new StoreException(StoreError.UploadInvalid, $"blob {Digest} is longer than its announced {size} bytes");
        }
        try
        {
            if (hash) _hasher.Append(chunk);
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
    /// Prehashed bytes whose hash was not adopted: the import's own hash is rebuilt from what its file holds (read
    /// back, mostly from the page cache), so what is committed is what was hashed.
    /// </summary>
    private void HashFileIfCallerHashed()
    {
        if (!_callerHashes) return;
        var hasher = new ContentHasher(Digest.Algorithm);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            _file.Position = 0;
            for (long left = Written; left > 0;)
            {
                int read = _file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (read == 0) throw new IOException($"the temporary file of {Digest} ends before its {Written} written bytes");
                hasher.Append(buffer.AsSpan(0, read));
                left -= read;
            }
        }
        catch (IOException e)
        {
            hasher.Dispose();
            Abort();
            throw IoFailures.Translate(e, $"importing blob {Digest}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        _hasher.Dispose();
        _hasher = hasher;
        _callerHashes = false;
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
            HashFileIfCallerHashed();
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
