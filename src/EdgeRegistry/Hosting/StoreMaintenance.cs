using EdgeRegistry.Storage;

namespace EdgeRegistry.Hosting;

/// <summary>
/// Housekeeping while serving: removes uploads that clients abandoned, first shortly after start-up (uploads
/// left before a restart) and then hourly (a node may run for months). The store opens without this purge
/// because it walks every repository directory and a stale upload only costs disk space, so the first purge
/// runs once the registry is serving instead of delaying READY.
/// </summary>
internal static partial class StoreMaintenance
{
    /// <summary>Hourly is plenty: a stale upload only costs disk space, and the purge walks every repository.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>
    /// The first purge waits this long after READY: CRI-O pulls as soon as the registry is ready, and the walk
    /// would compete with those first requests for the disk and the two cores of a small node.
    /// </summary>
    public static readonly TimeSpan FirstPurgeDelay = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(RegistryStore store, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(FirstPurgeDelay, cancellationToken).ConfigureAwait(false);
            Purge(store, logger);
            using var timer = new PeriodicTimer(Interval);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Purge(store, logger);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void Purge(RegistryStore store, ILogger logger)
    {
        try
        {
            int purged = store.PurgeStaleUploads();
            if (purged > 0) LogPurged(logger, purged);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogPurgeFailed(logger, e);
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Removed {Count} abandoned uploads")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Removing abandoned uploads failed; will retry")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
