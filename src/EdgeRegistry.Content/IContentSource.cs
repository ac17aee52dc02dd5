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
}
