namespace EdgeRegistry.Replication.Inventory.Packing;

/// <summary>
/// The order of an inventory's updates: (sequence, key id) pairs appended as they happen, so "changes since S" is
/// a binary search and a walk. A key updated again leaves its older pair behind; the owner recognises those (the
/// key's current sequence differs) and <see cref="Compact"/> drops them once they outnumber the live ones. 12 bytes
/// per live entry instead of a sorted tree's node object per entry.
/// </summary>
internal sealed class ChangeLog
{
    private long[] _sequences = new long[64];
    private int[] _keys = new int[64];
    private int _count;

    public int Count => _count;

    public void Append(long sequence, int keyId)
    {
        if (_count == _sequences.Length)
        {
            int length = _count + _count / 2;
            Array.Resize(ref _sequences, length);
            Array.Resize(ref _keys, length);
        }
        _sequences[_count] = sequence;
        _keys[_count] = keyId;
        _count++;
    }

    /// <summary>The first position whose sequence is after <paramref name="since"/>.</summary>
    public int FirstAfter(long since)
    {
        int index = Array.BinarySearch(_sequences, 0, _count, since + 1);
        return index >= 0 ? index : ~index;
    }

    public long SequenceAt(int position) => _sequences[position];

    public int KeyAt(int position) => _keys[position];

    /// <summary>Keeps only the pairs <paramref name="live"/> accepts, in order.</summary>
    public void Compact(Func<long, int, bool> live)
    {
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            if (!live(_sequences[i], _keys[i])) continue;
            _sequences[kept] = _sequences[i];
            _keys[kept] = _keys[i];
            kept++;
        }
        _count = kept;
        int length = Math.Max(64, kept + kept / 2);
        if (length < _sequences.Length)
        {
            Array.Resize(ref _sequences, length);
            Array.Resize(ref _keys, length);
        }
    }
}
