using System.IO.Pipelines;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Content;

/// <summary>
/// The bytes of a blob a source is streaming from elsewhere, in order, each verified: the last ones are written
/// only once the digest of the whole verified, so a body that does not verify ends in
/// <see cref="BlobSendResult.SourceFailed"/> before it is complete. The caller writes the response (status and
/// headers) and maps the result to it; the source writes nothing but the bytes.
/// </summary>
public abstract class BlobBody : IAsyncDisposable
{
    protected BlobBody(Digest digest, long length)
    {
        Digest = digest;
        Length = length;
    }

    public Digest Digest { get; }

    public long Length { get; }

    /// <summary>
    /// Writes the body into <paramref name="destination"/> (flushing as it goes); at most once.
    /// <paramref name="cancellationToken"/> is the client's: it ends the sending, not the source's copy.
    /// </summary>
    public abstract Task<BlobSendResult> SendAsync(PipeWriter destination, CancellationToken cancellationToken);

    /// <summary>Releases the body; one never sent is handed back to its source, which finishes its copy.</summary>
    public abstract ValueTask DisposeAsync();
}
