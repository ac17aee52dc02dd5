using System.Net.Sockets;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeRegistry.Systemd.Notify;

/// <summary>
/// sd_notify(3) messages sent through Microsoft.Extensions.Hosting's <see cref="ISystemdNotifier"/>, which connects
/// to <c>NOTIFY_SOCKET</c> (a path or an '@' abstract name) per message and does nothing when it is not set.
/// </summary>
public static class SystemdNotifierExtensions
{
    /// <summary>
    /// Sends one notification made of <c>KEY=VALUE</c> lines. Failures are returned, never thrown: a notification
    /// that cannot be delivered (the manager gone, the socket removed, a NOTIFY_SOCKET longer than a unix socket
    /// address can be) must not take the registry down.
    /// </summary>
    public static bool TryNotify(this ISystemdNotifier notifier, params ReadOnlySpan<string> assignments)
    {
        if (!notifier.IsEnabled) return false;
        try
        {
            notifier.Notify(new ServiceState(string.Join('\n', assignments)));
            return true;
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>READY=1 with the STATUS= that says what "ready" means, in one datagram.</summary>
    public static bool TryNotifyReady(this ISystemdNotifier notifier, string status) => notifier.TryNotify("READY=1", Status(status));

    public static bool TryNotifyStopping(this ISystemdNotifier notifier, string status) => notifier.TryNotify("STOPPING=1", Status(status));

    public static bool TryNotifyStatus(this ISystemdNotifier notifier, string status) => notifier.TryNotify(Status(status));

    public static bool TryNotifyWatchdog(this ISystemdNotifier notifier) => notifier.TryNotify("WATCHDOG=1");

    /// <summary>STATUS= is a single line; newlines would start a new assignment.</summary>
    private static string Status(string text) => "STATUS=" + text.ReplaceLineEndings(" ");
}
