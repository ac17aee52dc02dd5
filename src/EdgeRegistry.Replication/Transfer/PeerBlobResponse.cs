using System.Net;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Replication.Transfer;

/// <summary>
/// A peer's answer to "the blob from byte N", checked here once for every copy: a 200 with the whole blob or a
/// 206 from exactly N, with a Content-Length, agreeing with the length an earlier peer announced, and with at
/// least one byte after a prefix (the digest is checked as the last byte from the peer arrives, so a body served
/// wholly from the disk would reach a client unverified).
/// </summary>
internal sealed class PeerBlobResponse : IDisposable
{
    private PeerBlobResponse(HttpResponseMessage message, long start, long length)
    {
        Message = message;
        Start = start;
        Length = length;
    }

    public HttpResponseMessage Message { get; }

    /// <summary>Where the body starts in the blob: 0, or the N asked for.</summary>
    public long Start { get; }

    /// <summary>The blob's whole length.</summary>
    public long Length { get; }

    /// <summary>Bytes in the body.</summary>
    public long Body => Length - Start;

    /// <summary>
    /// Asks <paramref name="peer"/> for the blob from <paramref name="from"/>; <paramref name="size"/> is the length
    /// already announced (by the import's first peer), if any. Null with the reason when there is nothing to copy.
    /// </summary>
    public static async Task<(PeerBlobResponse? Response, CopyResult Failure)> OpenAsync(Peer peer, Digest digest, long from, long? size,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage? message;
        try
        {
            message = await peer.Client.OpenBlobAsync(digest, from, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (null, CopyResult.Stopped);
        }
        catch (TimeoutException hung)
        {
            return (null, new CopyResult(CopyOutcome.PeerFailed, hung.Message));
        }
        if (message is null) return (null, CopyResult.NotThere);
        if (Check(message, from, size) is { } problem)
        {
            message.Dispose();
            return (null, new CopyResult(CopyOutcome.PeerFailed, $"answered {digest} from byte {from} unusably: {problem}"));
        }
        long start = message.StatusCode == HttpStatusCode.PartialContent ? message.Content.Headers.ContentRange!.From!.Value : 0;
        return (new PeerBlobResponse(message, start, start + message.Content.Headers.ContentLength!.Value), default);
    }

    /// <summary>Null when the response can be copied, else what is wrong with it.</summary>
    internal static string? Check(HttpResponseMessage message, long from, long? size)
    {
        var headers = message.Content.Headers;
        if (headers.ContentLength is not long body || body < 0) return "no Content-Length";
        long start = 0;
        if (message.StatusCode == HttpStatusCode.PartialContent)
        {
            if (headers.ContentRange is not { From: long first } range) return "a 206 without a Content-Range";
            if (range.Length is long total && total != first + body) return $"a Content-Range of {total} bytes with {body} from {first}";
            start = first;
        }
        else if (message.StatusCode != HttpStatusCode.OK)
        {
            return $"status {(int)message.StatusCode}";
        }
        if (start != from && start != 0) return $"a body from byte {start}";
        if (start > 0 && body == 0) return "an empty body after the prefix";
        if (size is long announced && announced != start + body) return $"{start + body} bytes, where another peer announced {announced}";
        return null;
    }

    public void Dispose() => Message.Dispose();
}
