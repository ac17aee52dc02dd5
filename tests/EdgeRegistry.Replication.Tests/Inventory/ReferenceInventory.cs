using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Replication.Tests.Inventory;

/// <summary>
/// The inventory's rules written the plain way, with a dictionary of records (as NodeInventory was kept before
/// it was packed): the oracle the packed inventory must agree with, operation by operation.
/// </summary>
internal sealed class ReferenceInventory
{
    private readonly Dictionary<InventoryKey, (InventoryEntry Entry, long Sequence)> _entries = [];
    private readonly HashSet<string> _repositories = new(StringComparer.Ordinal);
    private long _sequence;
    private ulong _hash;

    public int Count => _entries.Count;

    public long Sequence => _sequence;

    /// <summary>Pull entries are left out: each node expires its own (see NodeInventory.Summary).</summary>
    public (int Count, ulong Hash) Summary() => (_entries.Values.Count(static v => v.Entry.Kind != EntryKind.Pull), _hash);

    private static ulong Hashed(InventoryEntry entry) => entry.Kind == EntryKind.Pull ? 0 : entry.ContentHash();

    public bool Put(InventoryEntry entry)
    {
        if (_entries.TryGetValue(entry.Key, out var existing))
        {
            if (existing.Entry == entry) return false;
            _hash ^= Hashed(existing.Entry);
        }
        _entries[entry.Key] = (entry, ++_sequence);
        _hash ^= Hashed(entry);
        if (entry.Kind == EntryKind.Manifest && !entry.Deleted && entry.Repository is { } repository) _repositories.Add(repository.Value);
        return true;
    }

    public bool Remove(InventoryKey key)
    {
        if (!_entries.Remove(key, out var existing)) return false;
        _hash ^= Hashed(existing.Entry);
        return true;
    }

    public InventoryEntry? Get(InventoryKey key) => _entries.TryGetValue(key, out var found) ? found.Entry : null;

    public bool HasBlob(Digest digest) => _entries.Values.Any(v => v.Entry is { Kind: EntryKind.Blob, Deleted: false } e && e.Digest == digest);

    public bool HasRepository(string repository) => _repositories.Contains(repository);

    public List<(InventoryEntry Entry, long Sequence)> ChangesSince(long since, int limit) =>
        _entries.Values.Where(v => v.Sequence > since).OrderBy(v => v.Sequence).Take(limit).ToList();

    public List<InventoryEntry> ExpireTombstones(long cutoffVersion)
    {
        var expired = _entries.Values.Select(v => v.Entry).Where(e => e.Deleted && e.Version < cutoffVersion).ToList();
        foreach (var entry in expired) Remove(entry.Key);
        return expired;
    }

    public int ExpirePulls(long cutoffVersion)
    {
        var expired = _entries.Values.Select(v => v.Entry).Where(e => e.Kind == EntryKind.Pull && e.Version < cutoffVersion).ToList();
        foreach (var entry in expired) Remove(entry.Key);
        return expired.Count;
    }

    public IEnumerable<InventoryEntry> Entries() => _entries.Values.Select(v => v.Entry);

    /// <summary>The status's rule: what this side holds that the other has nothing at least as new for.</summary>
    public (long Objects, long Bytes) Lacking(ReferenceInventory other)
    {
        long objects = 0, bytes = 0;
        foreach (var entry in Entries().Where(e => !e.Deleted))
        {
            var counterpart = other.Get(entry.Key);
            if (counterpart is not null && !counterpart.Deleted && !entry.Supersedes(counterpart)) continue;
            if (counterpart is { Deleted: true } && counterpart.Supersedes(entry)) continue;
            objects++;
            if (entry.Kind != EntryKind.Tag) bytes += entry.Size;
        }
        return (objects, bytes);
    }
}
