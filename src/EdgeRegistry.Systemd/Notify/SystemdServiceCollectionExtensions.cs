using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Systemd.Notify;

public static class SystemdServiceCollectionExtensions
{
    /// <summary>
    /// The host's systemd integration. Run by systemd, <see cref="SystemdHostBuilderExtensions.AddSystemd"/> makes
    /// <see cref="SystemdLifetime"/> the host's lifetime (SIGTERM stops the host gracefully; READY=1 when the host has
    /// started, STOPPING=1 when it stops). An <see cref="ISystemdNotifier"/> is registered in every case: with
    /// <c>NOTIFY_SOCKET</c> set by something other than systemd (systemd-run, a container runtime, the functional
    /// tests) the registry still notifies, and without it every notification is a no-op.
    /// </summary>
    public static IServiceCollection AddSystemdIntegration(this IServiceCollection services)
    {
        services.AddSystemd();
        QuietenLifetime(services);
        services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        return services;
    }

    /// <summary>
    /// SystemdLifetime logs the generic host's start and stop banner ("Application started. Hosting environment: …");
    /// edgereg logs its own start line with the bound addresses and keeps that banner off under the console lifetime
    /// too (SuppressStatusMessages), so the systemd lifetime is given no logger. Its notifications are unchanged.
    /// </summary>
    internal static void QuietenLifetime(IServiceCollection services)
    {
        for (int i = 0; i < services.Count; i++)
        {
            if (services[i].ServiceType == typeof(IHostLifetime) && services[i].ImplementationType == typeof(SystemdLifetime))
            {
                services[i] = ServiceDescriptor.Singleton<IHostLifetime>(provider => new SystemdLifetime(
                    provider.GetRequiredService<IHostEnvironment>(),
                    provider.GetRequiredService<IHostApplicationLifetime>(),
                    provider.GetRequiredService<ISystemdNotifier>(),
                    NullLoggerFactory.Instance));
            }
        }
    }
}
