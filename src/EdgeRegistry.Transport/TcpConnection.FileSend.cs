using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Transport;

/// <summary>
/// The file-send side (<see cref="IFileSendFeature"/>): a response queues a file range, the send loop puts it on the
/// wire by sendfile right after the bytes written before it, and a file sendfile refuses is written by copy instead.
/// </summary>
internal sealed partial class TcpConnection
{
    private readonly FileSender _fileSender;
    private readonly Lock _sendLock = new();
    private FileSend? _pendingFile;
    /// <summary>Sendfile refused a file on this connection: its later bodies are written the ordinary way.</summary>
    private volatile bool _fileSendRefused;

    public bool CanSend => WritesStraightThrough(Transport) && !_aborted && !_appOutput.Swallowing && !_fileSendRefused;

    /// <summary>The HTTP layer writes into this connection itself, or through wrappers that forward every byte.</summary>
    private bool WritesStraightThrough(IDuplexPipe transport)
    {
        for (int depth = 0; depth < 4; depth++)
        {
            if (ReferenceEquals(transport, _ownTransport)) return true;
            if (transport is not IForwardingDuplexPipe forwarding) return false;
            transport = forwarding.Inner;
        }
        return false;
    }

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

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "sendfile failed for {File} before any byte was sent ({Error}); such bodies are copied through memory instead (slower, still correct). Logged once per process")]
    private static partial void LogFileSendRefused(ILogger logger, string file, string error);
}
