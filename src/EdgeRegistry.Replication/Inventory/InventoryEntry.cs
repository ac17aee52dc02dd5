using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Versions;

namespace EdgeRegistry.Replication.Inventory;

/// <summary>
/// One object of a node's store as the cluster sees it, with the version that orders concurrent updates:
/// (Version, Node, Digest) compared in that order, so every node picks the same winner. Deleted entries are
/// tombstones: they travel like updates and expire after a while.
/// </summary>
internal sealed record InventoryEntry(
    EntryKind Kind,
    RepositoryName? Repository,
    string? Tag,
    Digest? Digest,
    long Size,
    long Version,
    string Node,
    bool Deleted)
{
    public InventoryKey Key => Kind == EntryKind.Tag ? new(Kind, Repository, Tag, null) : new(Kind, Repository, null, Digest);

    /// <summary>True when this entry should replace <paramref name="other"/> (the same key) everywhere.</summary>
    public bool Supersedes(InventoryEntry other) =>
        VersionOrder.Supersedes(Version, Node, Deleted, Digest, new VersionRecord(other.Version, other.Node, other.Deleted, other.Digest));

    /// <summary>A stable hash of the entry's content, for the order-independent inventory summary.</summary>
    public ulong ContentHash()
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{Kind}|{Repository}|{Tag}|{Digest}|{Size}|{Version}|{Node}|{Deleted}"), hash);
        return BitConverter.ToUInt64(hash);
    }
}

/// <summary>Identifies an inventory entry: kind, repository, and the tag (for a tag) or the digest (for the others).</summary>
internal readonly record struct InventoryKey(EntryKind Kind, RepositoryName? Repository, string? Tag, Digest? Digest)
{
    public static InventoryKey ForTag(RepositoryName repository, string tag) => new(EntryKind.Tag, repository, tag, null);

    public static InventoryKey ForManifest(RepositoryName repository, Digest digest) => new(EntryKind.Manifest, repository, null, digest);

    public static InventoryKey ForBlob(RepositoryName? repository, Digest digest) => new(EntryKind.Blob, repository, null, digest);
}
