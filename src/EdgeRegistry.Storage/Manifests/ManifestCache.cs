using System.Collections.Concurrent;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Manifests;

/// <summary>
/// Manifests by digest, kept in memory after their first verified read. Content-addressed entries never go
/// stale, so the only policy needed is a size bound: when full, the cache is cleared and refills from use.
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
        if (manifest.Stored.Size > _capacityBytes) return;
        if (Interlocked.Read(ref _bytes) + manifest.Stored.Size > _capacityBytes)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _bytes, 0);
        }
        if (_entries.TryAdd(manifest.Stored.Digest, manifest)) Interlocked.Add(ref _bytes, manifest.Stored.Size);
    }
}

/// <summary>A stored manifest together with what was parsed from it.</summary>
internal sealed record CachedManifest(StoredManifest Stored, ParsedManifest Parsed);
