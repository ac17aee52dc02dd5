using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Replication.Inventory;

/// <summary>
/// An inventory of what one store holds, which doubles as its change feed: every update gives the entry the
/// next sequence number, so "everything since sequence S" is exactly the changes a peer has not seen. The
/// epoch names one lifetime of the sequence (a process run); a peer that sees a new epoch starts over from 0.
/// A summary (count and an order-independent hash) lets two nodes detect drift without listing everything.
/// Used both for this node's own inventory and for our view of each peer's.
/// </summary>
internal sealed class NodeInventory
{
    private readonly Lock _lock = new();
    private readonly Dictionary<InventoryKey, (InventoryEntry Entry, long Sequence)> _entries = [];
    private readonly SortedDictionary<long, InventoryKey> _bySequence = [];
    private readonly HashSet<Digest> _blobs = [];
    private readonly HashSet<string> _repositories = new(StringComparer.Ordinal);
    private long _sequence;
    private ulong _hash;

    public NodeInventory(string epoch) => Epoch = epoch;

    public string Epoch { get; }

    public long Sequence
    {
        get { lock (_lock) return _sequence; }
    }

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    public (int Count, ulong Hash) Summary()
    {
        lock (_lock) return (_entries.Count, _hash);
    }

    /// <summary>Records an entry, replacing the one with the same key; returns false when nothing changed.</summary>
    public bool Put(InventoryEntry entry)
    {
        lock (_lock)
        {
            var key = entry.Key;
            if (_entries.TryGetValue(key, out var existing))
            {
                if (existing.Entry == entry) return false;
                _bySequence.Remove(existing.Sequence);
                _hash ^= existing.Entry.ContentHash();
            }
            long sequence = ++_sequence;
            _entries[key] = (entry, sequence);
            _bySequence[sequence] = key;
            _hash ^= entry.ContentHash();
            if (entry.Kind == EntryKind.Blob && entry.Digest is Digest digest)
            {
                if (entry.Deleted) _blobs.Remove(digest);
                else _blobs.Add(digest);
            }
            if (entry.Kind == EntryKind.Manifest && !entry.Deleted && entry.Repository is { } repository) _repositories.Add(repository.Value);
            return true;
        }
    }

    public bool Remove(InventoryKey key)
    {
        lock (_lock)
        {
            if (!_entries.Remove(key, out var existing)) return false;
            _bySequence.Remove(existing.Sequence);
            _hash ^= existing.Entry.ContentHash();
            if (key.Kind == EntryKind.Blob && existing.Entry.Digest is Digest digest) _blobs.Remove(digest);
            return true;
        }
    }

    public InventoryEntry? Get(InventoryKey key)
    {
        lock (_lock) return _entries.TryGetValue(key, out var found) ? found.Entry : null;
    }

    public bool HasBlob(Digest digest)
    {
        lock (_lock) return _blobs.Contains(digest);
    }

    /// <summary>True when the node holds (or held) a manifest in the repository: it exists somewhere in the cluster.</summary>
    public bool HasRepository(string repository)
    {
        lock (_lock) return _repositories.Contains(repository);
    }

    /// <summary>Entries updated after <paramref name="since"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public List<(InventoryEntry Entry, long Sequence)> ChangesSince(long since, int limit)
    {
        lock (_lock)
        {
            var result = new List<(InventoryEntry, long)>(Math.Min(limit, 256));
            foreach (var (sequence, key) in _bySequence)
            {
                if (sequence <= since) continue;
                result.Add((_entries[key].Entry, sequence));
                if (result.Count == limit) break;
            }
            return result;
        }
    }

    public List<InventoryEntry> Snapshot()
    {
        lock (_lock) return _entries.Values.Select(static v => v.Entry).ToList();
    }

    /// <summary>Drops tombstones older than <paramref name="cutoffVersion"/>; returns them so their files can go too.</summary>
    public List<InventoryEntry> ExpireTombstones(long cutoffVersion)
    {
        lock (_lock)
        {
            var expired = _entries.Values.Select(static v => v.Entry).Where(e => e.Deleted && e.Version < cutoffVersion).ToList();
            foreach (var entry in expired)
            {
                var (_, sequence) = _entries[entry.Key];
                _entries.Remove(entry.Key);
                _bySequence.Remove(sequence);
                _hash ^= entry.ContentHash();
            }
            return expired;
        }
    }
}
