namespace EdgeRegistry.Storage.Digests;

/// <summary>
/// A set of digests kept as their bytes (<see cref="PackedSha256"/>, 32 bytes; sha512 is rare and kept as is): a
/// <see cref="Digest"/> holds its hex in a string of ~150 bytes, so a set of a 250 k-blob store's digests held
/// ~40 MB (the inventory build's distinct blobs, the garbage collector's live set) and put a 300 k-object node near
/// the unit's MemoryHigh. About 44 bytes per digest here (the entry and its bucket), up to twice that while it grows.
/// </summary>
public sealed class DigestSet
{
    private readonly HashSet<PackedSha256> _sha256 = [];
    private readonly HashSet<Digest> _others = [];

    public int Count => _sha256.Count + _others.Count;

    /// <summary>True when the digest was not in the set yet.</summary>
    public bool Add(Digest digest) =>
        digest.Algorithm == DigestAlgorithm.Sha256 ? _sha256.Add(PackedSha256.From(digest)) : _others.Add(digest);

    public bool Contains(Digest digest) =>
        digest.Algorithm == DigestAlgorithm.Sha256 ? _sha256.Contains(PackedSha256.From(digest)) : _others.Contains(digest);
}
