using System.IO.Pipelines;

namespace EdgeRegistry.Distribution.Rejections;

/// <summary>
/// The connection's output, passed through byte for byte, except that a rejection head Kestrel commits while no
/// request is in the application is replaced by <see cref="KestrelRejection"/>'s answer. Only then is anything
/// inspected, so response bodies (an application's, written while a request is active) are never looked at.
/// </summary>
internal sealed class RejectionBodyWriter(PipeWriter inner, RequestActivity activity) : PipeWriter
{
    private Memory<byte> _lent;

    public override Memory<byte> GetMemory(int sizeHint = 0) => _lent = inner.GetMemory(Hint(sizeHint));

    public override Span<byte> GetSpan(int sizeHint = 0) => (_lent = inner.GetMemory(Hint(sizeHint))).Span;

    public override void Advance(int bytes)
    {
        if (activity.IsIdle && bytes <= KestrelRejection.MaxHeadLength && bytes <= _lent.Length
            && KestrelRejection.TryRewrite(_lent.Span[..bytes], out byte[] response))
        {
            // The head was never committed: asking again hands out the same place, and the answer goes there instead.
            response.CopyTo(inner.GetSpan(response.Length));
            inner.Advance(response.Length);
            _lent = default;
            return;
        }
        _lent = default;
        inner.Advance(bytes);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes;

    /// <summary>
    /// Between requests, ask for room for a whole rejection head so Kestrel writes it with one Advance (it fills
    /// what it is lent, and a head split over two would pass unrecognised). While a request runs: what was asked.
    /// </summary>
    private int Hint(int sizeHint) => activity.IsIdle ? Math.Max(sizeHint, KestrelRejection.MaxHeadLength) : sizeHint;
}
