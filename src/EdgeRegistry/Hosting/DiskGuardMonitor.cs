using EdgeRegistry.Status;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Capacity;

namespace EdgeRegistry.Hosting;

/// <summary>
/// Looks at the disk guard every <see cref="Interval"/> even when nothing writes: pressure listeners (garbage
/// collection) hear about a disk that other services fill, and the log says once when the store comes near a limit,
/// reaches it or has room again, plus one line per <see cref="Interval"/> at most about refused writes — never one per
/// refused request. With `--max-store-bytes` it keeps the store's measured size fresh (a census every
/// <see cref="StoreMeasureInterval"/>; the guard counts the writes in between itself).
/// </summary>
internal sealed partial class DiskGuardMonitor(IRegistryStore store, CachedStoreCensus census, TimeProvider time, ILogger<DiskGuardMonitor> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>Deletes (garbage collection, a DELETE) only show in a new census; five minutes keeps a big store's walks rare.</summary>
    public static readonly TimeSpan StoreMeasureInterval = TimeSpan.FromMinutes(5);

    private DiskGuardState _state = DiskGuardState.Ok;
    private long _refusals;
    private DateTimeOffset _measuredAt = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var guard = store.Guard;
        using var timer = new PeriodicTimer(Interval, time);
        string? lastProblem = null;
        do
        {
            try
            {
                if (guard.Options.MaxStoreBytes is not null && time.GetUtcNow() - _measuredAt >= StoreMeasureInterval)
                {
                    _measuredAt = time.GetUtcNow();
                    census.Refresh();
                }
                Observe(guard.Snapshot());
                lastProblem = null;
            }
            catch (Exception e)
            {
                // A census walk that hits an unreadable directory must not stop the host (the default
                // BackgroundServiceExceptionBehavior): the next look tries again. Said once per distinct problem.
                if (e.Message != lastProblem) LogCheckFailed(logger, e);
                lastProblem = e.Message;
            }
        }
        while (await ServiceNotifications.WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private void Observe(DiskGuardSnapshot snapshot)
    {
        if (snapshot.State != _state)
        {
            switch (snapshot.State)
            {
                case DiskGuardState.Over:
                    LogOver(logger, snapshot.Reason ?? "");
                    break;
                case DiskGuardState.Near:
                    LogNear(logger, snapshot.Reason ?? "");
                    break;
                default:
                    LogRoom(logger);
                    break;
            }
            _state = snapshot.State;
        }
        if (snapshot.Refusals > _refusals)
        {
            LogRefused(logger, snapshot.Refusals - _refusals, snapshot.LastRefusal ?? "");
            _refusals = snapshot.Refusals;
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Store at its disk guard limit: pushes get 507 and copies from peers wait, serving goes on ({Reason})")]
    private static partial void LogOver(ILogger logger, string reason);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Store near its disk guard limit ({Reason})")]
    private static partial void LogNear(ILogger logger, string reason);

    [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "Store back within its disk guard limits")]
    private static partial void LogRoom(ILogger logger);

    [LoggerMessage(EventId = 44, Level = LogLevel.Error, Message = "Looking at the disk guard failed; tried again in 10 seconds")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 43, Level = LogLevel.Warning, Message = "The disk guard refused {Count} writes since the last check; the last: {Refusal}")]
    private static partial void LogRefused(ILogger logger, long count, string refusal);
}
