using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Collection;

/// <summary>
/// What keeps the online garbage collector from ever deleting content a write is using — by construction, not by
/// timing. Every write that makes a blob visible or publishes a reference to content (an upload's commit, a
/// replication import, a mount, a manifest PUT or import, a tag) first leases every digest it writes or references,
/// and only then checks that the referenced content exists and publishes. The sweep deletes a digest only after
/// <see cref="TryClaim"/> succeeded, which it does only while nobody holds a lease on it and nobody has leased it
/// since the collection began; a lease asked for while a claimed digest is being deleted waits until the delete is
/// done, so the writer's existence check then sees the truth (and a manifest PUT answers MANIFEST_BLOB_UNKNOWN
/// instead of publishing a dangling reference).
/// <para>
/// Why that is enough: the mark starts after <see cref="BeginCollection"/>. A manifest that became visible before
/// then is found by the mark. One that becomes visible later was published under a lease that was held at
/// <see cref="BeginCollection"/> (copied into the barrier) or taken after it (added to the barrier), so its digest
/// and everything it references are in the barrier and no claim on them succeeds until the collection ends.
/// Distribution's race (distribution#3045: a blob swept between its upload and the manifest that references it)
/// cannot happen: either the sweep claimed the blob first, and the PUT then finds it gone, or the PUT leased it
/// first, and the claim fails.
/// </para>
/// </summary>
public sealed class ContentLeases
{
    private readonly object _gate = new();
    private readonly Dictionary<Digest, int> _held = [];
    private readonly HashSet<Digest> _deleting = [];
    private HashSet<Digest>? _barrier;
    private volatile bool _collecting;

    /// <summary>True while a collection runs (between <see cref="BeginCollection"/> and <see cref="EndCollection"/>).</summary>
    public bool Collecting => _collecting;

    /// <summary>Leases the digests until the returned lease is disposed; waits while any of them is being deleted.</summary>
    public Lease Acquire(params ReadOnlySpan<Digest> digests)
    {
        var leased = digests.ToArray();
        lock (_gate)
        {
            while (leased.Any(_deleting.Contains)) Monitor.Wait(_gate);
            foreach (var digest in leased)
            {
                _held[digest] = _held.GetValueOrDefault(digest) + 1;
                _barrier?.Add(digest);
            }
        }
        return new Lease(this, leased);
    }

    /// <summary>
    /// Records that a reader used the digest (a manifest pull): during a collection it is then kept, as if leased.
    /// Outside a collection this costs one volatile read.
    /// </summary>
    public void Touch(Digest digest)
    {
        if (!_collecting) return;
        lock (_gate) _barrier?.Add(digest);
    }

    /// <summary>Starts a collection: every digest leased now or until <see cref="EndCollection"/> is kept.</summary>
    public void BeginCollection()
    {
        lock (_gate)
        {
            if (_barrier is not null) throw new InvalidOperationException("a collection is already running");
            _barrier = [.. _held.Keys];
            _collecting = true;
        }
    }

    public void EndCollection()
    {
        lock (_gate)
        {
            _collecting = false;
            _barrier = null;
        }
    }

    /// <summary>
    /// Claims a digest for deletion: false when it is leased now or was leased (or touched) since the collection
    /// began. A successful claim holds back new leases on it until <see cref="ReleaseClaim"/>.
    /// </summary>
    public bool TryClaim(Digest digest)
    {
        lock (_gate)
        {
            if (_barrier is null) throw new InvalidOperationException("claims are made only during a collection");
            if (_held.ContainsKey(digest) || _barrier.Contains(digest)) return false;
            _deleting.Add(digest);
            return true;
        }
    }

    public void ReleaseClaim(Digest digest)
    {
        lock (_gate)
        {
            _deleting.Remove(digest);
            Monitor.PulseAll(_gate);
        }
    }

    private void Release(Digest[] digests)
    {
        lock (_gate)
        {
            foreach (var digest in digests)
            {
                int count = _held[digest] - 1;
                if (count == 0) _held.Remove(digest);
                else _held[digest] = count;
            }
        }
    }

    /// <summary>Held digests; disposing releases them (once).</summary>
    public sealed class Lease : IDisposable
    {
        private ContentLeases? _owner;
        private readonly Digest[] _digests;

        internal Lease(ContentLeases owner, Digest[] digests)
        {
            _owner = owner;
            _digests = digests;
        }

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release(_digests);
    }
}
