using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Content.Transfer;

/// <summary>
/// What a read-through answers once a flight stored its blob. A flight is one per digest, led by whichever repository
/// asked first, and its commit links the blob into that repository only; a client or import that joined it for another
/// repository must link the stored blob into its own, or it would answer 404 for a blob that is on disk. Every source
/// with a flight table (the peers, the upstream cache) ends a joined flight here.
/// </summary>
public static class LandedBlob
{
    /// <summary>
    /// <see cref="BlobLookup.Local"/> when the blob is linked into <paramref name="repository"/> (already, or now from the
    /// store's committed copy), else <see cref="BlobLookup.Missing"/> (collected or quarantined since it landed).
    /// </summary>
    public static BlobLookup LinkedOrMissing(IRegistryStore store, RepositoryName repository, Digest digest) =>
        store.StatBlob(repository, digest) is not null || store.MountBlob(repository, digest, from: null) is not null
            ? BlobLookup.Local
            : BlobLookup.Missing;
}
