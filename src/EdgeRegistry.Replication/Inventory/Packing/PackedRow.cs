namespace EdgeRegistry.Replication.Inventory.Packing;

/// <summary>
/// One inventory's value for a key (24 bytes): version, size, the node (a string id, with the deleted flag in the
/// top bit) and, for a tag, the digest it points at. The all-zero row is "no entry", so a fresh array is empty.
/// </summary>
internal readonly struct PackedRow
{
    private const uint DeletedBit = 1u << 31;

    private readonly uint _node; // node id + 1 | DeletedBit; 0 = no entry
    private readonly int _target; // digest id + 1; 0 = none

    public PackedRow(long version, long size, int nodeId, bool deleted, int targetDigestId)
    {
        Version = version;
        Size = size;
        _node = (uint)(nodeId + 1) | (deleted ? DeletedBit : 0);
        _target = targetDigestId + 1;
    }

    public long Version { get; }

    public long Size { get; }

    public bool Present => _node != 0;

    public bool Deleted => (_node & DeletedBit) != 0;

    public int NodeId => (int)(_node & ~DeletedBit) - 1;

    /// <summary>The digest a tag points at, or -1.</summary>
    public int TargetDigestId => _target - 1;

    /// <summary>Same version, node, flag and target: the rows say the same thing.</summary>
    public bool SameAs(in PackedRow other) =>
        Version == other.Version && Size == other.Size && _node == other._node && _target == other._target;
}
