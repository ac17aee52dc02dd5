using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Content;

/// <summary>
/// Where the distribution API turns when the local store lacks something: the cluster's peers today, an upstream
/// registry tomorrow (pull-through cache). Sources are registered in the order they are asked; without any the
/// API answers from the local store alone. A source answers with content outcomes and never writes a response:
/// the API writes every one (status, headers, ranges) whatever the source.
/// </summary>
public interface IContentSource
{
    /// <summary>
    /// True when the request must be answered from the local store only — it comes from another registry of the
    /// cluster, which is itself resolving a miss. This is what stops recursion between peers.
    /// </summary>
    bool IsLocalOnly(HttpRequest request);

    /// <summary>
    /// Looks for a blob the local store lacks. <paramref name="cancellationToken"/> is the client's: a source
    /// may go on copying after it is cancelled.
    /// </summary>
    ValueTask<BlobLookup> FindBlobAsync(RepositoryName repository, Digest digest, BlobWant want, CancellationToken cancellationToken);

    /// <summary>Fetches a manifest (by tag or digest) the local store lacks into it; null when the source does not have it.</summary>
    Task<StoredManifest?> TryFetchManifestAsync(RepositoryName repository, string reference, CancellationToken cancellationToken);

    /// <summary>
    /// Whether every blob (and, for an index, every child manifest) the manifest references can be served right
    /// now, from the store or this source. containers/image takes every blob from the mirror that served the
    /// manifest, with no fallback, so a manifest that is not complete must be answered with 404.
    /// </summary>
    ValueTask<bool> IsCompleteAsync(RepositoryName repository, StoredManifest manifest, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this source could serve the blob right now (it holds it, or can fetch it). Asked per blob when no
    /// single source can serve a whole manifest, so completeness is judged over the union of the sources: a
    /// layer on a peer and another at the upstream make a complete image.
    /// </summary>
    ValueTask<bool> CanServeBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// The manifest a tag the store holds should be answered with: <paramref name="local"/>, or — for a source
    /// that is the tag's origin (an upstream registry) and whose refresh interval has passed — the manifest the
    /// origin's tag points at now, fetched into the store and tagged. A source that cannot reach the origin
    /// answers <paramref name="local"/>: cached tags are served for as long as the site is cut off.
    /// </summary>
    ValueTask<StoredManifest> RefreshTagAsync(RepositoryName repository, string tag, StoredManifest local, CancellationToken cancellationToken);
}
