using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Abstractions;
using System.Text;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Layout;

namespace EdgeRegistry.Storage.Collection;

/// <summary>
/// When each manifest was last pulled, on this node or (merged from replication) on any node of the cluster: the
/// root that keeps digest-only content CRI-O pulls through IDMS from being collected. Pulls are coalesced in memory
/// (a manifest pulled again within <see cref="Granularity"/> changes nothing, so the pull path is one dictionary
/// read) and <see cref="Flush"/> persists them as one file, written like every other store file (temp, fsync,
/// rename, directory fsync) at a bounded rate by its caller — never one fsync per pull. A crash loses at most the
/// pulls since the last flush, which only makes content look less recently pulled than it is by that interval;
/// retention is counted in days.
/// </summary>
public sealed class PullRecords
{
    /// <summary>Pull times are kept to the hour: retention is days, and coarse times keep the feed and the file quiet.</summary>
    public static readonly TimeSpan Granularity = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<Digest, long> _lastPulled = new();
    private readonly IFileSystem _fs;
    private readonly StorePaths _paths;
    private readonly DurableFiles _files;
    private readonly TimeProvider _time;
    private volatile bool _dirty;
    private long _expiredBefore = long.MinValue;

    internal PullRecords(IFileSystem fs, StorePaths paths, DurableFiles files, TimeProvider time)
    {
        _fs = fs;
        _paths = paths;
        _files = files;
        _time = time;
    }

    /// <summary>Raised when a pull on this node moved a manifest's time on (at most once per <see cref="Granularity"/>).</summary>
    public event Action<Digest, DateTimeOffset>? Advanced;

    /// <summary>
    /// Raised by <see cref="Expire"/> with its cutoff, so what else keeps pulls (replication's inventory and its views
    /// of the peers, which carry them in the feed) forgets them too instead of growing with every digest ever pulled.
    /// </summary>
    public event Action<DateTimeOffset>? Expired;

    public int Count => _lastPulled.Count;

    /// <summary>True for a pull older than the last <see cref="Expire"/> cutoff: it would protect nothing.</summary>
    public bool IsExpired(DateTimeOffset when) => when.ToUnixTimeMilliseconds() < Interlocked.Read(ref _expiredBefore);

    /// <summary>A client pulled the manifest now.</summary>
    public void Record(Digest digest)
    {
        var now = _time.GetUtcNow();
        if (_lastPulled.TryGetValue(digest, out long last) && now.ToUnixTimeMilliseconds() - last < Granularity.TotalMilliseconds) return;
        if (Merge(digest, now)) Advanced?.Invoke(digest, now);
    }

    /// <summary>
    /// A pull known from elsewhere (a peer, the file): kept when later than what is known and not older than the last
    /// expiry (a peer that has not expired it yet sends it again). True when it was kept.
    /// </summary>
    public bool Merge(Digest digest, DateTimeOffset when)
    {
        long ms = when.ToUnixTimeMilliseconds();
        if (ms < Interlocked.Read(ref _expiredBefore)) return false;
        while (true)
        {
            if (_lastPulled.TryGetValue(digest, out long known))
            {
                if (known >= ms) return false;
                if (!_lastPulled.TryUpdate(digest, ms, known)) continue;
            }
            else if (!_lastPulled.TryAdd(digest, ms))
            {
                continue;
            }
            _dirty = true;
            return true;
        }
    }

    public DateTimeOffset? LastPulled(Digest digest) =>
        _lastPulled.TryGetValue(digest, out long ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>Every record (for replication's inventory at start-up).</summary>
    public IReadOnlyList<(Digest Digest, DateTimeOffset LastPulled)> Snapshot() =>
        _lastPulled.Select(static p => (p.Key, DateTimeOffset.FromUnixTimeMilliseconds(p.Value))).ToList();

    /// <summary>Forgets pulls older than <paramref name="cutoff"/>: they protect nothing any more.</summary>
    public IReadOnlyList<Digest> Expire(DateTimeOffset cutoff)
    {
        long ms = cutoff.ToUnixTimeMilliseconds();
        long previous = Interlocked.Read(ref _expiredBefore);
        while (ms > previous && Interlocked.CompareExchange(ref _expiredBefore, ms, previous) != previous) previous = Interlocked.Read(ref _expiredBefore);
        var expired = _lastPulled.Where(p => p.Value < ms).Select(static p => p.Key).ToList();
        foreach (var digest in expired)
        {
            if (_lastPulled.TryGetValue(digest, out long v) && v < ms && _lastPulled.TryRemove(new(digest, v))) _dirty = true;
        }
        Expired?.Invoke(cutoff);
        return expired;
    }

    /// <summary>Reads the file; lines that do not parse (a damaged file) are skipped, never fatal.</summary>
    internal void Load()
    {
        if (!_fs.File.Exists(_paths.Pulls)) return;
        foreach (string line in _fs.File.ReadAllLines(_paths.Pulls))
        {
            string[] parts = line.Split(' ');
            if (parts.Length == 2 && Digest.TryParse(parts[0], out var digest)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long ms))
            {
                _lastPulled[digest] = Math.Max(ms, _lastPulled.GetValueOrDefault(digest));
            }
        }
    }

    /// <summary>Writes the records durably when anything changed since the last flush. Throws <see cref="StoreException"/>.</summary>
    public bool Flush()
    {
        if (!_dirty) return false;
        _dirty = false;
        var text = new StringBuilder();
        foreach (var (digest, ms) in _lastPulled) text.Append(CultureInfo.InvariantCulture, $"{digest} {ms}\n");
        try
        {
            IoFailures.Guard("recording pull times", () =>
            {
                _files.WriteAtomically(_paths.Pulls, Encoding.UTF8.GetBytes(text.ToString()));
                return true;
            });
        }
        catch
        {
            _dirty = true;
            throw;
        }
        return true;
    }
}
