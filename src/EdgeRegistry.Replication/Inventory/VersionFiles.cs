using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Versions;

namespace EdgeRegistry.Replication.Inventory;

/// <summary>
/// The inventory's versions on disk: each tag and manifest entry (and each tombstone) as the store's
/// <see cref="VersionRecords"/>, which write through the store's file system exactly as durably as the store
/// (see <see cref="Storage.Layout.StorePaths"/> for where they live). An object with no record — pushed before
/// replication was on, or a registry:2 store taken over as it is — has version 0 and loses to any update.
/// Failures are <see cref="StoreException"/>s, like the store's own.
/// </summary>
internal sealed class VersionFiles
{
    private readonly VersionRecords _records;

    public VersionFiles(IRegistryStore store) => _records = store.Versions;

    public void Write(InventoryEntry entry)
    {
        var record = new VersionRecord(entry.Version, entry.Node, entry.Deleted, entry.Kind == EntryKind.Tag && !entry.Deleted ? entry.Digest : null);
        switch (entry)
        {
            case { Kind: EntryKind.Tag, Repository: { } repository, Tag: { } tag }:
                _records.WriteTag(repository, tag, record);
                break;
            case { Kind: EntryKind.Manifest, Repository: { } repository, Digest: { } digest }:
                _records.WriteManifest(repository, digest, record);
                break;
            case { Kind: EntryKind.Blob, Repository: { } repository, Digest: { } digest }:
                _records.WriteBlob(repository, digest, record);
                break;
        }
    }

    public void Delete(InventoryEntry entry)
    {
        switch (entry)
        {
            case { Kind: EntryKind.Tag, Repository: { } repository, Tag: { } tag }:
                _records.DeleteTag(repository, tag);
                break;
            case { Kind: EntryKind.Manifest, Repository: { } repository, Digest: { } digest }:
                _records.DeleteManifest(repository, digest);
                break;
            case { Kind: EntryKind.Blob, Repository: { } repository, Digest: { } digest }:
                _records.DeleteBlob(repository, digest);
                break;
        }
    }

    /// <summary>The stored version of a tag: (version, node, digest or null when deleted); null when none is stored.</summary>
    public (long Version, string Node, Digest? Digest)? ReadTag(RepositoryName repository, string tag) =>
        _records.ReadTag(repository, tag) is { } r ? (r.Version, r.Node, r.Deleted ? null : r.Digest) : null;

    /// <summary>The stored version of a manifest revision: (version, node, deleted); null when none is stored.</summary>
    public (long Version, string Node, bool Deleted)? ReadManifest(RepositoryName repository, Digest digest) =>
        _records.ReadManifest(repository, digest) is { } r ? (r.Version, r.Node, r.Deleted) : null;

    /// <summary>
    /// The stored tombstone of one tag, manifest or blob link; null when its record is live or there is none. While the
    /// inventory is being built it may not hold the key yet, and these records are what it is built from.
    /// </summary>
    public InventoryEntry? ReadTombstone(InventoryKey key) => ReadRecord(key) is { Deleted: true } record
        ? new InventoryEntry(key.Kind, key.Repository, key.Tag, key.Kind == EntryKind.Tag ? null : key.Digest, 0, record.Version, record.Node, Deleted: true)
        : null;

    /// <summary>The stored version of a tag, manifest or blob link, live or deleted; 0 when none is stored.</summary>
    public long StoredVersion(InventoryKey key) => ReadRecord(key)?.Version ?? 0;

    private VersionRecord? ReadRecord(InventoryKey key) => key switch
    {
        { Kind: EntryKind.Tag, Repository: { } repository, Tag: { } tag } => _records.ReadTag(repository, tag),
        { Kind: EntryKind.Manifest, Repository: { } repository, Digest: { } digest } => _records.ReadManifest(repository, digest),
        { Kind: EntryKind.Blob, Repository: { } repository, Digest: { } digest } => _records.ReadBlob(repository, digest),
        _ => null,
    };

    /// <summary>Every stored tombstone (deleted tag, manifest or blob link), for rebuilding the inventory at start-up.</summary>
    public IEnumerable<InventoryEntry> Tombstones()
    {
        foreach (var (repository, tag, record) in _records.Tags())
        {
            if (record.Deleted) yield return new InventoryEntry(EntryKind.Tag, repository, tag, null, 0, record.Version, record.Node, Deleted: true);
        }
        foreach (var (repository, digest, record) in _records.Manifests())
        {
            if (record.Deleted) yield return new InventoryEntry(EntryKind.Manifest, repository, null, digest, 0, record.Version, record.Node, Deleted: true);
        }
        foreach (var (repository, digest, record) in _records.Blobs())
        {
            if (record.Deleted) yield return new InventoryEntry(EntryKind.Blob, repository, null, digest, 0, record.Version, record.Node, Deleted: true);
        }
    }
}
