using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage;

/// <summary>
/// The one-call import of a small blob held whole in memory (a replicated blob of a few KiB): where
/// <see cref="BeginBlobImport"/> streams into a temporary file and then publishes the data and the layer link in two
/// durable rounds, this verifies the bytes in memory and publishes both in one round, on the caller's thread.
/// </summary>
public sealed partial class RegistryStore
{
    public BlobInfo ImportBlob(Digest digest, ReadOnlyMemory<byte> content, RepositoryName repository)
    {
        string operation = $"importing blob {digest}";
        // The disk guard first, as BeginBlobImport: a refused copy writes nothing.
        using var reservation = Guard.Reserve(content.Length + MetadataBytes, $"the copy of blob {digest}");
        // Verified before a byte is written: a lying peer's bytes never reach the disk.
        var actual = ContentHasher.Compute(digest.Algorithm, content.Span);
        if (actual != digest)
        {
            throw new StoreException(StoreError.DigestMismatch, $"the imported content has digest {actual}, not {digest}")
                { Detail = digest.ToString() };
        }
        var blob = new BlobInfo(digest, content.Length);
        // Leased: the collector cannot remove the bytes between the "already there?" check and the link.
        using (Leases.Acquire(digest))
        // One step with a delete of the link (DeleteBlob), as PublishImport: the tombstone check, the link and its
        // announcement, so a replicated delete lands either before (no link) or after (it removes the link) — never
        // between the check and the link, nor between the link and an announcement that would outrank its tombstone.
        lock (_revisionWrites.For(repository, LayerLockName(digest)))
        {
            bool linked;
            try
            {
                // A delete of the blob from this repository (here, or replicated) that landed while the copy travelled
                // stands: the bytes are kept for other repositories (or GC), the link is not made again.
                linked = _blobs.CommitLinked(content, digest, repository,
                    () => Versions.ReadBlob(repository, digest) is not { Deleted: true });
            }
            catch (IOException e)
            {
                throw IoFailures.Translate(e, operation);
            }
            catch (UnauthorizedAccessException e)
            {
                throw IoFailures.Translate(e, operation);
            }
            // Announced only now, after the round's fsync: a peer told of the blob finds it durable here.
            if (linked) Raise(operation, new StoreChange(StoreChangeKind.BlobCommitted, repository, digest, Size: content.Length));
        }
        return blob;
    }
}
