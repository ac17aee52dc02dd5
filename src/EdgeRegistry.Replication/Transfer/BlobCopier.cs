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
        catch (Exception e) when (Failed(e, cancellationToken, out var failure))
        {
            return failure;
        }
    }

    /// <summary>
    /// Reads a small body whole into <paramref name="buffer"/> (at least one byte longer than the body, so a peer
    /// that sends more than it announced is caught), with no read-ahead task or chunk hand-offs: for a blob of a few
    /// KiB those cost more than the read. The bytes are not verified here; that is the store's import.
    /// </summary>
    public static async Task<CopyResult> ReadWholeAsync(PeerBlobResponse response, Func<Stream, Stream>? wrap, Memory<byte> buffer,
        CancellationToken cancellationToken)
    {
        long expected = response.Body;
        if (buffer.Length <= expected) throw new ArgumentException($"a buffer of {buffer.Length} bytes for a body of {expected}", nameof(buffer));
        int received = 0;
        try
        {
            Stream stream = new StallGuardStream(await response.Message.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                PeerClient.BlobStallTimeout, "the peer");
            if (wrap is not null) stream = wrap(stream);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while (received <= expected && (read = await stream.ReadAsync(buffer[received..], cancellationToken).ConfigureAwait(false)) > 0)
                {
                    received += read;
                }
            }
            if (received > expected) return new CopyResult(CopyOutcome.PeerLied, $"sent more than the {response.Length} bytes it announced");
            return received == expected ? CopyResult.Complete : new CopyResult(CopyOutcome.PeerFailed, $"sent {received} of {expected} bytes");
        }
        catch (Exception e) when (Failed(e, cancellationToken, out var failure))
        {
            return failure;
        }
    }

    /// <summary>What an exception of a copy means for the peer and the import; false for one that is not a copy's to map.</summary>
    private static bool Failed(Exception e, CancellationToken cancellationToken, out CopyResult failure)
    {
        failure = e switch
        {
            StoreException => new CopyResult(CopyOutcome.DiskFailed, e.Message),
            // Stopped on request (a client claimed the copy): a read cut by the cancellation may surface as an I/O
            // error, which must not count against the peer — it would put a healthy peer into back-off.
            OperationCanceledException or IOException or HttpRequestException when cancellationToken.IsCancellationRequested => CopyResult.Stopped,
            OperationCanceledException or IOException or HttpRequestException => new CopyResult(CopyOutcome.PeerFailed, e.Message),
            _ => default,
        };
        return e is StoreException or OperationCanceledException or IOException or HttpRequestException;
    }
}
