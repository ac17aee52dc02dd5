using System.Net.Sockets;
using EdgeRegistry.Systemd.Notify;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeRegistry.Systemd.Tests.Notify;

/// <summary>
/// sd_notify through the library's <see cref="SystemdNotifier"/> against a real AF_UNIX datagram socket, bound the
/// way systemd binds NOTIFY_SOCKET.
/// </summary>
public sealed class SystemdNotifierExtensionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgereg-notify-").FullName;

    [Fact]
    public void TryNotifyReady_PathSocket_SendsReadyAndStatusInOneDatagram()
    {
        string path = Path.Combine(_directory, "notify");
        using var listener = Bind(new UnixDomainSocketEndPoint(path));
        ISystemdNotifier notifier = NotifierFor(path);

        Assert.True(notifier.IsEnabled);
        Assert.True(notifier.TryNotifyReady("serving 3 repositories"));

        Assert.Equal("READY=1\nSTATUS=serving 3 repositories", Receive(listener));
    }

    [Fact]
    public void TryNotifyWatchdog_AbstractSocket_IsReached()
    {
        string name = "edgereg-test-" + Guid.NewGuid().ToString("N");
        using var listener = Bind(new UnixDomainSocketEndPoint("\0" + name));
        ISystemdNotifier notifier = NotifierFor("@" + name);

        Assert.True(notifier.TryNotifyWatchdog());

        Assert.Equal("WATCHDOG=1", Receive(listener));
    }

    [Fact]
    public void TryNotifyStatus_MultiLineText_StaysOneAssignment()
    {
        string path = Path.Combine(_directory, "notify");
        using var listener = Bind(new UnixDomainSocketEndPoint(path));
        ISystemdNotifier notifier = NotifierFor(path);

        notifier.TryNotifyStatus("recovering\nstore");

        Assert.Equal("STATUS=recovering store", Receive(listener));
    }

    [Fact]
    public void TryNotifyStopping_PathSocket_SendsStoppingWithStatus()
    {
        string path = Path.Combine(_directory, "notify");
        using var listener = Bind(new UnixDomainSocketEndPoint(path));
        ISystemdNotifier notifier = NotifierFor(path);

        Assert.True(notifier.TryNotifyStopping("stopping: finishing in-flight requests"));

        Assert.Equal("STOPPING=1\nSTATUS=stopping: finishing in-flight requests", Receive(listener));
    }

    [Fact]
    public void TryNotify_NoSocketConfigured_IsDisabledNoOp()
    {
        ISystemdNotifier notifier = NotifierFor(null);

        Assert.False(notifier.IsEnabled);
        Assert.False(notifier.TryNotifyReady("serving"));
    }

    [Fact]
    public void TryNotify_SocketGone_ReturnsFalseWithoutThrowing()
    {
        ISystemdNotifier notifier = NotifierFor(Path.Combine(_directory, "nobody-listens"));

        Assert.False(notifier.TryNotifyStopping("stopping"));
    }

    private static SystemdNotifier NotifierFor(string? socket) => NotifySocket.CreateNotifier(socket);

    private static Socket Bind(UnixDomainSocketEndPoint endPoint) => NotifySocket.Bind(endPoint);

    private static string Receive(Socket socket) => NotifySocket.Receive(socket);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
