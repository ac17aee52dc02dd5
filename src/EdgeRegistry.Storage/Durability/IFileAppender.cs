using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// Appends to the end of one existing file through a buffer the appender owns, so a caller can fill (and hash)
/// the bytes in place and hand them over without another copy. Writes may complete after
/// <see cref="WriteAsync"/> returns, always in file order; <see cref="CompleteWritesAsync"/> waits for them and
/// reports the first failure. Durability is not its job: the caller fsyncs through <see cref="IFileSync"/>.
/// </summary>
public interface IFileAppender : IAsyncDisposable
{
    string Path { get; }

    /// <summary>Where the next handed-over byte lands: the file's length when opened plus every byte handed over since.</summary>
    long Length { get; }

    /// <summary>
    /// When set, every handed-over byte is appended to this hash, in file order, from the same buffer the write
    /// reads — on the write's thread, so hashing overlaps with the caller filling the next buffer. Read it only
    /// after <see cref="CompleteWritesAsync"/> (or <see cref="TruncateAsync"/>) returned.
    /// </summary>
    ContentHasher? Hasher { get; set; }

    /// <summary>The space to fill before the next <see cref="WriteAsync"/>; never empty, may be shorter than a full chunk.</summary>
    Memory<byte> Buffer { get; }

    /// <summary>Hands the first <paramref name="count"/> bytes of <see cref="Buffer"/> to the file; <see cref="Buffer"/> is fresh space afterwards.</summary>
    ValueTask WriteAsync(int count, CancellationToken cancellationToken);

    /// <summary>
    /// Hands <paramref name="data"/> to the file like <see cref="WriteAsync"/>, but written (and hashed) from where it
    /// is rather than copied into <see cref="Buffer"/> first, where the appender can: page-aligned memory (see
    /// <see cref="AlignedBufferPool"/>) at a block-aligned file offset, for O_DIRECT. Otherwise it is copied through
    /// <see cref="Buffer"/>. <paramref name="release"/> runs exactly once, when the appender no longer reads the
    /// memory — possibly long after this returns, and also when the write fails or this throws.
    /// </summary>
    ValueTask WriteInPlaceAsync(ReadOnlyMemory<byte> data, Action release, CancellationToken cancellationToken) =>
        AppenderCopy.CopyThenReleaseAsync(this, data, release, cancellationToken);

    /// <summary>Waits until every handed-over byte is in the file; throws the first write failure.</summary>
    ValueTask CompleteWritesAsync();

    /// <summary>Waits for writes in flight (ignoring their failures) and cuts the file back to <paramref name="length"/>.</summary>
    ValueTask TruncateAsync(long length);
}
