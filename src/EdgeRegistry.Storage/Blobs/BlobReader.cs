using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using Microsoft.Win32.SafeHandles;

namespace EdgeRegistry.Storage.Blobs;

/// <summary>
/// An open committed blob for positional reads. Committed blob files are never modified in place (a new
/// commit of the same digest replaces the directory entry atomically with identical bytes), so an open
/// reader stays valid for its whole response even if the blob is deleted meanwhile.
/// </summary>
public sealed class BlobReader : IDisposable
{
    private readonly Stream _stream;
    private readonly SafeFileHandle? _handle;

    internal BlobReader(Digest digest, Stream stream)
    {
        Digest = digest;
        _stream = stream;
        // A file of the real file system is read with pread straight into the caller's buffer. Any other
        // stream (a test's fault-injecting wrapper) goes through Stream's API.
        File = PlainFileStreams.TryUnwrap(stream);
        _handle = File?.SafeFileHandle;
        Length = stream.Length;
    }

    public Digest Digest { get; }

    public long Length { get; }

    /// <summary>
    /// The open file, for the kernel to send from (sendfile); null when the blob is not a plain file stream
    /// (a test's fault-injecting wrapper), which must then be read through <see cref="Read"/>.
    /// </summary>
    public FileStream? File { get; }

    /// <summary>Reads at <paramref name="offset"/> into <paramref name="buffer"/>; 0 only at end of file.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        if (_handle is not null) return await RandomAccess.ReadAsync(_handle, buffer, offset, cancellationToken).ConfigureAwait(false);
        _stream.Position = offset;
        return await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Synchronous positional read for callers on a thread that may block (small reads, tests).</summary>
    public int Read(Span<byte> buffer, long offset)
    {
        if (_handle is not null) return RandomAccess.Read(_handle, buffer, offset);
        _stream.Position = offset;
        return _stream.Read(buffer);
    }

    public void Dispose() => _stream.Dispose();
}
