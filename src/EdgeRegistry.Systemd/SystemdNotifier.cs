using System.Net.Sockets;
using System.Text;

namespace EdgeRegistry.Systemd;

/// <summary>
/// sd_notify(3) written out: datagrams of "KEY=VALUE" lines to the socket named by <c>NOTIFY_SOCKET</c>, a path or
/// (with a leading '@') an abstract socket. When the variable is absent — a plain foreground run — every call is a
/// no-op, so callers never need to know whether they run under systemd.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endPoint;
    private readonly Lock _sendLock = new();

    private SystemdNotifier(string? socketName)
    {
        if (string.IsNullOrEmpty(socketName)) return;
        if (socketName[0] is not ('/' or '@'))
        {
            throw new ArgumentException($"NOTIFY_SOCKET '{socketName}' is neither an absolute path nor an abstract socket name ('@…')");
        }
        // .NET names abstract sockets with a leading NUL, as the kernel does; systemd writes '@' instead.
        _endPoint = new UnixDomainSocketEndPoint(socketName[0] == '@' ? "\0" + socketName[1..] : socketName);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    /// <summary>A notifier for the socket in <c>NOTIFY_SOCKET</c>, or an inactive one when it is not set.</summary>
    public static SystemdNotifier FromEnvironment() => new(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));

    public static SystemdNotifier ForSocket(string? socketName) => new(socketName);

    /// <summary>True when running under systemd with a notification socket.</summary>
    public bool IsActive => _socket is not null;

    /// <summary>Sends one notification made of <c>KEY=VALUE</c> lines. Failures are returned, never thrown:
    /// a missing notification must not take the registry down.</summary>
    public bool Notify(params string[] assignments)
    {
        if (_socket is null || _endPoint is null) return false;
        byte[] payload = Encoding.UTF8.GetBytes(string.Join('\n', assignments));
        try
        {
            lock (_sendLock)
            {
                return _socket.SendTo(payload, _endPoint) == payload.Length;
            }
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public bool Ready(string status) => Notify("READY=1", Status(status));

    public bool Reloading(string status) => Notify("RELOADING=1", Status(status), MonotonicUsec());

    public bool Stopping(string status) => Notify("STOPPING=1", Status(status));

    public bool SetStatus(string status) => Notify(Status(status));

    public bool Watchdog() => Notify("WATCHDOG=1");

    /// <summary>STATUS= is a single line; newlines would start a new assignment.</summary>
    private static string Status(string text) => "STATUS=" + text.ReplaceLineEndings(" ");

    private static string MonotonicUsec() => "MONOTONIC_USEC=" + (Environment.TickCount64 * 1000);

    public void Dispose() => _socket?.Dispose();
}
