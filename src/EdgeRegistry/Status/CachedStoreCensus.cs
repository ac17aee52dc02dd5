namespace EdgeRegistry.Status;

/// <summary>
/// The agent's store counts: one walk in the background shortly after start (or at the first request that
/// wants counts, if sooner), then again when a request finds the counts older than <see cref="Freshness"/>.
/// Requests never walk the store themselves and at most one walk runs at a time, so polling `edgereg status`
/// costs a busy node nothing but a cached answer.
/// </summary>
internal sealed class CachedStoreCensus : IDisposable
{
    /// <summary>Long enough that a status loop does not keep a big store's directories hot; short enough to follow a push.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);

    /// <summary>How long a request right after start waits for the first walk before answering without counts.</summary>
    public static readonly TimeSpan FirstCountWait = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The unprompted first walk waits this long after the listeners are bound: right after READY the node's
    /// first pulls arrive, and a walk of every repository would compete with them for the disk and the cores.
    /// A status or metrics request before then starts the walk itself, so no answer is ever missing counts
    /// because of this delay.
    /// </summary>
    public static readonly TimeSpan FirstWalkDelay = TimeSpan.FromSeconds(3);

    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private CensusResult? _last;
    private DateTimeOffset _lastAt;
    private Task? _walk;
    private ITimer? _firstWalk;

    public CachedStoreCensus(string root, TimeProvider time)
    {
        _root = root;
        _time = time;
    }

    public string Root => _root;

    /// <summary>Starts the first walk after <paramref name="delay"/>, unless a request has already started one.</summary>
    public void StartAfter(TimeSpan delay)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested) return;
            _firstWalk?.Dispose();
            _firstWalk = _time.CreateTimer(static state => ((CachedStoreCensus)state!).RefreshIfStale(), this, delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// The counts, refreshed first when older than <see cref="Freshness"/>: the request waits up to
    /// <see cref="FirstCountWait"/> for that walk, so a question after a quiet minute is answered with today's
    /// counts, not the ones from start-up. A big store that takes longer is answered with the older counts,
    /// whose <see cref="StoreCounts.CountedAt"/> tells their age.
    /// </summary>
    public async Task<CensusResult?> GetAsync(CancellationToken cancellationToken)
    {
        var walk = RefreshIfStale();
        if (walk is not null)
        {
            try
            {
                await walk.WaitAsync(FirstCountWait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Still counting a big store: answer with what there is (older counts, or none yet).
            }
        }

        return Volatile.Read(ref _last);
    }

    /// <summary>The walk bringing the counts up to date, or null when they are fresh.</summary>
    private Task? RefreshIfStale()
    {
        lock (_gate)
        {
            var fresh = _last is not null && _time.GetUtcNow() - _lastAt < Freshness;
            if (fresh)
            {
                return null;
            }

            if ((_walk is null || _walk.IsCompleted) && !_stopping.IsCancellationRequested)
            {
                _walk = Task.Run(Walk);
            }

            return _walk;
        }
    }

    private void Walk()
    {
        CensusResult result;
        try
        {
            result = new CensusResult(StoreCensus.Count(_root, _time, _stopping.Token), null);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result = new CensusResult(_last?.Counts, e.Message);
        }

        lock (_gate)
        {
            _last = result;
            _lastAt = _time.GetUtcNow();
        }
    }

    /// <summary>Ends a walk in progress. The token source is not disposed: a walk may still be reading it.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopping.Cancel();
            _firstWalk?.Dispose();
        }
    }
}
