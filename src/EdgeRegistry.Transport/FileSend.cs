using Microsoft.AspNetCore.Connections;

namespace EdgeRegistry.Transport;

/// <summary>A file range queued on a connection: sent by the send loop once it has sent everything before <see cref="Position"/>.</summary>
internal sealed class FileSend(long position, FileStream file, long offset, long count)
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many bytes of the send pipe precede the file on the wire.</summary>
    public long Position { get; } = position;

    public FileStream File { get; } = file;

    public long Offset { get; } = offset;

    public long Count { get; } = count;

    public Task Completion => _done.Task;

    public void Succeed() => _done.TrySetResult();

    /// <summary>
    /// Fails the send. An IOException (the file ended early: a damaged store) is passed on as it is; anything else
    /// means the connection went (client gone, aborted by Kestrel) and becomes a ConnectionResetException, which
    /// the API treats as a client that left rather than a server fault.
    /// </summary>
    public void Fail(Exception reason) =>
        _done.TrySetException(reason as IOException ?? new ConnectionResetException($"The connection ended during a file send: {reason.Message}", reason));
}
