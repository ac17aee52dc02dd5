using EdgeRegistry.Content;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Metrics;

/// <summary>
/// Counts what a content source did for clients, by the outcomes it answers with, around whatever source is
/// registered, so read-through keeps no metrics code of its own. A blob streamed and then cut (a peer that lied
/// or went away mid-stream, or a client that left) counts as failed, not served; only a streamed body counts bytes.
/// </summary>
internal sealed class CountingContentSource(IContentSource inner, ReadThroughCounters counters) : IContentSource
{
    public bool IsLocalOnly(HttpRequest request) => inner.IsLocalOnly(request);

    public async ValueTask<BlobLookup> FindBlobAsync(RepositoryName repository, Digest digest, BlobWant want, CancellationToken cancellationToken)
    {
        BlobLookup lookup;
        try
        {
            lookup = await inner.FindBlobAsync(repository, digest, want, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            counters.Count(ReadThroughKind.Blob, ReadThroughOutcome.Failed);
            throw;
        }
        switch (lookup.Outcome)
        {
            case BlobOutcome.Missing:
                counters.Count(ReadThroughKind.Blob, ReadThroughOutcome.Miss);
                return lookup;
            case BlobOutcome.Failed:
                counters.Count(ReadThroughKind.Blob, ReadThroughOutcome.Failed);
                return lookup;
            case BlobOutcome.Streaming:
                // Counted once its sending ends.
                return BlobLookup.Streaming(new CountingBody(lookup.Body!, counters));
            default:
                counters.Count(ReadThroughKind.Blob, ReadThroughOutcome.Served);
                return lookup;
        }
    }

    public async Task<StoredManifest?> TryFetchManifestAsync(RepositoryName repository, string reference, CancellationToken cancellationToken)
    {
        StoredManifest? manifest;
        try
        {
            manifest = await inner.TryFetchManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            counters.Count(ReadThroughKind.Manifest, ReadThroughOutcome.Failed);
            throw;
        }

        counters.Count(ReadThroughKind.Manifest, manifest is null ? ReadThroughOutcome.Miss : ReadThroughOutcome.Served);
        return manifest;
    }

    public ValueTask<bool> IsCompleteAsync(RepositoryName repository, StoredManifest manifest, CancellationToken cancellationToken) =>
        inner.IsCompleteAsync(repository, manifest, cancellationToken);

    public ValueTask<bool> CanServeBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        inner.CanServeBlobAsync(repository, digest, cancellationToken);

    public ValueTask<StoredManifest> RefreshTagAsync(RepositoryName repository, string tag, StoredManifest local, CancellationToken cancellationToken) =>
        inner.RefreshTagAsync(repository, tag, local, cancellationToken);
}
