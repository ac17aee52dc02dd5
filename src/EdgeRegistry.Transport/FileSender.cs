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
    /// <summary>
    /// 1 MiB: a 1 MiB blob still goes in one call, and the stall check (one piece per
    /// <see cref="TransportLimits.FileSendStall"/>) only cuts clients slower than about 9 KB/s for two minutes —
    /// a pull over a poor site uplink is slow, not stalled, and must go on.
    /// </summary>
    public const int PieceBytes = 1 << 20;

    private readonly SocketAsyncEventArgs _args = new();
    private readonly TransportLimits _limits;
    private readonly FileSendFault? _fault;
    private TaskCompletionSource<SocketError>? _pending;

    /// <summary>What sendfile answered the last time it refused a file (for the log line).</summary>
    public SocketError LastRefusal { get; private set; }

    public FileSender(TransportLimits limits, FileSendFault? fault)
    {
        _limits = limits;
        _fault = fault;
        _args.Completed += (_, args) => _pending!.TrySetResult(args.SocketError);
    }

    /// <summary>
    /// Sends the whole range; false when sendfile refused the file before any byte went out (a file system without
    /// it), so the caller can write the body itself. Throws SocketException when the connection fails,
    /// TimeoutException when the client stalled (the socket is shut down then), IOException when the file ends
    /// before the range does.
    /// </summary>
    public async Task<bool> SendAsync(Socket socket, FileSend send)
    {
        long end = send.Offset + send.Count;
        for (long position = send.Offset; position < end; position += PieceBytes)
        {
            int piece = (int)Math.Min(PieceBytes, end - position);
            var (error, sent) = await SendPieceAsync(socket, send.File, position, piece).ConfigureAwait(false);
            if (error != SocketError.Success)
            {
                if (position == send.Offset && sent == 0 && IsRefusal(error))
                {
                    LastRefusal = error;
                    return false;
                }
                throw new SocketException((int)error);
            }
            // sendfile stops early at end of file: the client would wait for bytes that never come.
            if (sent != piece)
                throw new IOException($"the file ended after {position - send.Offset + sent} of {send.Count} bytes");
            send.Accept();
        }
        return true;
    }

    /// <summary>
    /// Errors that say "not this file" rather than "not this connection": sendfile's EINVAL/EOPNOTSUPP for a file
    /// system that cannot splice, or a <see cref="FileSendFault"/> the tests inject in their place.
    /// </summary>
    private static bool IsRefusal(SocketError error) =>
        error is SocketError.InvalidArgument or SocketError.OperationNotSupported or SocketError.SocketError;

    private async Task<(SocketError Error, int Sent)> SendPieceAsync(Socket socket, FileStream file, long position, int piece)
    {
        if (_fault?.Invoke(position) is { } fault and not SocketError.Success) return (fault, 0);
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
        return (error, (int)_args.BytesTransferred);
    }

    public void Dispose() => _args.Dispose();
}
