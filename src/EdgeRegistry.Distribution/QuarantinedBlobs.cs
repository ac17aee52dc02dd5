using System.Collections.Concurrent;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Distribution;

/// <summary>
/// The blobs the store took out of service as damaged (scrub, or a short file found on read) and has not got back
/// yet. A node without peers has no completeness check, so without this its manifests would still answer 200 and
/// the client would fail on the blob; with it a manifest that needs a quarantined blob answers 404 and
/// containers/image moves on to its next mirror. Costs one count check per manifest GET while nothing is damaged.
/// </summary>
internal sealed class QuarantinedBlobs
{
    /// <summary>An index of indexes of indexes is not something a client pulls: the walk stops there.</summary>
    private const int MaxIndexDepth = 2;

    private readonly IRegistryStore _store;
    private readonly ConcurrentDictionary<Digest, byte> _missing = new();

    public QuarantinedBlobs(IRegistryStore store)
    {
        _store = store;
        store.Damaged += damage => _missing[damage.Digest] = 0;
    }

    /// <summary>
    /// True when the manifest (or a child this node's platform needs) references a blob in quarantine that has not
    /// been committed again since. A blob found back in the store (repaired, pushed again) leaves the set here.
    /// </summary>
    public bool Needs(RepositoryName repository, StoredManifest manifest) =>
        !_missing.IsEmpty && Needs(repository, manifest.Digest, depth: 0);

    private bool Needs(RepositoryName repository, Digest digest, int depth)
    {
        if (IsMissing(digest)) return true;
        if (_store.GetReferences(repository, digest) is not { } references) return false;
        foreach (var blob in references.Blobs)
        {
            if (IsMissing(blob.Digest)) return true;
        }
        if (depth >= MaxIndexDepth) return false;
        foreach (var (child, _) in RequiredChildren.Of(references.Manifests, ManifestPlatform.Current))
        {
            if (Needs(repository, child, depth + 1)) return true;
        }
        return false;
    }

    private bool IsMissing(Digest digest)
    {
        if (!_missing.ContainsKey(digest)) return false;
        if (_store.BlobLength(digest) is null) return true;
        _missing.TryRemove(digest, out _);
        return false;
    }
}
