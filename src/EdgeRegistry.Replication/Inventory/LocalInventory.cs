using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Inventory;

/// <summary>
/// This node's inventory: built from the store by a walk in the background after start-up (see <see cref="InventoryBuild"/>),
/// and kept current from the store's change events, which it follows from before the first request is served.
/// Changes made by clients get a fresh clock reading; changes that replication applies carry the version they
/// had on the peer (passed with the write, see <see cref="VersionOf"/>), so a replicated update never looks newer
/// than it is. Recording is part of the write: the version is on disk before the write returns, and when it cannot
/// be written the write fails (the observer throws) and the inventory is left as a restart would rebuild it.
/// </summary>
/// <remarks>
/// Writes that land while the walk runs (a push, a delete, a tag move, an import) are recorded by their event as always,
/// and the walk then leaves their keys alone: an event is raised after its change is on disk, so whatever the walk read
/// of that key is as old or older. Both steps — the walk's "not touched yet, so put what I read" and the event's "put
/// and mark touched" — run under one gate, so neither can slip between the other's check and put. An event's decisions
/// that depend on the key's earlier state (is this blob link tombstoned? which version did the tag have? what version
/// beats the stored one?) read the version records on disk until the walk is complete, since the inventory may not
/// hold the key yet; those records are exactly what the walk builds it from.
/// </remarks>
internal sealed class LocalInventory
{
    private readonly IRegistryStore _store;
    private readonly VersionFiles _versions;

    /// <summary>Makes the walk's check-then-put and an event's put-and-mark one step each (see the remarks).</summary>
    private readonly Lock _buildGate = new();

    /// <summary>Keys the store's events wrote since the walk began: the walk skips them. Null once the build is complete.</summary>
    private HashSet<InventoryKey>? _touched = [];

    internal LocalInventory(IRegistryStore store, VersionFiles versions, HybridLogicalClock clock, string self, InventoryBuild? build = null)
    {
        _store = store;
        _versions = versions;
        Clock = clock;
        Self = self;
        BuildStatus = build ?? new InventoryBuild(TimeProvider.System);
        Inventory = new NodeInventory(Guid.NewGuid().ToString("N"));
    }

    internal InventoryBuild BuildStatus { get; }

    /// <summary>True once the walk is complete: the inventory holds the whole store, and peers may be told about it.</summary>
    internal bool IsBuilt => Volatile.Read(ref _touched) is null;

    internal NodeInventory Inventory { get; }

    internal HybridLogicalClock Clock { get; }

    internal string Self { get; }

    /// <summary>
    /// Reads the whole store once, then marks the inventory complete. Blobs only count when some manifest references them
    /// (orphans are not worth copying), each once, in the first repository whose manifest references it. Each is recorded
    /// as soon as it is first seen, so the walk holds no list of the store's blobs (with their digest strings: ~45 MB at
    /// 250 k blobs) until its end. Throws <see cref="StoreException"/> when the store cannot be read: call
    /// <see cref="Restart"/> before trying again.
    /// </summary>
    internal void Build(CancellationToken cancellationToken = default)
    {
        if (IsBuilt) throw new InvalidOperationException("the inventory is already built");
        BuildStatus.AttemptStarted();
        var referenced = new DigestSet();
        foreach (var (repository, digest) in _store.EnumerateManifests())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var version = _versions.ReadManifest(repository, digest);
            long size = _store.BlobLength(digest) ?? 0;
            Walked(new InventoryEntry(EntryKind.Manifest, repository, null, digest, size, version?.Version ?? 0, version?.Node ?? "", Deleted: false));
            Walked(new InventoryEntry(EntryKind.Blob, repository, null, digest, size, 0, "", false));
            if (_store.ReadReferences(repository, digest) is { } references)
            {
                foreach (var blob in references.Blobs)
                {
                    if (referenced.Add(blob.Digest) && _store.BlobLength(blob.Digest) is long length)
                        Walked(new InventoryEntry(EntryKind.Blob, repository, null, blob.Digest, length, 0, "", false));
                }
            }
            foreach (var (tag, target) in _store.ListTagTargets(repository))
            {
                var tagVersion = _versions.ReadTag(repository, tag);
                // A version file for another digest means the tag moved without it (a crash between the two writes, or
                // a push while replication was off): the visible tag is the truth, at version 0.
                bool matches = tagVersion is { Digest: { } d } && d == target;
                Walked(new InventoryEntry(EntryKind.Tag, repository, tag, target, 0,
                    matches ? tagVersion!.Value.Version : 0, matches ? tagVersion!.Value.Node : "", Deleted: false));
            }
            BuildStatus.ManifestRead();
        }
        foreach (var tombstone in _versions.Tombstones()) Walked(tombstone, onlyWhereAbsent: true);
        foreach (var (digest, pulled) in _store.Pulls.Snapshot())
        {
            Walked(new InventoryEntry(EntryKind.Pull, null, null, digest, 0, pulled.ToUnixTimeMilliseconds() << 16, "", false));
        }
        lock (_buildGate)
        {
            // Every version on disk has been read: from here on a fresh reading outranks all of them.
            Clock.Observe(Inventory.MaxVersion());
            Volatile.Write(ref _touched, null);
        }
        BuildStatus.Completed();
    }

    /// <summary>
    /// Forgets what a failed walk put, before the next attempt. What the events recorded meanwhile is on disk (an event
    /// comes after its change is durable, with its version record), so the next walk reads it back.
    /// </summary>
    internal void Restart()
    {
        lock (_buildGate)
        {
            if (_touched is null) throw new InvalidOperationException("the inventory is already built");
            Inventory.Clear();
            _touched.Clear();
        }
    }

    /// <summary>The walk's reading of one entry, left out where an event already wrote the key (see the remarks).</summary>
    private void Walked(InventoryEntry entry, bool onlyWhereAbsent = false)
    {
        lock (_buildGate)
        {
            if (_touched!.Contains(entry.Key)) return;
            if (onlyWhereAbsent && Inventory.Get(entry.Key) is not null) return;
            Inventory.Put(entry);
        }
    }

    /// <summary>An event's update of the inventory: while the walk runs, the key is marked so the walk leaves it alone.</summary>
    private void Put(InventoryEntry entry) => Write(entry.Key, entry);

    /// <summary>An event's removal, marked like <see cref="Put"/>.</summary>
    private void Remove(InventoryKey key) => Write(key, null);

    /// <summary>Puts <paramref name="entry"/> at <paramref name="key"/>, or removes the key when it is null.</summary>
    private void Write(InventoryKey key, InventoryEntry? entry)
    {
        if (Volatile.Read(ref _touched) is null)
        {
            WriteUnmarked(key, entry);
            return;
        }
        lock (_buildGate)
        {
            _touched?.Add(key);
            WriteUnmarked(key, entry);
        }
    }

    private void WriteUnmarked(InventoryKey key, InventoryEntry? entry)
    {
        if (entry is null) Inventory.Remove(key);
        else Inventory.Put(entry);
    }

    /// <summary>
    /// The key's tombstone, if it is deleted here: from the inventory once built, from the version records on disk
    /// while the walk runs (the inventory may not hold the key yet; a tombstone's record is written before its event).
    /// </summary>
    internal InventoryEntry? TombstoneOf(InventoryKey key) =>
        IsBuilt ? Inventory.Get(key) is { Deleted: true } tombstone ? tombstone : null : _versions.ReadTombstone(key);

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
                if (TombstoneOf(InventoryKey.ForBlob(change.Repository, change.Digest!.Value)) is not null)
                    Record(EntryKind.Blob, change, deleted: false);
                else
                    Put(new InventoryEntry(EntryKind.Blob, change.Repository, null, change.Digest, change.Size, 0, "", false));
                break;
            case StoreChangeKind.BlobDeleted:
                Record(EntryKind.Blob, change, deleted: true);
                break;
            case StoreChangeKind.BlobRemoved:
                // This node's own garbage collection: no longer advertised, but not a delete the others apply.
                if (Inventory.Get(InventoryKey.ForBlob(change.Repository, change.Digest!.Value)) is { Deleted: false } live)
                    Remove(live.Key);
                break;
            case StoreChangeKind.ManifestStored:
                Put(new InventoryEntry(EntryKind.Blob, change.Repository, null, change.Digest, change.Size, 0, "", false));
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
        Put(new InventoryEntry(EntryKind.Pull, null, null, digest, 0, Clock.Now(), Self, false));

    /// <summary>
    /// Records the outcome of applying a peer's entry whose store change raised no event (e.g. a tombstone for
    /// something we never had). Throws <see cref="StoreException"/> when the version cannot be written; the
    /// inventory then still holds what it held, so the entry is applied again on the next round.
    /// </summary>
    internal void RecordApplied(InventoryEntry entry)
    {
        // Pull times persist in the store's pull records, not as version files.
        if (entry.Kind != EntryKind.Pull) _versions.Write(entry);
        Put(entry);
    }

    /// <summary>
    /// Announces a manifest this node keeps at a fresh version, outranking a peer's delete of it that was decided
    /// without knowing what keeps it here (see <see cref="Convergence.EntryApplier"/>). Throws <see cref="StoreException"/>.
    /// </summary>
    internal void Reassert(RepositoryName repository, Digest digest, long size)
    {
        var entry = new InventoryEntry(EntryKind.Manifest, repository, null, digest, size, Clock.Now(), Self, Deleted: false);
        _versions.Write(entry);
        Put(entry);
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
        long seen = LiveTagVersion(change.Repository, change.Tag!, change.Digest!.Value);
        Record(EntryKind.Tag, change with { Version = new ChangeVersion(seen + 1, Self) }, deleted: true);
    }

    /// <summary>The version the inventory gives the live tag (0 when none): the walk's rule while it runs.</summary>
    private long LiveTagVersion(RepositoryName repository, string tag, Digest target)
    {
        if (IsBuilt) return Inventory.Get(InventoryKey.ForTag(repository, tag)) is { Deleted: false } live ? live.Version : 0;
        return _versions.ReadTag(repository, tag) is { Digest: { } recorded, Version: var version } && recorded == target ? version : 0;
    }

    /// <summary>
    /// A fresh version for a client's change. Until the walk has read every record the clock may be behind the stored
    /// version of this key (a peer's clock ahead of ours, a clock set back after a power cut): it moves past that record
    /// first, so the change outranks what it replaces everywhere.
    /// </summary>
    private long FreshVersion(InventoryKey key)
    {
        if (!IsBuilt) Clock.Observe(_versions.StoredVersion(key));
        return Clock.Now();
    }

    private void Record(EntryKind kind, StoreChange change, bool deleted)
    {
        var key = kind == EntryKind.Tag ? InventoryKey.ForTag(change.Repository, change.Tag!) : new InventoryKey(kind, change.Repository, null, change.Digest);
        var (version, node) = change.Version is { } known ? (known.Version, known.Node) : (FreshVersion(key), Self);
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
            if (deleted) Remove(entry.Key);
            else Put(entry with { Version = 0, Node = "" });
            throw;
        }
        Put(entry);
    }
}
