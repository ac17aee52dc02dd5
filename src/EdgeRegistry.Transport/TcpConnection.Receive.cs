using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace EdgeRegistry.Transport;

/// <summary>The receive side: socket reads into the input pipe Kestrel parses requests from.</summary>
internal sealed partial class TcpConnection
{
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
}
