using EdgeRegistry.Distribution;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Metrics;

/// <summary>
/// Counts what the remote source did for clients, around whatever source is registered, so read-through keeps
/// no metrics code of its own. A blob answered and then cut (a peer that lied or went away mid-stream) counts
/// as failed, not served.
/// </summary>
internal sealed class CountingRemoteContent : IRemoteContent
{
    private readonly IRemoteContent _inner;
    private readonly ReadThroughCounters _counters;

    public CountingRemoteContent(IRemoteContent inner, ReadThroughCounters counters)
    {
        _inner = inner;
        _counters = counters;
    }

    public bool IsLocalOnly(HttpContext context) => _inner.IsLocalOnly(context);

    public async Task<bool> TryServeBlobAsync(HttpContext context, RepositoryName repository, Digest digest)
    {
        bool served;
        try
        {
            served = await _inner.TryServeBlobAsync(context, repository, digest).ConfigureAwait(false);
        }
        catch
        {
            _counters.Count(ReadThroughKind.Blob, ReadThroughOutcome.Failed);
            throw;
        }

        if (!served)
        {
            _counters.Count(ReadThroughKind.Blob, ReadThroughOutcome.Miss);
        }
        else if (context.RequestAborted.IsCancellationRequested)
        {
            _counters.Count(ReadThroughKind.Blob, ReadThroughOutcome.Failed);
        }
        else
        {
            _counters.Count(ReadThroughKind.Blob, ReadThroughOutcome.Served);
            // Only a body streamed from a peer: a 307 back to ourselves is served from disk on the next request.
            if (context.Response.StatusCode == StatusCodes.Status200OK && HttpMethods.IsGet(context.Request.Method)
                && context.Response.ContentLength is long length)
            {
                _counters.AddBytes(length);
            }
        }

        return served;
    }

    public async Task<StoredManifest?> TryFetchManifestAsync(RepositoryName repository, string reference, CancellationToken cancellationToken)
    {
        StoredManifest? manifest;
        try
        {
            manifest = await _inner.TryFetchManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _counters.Count(ReadThroughKind.Manifest, ReadThroughOutcome.Failed);
            throw;
        }

        _counters.Count(ReadThroughKind.Manifest, manifest is null ? ReadThroughOutcome.Miss : ReadThroughOutcome.Served);
        return manifest;
    }

    public ValueTask<bool> IsCompleteAsync(RepositoryName repository, StoredManifest manifest, CancellationToken cancellationToken) =>
        _inner.IsCompleteAsync(repository, manifest, cancellationToken);
}
