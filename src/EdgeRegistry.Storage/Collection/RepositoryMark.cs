using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;

namespace EdgeRegistry.Storage.Collection;

/// <summary>
/// One repository's manifests as the mark read them, and which of them it keeps. Everything the mark follows stays
/// inside a repository — an index's children and a subject's referrers are looked up in the repository that holds
/// them — so a repository is decided on its own and its parsed references are dropped before the next one is read:
/// the walk holds one repository's manifests at a time, never the store's.
/// </summary>
internal sealed class RepositoryMark
{
    /// <summary>In the order they were listed; null references: the manifest could not be read.</summary>
    private readonly Dictionary<Digest, ManifestReferences?> _manifests = [];
    private readonly Dictionary<Digest, List<Digest>> _referrers = [];
    private readonly HashSet<Digest> _kept = [];

    public IEnumerable<KeyValuePair<Digest, ManifestReferences?>> Manifests => _manifests;

    public void Add(Digest digest, ManifestReferences? references)
    {
        _manifests[digest] = references;
        if (references?.Subject is not { } subject) return;
        if (!_referrers.TryGetValue(subject, out var list)) _referrers[subject] = list = [];
        list.Add(digest);
    }

    public bool IsKept(Digest digest) => _kept.Contains(digest);

    /// <summary>Keeps the manifest alone (a pinned tag's target; what the mark follows from it is already kept).</summary>
    public void KeepOnly(Digest digest) => _kept.Add(digest);

    /// <summary>Keeps the manifest and everything it reaches here: an index's children, a kept subject's referrers.</summary>
    public void Keep(Digest root)
    {
        var work = new Stack<Digest>();
        work.Push(root);
        while (work.TryPop(out var digest))
        {
            // A tag may name a manifest this repository does not hold (yet): kept, nothing to follow.
            if (!_kept.Add(digest) || !_manifests.TryGetValue(digest, out var references) || references is null) continue;
            foreach (var child in references.Manifests) work.Push(child.Digest);
            if (_referrers.TryGetValue(digest, out var referrers))
            {
                foreach (var referrer in referrers) work.Push(referrer);
            }
        }
    }

    /// <summary>Keeps, with what they reach, the manifests not kept yet that are unreadable or that <paramref name="isRoot"/> accepts.</summary>
    public void KeepRoots(Func<Digest, bool> isRoot)
    {
        // The roots not reached from a tag only: the test reads a file or two per manifest, and the union of the
        // roots' closures is the same whichever order they are taken in.
        foreach (var (digest, references) in _manifests)
        {
            if (!_kept.Contains(digest) && (references is null || isRoot(digest))) Keep(digest);
        }
    }
}
