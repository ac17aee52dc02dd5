using System.Collections.Concurrent;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Manifests;

/// <summary>
/// Manifests by digest, kept in memory after their first verified read. Content-addressed entries never go
/// stale, so the only policy needed is a size bound: when full, the cache is cleared and refills from use.
/// The bound counts what an entry costs in memory, not its JSON alone: the parsed copy (a descriptor object, its
/// digest and media-type strings per reference) takes about twice the JSON again, so a node serving a wiped peer
/// every manifest of a 16 k-repository store held ~100 MB under a "32 MiB" bound that counted JSON bytes.
/// </summary>
internal sealed class ManifestCache
{
    private readonly long _capacityBytes;
    private readonly ConcurrentDictionary<Digest, CachedManifest> _entries = new();
    private long _bytes;

    public ManifestCache(long capacityBytes) => _capacityBytes = capacityBytes;

    public bool TryGet(Digest digest, out CachedManifest manifest) => _entries.TryGetValue(digest, out manifest!);

    /// <summary>Drops a manifest whose stored bytes were found damaged: the cache must not go on serving what the disk lost.</summary>
    public void Remove(Digest digest)
    {
        if (_entries.TryRemove(digest, out var removed)) Interlocked.Add(ref _bytes, -removed.Stored.Size);
    }

    public void Add(CachedManifest manifest)
    {
        long cost = Cost(manifest);
        if (cost > _capacityBytes) return;
        if (Interlocked.Read(ref _bytes) + cost > _capacityBytes)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _bytes, 0);
        }
        if (_entries.TryAdd(manifest.Stored.Digest, manifest)) Interlocked.Add(ref _bytes, cost);
    }

    /// <summary>An entry's estimated memory: its JSON, the parsed copy (about twice the JSON) and the entry itself.</summary>
    internal static long Cost(CachedManifest manifest) => 3 * manifest.Stored.Size + 512;
}

/// <summary>A stored manifest together with what was parsed from it.</summary>
internal sealed record CachedManifest(StoredManifest Stored, ParsedManifest Parsed);
