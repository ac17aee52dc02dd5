using EdgeRegistry.Storage.Capacity;
using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Abstractions;
using System.IO.Pipelines;
using System.Text;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Layout;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Uploads;

/// <summary>
/// Blob uploads in Distribution's layout (<c>_uploads/&lt;uuid&gt;/data</c> + <c>startedat</c>). Data is appended
/// straight to the upload's file (through an <see cref="IFileAppender"/>: O_DIRECT where possible) while a hash
/// runs over it; completion verifies the digest, fsyncs and renames
/// the file into the blob store, so a blob is never copied a second time and never visible before it is whole.
/// </summary>
internal sealed class UploadStore
{
    /// <summary>Read size when an upload's file must be rehashed (restart, failed request, another algorithm).</summary>
    private const int HashReadBytes = 1024 * 1024;

    private readonly IFileSystem _fs;
    private readonly IFileSync _sync;
    private readonly StorePaths _paths;
    private readonly DurableFiles _files;
    private readonly BlobStore _blobs;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, UploadSession> _sessions = new(StringComparer.Ordinal);

    public UploadStore(IFileSystem fs, IFileSync sync, StorePaths paths, DurableFiles files, BlobStore blobs, TimeProvider time)
    {
        _fs = fs;
        _sync = sync;
        _paths = paths;
        _files = files;
        _blobs = blobs;
        _time = time;
    }

    public UploadStatus Start(RepositoryName repository)
    {
        string id = Guid.NewGuid().ToString("D");
        var startedAt = _time.GetUtcNow();
        string directory = _paths.UploadDirectory(repository, id);
        _files.EnsureDirectory(directory);
        using (_fs.FileStream.New(_paths.UploadData(repository, id), FileMode.CreateNew, FileAccess.Write)) { }
        _fs.File.WriteAllText(_paths.UploadStartedAt(repository, id), startedAt.ToString("O", CultureInfo.InvariantCulture), Encoding.ASCII);
        return new UploadStatus(id, 0, startedAt);
    }

    public UploadStatus? Get(RepositoryName repository, string uploadId)
    {
        if (!IsWellFormedId(uploadId)) return null;
        var data = _fs.FileInfo.New(_paths.UploadData(repository, uploadId));
        if (!data.Exists) return null;
        return new UploadStatus(uploadId, data.Length, ReadStartedAt(repository, uploadId) ?? data.CreationTimeUtc);
    }

    public async Task<UploadStatus> AppendAsync(RepositoryName repository, string uploadId, PipeReader body,
        long? expectedOffset, long? expectedLength, DiskReservation reservation, CancellationToken cancellationToken)
    {
        var session = await EnterAsync(repository, uploadId, cancellationToken).ConfigureAwait(false);
        try
        {
            long length = await AppendLockedAsync(repository, uploadId, session, body, expectedOffset, expectedLength,
                DigestAlgorithm.Sha256, reservation, cancellationToken).ConfigureAwait(false);
            return new UploadStatus(uploadId, length, ReadStartedAt(repository, uploadId) ?? _time.GetUtcNow());
        }
        finally
        {
            session.Lock.Release();
        }
    }

    public async Task<BlobInfo> CompleteAsync(RepositoryName repository, string uploadId, Digest expected,
        PipeReader? finalChunk, long? expectedOffset, long? expectedLength, DiskReservation reservation, CancellationToken cancellationToken)
    {
        var session = await EnterAsync(repository, uploadId, cancellationToken).ConfigureAwait(false);
        try
        {
            if (finalChunk is not null)
            {
                await AppendLockedAsync(repository, uploadId, session, finalChunk, expectedOffset, expectedLength,
                    expected.Algorithm, reservation, cancellationToken).ConfigureAwait(false);
            }
            return Commit(repository, uploadId, session, expected);
        }
        finally
        {
            session.Lock.Release();
        }
    }

    public bool Cancel(RepositoryName repository, string uploadId)
    {
        if (!IsWellFormedId(uploadId)) return false;
        bool removed = _files.RemoveDirectoryAtomically(_paths.UploadDirectory(repository, uploadId));
        Forget(uploadId);
        return removed;
    }

    /// <summary>Removes uploads that have not been touched for <paramref name="maxAge"/>; returns how many.</summary>
    public int PurgeStale(TimeSpan maxAge)
    {
        if (!_fs.Directory.Exists(_paths.Repositories)) return 0;
        var cutoff = _time.GetUtcNow() - maxAge;
        int purged = 0;
        foreach (var (repository, _) in RepositoryCatalog.NameDirectories(_fs, _paths))
        {
            string uploads = Path.Combine(repository, StorePaths.UploadsName);
            if (!_fs.Directory.Exists(uploads)) continue;
            foreach (string upload in _fs.Directory.EnumerateDirectories(uploads))
            {
                string data = StorePaths.DataFile(upload);
                var lastTouched = _fs.File.Exists(data) ? _fs.File.GetLastWriteTimeUtc(data) : _fs.Directory.GetLastWriteTimeUtc(upload);
                string id = Path.GetFileName(upload);
                if (lastTouched >= cutoff.UtcDateTime) continue;
                // A request holding the upload's lock is writing to it right now: not stale, whatever the clock says.
                if (_sessions.TryGetValue(id, out var session) && session.Lock.CurrentCount == 0) continue;
                if (_files.RemoveDirectoryAtomically(upload)) purged++;
                Forget(id);
            }
        }
        return purged;
    }

    private BlobInfo Commit(RepositoryName repository, string uploadId, UploadSession session, Digest expected)
    {
        string data = _paths.UploadData(repository, uploadId);
        Digest actual;
        long length;
        using (var stream = _fs.FileStream.New(data, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 1))
        {
            length = stream.Length;
            if (session.Hasher is { } hasher && hasher.Algorithm == expected.Algorithm && session.HashedLength == length)
            {
                actual = hasher.Current();
            }
            else
            {
                // No running hash (restart, failed write) or another algorithm was asked for: hash the file.
                actual = HashFile(stream, expected.Algorithm, length);
            }
            if (actual != expected)
            {
                throw new StoreException(StoreError.DigestMismatch,
                    $"the uploaded content has digest {actual}, not {expected}") { Detail = expected.ToString() };
            }
            // Durable before visible: the rename below publishes these bytes.
            _sync.FlushFile(stream);
        }
        _blobs.Commit(data, expected);
        _blobs.LinkLayer(repository, expected);
        Cancel(repository, uploadId);
        return new BlobInfo(expected, length);
    }

    /// <summary>
    /// The one write path of every upload request (PATCH chunk, PUT with a final chunk, single-request POST):
    /// the body is copied from the request pipe straight into the appender's chunk, which is hashed there once
    /// and written to the file while the next chunk fills. On any failure the upload is cut back to
    /// where this request started.
    /// </summary>
    private async Task<long> AppendLockedAsync(RepositoryName repository, string uploadId, UploadSession session,
        PipeReader body, long? expectedOffset, long? expectedLength, DigestAlgorithm algorithm, DiskReservation reservation,
        CancellationToken cancellationToken)
    {
        string data = _paths.UploadData(repository, uploadId);
        await using var appender = _sync.CreateAppender(data);
        long start = appender.Length;
        if (expectedOffset is long offset && offset != start)
        {
            throw new StoreException(StoreError.UploadOutOfOrder,
                $"the chunk starts at byte {offset} but the upload holds {start} bytes") { Detail = start.ToString(CultureInfo.InvariantCulture) };
        }
        try
        {
            EnsureHasher(session, data, start, algorithm);
            appender.Hasher = session.Hasher;
            long written = await CopyBodyAsync(body, appender, expectedLength, reservation, cancellationToken).ConfigureAwait(false);
            await appender.CompleteWritesAsync().ConfigureAwait(false);
            if (expectedLength is long declared && declared != written)
            {
                throw new StoreException(StoreError.UploadInvalid,
                    $"the request declared {declared} bytes but its body held {written}");
            }
            session.HashedLength = start + written;
            return start + written;
        }
        catch
        {
            // Leave the upload exactly as it was before this request: a failed or partial chunk must not
            // shift where the next chunk starts, and the running hash no longer matches the file. The hash is
            // dropped only after the truncate has waited for the writes in flight, which still append to it.
            try
            {
                await TryTruncateAsync(appender, start).ConfigureAwait(false);
            }
            finally
            {
                session.Invalidate();
            }
            throw;
        }
    }

    private static async Task<long> CopyBodyAsync(PipeReader body, IFileAppender appender, long? expectedLength,
        DiskReservation reservation, CancellationToken cancellationToken)
    {
        long written = 0;
        var chunk = appender.Buffer;
        int filled = 0;
        while (true)
        {
            var result = await body.ReadAsync(cancellationToken).ConfigureAwait(false);
            var sequence = result.Buffer;
            try
            {
                foreach (var segment in sequence)
                {
                    var remaining = segment;
                    while (!remaining.IsEmpty)
                    {
                        int take = Math.Min(remaining.Length, chunk.Length - filled);
                        remaining.Span[..take].CopyTo(chunk.Span[filled..]);
                        filled += take;
                        remaining = remaining[take..];
                        if (filled == chunk.Length)
                        {
                            written += await WriteChunkAsync(appender, filled, written, expectedLength, reservation, cancellationToken).ConfigureAwait(false);
                            chunk = appender.Buffer;
                            filled = 0;
                        }
                    }
                }
            }
            finally
            {
                // Also when a write failed (a full disk): a read left open makes Kestrel's drain of the rest of the
                // body fail with an ERR stack trace after the error response went out.
                body.AdvanceTo(sequence.End);
            }
            if (result.IsCompleted || result.IsCanceled) break;
        }
        if (filled > 0)
        {
            written += await WriteChunkAsync(appender, filled, written, expectedLength, reservation, cancellationToken).ConfigureAwait(false);
        }
        return written;
    }

    private static async ValueTask<int> WriteChunkAsync(IFileAppender appender, int count, long writtenSoFar, long? expectedLength,
        DiskReservation reservation, CancellationToken cancellationToken)
    {
        if (expectedLength is long declared && writtenSoFar + count > declared)
        {
            throw new StoreException(StoreError.UploadInvalid, $"the request body is longer than its declared {declared} bytes");
        }
        // A body without Content-Length reserves as it grows: the guard may stop it mid-way, and the upload is then
        // cut back to where this request started, as after any failed chunk.
        reservation.Cover(writtenSoFar + count);
        // The appender hashes the chunk in the buffer the disk write reads from: one pass, no copy, and off
        // this thread, which goes on receiving the next chunk meanwhile.
        await appender.WriteAsync(count, cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>
    /// Makes the session's running hash cover the first <paramref name="length"/> bytes. A fresh upload hashes
    /// with the algorithm the caller expects (a single-request sha512 push needs no second pass); an upload whose
    /// hash was lost (restart, failed request) is rehashed from its file.
    /// </summary>
    private void EnsureHasher(UploadSession session, string data, long length, DigestAlgorithm algorithm)
    {
        if (session.Hasher is not null && session.HashedLength == length) return;
        session.Invalidate();
        var hasher = new ContentHasher(algorithm);
        if (length > 0)
        {
            using var stream = _fs.FileStream.New(data, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            HashInto(hasher, stream, length);
        }
        session.Hasher = hasher;
        session.HashedLength = length;
    }

    private static Digest HashFile(Stream stream, DigestAlgorithm algorithm, long length)
    {
        using var hasher = new ContentHasher(algorithm);
        HashInto(hasher, stream, length);
        return hasher.Current();
    }

    private static void HashInto(ContentHasher hasher, Stream stream, long length)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(HashReadBytes);
        try
        {
            stream.Position = 0;
            long remaining = length;
            while (remaining > 0)
            {
                int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (read == 0) break;
                hasher.Append(buffer.AsSpan(0, read));
                remaining -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask TryTruncateAsync(IFileAppender appender, long length)
    {
        try { await appender.TruncateAsync(length).ConfigureAwait(false); }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    private async Task<UploadSession> EnterAsync(RepositoryName repository, string uploadId, CancellationToken cancellationToken)
    {
        if (!IsWellFormedId(uploadId) || !_fs.File.Exists(_paths.UploadData(repository, uploadId)))
        {
            throw UnknownUpload(uploadId);
        }
        var session = _sessions.GetOrAdd(uploadId, static _ => new UploadSession());
        await session.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        // The upload may have been completed or cancelled while we waited for the lock.
        if (!_fs.File.Exists(_paths.UploadData(repository, uploadId)))
        {
            session.Lock.Release();
            throw UnknownUpload(uploadId);
        }
        return session;
    }

    private void Forget(string uploadId)
    {
        // The session object stays usable by a request still holding it; it only leaves the table.
        _sessions.TryRemove(uploadId, out _);
    }

    private DateTimeOffset? ReadStartedAt(RepositoryName repository, string uploadId)
    {
        try
        {
            string text = _fs.File.ReadAllText(_paths.UploadStartedAt(repository, uploadId)).Trim();
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : null;
        }
        catch (IOException) { return null; }
    }

    private static StoreException UnknownUpload(string uploadId) =>
        new(StoreError.UploadUnknown, $"upload '{uploadId}' is unknown, completed or cancelled") { Detail = uploadId };

    /// <summary>Upload ids are lower-case UUIDs we minted; anything else never touches the file system.</summary>
    internal static bool IsWellFormedId(string? id) =>
        id is { Length: 36 } && Guid.TryParseExact(id, "D", out _) && !id.Any(char.IsAsciiLetterUpper);
}
