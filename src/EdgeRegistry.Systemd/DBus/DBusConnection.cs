using System.Collections.Concurrent;
using System.Net.Sockets;

namespace EdgeRegistry.Systemd.DBus;

/// <summary>
/// A client connection to a message bus over a unix socket. Connecting authenticates with EXTERNAL and says Hello;
/// every call then waits at most <see cref="CallTimeout"/> (or less, through its token), so a stuck bus costs a
/// bounded time, never a hang. Replies are matched to calls by serial on one background receive loop.
/// </summary>
public sealed partial class DBusConnection : IAsyncDisposable
{
    /// <summary>The default bound on connecting and on each call: a healthy local bus answers in milliseconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<DBusMessage>> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private Task _receiveLoop = Task.CompletedTask;
    private Func<DBusMessage, DBusMethodResult>? _methodHandler;
    private volatile DBusConnectionException? _failure;
    private int _lastSerial;

    private DBusConnection(Socket socket, string endpoint, TimeSpan callTimeout, int maxMessageBytes)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Endpoint = endpoint;
        CallTimeout = callTimeout;
        MaxMessageBytes = maxMessageBytes;
    }

    /// <summary>The name the bus gave us in its reply to Hello (":1.42").</summary>
    public string UniqueName { get; private set; } = "";

    /// <summary>The address entry this connection reached, e.g. <c>unix:path=/run/dbus/system_bus_socket</c>.</summary>
    public string Endpoint { get; }

    public TimeSpan CallTimeout { get; }

    /// <summary>Messages larger than this are refused in both directions before they are buffered.</summary>
    public int MaxMessageBytes { get; }

    public static Task<DBusConnection> ConnectAsync(string address, CancellationToken ct = default) =>
        ConnectAsync(address, DefaultTimeout, ct);

    /// <summary>
    /// Connects to the first reachable endpoint of <paramref name="address"/>; <paramref name="timeout"/> bounds the
    /// whole of connect, authentication and Hello, and is also the per-call timeout afterwards.
    /// Throws <see cref="DBusConnectionException"/> (unreachable, rejected, bad address) or <see cref="TimeoutException"/>.
    /// </summary>
    public static async Task<DBusConnection> ConnectAsync(string address, TimeSpan timeout, CancellationToken ct = default)
    {
        IReadOnlyList<DBusEndpoint> endpoints;
        try
        {
            endpoints = DBusAddress.Parse(address);
        }
        catch (FormatException e)
        {
            throw new DBusConnectionException(e.Message, e);
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var failures = new List<string>();
        foreach (DBusEndpoint endpoint in endpoints)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            DBusConnection? connection = null;
            try
            {
                await socket.ConnectAsync(endpoint.EndPoint, deadline.Token).ConfigureAwait(false);
                connection = new DBusConnection(socket, endpoint.Description, timeout, MessageLimits.DefaultMaxMessageBytes);
                await SaslExternalAuthenticator.AuthenticateAsync(connection._stream, NativeMethods.GetEffectiveUserId(), deadline.Token).ConfigureAwait(false);
                connection._receiveLoop = Task.Run(connection.ReceiveLoopAsync, CancellationToken.None);
                DBusMessage hello = await connection.CallAsync(BusName, BusPath, BusInterface, "Hello", "", [], deadline.Token).ConfigureAwait(false);
                hello.ExpectSignature("s");
                connection.UniqueName = hello.GetBodyReader().ReadString();
                return connection;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                await DisposeAfterFailureAsync(connection, socket).ConfigureAwait(false);
                throw new TimeoutException($"D-Bus at {endpoint.Description} did not complete connect, authentication and Hello within {timeout.TotalSeconds:0.###} s");
            }
            catch (SocketException e)
            {
                await DisposeAfterFailureAsync(connection, socket).ConfigureAwait(false);
                failures.Add($"{endpoint.Description}: {e.Message}");
            }
            catch (Exception)
            {
                await DisposeAfterFailureAsync(connection, socket).ConfigureAwait(false);
                throw;
            }
        }
        throw new DBusConnectionException("cannot connect to D-Bus: " + string.Join("; ", failures));
    }

    /// <summary>Answers incoming method calls (used to export objects, e.g. in tests). Without a handler, calls get UnknownMethod.</summary>
    internal void SetMethodHandler(Func<DBusMessage, DBusMethodResult> handler) => _methodHandler = handler;

    public async ValueTask DisposeAsync()
    {
        if (_closing.IsCancellationRequested) return;
        _closing.Cancel();
        Fail(new DBusConnectionException("the D-Bus connection was closed"));
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already torn down by the peer; closing below is all that is left to do.
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
        await _receiveLoop.ConfigureAwait(false);
        _sendLock.Dispose();
        _closing.Dispose();
    }

    private static async Task DisposeAfterFailureAsync(DBusConnection? connection, Socket socket)
    {
        if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
        else socket.Dispose();
    }

    /// <summary>Marks the connection broken and fails every waiting call with the reason; later calls fail at once.</summary>
    private void Fail(DBusConnectionException reason)
    {
        _failure ??= reason;
        foreach (uint serial in _pending.Keys)
        {
            if (_pending.TryRemove(serial, out TaskCompletionSource<DBusMessage>? waiter)) waiter.TrySetException(_failure);
        }
    }

    private uint NextSerial()
    {
        uint serial;
        do
        {
            serial = (uint)Interlocked.Increment(ref _lastSerial);
        }
        while (serial == 0);
        return serial;
    }
}
