using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Collection;

/// <summary>
/// The sweep's table of which repositories link each blob it may remove (their <c>_layers</c> links go with the
/// blob): (packed digest, repository index) pairs, 40 bytes each, sorted once and searched — instead of a
/// dictionary of digest strings to lists of names, ~300 bytes per link. Only links to blobs the mark left unreferenced
/// are added, so on a store that is mostly live the table stays small however large the store is.
/// </summary>
internal sealed class UnreferencedLinks
{
    private readonly List<(PackedSha256 Digest, int Repository)> _sha256 = [];
    private readonly Dictionary<Digest, List<int>> _others = []; // sha512: rare
    private bool _sorted;

    public void Add(Digest digest, int repository)
    {
        _sorted = false;
        if (digest.Algorithm == DigestAlgorithm.Sha256)
        {
            _sha256.Add((PackedSha256.From(digest), repository));
            return;
        }
        if (!_others.TryGetValue(digest, out var list)) _others[digest] = list = [];
        list.Add(repository);
    }

    /// <summary>The indexes of the repositories that link the blob, in the order they were added; empty when none.</summary>
    public IReadOnlyList<int> RepositoriesOf(Digest digest)
    {
        if (digest.Algorithm != DigestAlgorithm.Sha256) return _others.GetValueOrDefault(digest) ?? (IReadOnlyList<int>)[];
        if (!_sorted)
        {
            // By digest, then by the order of addition (the repository index grows with it): a stable order.
            _sha256.Sort(static (x, y) => x.Digest.CompareTo(y.Digest) is var c and not 0 ? c : x.Repository.CompareTo(y.Repository));
            _sorted = true;
        }
        var packed = PackedSha256.From(digest);
        int lo = 0, hi = _sha256.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_sha256[mid].Digest.CompareTo(packed) < 0) lo = mid + 1;
            else hi = mid;
        }
        if (lo == _sha256.Count || !_sha256[lo].Digest.Equals(packed)) return [];
        var repositories = new List<int>(1);
        for (int i = lo; i < _sha256.Count && _sha256[i].Digest.Equals(packed); i++) repositories.Add(_sha256[i].Repository);
        return repositories;
    }
}
