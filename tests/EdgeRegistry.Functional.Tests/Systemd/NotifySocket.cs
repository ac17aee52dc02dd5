using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace EdgeRegistry.Functional.Tests.Systemd;

/// <summary>
/// Stands in for systemd's notification socket: an AF_UNIX datagram socket bound to a path, collecting every
/// message the service sends (as systemd's manager does) so a test can assert their order and timing.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket;
    private readonly BlockingCollection<(string Message, DateTime At)> _received = new();
    private readonly Thread _reader;

    public NotifySocket(string path)
    {
        Path = path;
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(path));
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "notify-socket" };
        _reader.Start();
    }

    public string Path { get; }

    /// <summary>Waits (bounded) for the next message that satisfies <paramref name="match"/>, skipping others.</summary>
    public (string Message, DateTime At) WaitFor(Func<string, bool> match, TimeSpan timeout, List<string> seen)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_received.TryTake(out var item, deadline - DateTime.UtcNow))
            {
                seen.Add(item.Message);
                if (match(item.Message)) return item;
            }
        }
        throw new TimeoutException($"no matching notification within {timeout}; seen: [{string.Join(" | ", seen)}]");
    }

    private void ReadLoop()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int count = _socket.Receive(buffer);
                _received.Add((Encoding.UTF8.GetString(buffer, 0, count), DateTime.UtcNow));
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _received.Dispose();
    }
}
