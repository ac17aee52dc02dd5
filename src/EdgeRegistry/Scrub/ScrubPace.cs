using EdgeRegistry.Content.Transfer;

namespace EdgeRegistry.Scrub;

/// <summary>
/// How fast the scrub reads: a token bucket at <see cref="EffectiveRate"/> (one second of burst), asked before every
/// chunk, and a step aside while the registry serves requests — at most <see cref="YieldBudget"/> per chunk, so a
/// steady stream of pulls slows a pass down but never stops it.
/// </summary>
internal sealed class ScrubPace
{
    public static readonly TimeSpan YieldBudget = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan YieldStep = TimeSpan.FromMilliseconds(20);

    /// <summary>The share of the period a pass is planned to take: the rest is slack for yielding and restarts.</summary>
    private const double PlannedShare = 0.9;

    private readonly ScrubSettings _settings;
    private readonly ClientTraffic _traffic;
    private readonly TimeProvider _time;
    private TokenBucket _bucket;

    public ScrubPace(ScrubSettings settings, ClientTraffic traffic, TimeProvider time)
    {
        _settings = settings;
        _traffic = traffic;
        _time = time;
        EffectiveRate = settings.BytesPerSecond;
        _bucket = new TokenBucket(EffectiveRate, time);
    }

    /// <summary>Bytes per second of the pass under way.</summary>
    public long EffectiveRate { get; private set; }

    /// <summary>Read chunks are never larger than a second's worth, so a slow rate is kept smoothly.</summary>
    public int ChunkBytes => (int)Math.Min(Storage.Scrub.StoreScrubber.DefaultChunkBytes, EffectiveRate);

    /// <summary>
    /// Sets the pace for a pass over <paramref name="storeBytes"/>: <c>max(--scrub-rate, bytes / (0.9 × --scrub-period))</c>,
    /// so the pass fits its period whatever the store's size. With the defaults the rate is raised only above ~10 TiB.
    /// </summary>
    public void PlanPass(long storeBytes)
    {
        long needed = _settings.Period > TimeSpan.Zero
            ? (long)Math.Ceiling(storeBytes / (_settings.Period.TotalSeconds * PlannedShare))
            : 0;
        EffectiveRate = Math.Max(_settings.BytesPerSecond, needed);
        _bucket = new TokenBucket(EffectiveRate, _time);
    }

    public async ValueTask BeforeReadAsync(int bytes, CancellationToken cancellationToken)
    {
        for (var waited = TimeSpan.Zero; _traffic.Busy && waited < YieldBudget; waited += YieldStep)
        {
            await Task.Delay(YieldStep, _time, cancellationToken).ConfigureAwait(false);
        }
        await _bucket.TakeAsync(bytes, cancellationToken).ConfigureAwait(false);
    }
}
