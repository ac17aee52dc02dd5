using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Replication.Inventory.Packing;

/// <summary>
/// A set of digests kept as their bytes (<see cref="PackedSha256"/>, 32 bytes; sha512 is rare and kept as is): a
/// <see cref="Digest"/> holds its hex in a string of ~150 bytes, so the inventory build's set of the store's distinct
/// blobs held ~40 MB at 250 k blobs and put a 300 k-object node's start-up near the unit's MemoryHigh.
/// </summary>
internal sealed class DigestSet
{
    private readonly HashSet<PackedSha256> _sha256 = [];
    private readonly HashSet<Digest> _others = [];

    /// <summary>True when the digest was not in the set yet.</summary>
    public bool Add(Digest digest) =>
        digest.Algorithm == DigestAlgorithm.Sha256 ? _sha256.Add(PackedSha256.From(digest)) : _others.Add(digest);
}
