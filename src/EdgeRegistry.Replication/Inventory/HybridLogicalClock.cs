namespace EdgeRegistry.Replication.Inventory;

/// <summary>
/// A hybrid logical clock: wall-clock milliseconds in the high 48 bits, a counter in the low 16. It never goes
/// backwards, moves past every timestamp it has seen from peers, and stays close to real time, so "the later
/// update wins" means what an operator expects even when node clocks disagree a little.
/// </summary>
internal sealed class HybridLogicalClock
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _last;

    public HybridLogicalClock(TimeProvider time) => _time = time;

    public long Now()
    {
        lock (_lock)
        {
            long physical = _time.GetUtcNow().ToUnixTimeMilliseconds() << 16;
            _last = physical > _last ? physical : _last + 1;
            return _last;
        }
    }

    /// <summary>Moves the clock past a timestamp received from a peer.</summary>
    public void Observe(long remote)
    {
        lock (_lock)
        {
            if (remote > _last) _last = remote;
        }
    }

    public static DateTimeOffset ToTime(long timestamp) => DateTimeOffset.FromUnixTimeMilliseconds(timestamp >> 16);
}
