using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
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
    private readonly FileSender _fileSender;
    private readonly Lock _sendLock = new();
    private FileSend? _pendingFile;
    private bool _sendLoopEnded;
    private volatile bool _aborted;
    /// <summary>Sendfile refused a file on this connection: its later bodies are written the ordinary way.</summary>
    private volatile bool _fileSendRefused;
    private Exception? _abortReason;
    private int _socketShutDown;
    private Task _processing = Task.CompletedTask;

    public TcpConnection(Socket socket, MemoryPool<byte> pool, TransportCounters counters, TransportLimits limits, ILogger logger)
    {
        _socket = socket;
        _fileSender = new FileSender(limits);
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

    // ---- IFileSendFeature ----

    public bool CanSend => ReferenceEquals(Transport, _ownTransport) && !_aborted && !_appOutput.Swallowing && !_fileSendRefused;

    public FileSend BeginSend(FileStream file, long offset, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!CanSend) throw new InvalidOperationException("The connection cannot send a file now.");
        FileSend send;
        lock (_sendLock)
        {
            send = new FileSend(_appOutput.BeginSwallow(count), file, offset, count);
            if (_sendLoopEnded)
            {
                send.Fail(_abortReason ?? new ConnectionAbortedException("The connection is closed."));
                return send;
            }
            _pendingFile = send;
        }
        // The send loop may be waiting for data that will never come (the body is swallowed): wake it.
        _output.Reader.CancelPendingRead();
        return send;
    }

    // ---- loops ----

    private async Task RunAsync()
    {
        // Yield first: Kestrel's accept loop must not run the first receive inline.
        await Task.Yield();
        var receiving = ReceiveLoopAsync();
        var sending = SendLoopAsync();
        await receiving.ConfigureAwait(false);
        await sending.ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync()
    {
        var writer = _input.Writer;
        Exception? error = null;
        try
        {
            bool waitForData = true;
            while (true)
            {
                // An idle connection waits without holding a block; a busy one (the last receive filled its
                // block, as in an upload) goes straight on to the next receive.
                if (waitForData) await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                var memory = writer.GetMemory(BlockMemoryPool.BlockSize);
                int received = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (received == 0) break; // the client's FIN
                writer.Advance(received);
                waitForData = received < memory.Length;
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled) break; // the application stopped reading
            }
        }
        catch (SocketException e) when (IsConnectionReset(e.SocketErrorCode))
        {
            error = _aborted ? null : new ConnectionResetException(e.Message, e);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The socket was shut down by Abort or by the send loop ending.
            error = _aborted ? null : new ConnectionAbortedException(e.Message, e);
        }
        finally
        {
            writer.Complete(_abortReason ?? error);
            FireConnectionClosed();
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _output.Reader;
        Exception? failure = null;
        long sent = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                if (_aborted) break;
                var buffer = result.Buffer;
                // A queued file goes on the wire right after the bytes written before it was queued.
                while (TakeFileSendWithin(sent + buffer.Length) is { } file)
                {
                    var before = buffer.Slice(0, file.Position - sent);
                    await SendAsync(before).ConfigureAwait(false);
                    sent += before.Length;
                    buffer = buffer.Slice(before.End);
                    await SendFileAsync(file).ConfigureAwait(false);
                }
                await SendAsync(buffer).ConfigureAwait(false);
                sent += buffer.Length;
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (SocketException e) when (IsConnectionReset(e.SocketErrorCode))
        {
            _abortReason ??= new ConnectionResetException(e.Message, e);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or TimeoutException)
        {
            _abortReason ??= new ConnectionAbortedException(e.Message, e);
            LogSendFailed(_logger, ConnectionId, e.Message);
        }
        catch (Exception e)
        {
            failure = e;
            LogSendFailed(_logger, ConnectionId, e.Message);
        }
        finally
        {
            lock (_sendLock)
            {
                _sendLoopEnded = true;
                _pendingFile?.Fail(_abortReason ?? new ConnectionAbortedException("The connection closed before the file was sent."));
                _pendingFile = null;
            }
            ShutDownSocket();
            reader.Complete(failure);
            // A writer blocked on a full pipe must not wait for a reader that is gone.
            _input.Writer.CancelPendingFlush();
        }
    }

    /// <summary>Sends a queued file; a failure is reported to its caller and rethrown to end the send loop.</summary>
    private async Task SendFileAsync(FileSend file)
    {
        bool accepted;
        try
        {
            accepted = await _fileSender.SendAsync(_socket, file).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _counters.FileSendFailed();
            // A socket error or a stalled client is the connection going, not a fault of the file.
            file.Fail(e is SocketException or ObjectDisposedException or TimeoutException ? new ConnectionResetException(e.Message, e) : e);
            throw;
        }
        if (accepted)
        {
            _counters.FileSent(file.Count);
            file.Succeed();
            return;
        }
        // Nothing was swallowed yet (the caller waits for Accepted first): stop expecting the placeholder body, and
        // let the caller write the real one through the pipe.
        _appOutput.CancelSwallow();
        _fileSendRefused = true;
        // Once per process: every connection meets the same store, so one line says it all.
        if (_counters.FileSendRefused() == 1) LogFileSendRefused(_logger, file.File.Name, _fileSender.LastRefusal.ToString());
        file.Refuse();
    }

    private FileSend? TakeFileSendWithin(long end)
    {
        lock (_sendLock)
        {
            if (_pendingFile is not { } file || file.Position > end) return null;
            _pendingFile = null;
            return file;
        }
    }

    private ValueTask<int> SendAsync(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty) return ValueTask.FromResult(0);
        if (buffer.IsSingleSegment) return _socket.SendAsync(buffer.First, SocketFlags.None);
        return new ValueTask<int>(_socket.SendAsync(ToSegments(buffer), SocketFlags.None));
    }

    private static List<ArraySegment<byte>> ToSegments(in ReadOnlySequence<byte> buffer)
    {
        var segments = new List<ArraySegment<byte>>();
        foreach (var memory in buffer)
        {
            if (!MemoryMarshal.TryGetArray(memory, out var segment)) segment = memory.ToArray();
            segments.Add(segment);
        }
        return segments;
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

    private void FireConnectionClosed()
    {
        // Off this thread: ConnectionClosed callbacks (request aborts) must not run inside the receive loop.
        ThreadPool.UnsafeQueueUserWorkItem(static connection =>
        {
            try
            {
                connection._closed.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }, this, preferLocal: false);
    }

    private static bool IsConnectionReset(SocketError error) =>
        error is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted;

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "sendfile failed for {File} before any byte was sent ({Error}); such bodies are copied through memory instead (slower, still correct). Logged once per process")]
    private static partial void LogFileSendRefused(ILogger logger, string file, string error);

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: sending failed: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string connectionId, string reason);

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
