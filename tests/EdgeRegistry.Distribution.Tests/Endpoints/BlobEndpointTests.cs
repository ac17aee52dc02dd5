using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Distribution.Tests.Support;

namespace EdgeRegistry.Distribution.Tests.Endpoints;

public class BlobEndpointTests
{
    [Fact]
    public async Task Ping_Get_200EmptyObjectWithApiVersion()
    {
        await using var server = await RegistryServer.StartAsync();
        using var response = await server.Client.GetAsync("/v2/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
        Assert.Equal("registry/2.0", OciAssert.Header(response, "Docker-Distribution-API-Version"));
    }

    [Fact]
    public async Task Head_PushedBlob_LengthAndDigestWithoutBody()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(1234);
        string digest = await server.PushBlobAsync("lib/app", content);
        using var response = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/lib/app/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1234, response.Content.Headers.ContentLength);
        Assert.Equal(digest, OciAssert.Header(response, "Docker-Content-Digest"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_LargeBlob_StreamsExactBytes()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(3 * 1024 * 1024 + 17); // spans several 1 MiB reads
        string digest = await server.PushBlobAsync("big", content);
        using var response = await server.Client.GetAsync($"/v2/big/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(digest, OciAssert.Header(response, "Docker-Content-Digest"));
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Get_EmptyBlob_ZeroLength()
    {
        await using var server = await RegistryServer.StartAsync();
        string digest = await server.PushBlobAsync("empty", []);
        using var response = await server.Client.GetAsync($"/v2/empty/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, response.Content.Headers.ContentLength);
    }

    [Theory]
    [InlineData("bytes=500-1499", 500, 1000, "bytes 500-1499/2048")]
    [InlineData("bytes=500-", 500, 1548, "bytes 500-2047/2048")]
    [InlineData("bytes=-500", 1548, 500, "bytes 1548-2047/2048")]
    [InlineData("bytes=2000-5000", 2000, 48, "bytes 2000-2047/2048")]
    public async Task Get_SingleRange_206WithContentRange(string range, int start, int length, string contentRange)
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(2048);
        string digest = await server.PushBlobAsync("r", content);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/r/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(contentRange, response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(length, response.Content.Headers.ContentLength);
        Assert.Equal(content.AsSpan(start, length).ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("bytes=500-0")]
    [InlineData("bytes=5000-10000")]
    public async Task Get_UnsatisfiableRange_416WithTotalLength(string range)
    {
        await using var server = await RegistryServer.StartAsync();
        string digest = await server.PushBlobAsync("r", RegistryServer.RandomBytes(2048));
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/r/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await server.Client.SendAsync(request);
        await OciAssert.ErrorAsync(response, HttpStatusCode.RequestedRangeNotSatisfiable, "SIZE_INVALID");
        Assert.Equal("bytes */2048", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Get_MultipleRanges_WholeBlob200()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(2048);
        string digest = await server.PushBlobAsync("r", content);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/r/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Range", "bytes=0-1,5-9");
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_UnknownBlob_404BlobUnknown()
    {
        await using var server = await RegistryServer.StartAsync();
        string digest = RegistryServer.Sha256([1, 2, 3]);
        using var get = await server.Client.GetAsync($"/v2/nothing/blobs/{digest}");
        await OciAssert.ErrorAsync(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        using var head = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/nothing/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Fact]
    public async Task Get_BlobOfOtherRepository_404BlobUnknown()
    {
        await using var server = await RegistryServer.StartAsync();
        string digest = await server.PushBlobAsync("one", RegistryServer.RandomBytes(10));
        using var response = await server.Client.GetAsync($"/v2/two/blobs/{digest}");
        await OciAssert.ErrorAsync(response, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Theory]
    [InlineData("sha256:abc")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    public async Task Get_MalformedDigest_400DigestInvalid(string digest)
    {
        await using var server = await RegistryServer.StartAsync();
        using var response = await server.Client.GetAsync($"/v2/x/blobs/{digest}");
        await OciAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task Delete_LinkedBlob_202ThenGone()
    {
        await using var server = await RegistryServer.StartAsync();
        string digest = await server.PushBlobAsync("del", RegistryServer.RandomBytes(10));
        using var delete = await server.Client.DeleteAsync($"/v2/del/blobs/{digest}");
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        using var head = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/del/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        using var again = await server.Client.DeleteAsync($"/v2/del/blobs/{digest}");
        await OciAssert.ErrorAsync(again, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task Request_UnknownEndpoint_404()
    {
        await using var server = await RegistryServer.StartAsync();
        using var response = await server.Client.GetAsync("/v2/x/unknown-thing");
        await OciAssert.ErrorAsync(response, HttpStatusCode.NotFound, "UNSUPPORTED");
    }

    [Fact]
    public async Task Request_WrongMethod_405Unsupported()
    {
        await using var server = await RegistryServer.StartAsync();
        using var response = await server.Client.PostAsync("/v2/x/tags/list", new ByteArrayContent([]));
        await OciAssert.ErrorAsync(response, HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
    }

    [Fact]
    public async Task Request_OutsideV2_PassesToNextMiddleware()
    {
        await using var server = await RegistryServer.StartAsync();
        using var response = await server.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("Docker-Distribution-API-Version"));
    }
}
