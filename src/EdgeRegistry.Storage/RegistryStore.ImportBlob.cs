using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage;

/// <summary>
/// The import of small blobs held whole in memory (replicated blobs of a few KiB): where <see cref="BeginBlobImport"/>
/// streams into a temporary file and then publishes the data and the layer link in two durable rounds, this verifies
/// the bytes in memory and publishes the data and links of a whole batch in one round, on the caller's thread.
/// </summary>
public sealed partial class RegistryStore
{
    public BlobInfo ImportBlob(Digest digest, ReadOnlyMemory<byte> content, RepositoryName repository)
    {
        if (ImportBlobs([new SmallBlob(digest, content, repository)])[0] is { } mismatch) throw mismatch;
        return new BlobInfo(digest, content.Length);
    }

    public IReadOnlyList<StoreException?> ImportBlobs(IReadOnlyList<SmallBlob> blobs)
    {
        string operation = blobs.Count == 1 ? $"importing blob {blobs[0].Digest}" : $"importing {blobs.Count} blobs ({blobs[0].Digest}, ...)";
        long bytes = blobs.Sum(static blob => blob.Content.Length + MetadataBytes);
        // The disk guard first, as BeginBlobImport: a refused copy writes nothing.
        using var reservation = Guard.Reserve(bytes,
            blobs.Count == 1 ? $"the copy of blob {blobs[0].Digest}" : $"the copy of {blobs.Count} blobs ({blobs[0].Digest}, ...)");
        // Verified before a byte is written: a lying peer's bytes never reach the disk, and do not hold up the others.
        var outcomes = new StoreException?[blobs.Count];
        var verified = new List<SmallBlob>(blobs.Count);
        for (int i = 0; i < blobs.Count; i++)
        {
            var (digest, content, _) = blobs[i];
            var actual = ContentHasher.Compute(digest.Algorithm, content.Span);
            if (actual == digest) verified.Add(blobs[i]);
            else outcomes[i] = new StoreException(StoreError.DigestMismatch, $"the imported content has digest {actual}, not {digest}") { Detail = digest.ToString() };
        }
        if (verified.Count == 0) return outcomes;
        // Leased: the collector cannot remove the bytes between the "already there?" check and the link.
        using (Leases.Acquire([.. verified.Select(static blob => blob.Digest)]))
        // One step with a delete of each link (DeleteBlob), as PublishImport: the tombstone check, the link and its
        // announcement, so a replicated delete lands either before (no link) or after (it removes the link) — never
        // between the check and the link, nor between the link and an announcement that would outrank its tombstone.
        // All the batch's stripes are held across its one round (see RevisionWriteLocks.EnterAll for why that is safe).
        using (_revisionWrites.EnterAll(verified.Select(static blob => (blob.Repository, LayerLockName(blob.Digest)))))
        {
            bool[] linked;
            try
            {
                // A delete of a blob from its repository (here, or replicated) that landed while the copy travelled
                // stands: the bytes are kept for other repositories (or GC), the link is not made again.
                linked = _blobs.CommitLinked([.. verified.Select(blob => new LinkedBlob(blob.Content, blob.Digest, blob.Repository,
                    () => Versions.ReadBlob(blob.Repository, blob.Digest) is not { Deleted: true }))]);
            }
            catch (IOException e)
            {
                throw IoFailures.Translate(e, operation);
            }
            catch (UnauthorizedAccessException e)
            {
                throw IoFailures.Translate(e, operation);
            }
            // Announced only now, after the round's fsync: a peer told of a blob finds it durable here.
            Raise(operation, [.. verified.Where((_, i) => linked[i])
                .Select(static blob => new StoreChange(StoreChangeKind.BlobCommitted, blob.Repository, blob.Digest, Size: blob.Content.Length))]);
        }
        return outcomes;
    }
}
