using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Inventory.Packing;

/// <summary>
/// The values every inventory of this process shares — repository names, tags, node names, digests and the keys
/// made of them — each stored once and named by an id, so this node's inventory and its views of both peers, which
/// mostly list the same objects, hold a key's bytes once between them. Every id is reference-counted: a value no
/// inventory holds any more is freed. Callers hold <see cref="Lock"/> around every call (after their own lock,
/// never before it).
/// </summary>
internal sealed class InventoryTables
{
    /// <summary>The process's tables: this node's inventory and its peer views use these unless a test gives its own.</summary>
    public static InventoryTables Shared { get; } = new();

    private readonly InternTable<RepositoryName> _repositories = new();
    private readonly InternTable<string> _strings = new();
    private readonly InternTable<PackedSha256> _sha256 = new();
    private readonly InternTable<string> _sha512 = new(); // rare: kept as hex
    private readonly InternTable<PackedKey> _keys = new();

    public Lock Lock { get; } = new();

    /// <summary>Keys held by any inventory now (for the memory figures of the benchmark).</summary>
    public int KeyCount => _keys.Count;

    public int KeyIdLimit => _keys.IdLimit;

    /// <summary>Digest ids are the table's id times two plus the algorithm (0 sha256, 1 sha512).</summary>
    public int DigestIdLimit => Math.Max(_sha256.IdLimit, _sha512.IdLimit) * 2;

    public bool TryFindKey(in InventoryKey key, out int id)
    {
        id = -1;
        return TryPack(key, out var packed) && _keys.TryFind(packed, out id);
    }

    /// <summary>The key's id, with one reference taken (interning the key and its parts when new).</summary>
    public int AcquireKey(in InventoryKey key)
    {
        if (TryPack(key, out var existing) && _keys.TryFind(existing, out int id))
        {
            _keys.AddReference(id);
            return id;
        }
        int repository = key.Repository is { } r ? _repositories.Acquire(r) : -1;
        int tag = key.Tag is { } t ? _strings.Acquire(t) : -1;
        int digest = key.Digest is { } d ? AcquireDigest(d) : -1;
        return _keys.Acquire(PackedKey.Create(key.Kind, repository, tag, digest));
    }

    public void ReleaseKey(int id)
    {
        var key = _keys[id];
        if (!_keys.Release(id)) return;
        if (key.RepositoryId >= 0) _repositories.Release(key.RepositoryId);
        if (key.TagId >= 0) _strings.Release(key.TagId);
        if (key.DigestId >= 0) ReleaseDigest(key.DigestId);
    }

    public EntryKind KindOf(int keyId) => _keys[keyId].Kind;

    public int RepositoryIdOf(int keyId) => _keys[keyId].RepositoryId;

    public int DigestIdOf(int keyId) => _keys[keyId].DigestId;

    public InventoryKey KeyOf(int keyId)
    {
        var key = _keys[keyId];
        return new InventoryKey(key.Kind,
            key.RepositoryId >= 0 ? _repositories[key.RepositoryId] : null,
            key.TagId >= 0 ? _strings[key.TagId] : null,
            key.DigestId >= 0 ? DigestOf(key.DigestId) : null);
    }

    public int AcquireDigest(Digest digest) => digest.Algorithm == DigestAlgorithm.Sha256
        ? _sha256.Acquire(PackedSha256.From(digest)) << 1
        : (_sha512.Acquire(digest.Hex) << 1) | 1;

    public bool TryFindDigest(Digest digest, out int id)
    {
        bool found = digest.Algorithm == DigestAlgorithm.Sha256
            ? _sha256.TryFind(PackedSha256.From(digest), out id)
            : _sha512.TryFind(digest.Hex, out id);
        id = found ? (id << 1) | (digest.Algorithm == DigestAlgorithm.Sha256 ? 0 : 1) : -1;
        return found;
    }

    public void AddDigestReference(int id)
    {
        if ((id & 1) == 0) _sha256.AddReference(id >> 1);
        else _sha512.AddReference(id >> 1);
    }

    public void ReleaseDigest(int id)
    {
        if ((id & 1) == 0) _sha256.Release(id >> 1);
        else _sha512.Release(id >> 1);
    }

    public Digest DigestOf(int id)
    {
        if ((id & 1) == 0) return _sha256[id >> 1].ToDigest();
        Digest.TryCreate(DigestAlgorithm.Sha512, _sha512[id >> 1], out var digest);
        return digest;
    }

    /// <summary>Tags and node names.</summary>
    public int AcquireString(string value) => _strings.Acquire(value);

    public bool TryFindString(string value, out int id) => _strings.TryFind(value, out id);

    public void ReleaseString(int id) => _strings.Release(id);

    public string StringOf(int id) => _strings[id];

    public bool TryFindRepository(RepositoryName repository, out int id) => _repositories.TryFind(repository, out id);

    public void AddRepositoryReference(int id) => _repositories.AddReference(id);

    public void ReleaseRepository(int id) => _repositories.Release(id);

    private bool TryPack(in InventoryKey key, out PackedKey packed)
    {
        packed = default;
        int repository = -1, tag = -1, digest = -1;
        if (key.Repository is { } r && !_repositories.TryFind(r, out repository)) return false;
        if (key.Tag is { } t && !_strings.TryFind(t, out tag)) return false;
        if (key.Digest is { } d && !TryFindDigest(d, out digest)) return false;
        packed = PackedKey.Create(key.Kind, repository, tag, digest);
        return true;
    }
}
