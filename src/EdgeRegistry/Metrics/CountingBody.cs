using System.IO.Pipelines;
using EdgeRegistry.Content;

namespace EdgeRegistry.Metrics;

/// <summary>A streamed blob body counted by how its sending ended: served with its bytes when complete, failed otherwise.</summary>
internal sealed class CountingBody(BlobBody inner, ReadThroughCounters counters) : BlobBody(inner.Digest, inner.Length)
{
    private int _counted;

    public override async Task<BlobSendResult> SendAsync(PipeWriter destination, CancellationToken cancellationToken)
    {
        BlobSendResult result;
        try
        {
            result = await inner.SendAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Count(ReadThroughOutcome.Failed);
            throw;
        }
        if (result == BlobSendResult.Complete)
        {
            Count(ReadThroughOutcome.Served);
            counters.AddBytes(Length);
        }
        else
        {
            Count(ReadThroughOutcome.Failed);
        }
        return result;
    }

    public override ValueTask DisposeAsync()
    {
        // Never sent (the API did not need the body): the source still made the blob available.
        Count(ReadThroughOutcome.Served);
        return inner.DisposeAsync();
    }

    private void Count(ReadThroughOutcome outcome)
    {
        if (Interlocked.Exchange(ref _counted, 1) == 0) counters.Count(ReadThroughKind.Blob, outcome);
    }
}
