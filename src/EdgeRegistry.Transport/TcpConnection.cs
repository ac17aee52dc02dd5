using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Transport;

/// <summary>
/// One accepted TCP connection as Kestrel sees it: a receive loop filling the input pipe and a send loop draining
/// the output pipe, with the same lifetime rules as Kestrel's socket transport (the input ends with the peer's FIN
/// or a reset, ConnectionClosed fires then, Abort shuts the socket down). Two differences are the reason it
/// exists: receives take up to a 64 KiB block instead of 4 KiB, and the send loop can put a file range on the
/// wire with sendfile(2) (<see cref="IFileSendFeature"/>).
/// </summary>
internal sealed partial class TcpConnection : ConnectionContext,
    IConnectionIdFeature, IConnectionTransportFeature, IConnectionItemsFeature, IMemoryPoolFeature,
    IConnectionLifetimeFeature, IConnectionEndPointFeature, IConnectionSocketFeature, IFileSendFeature
{
    /// <summary>The most a client may have sent that the server has not read yet, as Kestrel's default.</summary>
    private const long MaxReadBufferSize = 1024 * 1024;

    /// <summary>The most a response may have written that the socket has not taken yet, as Kestrel's default.</summary>
    private const long MaxWriteBufferSize = 64 * 1024;

    private static long s_nextId = DateTime.UtcNow.Ticks;

    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly TransportCounters _counters;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly ConnectionOutput _appOutput;
    private readonly IDuplexPipe _ownTransport;
    private readonly CancellationTokenSource _closed = new();
    private bool _sendLoopEnded;
    private volatile bool _aborted;
    private Exception? _abortReason;
    private int _socketShutDown;
    private Task _processing = Task.CompletedTask;

    public TcpConnection(Socket socket, MemoryPool<byte> pool, TransportCounters counters, TransportLimits limits, FileSendFault? fault, ILogger logger)
    {
        _socket = socket;
        _fileSender = new FileSender(limits, fault);
        _logger = logger;
        _counters = counters;
        MemoryPool = pool;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        ConnectionId = Interlocked.Increment(ref s_nextId).ToString("X13", System.Globalization.CultureInfo.InvariantCulture);
        ConnectionClosed = _closed.Token;

        // Application continuations run on the thread pool (request code may block, e.g. a pread); the transport's
        // own continuations are short and non-blocking, so they run inline.
        _input = new Pipe(new PipeOptions(pool, PipeScheduler.ThreadPool, PipeScheduler.Inline,
            MaxReadBufferSize, MaxReadBufferSize / 2, BlockMemoryPool.BlockSize, useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(pool, PipeScheduler.Inline, PipeScheduler.ThreadPool,
            MaxWriteBufferSize, MaxWriteBufferSize / 2, 4096, useSynchronizationContext: false));
        _appOutput = new ConnectionOutput(_output.Writer);
        _ownTransport = new DuplexPipe(_input.Reader, _appOutput);
        Transport = _ownTransport;

        Features = new FeatureCollection();
        Features.Set<IConnectionIdFeature>(this);
        Features.Set<IConnectionTransportFeature>(this);
        Features.Set<IConnectionItemsFeature>(this);
        Features.Set<IMemoryPoolFeature>(this);
        Features.Set<IConnectionLifetimeFeature>(this);
        Features.Set<IConnectionEndPointFeature>(this);
        Features.Set<IConnectionSocketFeature>(this);
        Features.Set<IFileSendFeature>(this);
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; }

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    public override CancellationToken ConnectionClosed { get; set; }

    public MemoryPool<byte> MemoryPool { get; }

    public Socket Socket => _socket;

    public void Start() => _processing = RunAsync();

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _abortReason ??= abortReason;
        _aborted = true;
        // Wakes the send loop if it waits for data; the socket shutdown ends the receive loop.
        _output.Reader.CancelPendingRead();
        ShutDownSocket();
    }

    void IConnectionLifetimeFeature.Abort() => Abort(new ConnectionAbortedException("The connection was aborted by the application."));

    public override async ValueTask DisposeAsync()
    {
        _ownTransport.Input.Complete();
        _ownTransport.Output.Complete();
        await _processing.ConfigureAwait(false);
        _fileSender.Dispose();
        _closed.Dispose();
    }

    // ---- the two loops: TcpConnection.Receive.cs fills the input pipe, TcpConnection.Send.cs drains the output ----

    private async Task RunAsync()
    {
        // Yield first: Kestrel's accept loop must not run the first receive inline.
        await Task.Yield();
        var receiving = ReceiveLoopAsync();
        var sending = SendLoopAsync();
        await receiving.ConfigureAwait(false);
        await sending.ConfigureAwait(false);
    }

    private void ShutDownSocket()
    {
        if (Interlocked.Exchange(ref _socketShutDown, 1) != 0) return;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already reset by the peer: nothing left to shut down.
        }
        // Disposing ends a pending receive. The send loop always ends here, so this is the socket's one disposal.
        _socket.Dispose();
    }

    private static bool IsConnectionReset(SocketError error) =>
        error is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted;

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
