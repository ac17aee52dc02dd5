using EdgeRegistry.Storage;
using EdgeRegistry.Systemd.Notify;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeRegistry.Hosting;

/// <summary>
/// What edgereg tells systemd, and when, through Microsoft.Extensions.Hosting's <see cref="ISystemdNotifier"/>.
/// READY=1 goes out only once the store is recovered and every listener is bound, because CRI-O is ordered after
/// us: "ready" must mean "can serve" (<see cref="ServiceNotificationsLifecycle"/> sends it at that moment). On a
/// clustered node that is before the replication inventory is built, on purpose: what CRI-O and the kubelet need
/// after a power cut is the images on this node's own disk, which are served from the moment we listen, whatever
/// the store's size; holding READY for the walk (seconds to minutes at 300 k objects) would hold every pod start
/// for nothing. Replication's own readiness is told in STATUS= ("building the replication inventory"), in
/// `edgereg status` and in /metrics, and peers get 503 until it is complete. The
/// watchdog is fed only while the store answers a write probe, so a hung or read-only store gets the process
/// restarted. Without NOTIFY_SOCKET all of this is silent and edgereg runs as a plain foreground process.
/// </summary>
internal sealed partial class ServiceNotifications
{
    /// <summary>How often STATUS= is refreshed while serving: `systemctl status` stays current without flooding the manager.</summary>
    public static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(10);

    private readonly ISystemdNotifier _notifier;
    private readonly WatchdogSettings? _watchdog;
    private readonly ILogger _logger;
    private readonly Replication.Inventory.InventoryBuild? _inventory;

    /// <summary>Cleared by a failed probe: the "degraded"/"unhealthy" STATUS then stays until a probe passes again.</summary>
    private volatile bool _healthy = true;

    /// <summary>The last problem logged, so a lasting one is logged once per change rather than at every ping.</summary>
    private string? _loggedProblem;

    /// <summary>Set once STOPPING=1 went out: a late refresh must not replace the "stopping" STATUS.</summary>
    private volatile bool _stopping;

    /// <param name="inventory">A clustered node's inventory build, told in STATUS= until it is complete; null when stand-alone.</param>
    public ServiceNotifications(ISystemdNotifier notifier, WatchdogSettings? watchdog, ILogger<ServiceNotifications> logger,
        Replication.Inventory.InventoryBuild? inventory = null)
    {
        _inventory = inventory;
        _notifier = notifier;
        _watchdog = watchdog;
        _logger = logger;
    }

    public void Recovering(string root) => _notifier.TryNotifyStatus($"recovering store {root}");

    /// <summary>
    /// READY=1 with the serving STATUS. The repository count lists the store's repositories, so it is only
    /// taken when there is a systemd to tell; a plain foreground run goes straight to serving.
    /// </summary>
    public void Ready(Func<IRegistryStore> store, IEnumerable<string> addresses)
    {
        if (!_notifier.IsEnabled) return;
        _notifier.TryNotifyReady(Serving(store().ListRepositories().Count, addresses, syncing: null));
    }

    /// <summary>
    /// Refreshes STATUS= every <see cref="StatusInterval"/> while healthy: repositories, listeners and, on a
    /// clustered node, the objects still being copied from peers. Returns when cancelled.
    /// </summary>
    /// <param name="repositories">The repository count, from the cached census so a refresh never walks the store.</param>
    /// <param name="syncing">Objects pending from peers, or null on a stand-alone registry.</param>
    public async Task RunStatusAsync(Func<CancellationToken, Task<int>> repositories, IReadOnlyCollection<string> addresses, Func<int>? syncing,
        CancellationToken cancellationToken)
    {
        if (!_notifier.IsEnabled) return;
        using var timer = new PeriodicTimer(StatusInterval);
        try
        {
            while (await WaitAsync(timer, cancellationToken).ConfigureAwait(false))
            {
                int count = await repositories(cancellationToken).ConfigureAwait(false);
                if (_healthy && !_stopping) _notifier.TryNotifyStatus(Serving(count, addresses, syncing?.Invoke()));
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping while the census was being read.
        }
    }

    private string Serving(int repositories, IEnumerable<string> addresses, int? syncing) =>
        $"serving {repositories} repositories on {string.Join(", ", addresses)}"
        + (_inventory is { IsComplete: false } building ? $"; building the replication inventory ({building.ManifestsRead} manifests read)"
            : syncing is int pending ? $"; syncing {pending} objects from peers" : "");

    public void Stopping()
    {
        _stopping = true;
        _notifier.TryNotifyStopping("stopping: finishing in-flight requests");
    }

    /// <summary>
    /// Feeds the watchdog at half its interval while this process can serve; returns when cancelled. The watchdog
    /// means "alive and serving": a store that can still be read but not written (a full disk, a read-only
    /// remount) keeps being fed, with a "degraded" STATUS, since a restart would cut every pull and fix nothing.
    /// Only a store that cannot be read, or a probe that hangs, withholds the ping so systemd restarts us.
    /// </summary>
    public async Task RunWatchdogAsync(IRegistryStore store, CancellationToken cancellationToken)
    {
        if (_watchdog is null || !_notifier.IsEnabled) return;
        using var timer = new PeriodicTimer(_watchdog.PingInterval);
        do
        {
            var health = await StoreProbe.RunAsync(store).ConfigureAwait(false);
            _healthy = health.State == StoreHealthState.Healthy;
            switch (health.State)
            {
                case StoreHealthState.Healthy:
                    if (_loggedProblem is not null) LogRecovered(_logger);
                    _loggedProblem = null;
                    _notifier.TryNotifyWatchdog();
                    break;
                case StoreHealthState.Degraded:
                    if (_loggedProblem != health.Problem) LogDegraded(_logger, health.Problem!);
                    _loggedProblem = health.Problem;
                    _notifier.TryNotifyWatchdog();
                    _notifier.TryNotifyStatus($"degraded: {health.Problem}");
                    break;
                default:
                    LogUnhealthy(_logger, health.Problem!);
                    _loggedProblem = health.Problem;
                    _notifier.TryNotifyStatus($"unhealthy: {health.Problem}");
                    break;
            }
        }
        while (await WaitAsync(timer, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The next tick, or false when stopping: the loop shape of every periodic job of the host.</summary>
    internal static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
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

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Store health probe failed, withholding the watchdog ping: {Problem}")]
    private static partial void LogUnhealthy(ILogger logger, string problem);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Store degraded, still serving and feeding the watchdog: {Problem}")]
    private static partial void LogDegraded(ILogger logger, string problem);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Store healthy again: writes succeed")]
    private static partial void LogRecovered(ILogger logger);
}
