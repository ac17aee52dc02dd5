using System.Net.Sockets;
using System.Text;

namespace EdgeRegistry.Systemd.Tests;

/// <summary>sd_notify against a real AF_UNIX datagram socket, bound the way systemd binds NOTIFY_SOCKET.</summary>
public sealed class SystemdNotifierTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgereg-notify-").FullName;

    [Fact]
    public void Ready_PathSocket_SendsReadyAndStatusInOneDatagram()
    {
        string path = Path.Combine(_directory, "notify");
        using var listener = Bind(new UnixDomainSocketEndPoint(path));
        using var notifier = SystemdNotifier.ForSocket(path);

        Assert.True(notifier.IsActive);
        Assert.True(notifier.Ready("serving 3 repositories"));

        Assert.Equal("READY=1\nSTATUS=serving 3 repositories", Receive(listener));
    }

    [Fact]
    public void Notify_AbstractSocket_IsReached()
    {
        string name = "edgereg-test-" + Guid.NewGuid().ToString("N");
        using var listener = Bind(new UnixDomainSocketEndPoint("\0" + name));
        using var notifier = SystemdNotifier.ForSocket("@" + name);

        Assert.True(notifier.Watchdog());

        Assert.Equal("WATCHDOG=1", Receive(listener));
    }

    [Fact]
    public void SetStatus_MultiLineText_StaysOneAssignment()
    {
        string path = Path.Combine(_directory, "notify");
        using var listener = Bind(new UnixDomainSocketEndPoint(path));
        using var notifier = SystemdNotifier.ForSocket(path);

        notifier.SetStatus("recovering\nstore");

        Assert.Equal("STATUS=recovering store", Receive(listener));
    }

    [Fact]
    public void Reloading_CarriesMonotonicTimestamp()
    {
        string path = Path.Combine(_directory, "notify");
        using var listener = Bind(new UnixDomainSocketEndPoint(path));
        using var notifier = SystemdNotifier.ForSocket(path);

        notifier.Reloading("reloading configuration");

        string[] lines = Receive(listener).Split('\n');
        Assert.Equal("RELOADING=1", lines[0]);
        Assert.Equal("STATUS=reloading configuration", lines[1]);
        Assert.StartsWith("MONOTONIC_USEC=", lines[2]);
        Assert.True(long.Parse(lines[2]["MONOTONIC_USEC=".Length..]) > 0);
    }

    [Fact]
    public void Notify_NoSocketConfigured_IsInactiveNoOp()
    {
        using var notifier = SystemdNotifier.ForSocket(null);

        Assert.False(notifier.IsActive);
        Assert.False(notifier.Ready("serving"));
    }

    [Fact]
    public void Notify_SocketGone_ReturnsFalseWithoutThrowing()
    {
        using var notifier = SystemdNotifier.ForSocket(Path.Combine(_directory, "nobody-listens"));

        Assert.False(notifier.Stopping("stopping"));
    }

    [Fact]
    public void ForSocket_RelativeName_IsRejectedWithClearMessage()
    {
        var error = Assert.Throws<ArgumentException>(() => SystemdNotifier.ForSocket("relative/notify"));

        Assert.Contains("relative/notify", error.Message);
    }

    private static Socket Bind(UnixDomainSocketEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(endPoint);
        socket.ReceiveTimeout = 5000;
        return socket;
    }

    private static string Receive(Socket socket)
    {
        var buffer = new byte[4096];
        int received = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, received);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
