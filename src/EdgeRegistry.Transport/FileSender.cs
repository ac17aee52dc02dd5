using System.Net.Sockets;

namespace EdgeRegistry.Transport;

/// <summary>
/// Sends a file range with sendfile(2) through <see cref="Socket.SendPacketsAsync(SocketAsyncEventArgs)"/>, which on
/// Linux calls sendfile and waits on epoll when the socket buffer is full (checked with strace). The range goes in
/// pieces so a stalled client is noticed (<see cref="TransportLimits.FileSendStall"/>). One per connection, reused
/// for every send: a connection sends one file at a time.
/// </summary>
internal sealed class FileSender : IDisposable
{
    /// <summary>8 MiB: one sendfile loop per piece costs nothing next to the bytes, and bounds the stall check.</summary>
    public const int PieceBytes = 8 << 20;

    private readonly SocketAsyncEventArgs _args = new();
    private readonly TransportLimits _limits;
    private TaskCompletionSource<SocketError>? _pending;

    public FileSender(TransportLimits limits)
    {
        _limits = limits;
        _args.Completed += (_, args) => _pending!.TrySetResult(args.SocketError);
    }

    /// <summary>
    /// Sends the whole range. Throws SocketException when the connection fails, TimeoutException when the client
    /// stalled (the socket is shut down then), IOException when the file ends before the range does.
    /// </summary>
    public async Task SendAsync(Socket socket, FileStream file, long offset, long count)
    {
        long end = offset + count;
        for (long position = offset; position < end; position += PieceBytes)
        {
            int piece = (int)Math.Min(PieceBytes, end - position);
            int sent = await SendPieceAsync(socket, file, position, piece).ConfigureAwait(false);
            // sendfile stops early at end of file: the client would wait for bytes that never come.
            if (sent != piece)
                throw new IOException($"the file ended after {position - offset + sent} of {count} bytes");
        }
    }

    private async Task<int> SendPieceAsync(Socket socket, FileStream file, long position, int piece)
    {
        _args.SendPacketsElements = [new SendPacketsElement(file, position, piece)];
        var pending = _pending = new TaskCompletionSource<SocketError>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!socket.SendPacketsAsync(_args)) pending.TrySetResult(_args.SocketError);
        bool stalled = false;
        try
        {
            await pending.Task.WaitAsync(_limits.FileSendStall).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            stalled = true;
            // Ends the pending sendfile (it fails at once), so the event args are free before anyone disposes them.
            try { socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
        }
        var error = await pending.Task.ConfigureAwait(false);
        _args.SendPacketsElements = null;
        if (stalled) throw new TimeoutException($"the client took no {piece} bytes within {_limits.FileSendStall.TotalSeconds:0.#} s");
        if (error != SocketError.Success) throw new SocketException((int)error);
        return (int)_args.BytesTransferred;
    }

    public void Dispose() => _args.Dispose();
}
