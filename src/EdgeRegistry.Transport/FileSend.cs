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

    public void Fail(Exception reason) => _done.TrySetException(reason as IOException ?? new IOException(reason.Message, reason));
}
