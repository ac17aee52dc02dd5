using EdgeRegistry.Content;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Distribution;

/// <summary>
/// The registered <see cref="IContentSource"/>s, asked in registration order after the local store: the first
/// that has a blob or manifest answers. Empty without replication (or a cache): then the store alone answers.
/// </summary>
internal sealed class ContentSources(IEnumerable<IContentSource> sources, IRegistryStore store)
{
    /// <summary>An index of indexes of indexes is not something a client pulls: deeper is incomplete.</summary>
    private const int MaxIndexDepth = 2;

    private readonly IContentSource[] _sources = sources.ToArray();

    public bool IsEmpty => _sources.Length == 0;

    /// <summary>True when the request may be answered only from the local store (a peer resolving its own miss).</summary>
    public bool IsLocalOnly(HttpRequest request)
    {
        foreach (var source in _sources)
        {
            if (source.IsLocalOnly(request)) return true;
        }
        return false;
    }

    /// <summary>The first answer that is neither missing nor failed; else the last of those (failed wins over missing).</summary>
    public async ValueTask<BlobLookup> FindBlobAsync(RepositoryName repository, Digest digest, BlobWant want, CancellationToken cancellationToken)
    {
        var answer = BlobLookup.Missing;
        foreach (var source in _sources)
        {
            var lookup = await source.FindBlobAsync(repository, digest, want, cancellationToken).ConfigureAwait(false);
            if (lookup.Outcome is not (BlobOutcome.Missing or BlobOutcome.Failed)) return lookup;
            if (lookup.Outcome == BlobOutcome.Failed) answer = lookup;
        }
        return answer;
    }

    public async Task<StoredManifest?> TryFetchManifestAsync(RepositoryName repository, string reference, CancellationToken cancellationToken)
    {
        foreach (var source in _sources)
        {
            if (await source.TryFetchManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false) is { } manifest) return manifest;
        }
        return null;
    }

    /// <summary>
    /// A tag the store holds, as the sources would have it answered: a source that is the tag's origin (an upstream)
    /// may move it to what the origin's tag points at now.
    /// </summary>
    public async ValueTask<StoredManifest> RefreshTagAsync(RepositoryName repository, string tag, StoredManifest local, CancellationToken cancellationToken)
    {
        var manifest = local;
        foreach (var source in _sources)
        {
            manifest = await source.RefreshTagAsync(repository, tag, manifest, cancellationToken).ConfigureAwait(false);
        }
        return manifest;
    }

    /// <summary>
    /// Complete when one source can serve everything the manifest references (with the store) — each answers from
    /// its own cache, so this is the fast path — or, with several sources, when every blob can be served by one
    /// of them: a layer on a peer and another at the upstream still make a complete image.
    /// </summary>
    public async ValueTask<bool> IsCompleteAsync(RepositoryName repository, StoredManifest manifest, CancellationToken cancellationToken)
    {
        foreach (var source in _sources)
        {
            if (await source.IsCompleteAsync(repository, manifest, cancellationToken).ConfigureAwait(false)) return true;
        }
        return _sources.Length > 1 && await IsUnionCompleteAsync(repository, manifest.Digest, depth: 0, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<bool> IsUnionCompleteAsync(RepositoryName repository, Digest digest, int depth, CancellationToken cancellationToken)
    {
        if (store.GetReferences(repository, digest) is not { } references) return false;
        foreach (var blob in references.Blobs)
        {
            if (store.StatBlob(repository, blob.Digest) is not null || store.BlobLength(blob.Digest) is not null) continue;
            if (!await AnyCanServeAsync(repository, blob.Digest, cancellationToken).ConfigureAwait(false)) return false;
        }
        // Sparse indexes: only the children this node's platform selects must be servable (RequiredChildren).
        foreach (var (child, _) in RequiredChildren.Of(references.Manifests, ManifestPlatform.Current))
        {
            if (depth >= MaxIndexDepth) return false;
            if (store.GetReferences(repository, child) is null
                && await TryFetchManifestAsync(repository, child.ToString(), cancellationToken).ConfigureAwait(false) is null) return false;
            if (!await IsUnionCompleteAsync(repository, child, depth + 1, cancellationToken).ConfigureAwait(false)) return false;
        }
        return true;
    }

    private async ValueTask<bool> AnyCanServeAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        foreach (var source in _sources)
        {
            if (await source.CanServeBlobAsync(repository, digest, cancellationToken).ConfigureAwait(false)) return true;
        }
        return false;
    }
}
