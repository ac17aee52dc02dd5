namespace EdgeRegistry.Replication.Inventory.Packing;

/// <summary>
/// An <see cref="InventoryKey"/> as three ids into the shared tables (12 bytes): the kind in the top bits with the
/// repository, the tag, the digest. Each id is stored plus one so that 0 means none.
/// </summary>
internal readonly record struct PackedKey(int KindAndRepository, int Tag, int Digest)
{
    private const int KindShift = 28;
    private const int RepositoryMask = (1 << KindShift) - 1;

    public static PackedKey Create(EntryKind kind, int repositoryId, int tagId, int digestId) =>
        new(((int)kind << KindShift) | (repositoryId + 1), tagId + 1, digestId + 1);

    public EntryKind Kind => (EntryKind)(KindAndRepository >>> KindShift);

    /// <summary>The repository's id, or -1 when none.</summary>
    public int RepositoryId => (KindAndRepository & RepositoryMask) - 1;

    public int TagId => Tag - 1;

    public int DigestId => Digest - 1;

    public override int GetHashCode() => (Digest * -1640531535) ^ (KindAndRepository * 31) ^ Tag;
}
