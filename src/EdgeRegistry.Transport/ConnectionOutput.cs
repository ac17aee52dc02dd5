using System.IO.Pipelines;

namespace EdgeRegistry.Transport;

/// <summary>
/// The writer Kestrel writes responses into: the connection's send pipe, plus two things the pipe lacks — it
/// counts every byte passed on (so a file send can be placed exactly after them), and it can swallow a number of
/// bytes (the placeholder body of a file send: Kestrel must see them written, the wire gets the file instead).
/// Swallowed bytes land in one shared scratch buffer: nothing ever reads it, so writers may share it.
/// </summary>
internal sealed class ConnectionOutput(PipeWriter inner) : PipeWriter
{
    private const int ScratchSize = 1 << 20;

    /// <summary>Never written by anyone who reads it, so never initialised: its pages stay untouched (no RSS).</summary>
    private static byte[]? s_scratch;

    private long _swallowRemaining;

    /// <summary>Bytes passed on to the send pipe so far (their end is where a file send goes).</summary>
    public long Written { get; private set; }

    /// <summary>True while placeholder bytes of a file send are still expected.</summary>
    public bool Swallowing => _swallowRemaining > 0;

    /// <summary>Starts swallowing the next <paramref name="count"/> bytes; returns where they would have started.</summary>
    public long BeginSwallow(long count)
    {
        if (_swallowRemaining > 0) throw new InvalidOperationException("A file send is already in progress on this connection.");
        _swallowRemaining = count;
        return Written;
    }

    /// <summary>Stops swallowing before any placeholder byte arrived (the file send was refused).</summary>
    public void CancelSwallow() => _swallowRemaining = 0;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        if (_swallowRemaining == 0) return inner.GetMemory(sizeHint);
        return sizeHint <= ScratchSize ? s_scratch ??= GC.AllocateUninitializedArray<byte>(ScratchSize) : new byte[sizeHint];
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void Advance(int bytes)
    {
        if (_swallowRemaining == 0)
        {
            inner.Advance(bytes);
            Written += bytes;
            return;
        }
        // Kestrel never lets a body exceed its Content-Length, so more bytes than announced is a caller's bug.
        if (bytes > _swallowRemaining) throw new InvalidOperationException("More bytes were written than the file send covers.");
        _swallowRemaining -= bytes;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        if (_swallowRemaining == 0)
        {
            Written += source.Length;
            return inner.WriteAsync(source, cancellationToken);
        }
        Advance(source.Length);
        return FlushAsync(cancellationToken);
    }

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes;
}
