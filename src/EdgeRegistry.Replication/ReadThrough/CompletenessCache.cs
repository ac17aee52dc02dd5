using System.Collections.Concurrent;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Replication.ReadThrough;

/// <summary>
/// Remembers whether a manifest can be served completely, so the answer costs a dictionary lookup on the pull
/// path. Complete-from-the-local-store is stable and kept long; an answer that depends on peers is kept briefly
/// (a peer may go away), and "incomplete" only for a moment (the missing piece may be arriving).
/// </summary>
internal sealed class CompletenessCache
{
    public static readonly TimeSpan LocalLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan PeerLifetime = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan IncompleteLifetime = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<(string Repository, Digest Digest), (bool Complete, long ExpiresAt)> _entries = new();
    private readonly TimeProvider _time;

    public CompletenessCache(TimeProvider time) => _time = time;

    public bool? Get(string repository, Digest digest)
    {
        if (!_entries.TryGetValue((repository, digest), out var entry)) return null;
        if (_time.GetTimestamp() < entry.ExpiresAt) return entry.Complete;
        _entries.TryRemove((repository, digest), out _);
        return null;
    }

    public void Set(string repository, Digest digest, bool complete, TimeSpan lifetime)
    {
        if (_entries.Count > 100_000) _entries.Clear(); // bounded: an index per image is far below this
        _entries[(repository, digest)] = (complete, _time.GetTimestamp() + (long)(lifetime.TotalSeconds * _time.TimestampFrequency));
    }

    public void Forget(string repository, Digest digest) => _entries.TryRemove((repository, digest), out _);

    /// <summary>
    /// Forgets every answer: a blob was found damaged and taken out of service, so a manifest judged complete from the
    /// local store may not be any more. Damage is rare; refilling from use costs one walk per manifest.
    /// </summary>
    public void Clear() => _entries.Clear();
}
