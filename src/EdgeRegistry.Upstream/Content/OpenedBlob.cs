using System.Net;

namespace EdgeRegistry.Upstream.Content;

/// <summary>
/// An origin's answer to "the blob from byte N", checked once: a 200 with the whole blob or a 206 from exactly N,
/// with a Content-Length; <see cref="Body"/> is the guarded (stall-bounded, counted, capped) body stream.
/// </summary>
internal sealed class OpenedBlob(HttpResponseMessage message, long start, long length, Stream body) : IDisposable
{
    /// <summary>Where the body starts in the blob: 0, or the N asked for.</summary>
    public long Start { get; } = start;

    /// <summary>The blob's whole length.</summary>
    public long Length { get; } = length;

    public long BodyBytes => Length - Start;

    public Stream Body { get; } = body;

    /// <summary>The opened blob, or null with what is wrong with the answer.</summary>
    public static (OpenedBlob? Blob, string? Problem) From(HttpResponseMessage message, long from, Func<Stream, Stream> guard, Stream content)
    {
        var headers = message.Content.Headers;
        if (headers.ContentLength is not long body || body < 0) return (null, "no Content-Length");
        long start = 0;
        if (message.StatusCode == HttpStatusCode.PartialContent)
        {
            if (headers.ContentRange is not { From: long first } range) return (null, "a 206 without a Content-Range");
            if (range.Length is long total && total != first + body) return (null, $"a Content-Range of {total} bytes with {body} from {first}");
            start = first;
        }
        else if (message.StatusCode != HttpStatusCode.OK)
        {
            return (null, $"status {(int)message.StatusCode}");
        }
        if (start != from && start != 0) return (null, $"a body from byte {start}");
        return (new OpenedBlob(message, start, start + body, guard(content)), null);
    }

    public void Dispose()
    {
        Body.Dispose();
        message.Dispose();
    }
}
