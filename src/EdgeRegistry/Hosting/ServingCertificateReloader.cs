namespace EdgeRegistry.Hosting;

/// <summary>
/// Looks at the serving certificate's files every <see cref="Interval"/> (two small reads), so a renewed pair
/// reaches new connections within that time without a restart. Polling rather than inotify: it also sees files
/// replaced through a symlink swap or on a file system without notifications, and costs nothing measurable.
/// </summary>
internal sealed class ServingCertificateReloader(ServingCertificate certificate, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await ServiceNotifications.WaitAsync(timer, stoppingToken).ConfigureAwait(false))
        {
            certificate.Refresh();
        }
    }
}
