using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage;

/// <summary>What kind of durable change a <see cref="StoreChange"/> reports.</summary>
public enum StoreChangeKind
{
    /// <summary>A blob's bytes were committed (and linked into <see cref="StoreChange.Repository"/>).</summary>
    BlobCommitted,
    /// <summary>A blob was unlinked from <see cref="StoreChange.Repository"/> (a client's DELETE, a replicated one, or GC).</summary>
    BlobDeleted,
    /// <summary>Garbage collection removed the blob's bytes (and its link in <see cref="StoreChange.Repository"/>); not a replicated delete.</summary>
    BlobRemoved,
    /// <summary>A manifest revision became visible in a repository (pushed or imported).</summary>
    ManifestStored,
    ManifestDeleted,
    /// <summary>A tag now points at <see cref="StoreChange.Digest"/>.</summary>
    TagSet,
    /// <summary>
    /// A tag was deleted. <see cref="StoreChange.Digest"/> is null when the tag itself was named (a DELETE by tag, a
    /// replicated tag delete); it is the manifest's digest when the tag went with the manifest it named (a DELETE by
    /// digest takes the tags it sees with it).
    /// </summary>
    TagDeleted,
}

/// <summary>
/// A change that is already durable and visible. Raised synchronously on the thread that made it, after the
/// change and before the write returns, so observers (replication's inventory) see every change exactly once and
/// in order per object. <see cref="Version"/> is the version the writer passed (a change replicated from a peer);
/// null for a client's write.
/// </summary>
public sealed record StoreChange(StoreChangeKind Kind, RepositoryName Repository, Digest? Digest, string? Tag = null, long Size = 0,
    ChangeVersion? Version = null);
