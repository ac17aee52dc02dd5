using EdgeRegistry.Storage;
using EdgeRegistry.Systemd.Notify;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeRegistry.Hosting;

internal static class ServiceNotificationsSetup
{
    /// <summary>
    /// sd_notify for the registry: the library's systemd integration
    /// (<see cref="SystemdServiceCollectionExtensions.AddSystemdIntegration"/>), edgereg's notifications on top of it,
    /// and the hosted service that sends READY=1 and STOPPING=1 at their moments.
    /// </summary>
    public static IServiceCollection AddServiceNotifications(this IServiceCollection services)
    {
        services.AddSystemdIntegration();
        // WATCHDOG_USEC/WATCHDOG_PID are read once, as systemd set them for this process; null when the watchdog is off.
        services.AddSingleton(provider => new ServiceNotifications(
            provider.GetRequiredService<ISystemdNotifier>(),
            WatchdogSettings.FromEnvironment(),
            provider.GetRequiredService<ILogger<ServiceNotifications>>(),
            provider.GetService<Replication.Inventory.InventoryBuild>()));
        services.AddHostedService(provider => new ServiceNotificationsLifecycle(
            provider.GetRequiredService<ServiceNotifications>(),
            provider.GetRequiredService<IRegistryStore>,
            provider.GetRequiredService<IServer>()));
        return services;
    }
}
