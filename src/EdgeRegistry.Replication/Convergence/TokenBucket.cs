namespace EdgeRegistry.Replication.Convergence;

/// <summary>
/// Caps background replication traffic at a byte rate (the site uplink or the disks may be shared with
/// workloads). Up to one second of burst; a rate of 0 means no cap.
/// </summary>
internal sealed class TokenBucket
{
    private readonly long _bytesPerSecond;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _lastTicks;

    public TokenBucket(ReplicationOptions options, TimeProvider time)
        : this(options.BytesPerSecond, time)
    {
    }

    internal TokenBucket(long bytesPerSecond, TimeProvider time)
    {
        _bytesPerSecond = bytesPerSecond;
        _time = time;
        _tokens = bytesPerSecond;
        _lastTicks = time.GetTimestamp();
    }

    internal bool Unlimited => _bytesPerSecond <= 0;

    /// <summary>Waits until <paramref name="bytes"/> may be transferred.</summary>
    internal async ValueTask TakeAsync(int bytes, CancellationToken cancellationToken)
    {
        if (Unlimited) return;
        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                long now = _time.GetTimestamp();
                _tokens = Math.Min(_bytesPerSecond, _tokens + _time.GetElapsedTime(_lastTicks, now).TotalSeconds * _bytesPerSecond);
                _lastTicks = now;
                if (_tokens >= bytes || _tokens >= _bytesPerSecond)
                {
                    _tokens -= bytes;
                    return;
                }
                wait = TimeSpan.FromSeconds((bytes - _tokens) / _bytesPerSecond);
            }
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
