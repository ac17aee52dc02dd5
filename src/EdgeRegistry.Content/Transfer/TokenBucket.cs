namespace EdgeRegistry.Content.Transfer;

/// <summary>
/// Caps traffic at a byte rate: background replication, or the site uplink to an upstream registry (the uplink
/// or the disks may be shared with workloads). Up to one second of burst; a rate of 0 means no cap.
/// </summary>
public sealed class TokenBucket
{
    private readonly long _bytesPerSecond;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _lastTicks;

    public TokenBucket(long bytesPerSecond, TimeProvider time)
    {
        _bytesPerSecond = bytesPerSecond;
        _time = time;
        _tokens = bytesPerSecond;
        _lastTicks = time.GetTimestamp();
    }

    public bool Unlimited => _bytesPerSecond <= 0;

    /// <summary>Waits until <paramref name="bytes"/> may be transferred.</summary>
    public async ValueTask TakeAsync(int bytes, CancellationToken cancellationToken)
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
