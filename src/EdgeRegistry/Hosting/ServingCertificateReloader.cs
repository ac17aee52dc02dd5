namespace EdgeRegistry.Hosting;

/// <summary>
/// Looks at the serving certificate's files every <see cref="Interval"/> (two small reads), so a renewed pair
/// reaches new connections within that time without a restart. Polling rather than inotify: it also sees files
/// replaced through a symlink swap or on a file system without notifications, and costs nothing measurable.
/// </summary>
internal sealed partial class ServingCertificateReloader(ServingCertificate certificate, TimeProvider time, ILogger<ServingCertificateReloader> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        string? lastProblem = null;
        while (await ServiceNotifications.WaitAsync(timer, stoppingToken).ConfigureAwait(false))
        {
            try
            {
                certificate.Refresh();
                lastProblem = null;
            }
            catch (Exception e)
            {
                // Refresh reports the failures it expects; whatever else escapes must not stop the host (the default
                // BackgroundServiceExceptionBehavior) — the certificate being served stays, and the next look tries again.
                // Said once per distinct problem, not every five seconds.
                if (e.Message != lastProblem) LogRefreshFailed(logger, e);
                lastProblem = e.Message;
            }
        }
    }

    [LoggerMessage(EventId = 14, Level = LogLevel.Error, Message = "Looking at the TLS certificate's files failed; the current certificate stays served")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
