using System.IO.Pipelines;
using EdgeRegistry.Content;
using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Upstream.Content;

/// <summary>
/// A blob streamed to a client from an origin while the client drives its flight. Disposed unsent (the API did not
/// need the body after all), it hands the flight to the background, so the digest never has a flight nobody drives.
/// </summary>
internal sealed class UpstreamBlobBody(UplinkTransfer transfer, RepositoryName repository, BlobFlight flight, IBlobOrigin origin,
    OpenedBlob blob, IReadOnlyList<IBlobOrigin> origins, Action<long> served) : BlobBody(flight.Digest, blob.Length)
{
    private int _sent;

    public override Task<BlobSendResult> SendAsync(PipeWriter destination, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _sent, 1) != 0) throw new InvalidOperationException($"the body of {Digest} was sent already");
        return SendGuardedAsync(destination, cancellationToken);
    }

    private async Task<BlobSendResult> SendGuardedAsync(PipeWriter destination, CancellationToken cancellationToken)
    {
        try
        {
            return await transfer.StreamAsync(repository, flight, origin, blob, origins, served, destination, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            flight.Finish(false); // a second call changes nothing the transfer decided
            throw;
        }
    }

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _sent, 1) == 0)
        {
            blob.Dispose();
            _ = Task.Run(() => transfer.DriveAsync(flight, repository, origins));
        }
        return ValueTask.CompletedTask;
    }
}
