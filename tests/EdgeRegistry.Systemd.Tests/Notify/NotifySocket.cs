using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeRegistry.Systemd.Tests.Notify;

/// <summary>A datagram socket bound as systemd binds NOTIFY_SOCKET, and library notifiers aimed at one.</summary>
internal static class NotifySocket
{
    private static readonly Lock EnvironmentLock = new();

    /// <summary>
    /// The library's notifier for <paramref name="socket"/>: it reads NOTIFY_SOCKET when it is created, so the
    /// variable is set just around that. Nothing else in this assembly reads it.
    /// </summary>
    public static SystemdNotifier CreateNotifier(string? socket)
    {
        lock (EnvironmentLock)
        {
            string? before = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
            try
            {
                Environment.SetEnvironmentVariable("NOTIFY_SOCKET", socket);
                return new SystemdNotifier();
            }
            finally
            {
                Environment.SetEnvironmentVariable("NOTIFY_SOCKET", before);
            }
        }
    }

    public static Socket Bind(UnixDomainSocketEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(endPoint);
        socket.ReceiveTimeout = 5000;
        return socket;
    }

    public static string Receive(Socket socket)
    {
        var buffer = new byte[4096];
        int received = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, received);
    }
}
