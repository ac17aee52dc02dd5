using System.Collections.Concurrent;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Upstream.Content;

/// <summary>
/// What this node learnt about blobs at the upstream from HEADs: asked once at a time per digest (concurrent
/// completeness checks of one image, here and from the other members, share one request over the uplink), and a
/// blob the upstream holds is remembered with its length for <see cref="Lifetime"/>. A "not there" is not
/// remembered: a blob pushed upstream a moment later is found by the next check.
/// </summary>
internal sealed class BlobHeads(TimeProvider time)
{
    /// <summary>How long an upstream that held a blob is believed to still hold it.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>Bounded: a few entries per layer pulled within the lifetime.</summary>
    private const int MaxKnown = 100_000;

    private readonly ConcurrentDictionary<Digest, (long Length, DateTimeOffset Until)> _known = new();
    private readonly UplinkFlights<Digest, long?> _asking = new();

    /// <summary>The blob's length if an upstream held it within the lifetime.</summary>
    public long? Known(Digest digest) =>
        _known.TryGetValue(digest, out var known) && time.GetUtcNow() < known.Until ? known.Length : null;

    public void Remember(Digest digest, long length)
    {
        if (_known.Count >= MaxKnown) _known.Clear();
        _known[digest] = (length, time.GetUtcNow() + Lifetime);
    }

    /// <summary>
    /// Runs <paramref name="ask"/> (an upstream HEAD, bounded in time by its client) unless one for the digest is
    /// already under way, and remembers a length it finds.
    /// </summary>
    public Task<long?> AskOnceAsync(Digest digest, Func<Task<long?>> ask, CancellationToken cancellationToken) =>
        _asking.RunAsync(digest, async () =>
        {
            long? length = await ask().ConfigureAwait(false);
            if (length is long found) Remember(digest, found);
            return length;
        }, cancellationToken);
}
