using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Replication.Transfer;

namespace EdgeRegistry.Replication.Tests.Transfer;

/// <summary>The one check of a peer's answer to "the blob from byte N", shared by background copies and client tees.</summary>
public sealed class PeerBlobResponseTests
{
    [Theory]
    [InlineData(200, null, 1000, 0, null)] // the whole blob
    [InlineData(200, null, 1000, 400, null)] // a peer that ignored the Range: the whole blob again
    [InlineData(206, 400, 600, 400, 1000L)] // exactly the rest
    [InlineData(200, null, 0, 0, 0L)] // an empty blob
    public void Check_UsableAnswer_Null(int status, int? rangeFrom, long body, long from, long? size) =>
        Assert.Null(PeerBlobResponse.Check(Response(status, rangeFrom, body, total: rangeFrom is null ? null : rangeFrom + body), from, size));

    [Theory]
    [InlineData(206, 300, 700, 400, null, "a body from byte 300")] // neither the start nor where we are
    [InlineData(206, 400, 0, 400, null, "an empty body after the prefix")] // the rest would reach a client unverified
    [InlineData(200, null, 999, 0, 1000L, "999 bytes, where another peer announced 1000")]
    [InlineData(206, null, 600, 400, null, "a 206 without a Content-Range")]
    [InlineData(203, null, 600, 0, null, "status 203")]
    public void Check_UnusableAnswer_SaysWhy(int status, int? rangeFrom, long body, long from, long? size, string problem) =>
        Assert.Equal(problem, PeerBlobResponse.Check(Response(status, rangeFrom, body, total: rangeFrom is null ? null : rangeFrom + body), from, size));

    [Fact]
    public void Check_ContentRangeTotalDisagreesWithTheBody_Unusable() =>
        Assert.Equal("a Content-Range of 2000 bytes with 600 from 400", PeerBlobResponse.Check(Response(206, 400, 600, total: 2000), 400, null));

    [Fact]
    public void Check_NoContentLength_Unusable()
    {
        // A body of unknown length (not seekable), as a chunked response has.
        using var body = new System.IO.Compression.DeflateStream(new MemoryStream(), System.IO.Compression.CompressionMode.Decompress);
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
        Assert.Equal("no Content-Length", PeerBlobResponse.Check(response, 0, null));
    }

    private static HttpResponseMessage Response(int status, int? rangeFrom, long body, long? total)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent(new byte[body]) };
        response.Content.Headers.ContentLength = body;
        if (rangeFrom is int first)
        {
            response.Content.Headers.ContentRange = total is long length
                ? new ContentRangeHeaderValue(first, Math.Max(first, first + body - 1), length)
                : new ContentRangeHeaderValue(first, Math.Max(first, first + body - 1));
        }
        return response;
    }
}
