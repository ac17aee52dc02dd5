using Microsoft.AspNetCore.Connections;

namespace EdgeRegistry.Transport;

/// <summary>
/// A file range queued on a connection (see <see cref="IFileSendFeature"/>): the send loop sends it once it has sent
/// everything written before it. <see cref="Accepted"/> says whether the kernel took the first piece — false when
/// sendfile was refused before any byte went out, and the caller then writes the body itself;
/// <see cref="Completion"/> ends when the whole range is sent (or failed).
/// </summary>
public sealed class FileSend
{
    private readonly TaskCompletionSource<bool> _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal FileSend(long position, FileStream file, long offset, long count)
    {
        Position = position;
        File = file;
        Offset = offset;
        Count = count;
    }

    /// <summary>True once sendfile took the first piece: write the placeholder body, then await <see cref="Completion"/>.</summary>
    public Task<bool> Accepted => _accepted.Task;

    public Task Completion => _done.Task;

    /// <summary>How many bytes of the send pipe precede the file on the wire.</summary>
    internal long Position { get; }

    internal FileStream File { get; }

    internal long Offset { get; }

    internal long Count { get; }

    internal void Accept() => _accepted.TrySetResult(true);

    /// <summary>Sendfile refused the file before any byte went out: the connection carries on without it.</summary>
    internal void Refuse()
    {
        _accepted.TrySetResult(false);
        _done.TrySetResult();
    }

    internal void Succeed()
    {
        _accepted.TrySetResult(true);
        _done.TrySetResult();
    }

    /// <summary>
    /// Fails the send. An IOException (the file ended early: a damaged store) is passed on as it is; anything else
    /// means the connection went (client gone, aborted by Kestrel) and becomes a ConnectionResetException, which
    /// the API treats as a client that left rather than a server fault.
    /// </summary>
    internal void Fail(Exception reason)
    {
        var failure = reason as IOException ?? new ConnectionResetException($"The connection ended during a file send: {reason.Message}", reason);
        _done.TrySetException(failure);
        // Accepted fails too: a caller still waiting on it must not go on to write a body.
        _accepted.TrySetException(failure);
    }
}
