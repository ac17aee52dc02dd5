using EdgeRegistry.Replication.Inventory.Packing;

namespace EdgeRegistry.Replication.Inventory;

internal sealed partial class NodeInventory
{
    /// <summary>
    /// What this inventory holds that <paramref name="other"/> lacks: an object counts when the other has nothing at
    /// least as new for its key; tombstones are not objects, and a newer tombstone there means it is gone on purpose.
    /// Compares the packed rows key id by key id (both inventories share the tables), so a status of a store with
    /// hundreds of thousands of objects makes no record per entry.
    /// </summary>
    public (long Objects, long Bytes) Lacking(NodeInventory other)
    {
        if (!ReferenceEquals(_tables, other._tables)) throw new InvalidOperationException("inventories over different tables");
        var (first, second) = _lockOrder <= other._lockOrder ? (this, other) : (other, this);
        lock (first._lock)
        lock (second._lock)
        lock (_tables.Lock)
        {
            long objects = 0, bytes = 0;
            for (int id = 0; id < _rows.Length; id++)
            {
                var row = _rows[id];
                if (!row.Present || row.Deleted) continue;
                var counterpart = id < other._rows.Length ? other._rows[id] : default;
                if (counterpart.Present && !counterpart.Deleted && !Supersedes(id, row, counterpart)) continue;
                if (counterpart.Present && counterpart.Deleted && Supersedes(id, counterpart, row)) continue;
                objects++;
                if (_tables.KindOf(id) != EntryKind.Tag) bytes += row.Size;
            }
            return (objects, bytes);
        }
    }

    /// <summary><see cref="InventoryEntry.Supersedes"/> on two rows of one key, making records only for a tie it cannot settle.</summary>
    private bool Supersedes(int id, in PackedRow a, in PackedRow b)
    {
        if (a.Version != b.Version) return a.Version > b.Version;
        if (a.NodeId == b.NodeId && a.Deleted == b.Deleted && a.TargetDigestId == b.TargetDigestId) return false;
        return Materialize(id, a).Supersedes(Materialize(id, b));
    }
}
