using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Inventory;

/// <summary>
/// This node's inventory: built from the store at start-up, then kept current from the store's change events.
/// Changes made by clients get a fresh clock reading; changes that replication applies carry the version they
/// had on the peer (passed with the write, see <see cref="VersionOf"/>), so a replicated update never looks newer
/// than it is. Recording is part of the write: the version is on disk before the write returns, and when it cannot
/// be written the write fails (the observer throws) and the inventory is left as a restart would rebuild it.
/// </summary>
internal sealed class LocalInventory
{
    private readonly IRegistryStore _store;
    private readonly VersionFiles _versions;

    internal LocalInventory(IRegistryStore store, VersionFiles versions, HybridLogicalClock clock, string self)
    {
        _store = store;
        _versions = versions;
        Clock = clock;
        Self = self;
        Inventory = new NodeInventory(Guid.NewGuid().ToString("N"));
    }

    internal NodeInventory Inventory { get; }

    internal HybridLogicalClock Clock { get; }

    internal string Self { get; }

    /// <summary>
    /// Reads the whole store once. Blobs only count when some manifest references them (orphans are not worth copying),
    /// each once, in the first repository whose manifest references it. Each is recorded as soon as it is first seen, so
    /// the walk holds no list of the store's blobs (with their digest strings: ~45 MB at 250 k blobs) until its end.
    /// </summary>
    internal void Build()
    {
        var referenced = new DigestSet();
        foreach (var (repository, digest) in _store.EnumerateManifests())
        {
            var version = _versions.ReadManifest(repository, digest);
            long size = _store.BlobLength(digest) ?? 0;
            Inventory.Put(new InventoryEntry(EntryKind.Manifest, repository, null, digest, size, version?.Version ?? 0, version?.Node ?? "", Deleted: false));
            Inventory.Put(new InventoryEntry(EntryKind.Blob, repository, null, digest, size, 0, "", false));
            if (_store.ReadReferences(repository, digest) is { } references)
            {
                foreach (var blob in references.Blobs)
                {
                    if (referenced.Add(blob.Digest) && _store.BlobLength(blob.Digest) is long length)
                        Inventory.Put(new InventoryEntry(EntryKind.Blob, repository, null, blob.Digest, length, 0, "", false));
                }
            }
            foreach (var (tag, target) in _store.ListTagTargets(repository))
            {
                var tagVersion = _versions.ReadTag(repository, tag);
                // A version file for another digest means the tag moved without it (a crash between the two writes, or
                // a push while replication was off): the visible tag is the truth, at version 0.
                bool matches = tagVersion is { Digest: { } d } && d == target;
                Inventory.Put(new InventoryEntry(EntryKind.Tag, repository, tag, target, 0,
                    matches ? tagVersion!.Value.Version : 0, matches ? tagVersion!.Value.Node : "", Deleted: false));
            }
        }
        foreach (var tombstone in _versions.Tombstones())
        {
            if (Inventory.Get(tombstone.Key) is null) Inventory.Put(tombstone);
        }
        foreach (var (digest, pulled) in _store.Pulls.Snapshot())
        {
            Inventory.Put(new InventoryEntry(EntryKind.Pull, null, null, digest, 0, pulled.ToUnixTimeMilliseconds() << 16, "", false));
        }
        Clock.Observe(Inventory.MaxVersion());
    }

    /// <summary>The version to pass with the store write that applies <paramref name="entry"/> from a peer.</summary>
    internal static ChangeVersion VersionOf(InventoryEntry entry) => new(entry.Version, entry.Node);

    /// <summary>
    /// The store's change observer, run inside the write. Throws <see cref="StoreException"/> when the version cannot
    /// be recorded, which fails the write.
    /// </summary>
    internal void OnStoreChanged(StoreChange change)
    {
        switch (change.Kind)
        {
            case StoreChangeKind.BlobCommitted:
                // Blobs are content-addressed, so a live blob needs no version — unless its link was deleted before:
                // then the new link must outrank the tombstone everywhere, or peers would keep applying the delete.
                if (Inventory.Get(InventoryKey.ForBlob(change.Repository, change.Digest!.Value)) is { Deleted: true })
                    Record(EntryKind.Blob, change, deleted: false);
                else
                    Inventory.Put(new InventoryEntry(EntryKind.Blob, change.Repository, null, change.Digest, change.Size, 0, "", false));
                break;
            case StoreChangeKind.BlobDeleted:
                Record(EntryKind.Blob, change, deleted: true);
                break;
            case StoreChangeKind.BlobRemoved:
                // This node's own garbage collection: no longer advertised, but not a delete the others apply.
                if (Inventory.Get(InventoryKey.ForBlob(change.Repository, change.Digest!.Value)) is { Deleted: false } live)
                    Inventory.Remove(live.Key);
                break;
            case StoreChangeKind.ManifestStored:
                Inventory.Put(new InventoryEntry(EntryKind.Blob, change.Repository, null, change.Digest, change.Size, 0, "", false));
                Record(EntryKind.Manifest, change, deleted: false);
                break;
            case StoreChangeKind.ManifestDeleted:
                Record(EntryKind.Manifest, change, deleted: true);
                break;
            case StoreChangeKind.TagSet:
                Record(EntryKind.Tag, change, deleted: false);
                break;
            case StoreChangeKind.TagDeleted when change is { Digest: not null, Version: null }:
                RecordTagGoneWithManifest(change);
                break;
            case StoreChangeKind.TagDeleted:
                Record(EntryKind.Tag, change, deleted: true);
                break;
        }
    }

    /// <summary>A client's pull on this node moved a manifest's last-pull time on: tell the peers in the feed.</summary>
    internal void OnPulled(Digest digest, DateTimeOffset when) =>
        Inventory.Put(new InventoryEntry(EntryKind.Pull, null, null, digest, 0, Clock.Now(), Self, false));

    /// <summary>
    /// Records the outcome of applying a peer's entry whose store change raised no event (e.g. a tombstone for
    /// something we never had). Throws <see cref="StoreException"/> when the version cannot be written; the
    /// inventory then still holds what it held, so the entry is applied again on the next round.
    /// </summary>
    internal void RecordApplied(InventoryEntry entry)
    {
        // Pull times persist in the store's pull records, not as version files.
        if (entry.Kind != EntryKind.Pull) _versions.Write(entry);
        Inventory.Put(entry);
    }

    /// <summary>
    /// Announces a manifest this node keeps at a fresh version, outranking a peer's delete of it that was decided
    /// without knowing what keeps it here (see <see cref="Convergence.EntryApplier"/>). Throws <see cref="StoreException"/>.
    /// </summary>
    internal void Reassert(RepositoryName repository, Digest digest, long size)
    {
        var entry = new InventoryEntry(EntryKind.Manifest, repository, null, digest, size, Clock.Now(), Self, Deleted: false);
        _versions.Write(entry);
        Inventory.Put(entry);
    }

    /// <summary>
    /// A tag that went with the manifest it named (a delete by digest). The delete saw this node's writes of the tag up
    /// to now and no more, so its tombstone is ordered just after the last of them, not at the clock's reading: a move
    /// of the tag made on another node that this node had not heard of yet (newer than what the delete saw) wins
    /// everywhere, as it would on a single registry where the move came first — a client that moves a tag and then
    /// deletes the old image through two nodes keeps its tag. The tag writes the delete did see stay deleted.
    /// A tag write is totally ordered by its version like any other, so every node still picks the same winner.
    /// </summary>
    private void RecordTagGoneWithManifest(StoreChange change)
    {
        long seen = Inventory.Get(InventoryKey.ForTag(change.Repository, change.Tag!)) is { Deleted: false } live ? live.Version : 0;
        Record(EntryKind.Tag, change with { Version = new ChangeVersion(seen + 1, Self) }, deleted: true);
    }

    private void Record(EntryKind kind, StoreChange change, bool deleted)
    {
        var (version, node) = change.Version is { } known ? (known.Version, known.Node) : (Clock.Now(), Self);
        var entry = new InventoryEntry(kind, change.Repository, change.Tag, deleted && kind == EntryKind.Tag ? null : change.Digest,
            change.Size, version, node, deleted);
        try
        {
            _versions.Write(entry);
        }
        catch (StoreException)
        {
            // The store change is visible but its version is not recorded: hold what a restart would rebuild from
            // disk — the object at version 0 (any peer's version beats it, so the cluster's acknowledged state wins),
            // or for a delete no entry at all — and fail the write.
            if (deleted) Inventory.Remove(entry.Key);
            else Inventory.Put(entry with { Version = 0, Node = "" });
            throw;
        }
        Inventory.Put(entry);
    }
}
