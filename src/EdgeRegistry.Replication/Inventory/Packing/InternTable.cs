namespace EdgeRegistry.Replication.Inventory.Packing;

/// <summary>
/// A reference-counted intern table: each distinct value gets a small integer id that stays the same while anyone
/// holds it, and is freed (for reuse) when the last holder releases it, so a node that churns through repositories,
/// tags and blobs for years does not keep what it no longer holds. Open addressing over an int slot array (no
/// per-entry node objects: ~8 bytes of index per value beside the value itself). Not thread-safe: the owner locks.
/// </summary>
internal sealed class InternTable<T> where T : IEquatable<T>
{
    private const int Empty = 0;
    private const int Deleted = -1;

    private T[] _items = new T[16];
    private int[] _references = new int[16];
    private int[] _slots = new int[32]; // id + 1, Empty or Deleted
    private readonly Stack<int> _free = new();
    private int _nextId;
    private int _count;
    private int _usedSlots;

    /// <summary>Values held now.</summary>
    public int Count => _count;

    /// <summary>One past the largest id ever handed out: arrays indexed by id need this length.</summary>
    public int IdLimit => _nextId;

    public T this[int id] => _items[id];

    public bool TryFind(T value, out int id)
    {
        int slot = FindSlot(value);
        id = slot < 0 ? -1 : _slots[slot] - 1;
        return slot >= 0;
    }

    /// <summary>The value's id, taking one reference to it (interning it if it is new).</summary>
    public int Acquire(T value)
    {
        int slot = FindSlot(value);
        if (slot >= 0)
        {
            int found = _slots[slot] - 1;
            _references[found]++;
            return found;
        }
        if ((_usedSlots + 1) * 4 > _slots.Length * 3) Rehash();
        int id = _free.Count > 0 ? _free.Pop() : NewId();
        _items[id] = value;
        _references[id] = 1;
        _count++;
        int mask = _slots.Length - 1;
        int i = Hash(value) & mask;
        while (_slots[i] > 0) i = (i + 1) & mask;
        if (_slots[i] == Empty) _usedSlots++;
        _slots[i] = id + 1;
        return id;
    }

    /// <summary>Takes one more reference to a held id.</summary>
    public void AddReference(int id) => _references[id]++;

    /// <summary>Drops one reference; the last one frees the id (and returns true).</summary>
    public bool Release(int id)
    {
        if (--_references[id] > 0) return false;
        int slot = FindSlot(_items[id]);
        _slots[slot] = Deleted;
        _items[id] = default!;
        _count--;
        _free.Push(id);
        return true;
    }

    private int NewId()
    {
        if (_nextId == _items.Length)
        {
            // 1.5x growth: the arrays are the bulk of the inventory's memory, and doubling would leave up to half unused.
            int length = _items.Length + _items.Length / 2;
            Array.Resize(ref _items, length);
            Array.Resize(ref _references, length);
        }
        return _nextId++;
    }

    private int FindSlot(T value)
    {
        int mask = _slots.Length - 1;
        int i = Hash(value) & mask;
        while (true)
        {
            int s = _slots[i];
            if (s == Empty) return -1;
            if (s > 0 && _items[s - 1].Equals(value)) return i;
            i = (i + 1) & mask;
        }
    }

    /// <summary>Rebuilds the slots without deleted markers, at most half full.</summary>
    private void Rehash()
    {
        int length = 32;
        while (length < (_count + 1) * 2) length <<= 1;
        var slots = new int[length];
        int mask = length - 1;
        for (int id = 0; id < _nextId; id++)
        {
            if (_references[id] <= 0) continue;
            int i = Hash(_items[id]) & mask;
            while (slots[i] != Empty) i = (i + 1) & mask;
            slots[i] = id + 1;
        }
        _slots = slots;
        _usedSlots = _count;
    }

    private static int Hash(T value) => value.GetHashCode() & int.MaxValue;
}
