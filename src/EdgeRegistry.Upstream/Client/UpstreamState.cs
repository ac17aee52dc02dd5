namespace EdgeRegistry.Upstream.Client;

/// <summary>
/// How one upstream registry is doing, for `edgereg status`, `/metrics` and the decision to try it at all: after a
/// failure to reach it, it is skipped for an exponential back-off (1 s doubling to 60 s, or to the tag refresh interval when that is shorter), so a cut uplink costs a
/// pull one connect timeout and then nothing; a 429 skips it for its Retry-After.
/// </summary>
public sealed class UpstreamState(string host, TimeProvider time, TimeSpan? maxBackoff = null)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);

    /// <summary>The longest back-off, unless the registry's tag refresh interval is shorter (then that).</summary>
    public static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromSeconds(60);

    private readonly TimeSpan _maxBackoff = maxBackoff ?? DefaultMaxBackoff;
    private static readonly TimeSpan DefaultRateLimit = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private TimeSpan _backoff;
    private DateTimeOffset _skipUntil;
    private DateTimeOffset _rateLimitedUntil;
    private long _bytes;
    private long _requests;

    public string Host { get; } = host;

    /// <summary>Null until the first request; then whether the last one got an answer.</summary>
    public bool? Reachable { get; private set; }

    public DateTimeOffset? LastContact { get; private set; }

    public string? LastError { get; private set; }

    public long BytesFetched => Volatile.Read(ref _bytes);

    public long Requests => Volatile.Read(ref _requests);

    public bool RateLimited => time.GetUtcNow() < _rateLimitedUntil;

    /// <summary>False while backing off after a failure or a 429.</summary>
    public bool MayTry
    {
        get
        {
            var now = time.GetUtcNow();
            return now >= _skipUntil && now >= _rateLimitedUntil;
        }
    }

    public void CountRequest() => Interlocked.Increment(ref _requests);

    public void AddBytes(long bytes) => Interlocked.Add(ref _bytes, bytes);

    /// <returns>True when this changes the state to reachable (for a single log line).</returns>
    public bool Answered()
    {
        lock (_lock)
        {
            bool changed = Reachable != true;
            Reachable = true;
            LastContact = time.GetUtcNow();
            LastError = null;
            _backoff = TimeSpan.Zero;
            _skipUntil = DateTimeOffset.MinValue;
            return changed;
        }
    }

    /// <returns>True when this changes the state to unreachable (for a single log line).</returns>
    public bool Failed(string reason)
    {
        lock (_lock)
        {
            bool changed = Reachable != false;
            Reachable = false;
            LastError = reason;
            _backoff = _backoff == TimeSpan.Zero ? FirstBackoff : TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, _maxBackoff.Ticks));
            _skipUntil = time.GetUtcNow() + _backoff;
            return changed;
        }
    }

    public void RateLimit(TimeSpan? retryAfter)
    {
        var wait = retryAfter is { } r && r > TimeSpan.Zero && r < TimeSpan.FromHours(1) ? r : DefaultRateLimit;
        lock (_lock)
        {
            _rateLimitedUntil = time.GetUtcNow() + wait;
            LastContact = time.GetUtcNow();
            Reachable = true;
            LastError = "rate-limited (429)";
        }
    }
}
