using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Distribution.Tests.Support;

namespace EdgeRegistry.Distribution.Tests.Endpoints;

public class UploadEndpointTests
{
    private static async Task<string> StartAsync(RegistryServer server, string repository)
    {
        using var response = await server.Client.PostAsync($"/v2/{repository}/blobs/uploads/", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("0-0", OciAssert.Header(response, "Range"));
        string location = response.Headers.Location!.OriginalString;
        Assert.StartsWith($"/v2/{repository}/blobs/uploads/", location);
        Assert.Equal(location.Split('/')[^1], OciAssert.Header(response, "Docker-Upload-UUID"));
        return location;
    }

    private static HttpRequestMessage Chunk(HttpMethod method, string url, byte[] content, int start, int length, bool withRange = true)
    {
        var request = new HttpRequestMessage(method, url) { Content = RegistryServer.Octets(content.AsSpan(start, length).ToArray()) };
        if (withRange) request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + length - 1}");
        return request;
    }

    private static string WithDigest(string location, string digest) =>
        location + (location.Contains('?') ? "&" : "?") + "digest=" + digest;

    [Fact]
    public async Task PostPut_WholeBodyInPut_201AndReadable()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(5000);
        string digest = RegistryServer.Sha256(content);
        string location = await StartAsync(server, "p/q");
        using var put = await server.Client.PutAsync(WithDigest(location, digest), RegistryServer.Octets(content));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal($"/v2/p/q/blobs/{digest}", put.Headers.Location!.OriginalString);
        Assert.Equal(digest, OciAssert.Header(put, "Docker-Content-Digest"));
        Assert.Equal(content, await server.Client.GetByteArrayAsync(put.Headers.Location));
    }

    [Fact]
    public async Task Patch_ChunksInOrderThenEmptyPut_201()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(3000);
        string digest = RegistryServer.Sha256(content);
        string location = await StartAsync(server, "chunky");
        for (int start = 0; start < content.Length; start += 1000)
        {
            using var patch = await server.Client.SendAsync(Chunk(HttpMethod.Patch, location, content, start, 1000));
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
            Assert.Equal($"0-{start + 999}", OciAssert.Header(patch, "Range"));
            location = patch.Headers.Location!.OriginalString;
        }
        using var status = await server.Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
        Assert.Equal("0-2999", OciAssert.Header(status, "Range"));
        using var put = await server.Client.PutAsync(WithDigest(location, digest), RegistryServer.Octets([]));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(content, await server.Client.GetByteArrayAsync($"/v2/chunky/blobs/{digest}"));
    }

    [Fact]
    public async Task Put_FinalChunkWithContentRange_201()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(2000);
        string digest = RegistryServer.Sha256(content);
        string location = await StartAsync(server, "fin");
        using var patch = await server.Client.SendAsync(Chunk(HttpMethod.Patch, location, content, 0, 1200));
        Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        using var put = await server.Client.SendAsync(Chunk(HttpMethod.Put, WithDigest(patch.Headers.Location!.OriginalString, digest), content, 1200, 800));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task Patch_StreamedWithoutContentRange_202AndCompletes()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(4096);
        string digest = RegistryServer.Sha256(content);
        string location = await StartAsync(server, "stream");
        using var patch = await server.Client.SendAsync(Chunk(HttpMethod.Patch, location, content, 0, content.Length, withRange: false));
        Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        Assert.Equal("0-4095", OciAssert.Header(patch, "Range"));
        using var put = await server.Client.PutAsync(WithDigest(patch.Headers.Location!.OriginalString, digest), RegistryServer.Octets([]));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task Patch_OutOfOrderChunk_416WithCurrentRangeAndNothingAppended()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(3000);
        string digest = RegistryServer.Sha256(content);
        string location = await StartAsync(server, "ooo");
        using var first = await server.Client.SendAsync(Chunk(HttpMethod.Patch, location, content, 0, 1000));
        location = first.Headers.Location!.OriginalString;

        using var skip = await server.Client.SendAsync(Chunk(HttpMethod.Patch, location, content, 2000, 1000));
        await OciAssert.ErrorAsync(skip, HttpStatusCode.RequestedRangeNotSatisfiable, "BLOB_UPLOAD_INVALID");
        Assert.Equal("0-999", OciAssert.Header(skip, "Range"));
        Assert.Equal(location, skip.Headers.Location!.OriginalString);

        using var back = await server.Client.SendAsync(Chunk(HttpMethod.Patch, location, content, 0, 1000));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, back.StatusCode);

        using var outOfOrderPut = await server.Client.SendAsync(Chunk(HttpMethod.Put, WithDigest(location, digest), content, 2000, 1000));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, outOfOrderPut.StatusCode);

        using var status = await server.Client.GetAsync(location);
        Assert.Equal("0-999", OciAssert.Header(status, "Range"));
        // Recover and finish: the upload is intact.
        using var second = await server.Client.SendAsync(Chunk(HttpMethod.Patch, location, content, 1000, 1000));
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        using var put = await server.Client.SendAsync(Chunk(HttpMethod.Put, WithDigest(location, digest), content, 2000, 1000));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task Patch_ContentRangeDisagreesWithLength_400BlobUploadInvalid()
    {
        await using var server = await RegistryServer.StartAsync();
        string location = await StartAsync(server, "len");
        var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = RegistryServer.Octets(new byte[10]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Range", "0-19");
        using var response = await server.Client.SendAsync(request);
        await OciAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");
        using var status = await server.Client.GetAsync(location);
        Assert.Equal("0-0", OciAssert.Header(status, "Range"));
    }

    [Fact]
    public async Task Patch_MalformedContentRange_416()
    {
        await using var server = await RegistryServer.StartAsync();
        string location = await StartAsync(server, "malformed");
        var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = RegistryServer.Octets(new byte[10]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Range", "ten-twenty");
        using var response = await server.Client.SendAsync(request);
        await OciAssert.ErrorAsync(response, HttpStatusCode.RequestedRangeNotSatisfiable, "BLOB_UPLOAD_INVALID");
    }

    [Theory]
    [InlineData("PATCH")]
    [InlineData("PUT")]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task Session_UnknownUploadId_404BlobUploadUnknown(string method)
    {
        await using var server = await RegistryServer.StartAsync();
        foreach (string id in new[] { Guid.NewGuid().ToString(), "not..an..id", "x%2Fy" })
        {
            var request = new HttpRequestMessage(new HttpMethod(method),
                $"/v2/repo/blobs/uploads/{id}?digest={RegistryServer.Sha256([])}");
            if (method is "PATCH" or "PUT") request.Content = RegistryServer.Octets([1]);
            using var response = await server.Client.SendAsync(request);
            await OciAssert.ErrorAsync(response, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        }
        Assert.Empty(server.StoredFiles());
    }

    [Fact]
    public async Task Session_UploadOfOtherRepository_404BlobUploadUnknown()
    {
        await using var server = await RegistryServer.StartAsync();
        string location = await StartAsync(server, "mine");
        using var response = await server.Client.GetAsync(location.Replace("/v2/mine/", "/v2/theirs/"));
        await OciAssert.ErrorAsync(response, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Fact]
    public async Task Put_WrongDigest_400DigestInvalidAndNothingStored()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(100);
        string location = await StartAsync(server, "bad");
        var before = server.StoredFiles();
        using var put = await server.Client.PutAsync(WithDigest(location, RegistryServer.Sha256([9, 9, 9])), RegistryServer.Octets(content));
        await OciAssert.ErrorAsync(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        Assert.Equal(before, server.StoredFiles());
        Assert.Null(server.Store.StatBlob(Storage.Naming.RepositoryName.Parse("bad"), ParseDigest(RegistryServer.Sha256(content))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?digest=sha256:short")]
    [InlineData("?digest=sha384:0000")]
    public async Task Put_MissingOrMalformedDigest_400DigestInvalid(string query)
    {
        await using var server = await RegistryServer.StartAsync();
        string location = await StartAsync(server, "nodigest");
        using var put = await server.Client.PutAsync(location + query, RegistryServer.Octets([1, 2, 3]));
        await OciAssert.ErrorAsync(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        Assert.Empty(server.StoredFiles());
    }

    [Fact]
    public async Task PostMonolithic_Sha512_201()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(777);
        string digest = RegistryServer.Sha512(content);
        using var post = await server.Client.PostAsync($"/v2/sha/blobs/uploads/?digest={digest}", RegistryServer.Octets(content));
        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        Assert.Equal(digest, OciAssert.Header(post, "Docker-Content-Digest"));
        Assert.Equal(content, await server.Client.GetByteArrayAsync($"/v2/sha/blobs/{digest}"));
    }

    [Fact]
    public async Task PostMonolithic_WrongDigest_400DigestInvalidAndNothingStored()
    {
        await using var server = await RegistryServer.StartAsync();
        using var post = await server.Client.PostAsync($"/v2/mono/blobs/uploads/?digest={RegistryServer.Sha256([1])}",
            RegistryServer.Octets(RegistryServer.RandomBytes(50)));
        await OciAssert.ErrorAsync(post, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        Assert.Empty(server.StoredFiles());
    }

    /// <summary>Chunks of several MiB resumed at offsets off the 4 KiB grid: the direct-I/O path's head, body and tail.</summary>
    [Fact]
    public async Task Patch_MultiMiBChunksAtUnalignedOffsets_201AndByteIdentical()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(7 * 1024 * 1024 + 4321);
        string digest = RegistryServer.Sha256(content);
        string location = await StartAsync(server, "big/chunks");
        int[] ends = [1001, 3 * 1024 * 1024 + 17, 6 * 1024 * 1024];
        int start = 0;
        foreach (int end in ends)
        {
            using var patch = await server.Client.SendAsync(Chunk(HttpMethod.Patch, location, content, start, end - start));
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
            Assert.Equal($"0-{end - 1}", OciAssert.Header(patch, "Range"));
            location = patch.Headers.Location!.OriginalString;
            start = end;
        }
        using var put = await server.Client.SendAsync(Chunk(HttpMethod.Put, WithDigest(location, digest), content, start, content.Length - start));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(content, await server.Client.GetByteArrayAsync($"/v2/big/chunks/blobs/{digest}"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5 * 1024 * 1024 + 1)]
    public async Task PostMonolithic_EmptyOneByteAndMultiMiB_201AndByteIdentical(int size)
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(size);
        string digest = RegistryServer.Sha256(content);
        using var post = await server.Client.PostAsync($"/v2/mono/blobs/uploads/?digest={digest}", RegistryServer.Octets(content));
        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        Assert.Equal(content, await server.Client.GetByteArrayAsync($"/v2/mono/blobs/{digest}"));
    }

    [Fact]
    public async Task PostMonolithic_WrongDigestOnAMultiMiBBody_400DigestInvalidAndNothingStored()
    {
        await using var server = await RegistryServer.StartAsync();
        using var post = await server.Client.PostAsync($"/v2/mono/blobs/uploads/?digest={RegistryServer.Sha256([1])}",
            RegistryServer.Octets(RegistryServer.RandomBytes(3 * 1024 * 1024 + 5)));
        await OciAssert.ErrorAsync(post, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        Assert.Empty(server.StoredFiles());
    }

    [Fact]
    public async Task Put_Sha512ChunkedUpload_201()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(2500);
        string digest = RegistryServer.Sha512(content);
        string location = await StartAsync(server, "sha5");
        using var patch = await server.Client.SendAsync(Chunk(HttpMethod.Patch, location, content, 0, 2500));
        using var put = await server.Client.PutAsync(WithDigest(patch.Headers.Location!.OriginalString, digest), RegistryServer.Octets([]));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task Delete_Upload_204ThenUnknown()
    {
        await using var server = await RegistryServer.StartAsync();
        string location = await StartAsync(server, "cancel");
        using var delete = await server.Client.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var status = await server.Client.GetAsync(location);
        await OciAssert.ErrorAsync(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Fact]
    public async Task PostMount_BlobInSource_201Linked()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(100);
        string digest = await server.PushBlobAsync("source", content);
        using var mount = await server.Client.PostAsync($"/v2/target/blobs/uploads/?mount={digest}&from=source", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Created, mount.StatusCode);
        Assert.Equal($"/v2/target/blobs/{digest}", mount.Headers.Location!.OriginalString);
        Assert.Equal(digest, OciAssert.Header(mount, "Docker-Content-Digest"));
        Assert.Equal(content, await server.Client.GetByteArrayAsync($"/v2/target/blobs/{digest}"));
    }

    [Fact]
    public async Task PostMount_NoFromAndBlobStoredElsewhere_201Linked()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] content = RegistryServer.RandomBytes(64);
        string digest = await server.PushBlobAsync("source", content);
        using var mount = await server.Client.PostAsync($"/v2/target/blobs/uploads/?mount={digest}", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Created, mount.StatusCode);
        Assert.Equal(content, await server.Client.GetByteArrayAsync($"/v2/target/blobs/{digest}"));
    }

    [Theory]
    [InlineData("&from=elsewhere")]
    [InlineData("")]
    [InlineData("&from=Bad..Name")]
    public async Task PostMount_BlobNotMountable_202NewUpload(string from)
    {
        await using var server = await RegistryServer.StartAsync();
        string digest = RegistryServer.Sha256([4, 5, 6]);
        using var mount = await server.Client.PostAsync($"/v2/target/blobs/uploads/?mount={digest}{from}", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Accepted, mount.StatusCode);
        Assert.StartsWith("/v2/target/blobs/uploads/", mount.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task PostMount_MalformedDigest_400DigestInvalid()
    {
        await using var server = await RegistryServer.StartAsync();
        using var mount = await server.Client.PostAsync("/v2/target/blobs/uploads/?mount=sha256:nope&from=source", new ByteArrayContent([]));
        await OciAssert.ErrorAsync(mount, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    private static Storage.Digests.Digest ParseDigest(string text) =>
        Storage.Digests.Digest.TryParse(text, out var digest) ? digest : throw new FormatException(text);
}
