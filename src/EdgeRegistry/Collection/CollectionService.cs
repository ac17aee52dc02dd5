using EdgeRegistry.Storage;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Storage.Collection;

namespace EdgeRegistry.Collection;

/// <summary>
/// Runs garbage collection in the agent: every <see cref="CollectionSettings.Interval"/> (the first run a while
/// after start, so a node that restarts more often than the interval still collects), on request, and one at a
/// time. It also persists the coalesced last-pull records at a bounded rate (<see cref="PullFlushInterval"/>) and
/// once more on shutdown, so pulls cost no fsync of their own.
/// </summary>
internal sealed partial class CollectionService : BackgroundService, IGarbageCollection
{
    /// <summary>A crash loses at most this much pull history — nothing, against a retention counted in days.</summary>
    public static readonly TimeSpan PullFlushInterval = TimeSpan.FromMinutes(1);

    /// <summary>Not at once: CRI-O pulls as soon as the registry is ready, and the walk would compete with it.</summary>
    public static readonly TimeSpan FirstRunDelay = TimeSpan.FromMinutes(10);

    /// <summary>A scheduled run that failed is tried again after this (or the interval, when that is shorter), not a whole interval later.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(10);

    private readonly RegistryStore _store;
    private readonly GarbageCollector _collector;
    private readonly CollectionSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InventoryBuild? _inventory;
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Lock _gate = new();
    private string? _requested;
    private AgentLock? _agentLock;
    private CollectionStatus _status = new(null, null, false, 0, 0, 0, 0, 0, null);

    /// <param name="cluster">Replication's view of the peers, when clustered (none, or one).</param>
    /// <param name="inventory">A clustered node's inventory build (none, or one): no collection runs before it is complete.</param>
    public CollectionService(IRegistryStore store, CollectionSettings settings, TimeProvider time, ILogger<CollectionService> logger,
        IEnumerable<IClusterRoots> cluster, IEnumerable<InventoryBuild> inventory)
    {
        _inventory = inventory.FirstOrDefault();
        _store = (RegistryStore)store;
        _settings = settings;
        _time = time;
        _logger = logger;
        _collector = new GarbageCollector(_store, settings.Options, time, logger, cluster.FirstOrDefault());
    }

    public CollectionStatus Status
    {
        get { lock (_gate) return _status; }
    }

    public async Task<CollectionReport> RunAsync(string reason, bool dryRun, CancellationToken cancellationToken)
    {
        // A collection's deletes replicate: decided on a half inventory (and before the peers' views are read) they could
        // remove what the cluster still needs. A run asked for during start-up waits for the build, as it waits for a run.
        if (_inventory is { IsComplete: false } building)
        {
            LogWaitingForInventory(_logger, reason);
            await building.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        Update(s => s with { Running = true });
        try
        {
            // File-system work from start to end: off the request threads.
            var report = await Task.Run(() => _collector.Collect(dryRun, reason, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (!dryRun)
            {
                Update(s => s with
                {
                    LastRun = report, Runs = s.Runs + 1, ManifestsDeleted = s.ManifestsDeleted + report.ManifestsDeleted,
                    TagsDeleted = s.TagsDeleted + report.TagsDeleted, BlobsDeleted = s.BlobsDeleted + report.BlobsDeleted,
                    BytesReclaimed = s.BytesReclaimed + report.BytesReclaimed, LastError = null,
                });
                // Pulls that can no longer protect anything need not be kept (nor written) forever.
                _store.Pulls.Expire(_time.GetUtcNow() - Longest(_settings.Options));
            }
            return report;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Said and counted here for the loop and `edgereg gc` alike; a store error is the expected kind (its message
            // says it all), anything else (a permission the store does not translate, a bug) is logged with its stack.
            Update(s => s with { LastError = e.Message, Failures = s.Failures + 1 });
            if (e is StoreException) LogFailed(_logger, e.Message);
            else LogFailedUnexpectedly(_logger, e);
            throw;
        }
        finally
        {
            Update(s => s with { Running = false });
            _running.Release();
        }
    }

    public void RequestRun(string reason)
    {
        lock (_gate) _requested ??= reason;
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); }
            catch (SemaphoreFullException) { } // already woken
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Tells `edgereg gc` that this store has an agent: it must go through us, never collect beside us.
        _agentLock = AgentLock.TryTake(_store.Root, out var problem);
        if (_agentLock is null) LogLockUnavailable(_logger, problem!);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _agentLock?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _store.Guard.AddListener(this);
        var next = _settings.Interval > TimeSpan.Zero ? _time.GetUtcNow() + FirstRunDelay : (DateTimeOffset?)null;
        Update(s => s with { NextRun = next });
        var lastFlush = _time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var wait = PullFlushInterval - (now - lastFlush);
            if (next is { } due && due - now < wait) wait = due - now;
            if (wait < TimeSpan.Zero) wait = TimeSpan.Zero;
            try
            {
                await _wake.WaitAsync(wait, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            now = _time.GetUtcNow();
            if (now - lastFlush >= PullFlushInterval)
            {
                lastFlush = now;
                FlushPulls();
            }
            string? reason;
            lock (_gate)
            {
                reason = _requested;
                _requested = null;
            }
            if (reason is null && next is { } scheduled && now >= scheduled) reason = "scheduled";
            if (reason is null) continue;
            bool failed = false;
            try
            {
                await RunAsync(reason, dryRun: false, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception)
            {
                // Logged and counted by RunAsync. Whatever it was, it must not leave ExecuteAsync: that would stop the
                // host (BackgroundServiceExceptionBehavior.StopHost) and take the registry down over a failed collection.
                failed = true;
            }
            if (next is not null)
            {
                next = _time.GetUtcNow() + (failed && RetryAfterFailure < _settings.Interval ? RetryAfterFailure : _settings.Interval);
                Update(s => s with { NextRun = next });
            }
        }
        FlushPulls();
    }

    private void FlushPulls()
    {
        try
        {
            _store.Pulls.Flush();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPullFlushFailed(_logger, e.Message);
        }
    }

    private static TimeSpan Longest(CollectionOptions options) =>
        options.Policies.Select(static p => p.UntaggedAfter ?? TimeSpan.Zero).Append(options.PullRetention).Max();

    private void Update(Func<CollectionStatus, CollectionStatus> change)
    {
        lock (_gate) _status = change(_status);
    }

    [LoggerMessage(EventId = 65, Level = LogLevel.Information, Message = "Garbage collection ({Reason}) waits for the replication inventory to be built")]
    private static partial void LogWaitingForInventory(ILogger logger, string reason);

    [LoggerMessage(EventId = 60, Level = LogLevel.Error, Message = "Garbage collection failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 64, Level = LogLevel.Error, Message = "Garbage collection failed unexpectedly; the registry goes on serving and the next run tries again")]
    private static partial void LogFailedUnexpectedly(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 62, Level = LogLevel.Warning, Message = "Serving without the agent lock, so an offline `edgereg gc` cannot tell this agent runs: {Problem}")]
    private static partial void LogLockUnavailable(ILogger logger, string problem);

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "Recording pull times failed; will retry: {Reason}")]
    private static partial void LogPullFlushFailed(ILogger logger, string reason);
}
