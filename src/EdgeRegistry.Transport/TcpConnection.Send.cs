using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Transport;

/// <summary>
/// The send side: drains the output pipe onto the socket, handing any queued file range to
/// TcpConnection.FileSend.cs at its place in the byte stream.
/// </summary>
internal sealed partial class TcpConnection
{
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

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: sending failed: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string connectionId, string reason);
}
