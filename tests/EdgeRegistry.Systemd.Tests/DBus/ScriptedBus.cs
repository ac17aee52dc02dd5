using System.Net.Sockets;
using System.Text;
using EdgeRegistry.Systemd.DBus;

namespace EdgeRegistry.Systemd.Tests.DBus;

/// <summary>
/// A fake bus on a unix socket that plays a fixed part: accept and stay silent, or authenticate and answer Hello
/// and then behave as told. It stands in for broken or stuck buses that a real dbus-daemon will not imitate.
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

    /// <summary>Authenticates the client, answers its Hello, then hands over to <paramref name="afterHello"/>.</summary>
    public static ScriptedBus AnsweringHello(Func<NetworkStream, CancellationToken, Task> afterHello) => new(async (stream, ct) =>
    {
        await ReadUntilAsync(stream, "BEGIN\r\n", answerAuth: true, ct);
        DBusMessage hello = await ReadMessageAsync(stream, ct);
        await WriteAsync(stream, Reply(hello.Serial, "s", ":1.7"), ct);
        await afterHello(stream, ct);
    });

    public static async Task<DBusMessage> ReadMessageAsync(NetworkStream stream, CancellationToken ct)
    {
        var prefix = new byte[MessageCodec.FixedHeaderLength];
        await stream.ReadExactlyAsync(prefix, ct);
        var message = new byte[MessageCodec.GetMessageLength(prefix, 1 << 20)];
        prefix.CopyTo(message, 0);
        await stream.ReadExactlyAsync(message.AsMemory(prefix.Length), ct);
        return MessageCodec.Decode(message);
    }

    public static byte[] Reply(uint replySerial, string signature, params object[] values)
    {
        var body = new MessageWriter();
        body.WriteValues(signature, values);
        return MessageCodec.Encode(new DBusMessage
        {
            Type = DBusMessageType.MethodReturn,
            Serial = 1000 + replySerial,
            ReplySerial = replySerial,
            Signature = signature,
            Body = body.ToArray(),
        });
    }

    public static async Task WriteAsync(NetworkStream stream, byte[] bytes, CancellationToken ct) => await stream.WriteAsync(bytes, ct);

    /// <summary>Reads the SASL exchange up to <paramref name="terminator"/>, answering AUTH with OK or REJECTED.</summary>
    public static async Task ReadUntilAsync(NetworkStream stream, string terminator, bool answerAuth, CancellationToken ct)
    {
        var seen = new StringBuilder();
        var one = new byte[1];
        bool answered = false;
        while (!seen.ToString().EndsWith(terminator, StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, ct) == 0) throw new IOException("client went away");
            seen.Append((char)one[0]);
            if (!answered && seen.ToString().EndsWith("\r\n", StringComparison.Ordinal))
            {
                answered = true;
                string answer = answerAuth ? "OK 0123456789abcdef0123456789abcdef\r\n" : "REJECTED ANONYMOUS\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), ct);
            }
        }
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
                    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
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
