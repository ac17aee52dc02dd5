using EdgeRegistry.Storage;

namespace EdgeRegistry.Hosting;

/// <summary>
/// Periodic housekeeping while serving: removes uploads that clients abandoned (start-up recovery only
/// catches those left before a restart, and a node may run for months).
/// </summary>
internal static partial class StoreMaintenance
{
    /// <summary>Hourly is plenty: a stale upload only costs disk space, and the purge walks every repository.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public static async Task RunAsync(RegistryStore store, ILogger logger, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
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
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Removed {Count} abandoned uploads")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Removing abandoned uploads failed; will retry")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
