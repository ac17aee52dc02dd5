using EdgeRegistry.Content;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Distribution;

/// <summary>
/// The registered <see cref="IContentSource"/>s, asked in registration order after the local store: the first
/// that has a blob or manifest answers. Empty without replication (or a cache): then the store alone answers.
/// </summary>
internal sealed class ContentSources(IEnumerable<IContentSource> sources)
{
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

    /// <summary>Complete when one source can serve everything the manifest references (with the store).</summary>
    public async ValueTask<bool> IsCompleteAsync(RepositoryName repository, StoredManifest manifest, CancellationToken cancellationToken)
    {
        foreach (var source in _sources)
        {
            if (await source.IsCompleteAsync(repository, manifest, cancellationToken).ConfigureAwait(false)) return true;
        }
        return false;
    }
}
