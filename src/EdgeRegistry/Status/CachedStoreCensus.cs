using System.Diagnostics;
using System.IO.Abstractions;

namespace EdgeRegistry.Status;

/// <summary>
/// The agent's store counts, kept by walks in the background only: a status or a scrape reads the last counts and
/// never walks the store (nor waits for a walk, except up to <see cref="FirstCountWait"/> for the very first one).
/// A walk runs shortly after start, then again once the store has changed (every write tells <see cref="MarkChanged"/>)
/// and the refresh period has passed since the last walk ended, and in any case after <see cref="MaxAge"/> (a
/// change made behind the agent's back, such as another tool's garbage collection). The refresh period grows with
/// the walk's own duration (10x, 5 s - 2 min), so a store of hundreds of thousands of blobs is walked at most a small share of the
/// time: counts while the store changes are at most one period plus one walk old, and say when they were made.
/// </summary>
internal sealed class CachedStoreCensus : IDisposable
{
    /// <summary>The shortest refresh period: a status loop during a push follows it within seconds.</summary>
    public static readonly TimeSpan MinPeriod = TimeSpan.FromSeconds(5);

    /// <summary>The longest refresh period (for a store whose walk takes 12 s or more).</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromMinutes(2);

    /// <summary>A walk every this long even when no write was seen.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(15);

    /// <summary>The period is this many times the last walk's duration: walking takes at most ~10% of one core while the store changes.</summary>
    public const int PeriodPerWalk = 10;

    /// <summary>How often the background timer looks whether a walk is due.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

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
    private readonly IFileSystem _fs;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private CensusResult? _last;
    private DateTimeOffset _lastEnd;
    private TimeSpan _period = MinPeriod;
    private int _changed; // 1 when a write was seen since the running or last walk began
    private Task? _walk;
    private readonly Storage.Capacity.DiskGuard? _guard;
    private ITimer? _timer;
    private int _startClaimed;

    /// <param name="guard">Told the store's size after every walk, for `--max-store-bytes`.</param>
    public CachedStoreCensus(string root, IFileSystem fs, TimeProvider time, Storage.Capacity.DiskGuard? guard = null)
    {
        _root = root;
        _fs = fs;
        _time = time;
        _guard = guard;
    }

    /// <summary>Starts a walk now unless a fresh count exists or one is running (the disk guard's monitor keeps the size current).</summary>
    public void Refresh()
    {
        MarkChanged();
        _ = WalkIfDue();
    }

    public string Root => _root;

    /// <summary>The current refresh period (grows with the store).</summary>
    public TimeSpan Period
    {
        get { lock (_gate) return _period; }
    }

    /// <summary>True for the first caller only: whoever wires the census into the host does it once.</summary>
    public bool TryClaimStart() => Interlocked.Exchange(ref _startClaimed, 1) == 0;

    /// <summary>Called by every store write; cheap and never throws (it runs inside the write).</summary>
    public void MarkChanged() => Volatile.Write(ref _changed, 1);

    /// <summary>Starts the background refreshes; the first walk after <paramref name="delay"/> unless a request started one.</summary>
    public void StartAfter(TimeSpan delay)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested) return;
            _timer?.Dispose();
            _timer = _time.CreateTimer(static state => ((CachedStoreCensus)state!).WalkIfDue(), this, delay, Tick);
        }
    }

    /// <summary>The last counts; only before the first count does it start a walk and wait (briefly) for it.</summary>
    public async Task<CensusResult?> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _last) is { } last) return last;
        Task? walk;
        lock (_gate)
        {
            if (_walk is null && !_stopping.IsCancellationRequested) _walk = Task.Run(Walk);
            walk = _walk;
        }
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

    /// <summary>The timer's check: walks when none has run yet, or the store changed and a period passed, or the counts reached <see cref="MaxAge"/>.</summary>
    internal Task? WalkIfDue()
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || (_walk is not null && !_walk.IsCompleted)) return _walk;
            var since = _time.GetUtcNow() - _lastEnd;
            bool due = _walk is null
                || (Volatile.Read(ref _changed) == 1 && since >= _period)
                || since >= MaxAge;
            if (due) _walk = Task.Run(Walk);
            return _walk;
        }
    }

    private void Walk()
    {
        // Cleared before the walk: a write during it marks the store changed again, for the next walk.
        Volatile.Write(ref _changed, 0);
        long started = Stopwatch.GetTimestamp();
        CensusResult result;
        long writtenMark = _guard?.WrittenMark ?? 0;
        try
        {
            result = new CensusResult(StoreCensus.Count(_fs, _root, _time, _stopping.Token), null);
            if (result.Counts is { } counts) _guard?.ReportStoreBytes(counts.Bytes, writtenMark);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result = new CensusResult(_last?.Counts, e.Message);
        }
        var took = Stopwatch.GetElapsedTime(started);
        // What the walk leaves in gen2 (path strings, the manifest set) the host's HeapTrimmer gives back.

        lock (_gate)
        {
            _last = result;
            _lastEnd = _time.GetUtcNow();
            _period = TimeSpan.FromTicks(Math.Clamp(took.Ticks * PeriodPerWalk, MinPeriod.Ticks, MaxPeriod.Ticks));
        }
    }

    /// <summary>Ends a walk in progress. The token source is not disposed: a walk may still be reading it.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopping.Cancel();
            _timer?.Dispose();
        }
    }
}
