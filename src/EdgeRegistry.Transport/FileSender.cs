using System.Net.Sockets;

namespace EdgeRegistry.Transport;

/// <summary>
/// Sends a file range with sendfile(2) through <see cref="Socket.SendPacketsAsync(SocketAsyncEventArgs)"/>, which on
/// Linux calls sendfile and waits on epoll when the socket buffer is full (checked with strace). One per connection,
/// reused for every send: a connection sends one file at a time.
/// </summary>
internal sealed class FileSender : IDisposable
{
    /// <summary>A send-packets element counts in int; ranges above this are split.</summary>
    private const int MaxElement = 1 << 30;

    private readonly SocketAsyncEventArgs _args = new();
    private TaskCompletionSource<SocketError>? _pending;

    public FileSender()
    {
        _args.Completed += (_, args) => _pending!.TrySetResult(args.SocketError);
    }

    /// <summary>Sends the whole range; throws when the socket fails or the file ends before the range does.</summary>
    public async Task SendAsync(Socket socket, FileStream file, long offset, long count)
    {
        var elements = new SendPacketsElement[(int)((count + MaxElement - 1) / MaxElement)];
        for (int i = 0; i < elements.Length; i++)
        {
            long start = offset + (long)i * MaxElement;
            elements[i] = new SendPacketsElement(file, start, (int)Math.Min(MaxElement, offset + count - start));
        }
        _args.SendPacketsElements = elements;
        var pending = _pending = new TaskCompletionSource<SocketError>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!socket.SendPacketsAsync(_args)) pending.TrySetResult(_args.SocketError);
        var error = await pending.Task.ConfigureAwait(false);
        _args.SendPacketsElements = null;
        if (error != SocketError.Success) throw new SocketException((int)error);
        // sendfile stops early at end of file: the client would wait for bytes that never come.
        if (_args.BytesTransferred != count)
            throw new IOException($"the file ended after {_args.BytesTransferred} of {count} bytes");
    }

    public void Dispose() => _args.Dispose();
}
