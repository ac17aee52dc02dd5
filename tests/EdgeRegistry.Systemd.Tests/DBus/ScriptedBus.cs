using System.Net.Sockets;
using System.Text;

namespace EdgeRegistry.Systemd.Tests.DBus;

/// <summary>
/// A fake bus on a unix socket that plays a fixed part a real dbus-daemon will not: accept and stay silent, or
/// authenticate the client (the SASL text exchange) and then behave as told — stay silent, send garbage, hang up.
/// </summary>
internal sealed class ScriptedBus : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly string _directory = Directory.CreateTempSubdirectory("edgereg-fakebus-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _accepted = [];
    private readonly Task _serving;

    /// <param name="afterAccept">What to do with each accepted client; return to leave the socket open and silent.</param>
    public ScriptedBus(Func<NetworkStream, CancellationToken, Task> afterAccept)
    {
        string path = Path.Combine(_directory, "bus");
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(8);
        Address = "unix:path=" + path;
        _serving = ServeAsync(afterAccept);
    }

    public string Address { get; }

    public static ScriptedBus Silent() => new((_, _) => Task.CompletedTask);

    /// <summary>Authenticates the client, then hands over to <paramref name="afterAuth"/> (the client's Hello is next on the wire).</summary>
    public static ScriptedBus Authenticating(Func<NetworkStream, CancellationToken, Task> afterAuth) => new(async (stream, ct) =>
    {
        await AnswerSaslAsync(stream, accept: true, ct);
        await afterAuth(stream, ct);
    });

    /// <summary>Refuses every authentication mechanism, as a bus does for a uid it does not let in.</summary>
    public static ScriptedBus Rejecting() => new((stream, ct) => AnswerSaslAsync(stream, accept: false, ct));

    /// <summary>
    /// The server half of the SASL exchange, line by line, up to the client's BEGIN: AUTH EXTERNAL gets OK (or
    /// REJECTED), unix fd negotiation is agreed, anything else is an ERROR, as the specification has it.
    /// </summary>
    private static async Task AnswerSaslAsync(NetworkStream stream, bool accept, CancellationToken ct)
    {
        while (true)
        {
            string line = await ReadLineAsync(stream, ct);
            string answer;
            if (line.StartsWith("AUTH", StringComparison.Ordinal))
            {
                answer = accept && line.StartsWith("AUTH EXTERNAL", StringComparison.Ordinal) ? "OK 0123456789abcdef0123456789abcdef" : "REJECTED EXTERNAL";
            }
            else if (line == "NEGOTIATE_UNIX_FD")
            {
                answer = "AGREE_UNIX_FD";
            }
            else if (line == "BEGIN")
            {
                return;
            }
            else
            {
                answer = "ERROR";
            }
            await stream.WriteAsync(Encoding.ASCII.GetBytes(answer + "\r\n"), ct);
        }
    }

    /// <summary>One CRLF-terminated line, skipping the NUL credentials byte the client sends first.</summary>
    private static async Task<string> ReadLineAsync(NetworkStream stream, CancellationToken ct)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, ct) == 0) throw new IOException("client went away");
            if (one[0] != 0) line.Append((char)one[0]);
        }
        return line.ToString()[..^2];
    }

    private async Task ServeAsync(Func<NetworkStream, CancellationToken, Task> afterAccept)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client = await _listener.AcceptAsync(_stop.Token);
                lock (_accepted) _accepted.Add(client);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await afterAccept(new NetworkStream(client, ownsSocket: false), _stop.Token);
                    }
                    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                    {
                        // The client hung up or the test ended: nothing left to play.
                    }
                });
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Disposed: the listener is closed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        await _serving;
        lock (_accepted)
        {
            foreach (Socket client in _accepted) client.Dispose();
        }
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
