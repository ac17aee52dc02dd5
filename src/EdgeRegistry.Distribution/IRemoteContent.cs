using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Distribution;

/// <summary>
/// Where the API turns when the local store lacks something: the cluster's peers today (replication), an
/// upstream registry tomorrow (pull-through cache). Registered optionally; without one the API answers from
/// the local store alone. The API never needs to know which kind of source it is talking to.
/// </summary>
public interface IRemoteContent
{
    /// <summary>
    /// True when the request must be answered from the local store only — it comes from another registry of the
    /// cluster, which is itself resolving a miss. This is what stops recursion between peers.
    /// </summary>
    bool IsLocalOnly(HttpContext context);

    /// <summary>
    /// Serves a blob the local store lacks (GET or HEAD, with Range), typically streaming it to the client while
    /// storing it. False when no source has it: the caller answers 404 so the client moves to its next mirror.
    /// </summary>
    Task<bool> TryServeBlobAsync(HttpContext context, RepositoryName repository, Digest digest);

    /// <summary>Fetches a manifest (by tag or digest) the local store lacks into it; null when no source has it.</summary>
    Task<StoredManifest?> TryFetchManifestAsync(RepositoryName repository, string reference, CancellationToken cancellationToken);

    /// <summary>
    /// Whether every blob (and, for an index, every child manifest) the manifest references can be served right
    /// now, from the store or a source. containers/image takes every blob from the mirror that served the
    /// manifest, with no fallback, so a manifest that is not complete must be answered with 404.
    /// </summary>
    ValueTask<bool> IsCompleteAsync(RepositoryName repository, StoredManifest manifest, CancellationToken cancellationToken);
}
