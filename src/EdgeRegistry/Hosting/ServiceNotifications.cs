using EdgeRegistry.Storage;
using EdgeRegistry.Systemd;

namespace EdgeRegistry.Hosting;

/// <summary>
/// What edgereg tells systemd, and when. READY=1 goes out only once the store is recovered and every listener
/// is bound, because CRI-O is ordered after us: "ready" must mean "can serve". The watchdog is fed only while
/// the store answers a write probe, so a hung or read-only store gets the process restarted. Without
/// NOTIFY_SOCKET all of this is silent and edgereg runs as a plain foreground process.
/// </summary>
internal sealed partial class ServiceNotifications : IDisposable
{
    /// <summary>A probe that takes longer than this counts as failed: a hung mount must not look healthy.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    private readonly SystemdNotifier _notifier;
    private readonly WatchdogSettings? _watchdog;
    private readonly ILogger _logger;

    public ServiceNotifications(SystemdNotifier notifier, WatchdogSettings? watchdog, ILogger logger)
    {
        _notifier = notifier;
        _watchdog = watchdog;
        _logger = logger;
    }

    public static ServiceNotifications FromEnvironment(ILogger logger) =>
        new(SystemdNotifier.FromEnvironment(), WatchdogSettings.FromEnvironment(), logger);

    public void Recovering(string root) => _notifier.SetStatus($"recovering store {root}");

    public void Ready(IRegistryStore store, IEnumerable<string> addresses) =>
        _notifier.Ready($"serving {store.ListRepositories().Count} repositories on {string.Join(", ", addresses)}");

    public void Stopping() => _notifier.Stopping("stopping: finishing in-flight requests");

    /// <summary>Feeds the watchdog at half its interval while the store is healthy; returns when cancelled.</summary>
    public async Task RunWatchdogAsync(IRegistryStore store, CancellationToken cancellationToken)
    {
        if (_watchdog is null || !_notifier.IsActive) return;
        using var timer = new PeriodicTimer(_watchdog.PingInterval);
        do
        {
            string? problem = await ProbeAsync(store).ConfigureAwait(false);
            if (problem is null)
            {
                _notifier.Watchdog();
            }
            else
            {
                LogUnhealthy(_logger, problem);
                _notifier.SetStatus($"unhealthy: {problem}");
            }
        }
        while (await WaitAsync(timer, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<string?> ProbeAsync(IRegistryStore store)
    {
        var probe = Task.Run(store.CheckHealth);
        var finished = await Task.WhenAny(probe, Task.Delay(ProbeTimeout)).ConfigureAwait(false);
        return finished == probe ? await probe.ConfigureAwait(false) : $"the store did not answer within {ProbeTimeout.TotalSeconds:0} s";
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _notifier.Dispose();

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Store health probe failed, withholding the watchdog ping: {Problem}")]
    private static partial void LogUnhealthy(ILogger logger, string problem);
}
