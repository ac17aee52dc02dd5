using System.Buffers;
using EdgeRegistry.Storage.Capacity;
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
/// <para>
/// Bytes reach the file through the store's appender (<see cref="IFileSync.CreateAppender"/>): O_DIRECT from aligned
/// chunks where the file system takes it, as uploads do, so a copy leaves no gigabytes of dirty page cache behind
/// for the final fsync, and the import's own hash runs on the appender's write chain, beside the disk. The
/// asynchronous writes are the copy path; the synchronous ones block while the disk is the appender's ring behind.
/// </para>
/// </summary>
public sealed class BlobImport : IDisposable
{
    private readonly string _temp;
    /// <summary>For reading back and for the fsync; the bytes are written through <see cref="_appender"/>.</summary>
    private readonly Stream _file;
    private readonly IFileAppender _appender;
    private readonly IFileSync _sync;
    private readonly Func<string, BlobInfo, RepositoryName?, BlobInfo> _publish;
    private readonly Action<string> _delete;
    /// <summary>The disk guard's hold on the bytes this import adds, released when it is committed or dropped.</summary>
    private readonly DiskReservation _reservation;
    private ContentHasher _hasher;
    private bool _finished;

    /// <summary>True while the bytes written were hashed by the caller and <see cref="_hasher"/> has not seen them.</summary>
    private bool _callerHashes;

    internal BlobImport(Digest digest, long? size, string temp, Stream file, IFileSync sync,
        Func<string, BlobInfo, RepositoryName?, BlobInfo> publish, Action<string> delete, DiskReservation? reservation = null)
    {
        _reservation = reservation ?? DiskReservation.None;
        Digest = digest;
        Size = size;
        _temp = temp;
        _file = file;
        _sync = sync;
        _publish = publish;
        _delete = delete;
        _hasher = new ContentHasher(digest.Algorithm);
        try
        {
            _appender = sync.CreateAppender(temp);
        }
        catch
        {
            file.Dispose();
            delete(temp);
            throw;
        }
    }

    public Digest Digest { get; }

    /// <summary>The announced size; null when unknown (then only the digest decides).</summary>
    public long? Size { get; }

    /// <summary>Bytes written so far (a resumed transfer continues from here).</summary>
    public long Written { get; private set; }

    /// <summary>Appends bytes. More bytes than the announced size is an error, and the import is then aborted.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        HashFileIfCallerHashed();
        return AppendAsync(chunk, hash: true, cancellationToken);
    }

    /// <summary>
    /// <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/> of memory the caller lends until
    /// <paramref name="release"/> runs (exactly once, also on failure): page-aligned memory from
    /// <see cref="AlignedBufferPool"/> is written to the disk and hashed from where it is, with no copy.
    /// </summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, Action release, CancellationToken cancellationToken = default)
    {
        try
        {
            ObjectDisposedException.ThrowIf(_finished, this);
            HashFileIfCallerHashed();
        }
        catch
        {
            release();
            throw;
        }
        return AppendInPlaceAsync(chunk, release, hash: true, cancellationToken);
    }

    /// <summary><see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/> for a caller without an asynchronous context.</summary>
    public void Write(ReadOnlySpan<byte> chunk) => Wait(WriteAsync(chunk.ToArray()));

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
        CompleteWrites(); // the hash may still be running on the write chain
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
    public ValueTask WritePrehashedAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (!_callerHashes) throw new InvalidOperationException($"prehashed bytes of {Digest} without TakeHash first");
        return AppendAsync(chunk, hash: false, cancellationToken);
    }

    /// <summary><see cref="WritePrehashedAsync(ReadOnlyMemory{byte}, CancellationToken)"/> of lent memory, as <see cref="WriteAsync(ReadOnlyMemory{byte}, Action, CancellationToken)"/>.</summary>
    public ValueTask WritePrehashedAsync(ReadOnlyMemory<byte> chunk, Action release, CancellationToken cancellationToken = default)
    {
        if (_finished || !_callerHashes)
        {
            release();
            ObjectDisposedException.ThrowIf(_finished, this);
            throw new InvalidOperationException($"prehashed bytes of {Digest} without TakeHash first");
        }
        return AppendInPlaceAsync(chunk, release, hash: false, cancellationToken);
    }

    /// <summary><see cref="WritePrehashedAsync(ReadOnlyMemory{byte}, CancellationToken)"/> for a caller without an asynchronous context.</summary>
    public void WritePrehashed(ReadOnlySpan<byte> chunk) => Wait(WritePrehashedAsync(chunk.ToArray()));

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
        CompleteWrites();
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

    private async ValueTask AppendAsync(ReadOnlyMemory<byte> chunk, bool hash, CancellationToken cancellationToken)
    {
        if (Size is long size && Written + chunk.Length > size)
        {
            Abort();
            throw new StoreException(StoreError.UploadInvalid, $"blob {Digest} is longer than its announced {size} bytes");
        }
        try
        {
            _reservation.Cover(Written + chunk.Length);
        }
        catch
        {
            Abort();
            throw;
        }
        try
        {
            // The appender hashes each chunk it writes, in file order, from the buffer the write reads.
            _appender.Hasher = hash ? _hasher : null;
            while (!chunk.IsEmpty)
            {
                var buffer = _appender.Buffer;
                int count = Math.Min(buffer.Length, chunk.Length);
                chunk.Span[..count].CopyTo(buffer.Span);
                var written = _appender.WriteAsync(count, cancellationToken);
                if (!written.IsCompletedSuccessfully)
                {
                    await written.ConfigureAwait(false);
                    // That await resumes inline, inside the completion of the appender's write chain: a caller that went
                    // on to a blocking wait for the chain (Commit, Abort) from there would wait for continuations queued
                    // behind itself. Leave the chain's thread first.
                    await Task.Yield();
                }
                chunk = chunk[count..];
                Written += count;
            }
        }
        catch (IOException e)
        {
            // A failed write's await resumes inside the appender's write chain too, and Abort waits for that chain:
            // without leaving it first, a full disk (ENOSPC) would hang the import instead of refusing it.
            await Task.Yield();
            Abort();
            throw IoFailures.Translate(e, $"importing blob {Digest}");
        }
    }

    private async ValueTask AppendInPlaceAsync(ReadOnlyMemory<byte> chunk, Action release, bool hash, CancellationToken cancellationToken)
    {
        if (Size is long size && Written + chunk.Length > size)
        {
            release();
            Abort();
            throw new StoreException(StoreError.UploadInvalid, $"blob {Digest} is longer than its announced {size} bytes");
        }
        try
        {
            _appender.Hasher = hash ? _hasher : null;
            var written = _appender.WriteInPlaceAsync(chunk, release, cancellationToken);
            Written += chunk.Length;
            if (!written.IsCompletedSuccessfully)
            {
                await written.ConfigureAwait(false);
                await Task.Yield(); // off the write chain's thread, as in AppendAsync
            }
        }
        catch (IOException e)
        {
            await Task.Yield(); // off the write chain's thread before Abort waits for it, as in AppendAsync
            Abort();
            throw IoFailures.Translate(e, $"importing blob {Digest}");
        }
    }

    /// <summary>Waits until every byte handed to the appender is in the file (and hashed); a write failure aborts.</summary>
    private void CompleteWrites()
    {
        try
        {
            Wait(_appender.CompleteWritesAsync());
        }
        catch (IOException e)
        {
            Abort();
            throw IoFailures.Translate(e, $"importing blob {Digest}");
        }
    }

    private static void Wait(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully) return;
        pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Prehashed bytes whose hash was not adopted: the import's own hash is rebuilt from what its file holds (read
    /// back, mostly from the page cache), so what is committed is what was hashed.
    /// </summary>
    private void HashFileIfCallerHashed()
    {
        if (!_callerHashes) return;
        CompleteWrites();
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
    public BlobInfo Commit(RepositoryName repository) => CommitCore(repository);

    /// <summary>
    /// <see cref="Commit"/> without linking the blob into any repository and without a change event: for an import
    /// from removable media, whose archives hold blobs before (or without) saying which repository references them.
    /// The manifest that references the blob links it when it is imported (<see cref="IRegistryStore.ImportManifest"/>);
    /// until then the blob is an orphan, invisible to the API and to replication, as an orphan blob always is.
    /// </summary>
    public BlobInfo CommitUnlinked() => CommitCore(null);

    private BlobInfo CommitCore(RepositoryName? repository)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        try
        {
            HashFileIfCallerHashed();
            CompleteWrites();
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
            Wait(_appender.DisposeAsync());
            _file.Dispose();
            _finished = true;
            _hasher.Dispose();
            var published = _publish(_temp, new BlobInfo(Digest, Written), repository);
            _reservation.Dispose();
            return published;
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
            // The appender may still be writing (and hashing) from its chunks: it waits for that before it lets go.
            try { Wait(_appender.DisposeAsync()); }
            catch (IOException) { }
            try { _file.Dispose(); }
            catch (IOException) { }
            _hasher.Dispose();
        }
        _reservation.Dispose();
        _delete(_temp);
    }

    public void Dispose()
    {
        if (!_finished) Abort();
    }
}
