using System.Threading.Channels;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Scrub;

namespace EdgeRegistry.Scrub;

/// <summary>
/// The agent's scrub: runs a pass every <see cref="ScrubSettings.Period"/> (the first a while after start, resuming a
/// pass a restart cut short from its cursor), or at once on request (`edgereg scrub --now`), one at a time, at the
/// <see cref="ScrubPace"/>. Every damaged blob the store reports (<see cref="IRegistryStore.Damaged"/>: the scrub's
/// own findings, or a read's) is counted once and handed to the repair loop, which asks the peers for a good copy
/// (<see cref="IScrubRepair"/>); what none can give stays quarantined, is logged as unrepaired, and is tried again by
/// the next pass (whose links walk finds it missing).
/// </summary>
internal sealed partial class ScrubService : BackgroundService
{
    /// <summary>Not at once: CRI-O pulls as soon as the registry is ready, and the reads would compete with it.</summary>
    public static readonly TimeSpan FirstPassDelay = TimeSpan.FromMinutes(10);

    /// <summary>A pass that failed (the store could not be read) is tried again after this.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(10);

    private const int UnrepairedListed = 20;

    private readonly RegistryStore _store;
    private readonly ScrubSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IScrubRepair? _repair;
    private readonly Replication.Inventory.InventoryBuild? _inventory;
    private readonly ScrubPace _pace;
    private readonly StoreScrubber _scrubber;
    private readonly Channel<Damage> _repairs = Channel.CreateUnbounded<Damage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Lock _gate = new();

    /// <summary>Damage found and not repaired yet, by digest: counted once, however often it is found again.</summary>
    private readonly Dictionary<Digest, Outstanding> _outstanding = [];

    private readonly long[] _foundByKind = new long[Enum.GetValues<DamageKind>().Length];
    private ScrubCursor _cursor = ScrubCursor.Fresh;
    private bool _running;
    private bool _requested;
    private DateTimeOffset? _next;
    private long _passTotalBytes;
    private long _passes;
    private long _bytesDone;
    private long _passBase;
    private long _found;
    private long _repaired;
    private long _failedPasses;
    private string? _lastError;

    public ScrubService(IRegistryStore store, ScrubSettings settings, ClientTraffic traffic, TimeProvider time, ILogger<ScrubService> logger,
        IServiceProvider services)
    {
        _store = (RegistryStore)store;
        _settings = settings;
        _time = time;
        _logger = logger;
        _repair = services.GetService<IScrubRepair>();
        _inventory = services.GetService<Replication.Inventory.InventoryBuild>();
        _pace = new ScrubPace(settings, traffic, time);
        _scrubber = new StoreScrubber(_store, time);
        // Subscribed from construction (the host builds us before serving): a read's finding is never missed.
        _store.Damaged += OnDamaged;
    }

    /// <summary>Damage found since start, by kind (metrics).</summary>
    public IReadOnlyList<(DamageKind Kind, long Count)> FoundByKind()
    {
        lock (_gate) return Enum.GetValues<DamageKind>().Select(k => (k, _foundByKind[(int)k])).ToList();
    }

    /// <summary>Starts a pass now, or continues the one a restart interrupted; a pass under way just goes on. False when one runs.</summary>
    public bool RequestPass()
    {
        lock (_gate)
        {
            if (_running) return false;
            _requested = true;
        }
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); }
            catch (SemaphoreFullException) { } // already woken
        }
        return true;
    }

    public ScrubReport Report()
    {
        var progress = _scrubber.Progress;
        lock (_gate)
        {
            var unrepaired = _outstanding.Values.Where(static o => o.Problem is not null).OrderBy(static o => o.FoundAt).Take(UnrepairedListed)
                .Select(static o => new ScrubDamageReport(o.Damage.Describe(), o.Damage.KindLabel, o.Damage.Cause, o.Problem!, o.FoundAt)).ToList();
            return new ScrubReport(_running || _requested, _cursor.InPass ? (progress.Phase == ScrubPhase.Blobs ? "blobs" : "links") : null,
                _cursor.InPass ? progress.Position ?? _cursor.Position : null, _cursor.PassStarted,
                _cursor.InPass ? Math.Max(progress.PassBytes, _cursor.PassBytes) : 0, _passTotalBytes, _pace.EffectiveRate,
                _cursor.LastPassStarted, _cursor.LastPassEnded, _next, _passes, _bytesDone + (_running ? Math.Max(0, progress.PassBytes - _passBase) : 0), _found, _repaired,
                unrepaired, _failedPasses, _lastError);
        }
    }

    /// <summary>Objects found damaged that no peer has given back yet (the metrics gauge).</summary>
    public int UnrepairedCount
    {
        get { lock (_gate) return _outstanding.Values.Count(static o => o.Problem is not null); }
    }

    public override void Dispose()
    {
        _store.Damaged -= OnDamaged;
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var repairs = Task.Run(() => RepairLoopAsync(stoppingToken), CancellationToken.None);
        lock (_gate)
        {
            _cursor = ReadCursorOr(ScrubCursor.Fresh);
            _next = FirstDue(_cursor);
        }
        if (_cursor.InPass) LogResuming(_logger, _cursor.Position ?? "the start of its phase", Readable(_cursor.PassBytes));
        // On a clustered node no pass starts (not even one asked for) before the inventory is built: its repairs are
        // replicated imports, and the walk is already reading the whole store.
        if (_inventory is not null)
        {
            try
            {
                await _inventory.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping: the loop below does not start.
            }
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset? next;
            lock (_gate) next = _next;
            var wait = next is { } due ? due - _time.GetUtcNow() : Timeout.InfiniteTimeSpan;
            if (wait < TimeSpan.Zero) wait = TimeSpan.Zero;
            try
            {
                await _wake.WaitAsync(wait, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            bool run;
            lock (_gate)
            {
                run = _requested || (_next is { } scheduled && _time.GetUtcNow() >= scheduled);
                if (run) _running = true;
                _requested = false;
            }
            if (!run) continue;
            try
            {
                await RunPassAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break; // the cursor's last checkpoint stays: the next start resumes there
            }
            finally
            {
                lock (_gate) _running = false;
            }
        }
        _repairs.Writer.TryComplete();
        await repairs.ConfigureAwait(false);
    }

    private async Task RunPassAsync(CancellationToken stoppingToken)
    {
        ScrubCursor cursor;
        lock (_gate) cursor = _cursor;
        try
        {
            // Off the request threads: the walk stats every blob once, to set the pace the period needs.
            long storeBytes = await Task.Run(() => _store.EnumerateBlobs().Sum(static b => b.Length), stoppingToken).ConfigureAwait(false);
            _pace.PlanPass(storeBytes);
            lock (_gate) _passTotalBytes = storeBytes;
            if (!cursor.InPass)
            {
                // Started here, not inside the scrubber, so status shows the pass from its first byte.
                cursor = cursor.StartPass(_time.GetUtcNow());
                _store.WriteScrubCursor(cursor);
                lock (_gate) _cursor = cursor;
                LogPassStarting(_logger, Readable(storeBytes), Readable(_pace.EffectiveRate));
            }
            lock (_gate) _passBase = cursor.InPass ? cursor.PassBytes : 0;
            var ended = await _scrubber.RunPassAsync(cursor, _pace.ChunkBytes, _pace.BeforeReadAsync, _repair is null ? null : _repair.IsArriving,
                stoppingToken).ConfigureAwait(false);
            long hashed = _scrubber.Progress.PassBytes;
            lock (_gate)
            {
                _bytesDone += hashed - _passBase;
                _passBase = hashed;
                _cursor = ended;
                _passes++;
                _lastError = null;
                _next = _settings.Period > TimeSpan.Zero ? ended.LastPassStarted!.Value + _settings.Period : null;
            }
            int unrepaired = UnrepairedCount;
            LogPassEnded(_logger, Readable(hashed), _scrubber.Progress.PassObjects, Readable(_pace.EffectiveRate),
                (ended.LastPassEnded!.Value - ended.LastPassStarted!.Value).TotalSeconds, unrepaired);
        }
        catch (StoreException e)
        {
            PassFailed(e.Message);
            LogPassFailed(_logger, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Anything else (a permission the store does not translate, a bug): escaping ExecuteAsync would stop the
            // host (BackgroundServiceExceptionBehavior.StopHost), so a nightly scrub's fault would take the registry
            // down. It is a failed pass like any other: said, counted, and tried again after the same wait.
            PassFailed(e.Message);
            LogPassFailedUnexpectedly(_logger, e);
        }
        finally
        {
            lock (_gate)
            {
                if (_scrubber.Progress.PassBytes > _passBase) _bytesDone += _scrubber.Progress.PassBytes - _passBase;
                _passBase = 0;
                _scrubber.Progress.Reset();
            }
        }
    }

    /// <summary>A pass that failed: resumed from its last checkpoint after <see cref="RetryAfterFailure"/> (or on request).</summary>
    private void PassFailed(string reason)
    {
        lock (_gate)
        {
            _lastError = reason;
            _failedPasses++;
            _cursor = ReadCursorOr(_cursor);
            _next = _time.GetUtcNow() + RetryAfterFailure;
        }
    }

    /// <summary>The cursor on disk, or <paramref name="fallback"/> when it cannot be read (the store's own fault, said by the pass).</summary>
    private ScrubCursor ReadCursorOr(ScrubCursor fallback)
    {
        try
        {
            return _store.ReadScrubCursor();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return fallback;
        }
    }

    /// <summary>Bytes re-hashed since start: finished and failed passes, plus the one under way.</summary>
    public long BytesScrubbed
    {
        get
        {
            lock (_gate) return _bytesDone + (_running ? Math.Max(0, _scrubber.Progress.PassBytes - _passBase) : 0);
        }
    }

    private DateTimeOffset? FirstDue(ScrubCursor cursor)
    {
        var soonest = _time.GetUtcNow() + FirstPassDelay;
        if (cursor.InPass) return soonest;
        if (_settings.Period <= TimeSpan.Zero) return null;
        if (cursor.LastPassStarted is not { } last) return soonest;
        var due = last + _settings.Period;
        return due > soonest ? due : soonest;
    }

    private void OnDamaged(Damage damage)
    {
        lock (_gate)
        {
            if (_outstanding.TryGetValue(damage.Digest, out var known))
            {
                // Found again (the next pass's links walk): not new damage, but worth another repair attempt.
                if (known.Repairing) return;
                known.Repairing = true;
            }
            else
            {
                _outstanding[damage.Digest] = new Outstanding(damage, _time.GetUtcNow()) { Repairing = true };
                _found++;
                _foundByKind[(int)damage.Kind]++;
            }
        }
        _repairs.Writer.TryWrite(damage);
    }

    private async Task RepairLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var damage in _repairs.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                RepairResult result;
                try
                {
                    result = _repair is null
                        ? new RepairResult(false, "this node has no peers (stand-alone)")
                        : await _repair.RepairAsync(damage, stoppingToken).ConfigureAwait(false);
                }
                catch (StoreException e)
                {
                    result = new RepairResult(false, $"storing the copy failed: {e.Message}");
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Not the end of the repair loop: the next damage (and the next pass's finding of this one) still gets its try.
                    LogRepairFailedUnexpectedly(_logger, damage.Describe(), e);
                    result = new RepairResult(false, $"the repair failed: {e.Message}");
                }
                lock (_gate)
                {
                    if (result.Repaired)
                    {
                        _outstanding.Remove(damage.Digest);
                        _repaired++;
                    }
                    else if (_outstanding.TryGetValue(damage.Digest, out var outstanding))
                    {
                        outstanding.Repairing = false;
                        outstanding.Problem = result.Detail;
                    }
                }
                if (result.Repaired) LogRepaired(_logger, damage.Describe(), result.Detail);
                else LogUnrepaired(_logger, damage.Describe(), result.Detail);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Readable(long bytes) => Storage.Capacity.ByteSizes.Format(bytes);

    private sealed class Outstanding(Damage damage, DateTimeOffset foundAt)
    {
        public Damage Damage { get; } = damage;
        public DateTimeOffset FoundAt { get; } = foundAt;
        public bool Repairing { get; set; }

        /// <summary>Why the last repair failed; null while the first is under way.</summary>
        public string? Problem { get; set; }
    }

    [LoggerMessage(EventId = 70, Level = LogLevel.Information, Message = "Scrub pass starting: {Bytes} of blobs to re-hash at {Rate}/s")]
    private static partial void LogPassStarting(ILogger logger, string bytes, string rate);

    [LoggerMessage(EventId = 71, Level = LogLevel.Information, Message = "Scrub resuming the pass a restart interrupted, after {Position} ({Bytes} already re-hashed)")]
    private static partial void LogResuming(ILogger logger, string position, string bytes);

    [LoggerMessage(EventId = 72, Level = LogLevel.Information, Message = "Scrub pass ended: {Bytes} in {Objects} objects re-hashed at up to {Rate}/s in {Seconds:F0} s; {Unrepaired} damaged objects unrepaired")]
    private static partial void LogPassEnded(ILogger logger, string bytes, long objects, string rate, double seconds, int unrepaired);

    [LoggerMessage(EventId = 73, Level = LogLevel.Error, Message = "Scrub pass failed, tried again in 10 minutes: {Reason}")]
    private static partial void LogPassFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 76, Level = LogLevel.Error, Message = "Scrub pass failed unexpectedly, tried again in 10 minutes; the registry goes on serving")]
    private static partial void LogPassFailedUnexpectedly(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 77, Level = LogLevel.Error, Message = "Repairing damaged {Object} failed unexpectedly; the repair loop goes on")]
    private static partial void LogRepairFailedUnexpectedly(ILogger logger, string @object, Exception exception);

    [LoggerMessage(EventId = 74, Level = LogLevel.Information, Message = "Repaired damaged {Object}: {Detail}")]
    private static partial void LogRepaired(ILogger logger, string @object, string detail);

    [LoggerMessage(EventId = 75, Level = LogLevel.Error, Message = "Damaged {Object} could not be repaired: {Detail}; it stays quarantined, manifests that need it answer 404, and the next pass tries again")]
    private static partial void LogUnrepaired(ILogger logger, string @object, string detail);
}
