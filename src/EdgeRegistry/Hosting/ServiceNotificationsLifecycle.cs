using EdgeRegistry.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeRegistry.Hosting;

/// <summary>
/// Sends READY=1 and STOPPING=1 at their moments in the host's life. The store is opened and recovered before the
/// host starts; the host runs <see cref="StartedAsync"/> after every hosted service has started (Kestrel's
/// listeners are bound by then) and before it signals ApplicationStarted — the moment <see cref="SystemdLifetime"/>
/// sends its own bare READY=1 under systemd, which therefore always comes second and changes nothing (systemd
/// takes the first). <see cref="StoppingAsync"/> runs as soon as the host begins to stop, before in-flight
/// requests are drained.
/// </summary>
internal sealed class ServiceNotificationsLifecycle : IHostedLifecycleService
{
    private readonly ServiceNotifications _notifications;
    private readonly Func<IRegistryStore> _store;
    private readonly IServer _server;

    /// <param name="store">Taken only when READY=1 is sent, so a run without NOTIFY_SOCKET never lists the store for it.</param>
    public ServiceNotificationsLifecycle(ServiceNotifications notifications, Func<IRegistryStore> store, IServer server)
    {
        _notifications = notifications;
        _store = store;
        _server = server;
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _notifications.Ready(_store, BoundAddresses(_server));
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _notifications.Stopping();
        return Task.CompletedTask;
    }

    /// <summary>The addresses actually bound (port 0 becomes the port the kernel picked).</summary>
    private static IReadOnlyCollection<string> BoundAddresses(IServer server) =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
