using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;

namespace EdgeRegistry.Storage.Testing.FaultInjection;

/// <summary>
/// The production appender with the plan's write faults in front of it: a write that runs out of byte budget
/// hands the admitted prefix to the real appender and waits until it is in the file before failing, so the
/// file holds exactly what a disk that filled up mid-write would hold.
/// </summary>
public sealed class FaultInjectingAppender : IFileAppender
{
    private readonly FaultPlan _plan;

    public FaultInjectingAppender(IFileAppender inner, FaultPlan plan)
    {
        Inner = inner;
        _plan = plan;
    }

    public IFileAppender Inner { get; }

    public string Path => Inner.Path;

    public long Length => Inner.Length;

    public ContentHasher? Hasher
    {
        get => Inner.Hasher;
        set => Inner.Hasher = value;
    }

    public Memory<byte> Buffer => Inner.Buffer;

    public async ValueTask WriteAsync(int count, CancellationToken cancellationToken)
    {
        int admitted = _plan.AdmitWrite(Path, count, out var error);
        if (admitted > 0) await Inner.WriteAsync(admitted, cancellationToken).ConfigureAwait(false);
        if (error is null) return;
        await Inner.CompleteWritesAsync().ConfigureAwait(false);
        throw error;
    }

    public ValueTask CompleteWritesAsync() => Inner.CompleteWritesAsync();

    public ValueTask TruncateAsync(long length) => Inner.TruncateAsync(length);

    public ValueTask DisposeAsync() => Inner.DisposeAsync();
}
