using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Storage;

namespace EdgeRegistry.Replication.Transfer;

/// <summary>
/// The one copy loop of a peer's blob body, for background copies and client read-throughs alike: the body is
/// read ahead in large chunks (<see cref="ReadAheadReader"/>) and each chunk handed to a sink, and what happened
/// comes back as a <see cref="CopyResult"/> instead of an exception — the caller maps it to the peer's state, the
/// import and the client once.
/// </summary>
internal static class BlobCopier
{
    /// <param name="wrap">Wraps the body stream (a bandwidth cap), or null.</param>
    /// <param name="cancellationToken">Stops the copy (<see cref="CopyOutcome.Stopped"/>); None when it must go on regardless.</param>
    public static async Task<CopyResult> CopyAsync(PeerBlobResponse response, Func<Stream, Stream>? wrap, IChunkSink sink,
        CancellationToken cancellationToken)
    {
        long expected = response.Body;
        long received = 0;
        try
        {
            // The stall guard sits under any cap, so time the cap holds a read back is not mistaken for a silent peer.
            Stream stream = new StallGuardStream(await response.Message.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                PeerClient.BlobStallTimeout, "the peer");
            if (wrap is not null) stream = wrap(stream);
            await using (stream.ConfigureAwait(false))
            {
                var reader = new ReadAheadReader(stream, response.Start, expected, ReadAheadReader.DefaultDepth, cancellationToken);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.NextAsync(cancellationToken).ConfigureAwait(false) is { } chunk)
                    {
                        try
                        {
                            received += chunk.Length;
                            if (received > expected) return new CopyResult(CopyOutcome.PeerLied, $"sent more than the {response.Length} bytes it announced");
                            if (await sink.AcceptAsync(chunk, received == expected, cancellationToken).ConfigureAwait(false) is { } end) return end;
                        }
                        finally
                        {
                            chunk.Release();
                        }
                    }
                }
            }
            return received == expected ? CopyResult.Complete : new CopyResult(CopyOutcome.PeerFailed, $"sent {received} of {expected} bytes");
        }
        catch (StoreException e)
        {
            return new CopyResult(CopyOutcome.DiskFailed, e.Message);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or IOException or HttpRequestException)
        {
            // Stopped on request (a client claimed the copy): a read cut by the cancellation may surface as an I/O
            // error, which must not count against the peer — it would put a healthy peer into back-off.
            return CopyResult.Stopped;
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            return new CopyResult(CopyOutcome.PeerFailed, e.Message);
        }
    }
}
