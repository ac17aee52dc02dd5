using EdgeRegistry.Replication.Inventory.Packing;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Inventory;

/// <summary>
/// An inventory of what one store holds, which doubles as its change feed: every update gives the entry the
/// next sequence number, so "everything since sequence S" is exactly the changes a peer has not seen. The
/// epoch names one lifetime of the sequence (a process run); a peer that sees a new epoch starts over from 0.
/// A summary (count and an order-independent hash) lets two nodes detect drift without listing everything.
/// Used both for this node's own inventory and for our view of each peer's.
/// </summary>
/// <remarks>
/// Kept packed, because a site's mirror has hundreds of thousands of objects and every node holds three
/// inventories (its own and a view of each peer): keys are ids into <see cref="InventoryTables"/> shared by all
/// three, and each inventory holds one 24-byte <see cref="PackedRow"/> per key id (plus, with a change feed, 20
/// bytes of sequence and log). <see cref="InventoryEntry"/> records are made only for the entries asked for.
/// </remarks>
internal sealed partial class NodeInventory
{
    private static int s_instances;

    private readonly Lock _lock = new();
    private readonly int _lockOrder = Interlocked.Increment(ref s_instances);
    private readonly InventoryTables _tables;
    private PackedRow[] _rows = [];
    private long[] _sequenceOf = [];
    private int[] _blobHolders = []; // by digest id: blob entries (any repository) that hold it
    private readonly HashSet<int> _repositories = [];
    private readonly ChangeLog? _log;
    private int _count;
    private int _pulls; // pull entries: outside the summary (see Summary)
    private long _sequence;
    private ulong _hash;

    /// <param name="changeFeed">Keep the order of updates for <see cref="ChangesSince"/> (this node's own inventory
    /// serves it to peers; a view of a peer's needs no feed of its own).</param>
    public NodeInventory(string epoch, bool changeFeed = true, InventoryTables? tables = null)
    {
        Epoch = epoch;
        _tables = tables ?? InventoryTables.Shared;
        _log = changeFeed ? new ChangeLog() : null;
    }

    public string Epoch { get; }

    public long Sequence
    {
        get { lock (_lock) return _sequence; }
    }

    public int Count
    {
        get { lock (_lock) return _count; }
    }

    /// <summary>
    /// Count and hash of the entries, pull entries left out: every node expires those on its own (past the pull
    /// retention, see <see cref="ExpirePulls"/>) and a peer older than pull records skips them, so neither may read
    /// as drift and make a peer re-read the whole inventory.
    /// </summary>
    public (int Count, ulong Hash) Summary()
    {
        lock (_lock) return (_count - _pulls, _hash);
    }

    /// <summary>Records an entry, replacing the one with the same key; returns false when nothing changed.</summary>
    public bool Put(InventoryEntry entry)
    {
        ulong hash = entry.ContentHash(); // outside the locks: it hashes the entry's text
        var key = entry.Key;
        lock (_lock)
        lock (_tables.Lock)
        {
            if (_tables.TryFindKey(key, out int id) && id < _rows.Length && _rows[id].Present)
            {
                if (Matches(_rows[id], entry)) return false;
                Unhash(id);
                ReleaseValue(id);
            }
            else
            {
                id = _tables.AcquireKey(key);
                EnsureCapacity();
                _count++;
                if (entry.Kind == EntryKind.Pull) _pulls++;
            }
            WriteValue(id, entry);
            if (entry.Kind != EntryKind.Pull) _hash ^= hash;
            long sequence = ++_sequence;
            if (_log is not null)
            {
                _sequenceOf[id] = sequence;
                _log.Append(sequence, id);
                if (_log.Count > 2 * _count + 4096) _log.Compact((s, k) => k < _rows.Length && _rows[k].Present && _sequenceOf[k] == s);
            }
            return true;
        }
    }

    public bool Remove(InventoryKey key)
    {
        lock (_lock)
        lock (_tables.Lock)
        {
            if (!TryFindRow(key, out int id)) return false;
            Unhash(id);
            RemoveRow(id);
            return true;
        }
    }

    public InventoryEntry? Get(InventoryKey key)
    {
        lock (_lock)
        lock (_tables.Lock)
        {
            return TryFindRow(key, out int id) ? Materialize(id) : null;
        }
    }

    public bool HasBlob(Digest digest)
    {
        lock (_lock)
        lock (_tables.Lock)
        {
            return _tables.TryFindDigest(digest, out int id) && id < _blobHolders.Length && _blobHolders[id] > 0;
        }
    }

    /// <summary>True when the node holds (or held) a manifest in the repository: it exists somewhere in the cluster.</summary>
    public bool HasRepository(RepositoryName repository)
    {
        lock (_lock)
        lock (_tables.Lock)
        {
            return _tables.TryFindRepository(repository, out int id) && _repositories.Contains(id);
        }
    }

    /// <summary>Entries updated after <paramref name="since"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public List<(InventoryEntry Entry, long Sequence)> ChangesSince(long since, int limit)
    {
        if (_log is null) throw new InvalidOperationException("this inventory keeps no change feed");
        lock (_lock)
        lock (_tables.Lock)
        {
            var result = new List<(InventoryEntry, long)>(Math.Min(limit, 256));
            for (int i = _log.FirstAfter(since); i < _log.Count && result.Count < limit; i++)
            {
                long sequence = _log.SequenceAt(i);
                int id = _log.KeyAt(i);
                if (id < _rows.Length && _rows[id].Present && _sequenceOf[id] == sequence) result.Add((Materialize(id), sequence));
            }
            return result;
        }
    }

    /// <summary>
    /// Every entry, made a batch at a time under the lock, so walking a large inventory never holds all of it as
    /// records at once. Entries changed during the walk may be seen in either state.
    /// </summary>
    public IEnumerable<InventoryEntry> Entries(int batch = 1024)
    {
        var buffer = new List<InventoryEntry>(batch);
        for (int next = 0; ;)
        {
            buffer.Clear();
            lock (_lock)
            lock (_tables.Lock)
            {
                for (; next < _rows.Length && buffer.Count < batch; next++)
                {
                    if (_rows[next].Present) buffer.Add(Materialize(next));
                }
            }
            foreach (var entry in buffer) yield return entry;
            if (buffer.Count < batch) yield break;
        }
    }

    public List<InventoryEntry> Snapshot() => Entries().ToList();

    /// <summary>The highest version of any entry (0 when empty).</summary>
    public long MaxVersion()
    {
        lock (_lock)
        {
            long max = 0;
            foreach (ref readonly var row in _rows.AsSpan())
            {
                if (row.Present && row.Version > max) max = row.Version;
            }
            return max;
        }
    }

    /// <summary>Drops tombstones older than <paramref name="cutoffVersion"/>; returns them so their files can go too.</summary>
    public List<InventoryEntry> ExpireTombstones(long cutoffVersion)
    {
        lock (_lock)
        lock (_tables.Lock)
        {
            var expired = new List<InventoryEntry>();
            for (int id = 0; id < _rows.Length; id++)
            {
                ref readonly var row = ref _rows[id];
                if (!row.Present || !row.Deleted || row.Version >= cutoffVersion) continue;
                var entry = Materialize(id);
                _hash ^= entry.ContentHash();
                RemoveRow(id);
                expired.Add(entry);
            }
            return expired;
        }
    }

    /// <summary>
    /// Drops pull entries older than <paramref name="cutoffVersion"/>: past the pull retention they protect nothing,
    /// and without this they would grow with every digest ever pulled. Returns how many went.
    /// </summary>
    public int ExpirePulls(long cutoffVersion)
    {
        lock (_lock)
        lock (_tables.Lock)
        {
            int expired = 0;
            for (int id = 0; id < _rows.Length; id++)
            {
                ref readonly var row = ref _rows[id];
                if (!row.Present || row.Version >= cutoffVersion || _tables.KindOf(id) != EntryKind.Pull) continue;
                RemoveRow(id);
                expired++;
            }
            return expired;
        }
    }

    /// <summary>Takes the row's entry out of the summary hash (pull entries were never in it).</summary>
    private void Unhash(int id)
    {
        if (_tables.KindOf(id) != EntryKind.Pull) _hash ^= Materialize(id).ContentHash();
    }

    /// <summary>Forgets every entry and gives back what it held of the shared tables (a peer view being replaced).</summary>
    public void Clear()
    {
        lock (_lock)
        lock (_tables.Lock)
        {
            for (int id = 0; id < _rows.Length; id++)
            {
                if (_rows[id].Present) RemoveRow(id);
            }
            foreach (int repository in _repositories) _tables.ReleaseRepository(repository);
            _repositories.Clear();
            _hash = 0;
            _pulls = 0;
        }
    }

    private bool TryFindRow(in InventoryKey key, out int id) =>
        _tables.TryFindKey(key, out id) && id < _rows.Length && _rows[id].Present;

    /// <summary>True when the row already says what the entry says (the key is the same by construction).</summary>
    private bool Matches(in PackedRow row, InventoryEntry entry)
    {
        if (row.Version != entry.Version || row.Size != entry.Size || row.Deleted != entry.Deleted) return false;
        if (!_tables.TryFindString(entry.Node, out int node) || node != row.NodeId) return false;
        if (entry.Kind != EntryKind.Tag) return true;
        if (entry.Digest is not { } target) return row.TargetDigestId < 0;
        return _tables.TryFindDigest(target, out int digest) && digest == row.TargetDigestId;
    }

    private void WriteValue(int id, InventoryEntry entry)
    {
        int node = _tables.AcquireString(entry.Node);
        int target = entry.Kind == EntryKind.Tag && entry.Digest is { } d ? _tables.AcquireDigest(d) : -1;
        _rows[id] = new PackedRow(entry.Version, entry.Size, node, entry.Deleted, target);
        if (entry.Deleted) return;
        if (entry.Kind == EntryKind.Blob)
        {
            int digest = _tables.DigestIdOf(id);
            if (digest >= _blobHolders.Length) Array.Resize(ref _blobHolders, Grown(_blobHolders.Length, _tables.DigestIdLimit));
            _blobHolders[digest]++;
        }
        else if (entry.Kind == EntryKind.Manifest && _tables.RepositoryIdOf(id) is int repository and >= 0 && _repositories.Add(repository))
        {
            _tables.AddRepositoryReference(repository);
        }
    }

    /// <summary>Gives back what the row's value holds (its node, its target, its blob count); the key stays.</summary>
    private void ReleaseValue(int id)
    {
        ref readonly var row = ref _rows[id];
        _tables.ReleaseString(row.NodeId);
        if (row.TargetDigestId >= 0) _tables.ReleaseDigest(row.TargetDigestId);
        if (!row.Deleted && _tables.KindOf(id) == EntryKind.Blob) _blobHolders[_tables.DigestIdOf(id)]--;
    }

    private void RemoveRow(int id)
    {
        ReleaseValue(id);
        _rows[id] = default;
        if (_log is not null) _sequenceOf[id] = 0;
        if (_tables.KindOf(id) == EntryKind.Pull) _pulls--;
        _tables.ReleaseKey(id);
        _count--;
    }

    private InventoryEntry Materialize(int id) => Materialize(id, _rows[id]);

    private InventoryEntry Materialize(int id, in PackedRow row)
    {
        var key = _tables.KeyOf(id);
        var digest = key.Kind == EntryKind.Tag ? (row.TargetDigestId >= 0 ? _tables.DigestOf(row.TargetDigestId) : null) : key.Digest;
        return new InventoryEntry(key.Kind, key.Repository, key.Tag, digest, row.Size, row.Version, _tables.StringOf(row.NodeId), row.Deleted);
    }

    private void EnsureCapacity()
    {
        int needed = _tables.KeyIdLimit;
        if (needed <= _rows.Length) return;
        int length = Grown(_rows.Length, needed);
        Array.Resize(ref _rows, length);
        if (_log is not null) Array.Resize(ref _sequenceOf, length);
    }

    /// <summary>1.5x growth (at least to <paramref name="needed"/>): these arrays are most of the inventory's memory.</summary>
    private static int Grown(int length, int needed) => Math.Max(needed, Math.Max(64, length + length / 2));
}
