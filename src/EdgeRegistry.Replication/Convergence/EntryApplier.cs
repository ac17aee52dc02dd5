using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.Convergence;

/// <summary>
/// Makes the local store agree with one entry of a peer's inventory. The rule is the same on every node — the
/// entry with the greater (version, node, digest) wins — so all nodes converge to the same tags whatever order
/// they learn of updates in. Applying is idempotent: reconciliation re-applies entries freely.
/// </summary>
internal sealed partial class EntryApplier
{
    private readonly IRegistryStore _store;
    private readonly LocalInventory _local;
    private readonly FetchQueue _fetches;
    private readonly ILogger _logger;

    /// <summary>Reconcile passes over which every recorded blob is stat-ed once (16 x 20 s: about 5 minutes).</summary>
    internal const int SweepSlots = 16;

    public EntryApplier(IRegistryStore store, LocalInventory local, FetchQueue fetches, ILogger<EntryApplier> logger)
    {
        _store = store;
        _local = local;
        _fetches = fetches;
        _logger = logger;
    }

    /// <summary>Applies the entry; false when it still needs something that could not be had now (retried later).</summary>
    internal async Task<bool> ApplyAsync(Peer peer, InventoryEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            return entry.Kind switch
            {
                EntryKind.Blob => ApplyBlob(entry),
                EntryKind.Pull => ApplyPull(entry),
                EntryKind.Manifest => await ApplyManifestAsync(peer, entry, cancellationToken).ConfigureAwait(false),
                _ => await ApplyTagAsync(peer, entry, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (StoreException e)
        {
            LogApplyFailed(_logger, entry.Kind.ToString(), entry.Repository?.Value ?? "", entry.Tag ?? entry.Digest?.ToString() ?? "", e.Message);
            return false;
        }
    }

    /// <summary>
    /// True when the local store is missing nothing this entry calls for. With a <paramref name="sweepSlot"/> (a
    /// reconcile pass), a blob our own inventory records as linked here at the peer's version or newer is taken on
    /// that record unless its digest falls in this pass's slot: the store's change events already cover what we did,
    /// and stat-ing every blob of the cluster every 20 s grew with N (~80 k lstat per pass per peer at 100 k). Bytes
    /// removed behind our back are still found, within <see cref="SweepSlots"/> passes.
    /// </summary>
    internal bool IsSatisfied(InventoryEntry entry, int? sweepSlot = null)
    {
        var local = _local.Inventory.Get(entry.Key);
        if (sweepSlot is { } slot && entry.Kind == EntryKind.Blob && !entry.Deleted && local is { Deleted: false }
            && !entry.Supersedes(local) && !_fetches.IsQueued(entry.Digest!.Value)
            && (uint)entry.Digest!.Value.GetHashCode() % SweepSlots != (uint)slot)
            return true;
        return entry.Kind switch
        {
            // A copy already queued is not satisfied yet, and asking the disk would only say so (a stat per blob per pass).
            // In the sweep's slot the link file is stat-ed too, whatever our record says.
            EntryKind.Blob when !entry.Deleted => !_fetches.IsQueued(entry.Digest!.Value)
                && IsBlobSatisfied(entry, local, trustRecord: sweepSlot is null),
            _ => local is not null && !entry.Supersedes(local),
        };
    }

    private bool ApplyBlob(InventoryEntry entry)
    {
        if (entry.Deleted) return ApplyBlobDelete(entry);
        var local = _local.Inventory.Get(entry.Key);
        // The link was deleted here after the peer linked it: the delete is on its way to the peer, fetch nothing.
        if (IsDeletedHere(entry, local)) return true;
        // Queued already (its manifest's import enqueued it, a moment ago on a rehydrating node): the copy under way
        // links and announces it; asking the disk first would cost two stats that find nothing.
        if (_fetches.IsQueued(entry.Digest!.Value)) return false;
        // One stat says whether the bytes are here (a rehydrating node asks this for every blob of the cluster).
        if (_store.BlobLength(entry.Digest!.Value) is not null)
        {
            // Linked again on the peer after a delete we applied: link it again here too, at the peer's version. A
            // version of our own (a client's mount) would outrank the peer's link on every node and come back as churn.
            if (local is { Deleted: true } && entry.Repository is { } repository)
            {
                _store.LinkReplicatedBlob(repository, entry.Digest.Value, LocalInventory.VersionOf(entry));
            }
            // A link the peer made with no manifest naming the blob (a client's cross-repository mount): the bytes are
            // here, so linking costs no copy; tombstone-checked under the stripe by the store.
            else if (entry.Repository is { } linkedThere && !NeededHere(entry))
            {
                _store.LinkReplicatedBlob(linkedThere, entry.Digest.Value);
            }
            return true;
        }
        // Fetched only for a repository here that links it (a manifest imported before its blobs): a blob no local
        // manifest needs is not worth copying, and copying it would undo this node's garbage collection.
        if (!NeededHere(entry)) return true;
        _fetches.Enqueue(entry.Digest.Value, entry.Repository ?? RepositoryName.Parse("edgereg/orphans"), entry.Size);
        return false;
    }

    private bool NeededHere(InventoryEntry entry) =>
        entry.Repository is { } repository && _store.Paths.LayerLink(repository, entry.Digest!.Value) is { } link && File.Exists(link);

    /// <summary>
    /// A pull on a peer: kept in this node's pull records (persisted with them) and passed on in our own feed, so a
    /// node that cannot reach the one that pulled still learns it.
    /// </summary>
    private bool ApplyPull(InventoryEntry entry)
    {
        // Past the pull retention (a peer that has not expired it yet): it protects nothing, and is not passed on.
        if (_store.Pulls.IsExpired(HybridLogicalClock.ToTime(entry.Version))) return true;
        _store.Pulls.Merge(entry.Digest!.Value, HybridLogicalClock.ToTime(entry.Version));
        var local = _local.Inventory.Get(entry.Key);
        if (local is null || entry.Supersedes(local)) _local.RecordApplied(entry);
        return true;
    }

    private bool TaggedHere(RepositoryName repository, Digest digest) =>
        _store.ListTagTargets(repository).Any(t => t.Digest == digest);

    /// <summary>
    /// A live blob entry is satisfied when the link it names is here with its bytes, or when no repository here links it
    /// and the bytes are not here (not worth a copy; see ApplyBlob). Bytes held without the link (a peer's mount) are
    /// not: the link is made. Our own inventory recording the link live says "linked" without the stat of the link
    /// file that every blob entry of a peer's feed cost otherwise (a rehydrating node's links all come back in its feed);
    /// the reconcile sweep's slot does not trust it (<paramref name="trustRecord"/> false), so a link file removed
    /// behind our back is made again.
    /// </summary>
    private bool IsBlobSatisfied(InventoryEntry entry, InventoryEntry? local, bool trustRecord)
    {
        if (IsDeletedHere(entry, local)) return true;
        bool held = _store.BlobLength(entry.Digest!.Value) is not null;
        bool linkedHere = entry.Repository is not null && ((trustRecord && local is { Deleted: false }) || NeededHere(entry));
        return held ? entry.Repository is null || linkedHere : !linkedHere;
    }

    private static bool IsDeletedHere(InventoryEntry entry, InventoryEntry? local) =>
        local is { Deleted: true } && !entry.Supersedes(local);

    /// <summary>A blob DELETE made on a peer: unlink the blob from the repository here too (its data goes at GC).</summary>
    private bool ApplyBlobDelete(InventoryEntry entry)
    {
        var local = _local.Inventory.Get(entry.Key);
        if (local is not null && !entry.Supersedes(local)) return true;
        // Recorded by the store's own change event even when nothing was linked here, in one step with the unlink.
        _store.DeleteBlob(entry.Repository!, entry.Digest!.Value, LocalInventory.VersionOf(entry));
        LogBlobDeleteConverged(_logger, entry.Repository!.Value, entry.Digest!.Value.ToString(), entry.Node);
        return true;
    }

    private async Task<bool> ApplyManifestAsync(Peer peer, InventoryEntry entry, CancellationToken cancellationToken)
    {
        var repository = entry.Repository!;
        var digest = entry.Digest!.Value;
        var local = _local.Inventory.Get(entry.Key);
        if (local is not null && !entry.Supersedes(local)) return true;
        // Read without keeping it in the manifest cache: a replica's pass over every manifest of the cluster would
        // cycle them all through it (and push out what clients pull).
        var references = _store.ReadReferences(repository, digest);
        bool present = references is not null;
        if (entry.Deleted)
        {
            if (present && TaggedHere(repository, digest))
            {
                // The deleting node did not know this tag: a delete takes the tags it knew with it, and their
                // tombstones come before the manifest's in its feed (applied first, in page order). So it decided
                // on a partial view — its collector before this tag reached it, or a delete concurrent with a tag
                // here. The tag wins: announce the manifest again at a fresh version, which every node then keeps.
                _local.Reassert(repository, digest, local?.Size ?? _store.BlobLength(digest) ?? 0);
                LogDeleteOutranked(_logger, repository.Value, digest.ToString(), entry.Node);
                return true;
            }
            if (!present || !_store.DeleteManifest(repository, digest.ToString(), LocalInventory.VersionOf(entry))) _local.RecordApplied(entry);
            return true;
        }
        if (references is not null)
        {
            _local.RecordApplied(entry);
            EnqueueReferences(repository, references);
            return true;
        }
        var manifest = await peer.Client.GetManifestAsync(repository, digest.ToString(), cancellationToken).ConfigureAwait(false);
        if (manifest is null) return false;
        Import(repository, digest, manifest.Content, LocalInventory.VersionOf(entry));
        return true;
    }

    private async Task<bool> ApplyTagAsync(Peer peer, InventoryEntry entry, CancellationToken cancellationToken)
    {
        var repository = entry.Repository!;
        string tag = entry.Tag!;
        var local = _local.Inventory.Get(entry.Key);
        if (local is not null && !entry.Supersedes(local)) return true;
        if (entry.Deleted)
        {
            if (!_store.DeleteManifest(repository, tag, LocalInventory.VersionOf(entry))) _local.RecordApplied(entry);
            LogTagConverged(_logger, repository.Value, tag, "deleted", peer.Member);
            return true;
        }
        var digest = entry.Digest!.Value;
        // Only whether to fetch it: two stats, not a read of the manifest (its references were enqueued when it came).
        if (!_store.HoldsManifest(repository, digest))
        {
            var manifestEntry = peer.View.Inventory.Get(InventoryKey.ForManifest(repository, digest));
            if (manifestEntry is { Deleted: false }) await ApplyManifestAsync(peer, manifestEntry, cancellationToken).ConfigureAwait(false);
            if (!_store.HoldsManifest(repository, digest) && !await ImportUnversionedAsync(peer, repository, digest, cancellationToken).ConfigureAwait(false))
                return false;
        }
        // The store re-checks the version under the tag's write lock: another peer's newer update may have landed
        // while this one fetched its manifest, and then it stands.
        if (_store.SetTag(repository, tag, digest, LocalInventory.VersionOf(entry)))
            LogTagConverged(_logger, repository.Value, tag, digest.ToString(), peer.Member);
        return true;
    }

    /// <summary>A manifest the peer's feed has not listed (yet): import it at version 0 so it never outranks a real update.</summary>
    private async Task<bool> ImportUnversionedAsync(Peer peer, RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        var manifest = await peer.Client.GetManifestAsync(repository, digest.ToString(), cancellationToken).ConfigureAwait(false);
        if (manifest is null) return false;
        var entry = manifest.ManifestEntry ?? new InventoryEntry(EntryKind.Manifest, repository, null, digest, manifest.Content.Length, 0, "", false);
        Import(repository, digest, manifest.Content, LocalInventory.VersionOf(entry));
        return true;
    }

    /// <summary>
    /// A replicated manifest: imported without filling the manifest cache (a bulk copy no client waits on), and its
    /// blobs enqueued from the bytes just verified — reading it back from disk cost a stat, an open and two reads
    /// per manifest, and kept every manifest of the cluster in the cache. Nothing is enqueued when a newer delete of
    /// it is stored (the revision stays deleted).
    /// </summary>
    private void Import(RepositoryName repository, Digest digest, ReadOnlyMemory<byte> content, ChangeVersion version)
    {
        if (_store.ImportManifest(repository, digest, content, version, cache: false) is null) return;
        EnqueueReferences(repository, ManifestInspection.References(content));
    }

    internal void EnqueueReferences(RepositoryName repository, Digest digest)
    {
        if (_store.GetReferences(repository, digest) is { } references) EnqueueReferences(repository, references);
    }

    private void EnqueueReferences(RepositoryName repository, ManifestReferences references)
    {
        foreach (var blob in references.Blobs)
        {
            if (_store.BlobLength(blob.Digest) is null) _fetches.Enqueue(blob.Digest, repository, blob.Size);
            else _store.LinkReplicatedBlob(repository, blob.Digest);
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Tag {Repository}:{Tag} converged to {Target} (learned from {Peer})")]
    private static partial void LogTagConverged(ILogger logger, string repository, string tag, string target, string peer);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "Blob {Repository}@{Digest} unlinked, as deleted on {Node}")]
    private static partial void LogBlobDeleteConverged(ILogger logger, string repository, string digest, string node);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning,
        Message = "Manifest {Repository}@{Digest} deleted on {Node} is still tagged here: kept, and announced again so every node keeps it")]
    private static partial void LogDeleteOutranked(ILogger logger, string repository, string digest, string node);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Could not apply {Kind} {Repository} {Name} from a peer: {Reason}")]
    private static partial void LogApplyFailed(ILogger logger, string kind, string repository, string name, string reason);
}
