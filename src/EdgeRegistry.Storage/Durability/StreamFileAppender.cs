using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// Appends through the page cache with plain positioned writes: where O_DIRECT is unknown (not Linux) or the
/// file system refuses it (ramfs, some network and FUSE file systems). Each write completes before
/// <see cref="WriteAsync"/> returns, from one reused 1 MiB buffer.
/// </summary>
internal sealed class StreamFileAppender : IFileAppender
{
    private const int BufferBytes = 1024 * 1024;

    private readonly Stream _stream;
    private byte[]? _buffer;

    /// <summary>Appends to <paramref name="stream"/> (opened for writing, unbuffered) at its end; takes ownership.</summary>
    public StreamFileAppender(Stream stream, string path)
    {
        _stream = stream;
        Path = path;
        Length = stream.Length;
    }

    // Outside IFileSystem on purpose: appenders are themselves the IFileSync seam (PosixFileSync.CreateAppender),
    // which tests replace with a fault-injecting appender; an upload's bytes are written by positioned writes on
    // this FileStream, like the O_DIRECT path beside it.
    public static StreamFileAppender Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read, bufferSize: 1), path);

    public string Path { get; }

    public long Length { get; private set; }

    public ContentHasher? Hasher { get; set; }

    public Memory<byte> Buffer => _buffer ??= new byte[BufferBytes];

    public async ValueTask WriteAsync(int count, CancellationToken cancellationToken)
    {
        if (count <= 0) return;
        long offset = Length;
        Length += count;
        Hasher?.Append(_buffer.AsSpan(0, count));
        _stream.Position = offset;
        await _stream.WriteAsync(_buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask CompleteWritesAsync() => ValueTask.CompletedTask;

    public ValueTask TruncateAsync(long length)
    {
        _stream.SetLength(length);
        Length = length;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
