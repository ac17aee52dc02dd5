using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using EdgeRegistry.Functional.Tests.Podman;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Conformance;

/// <summary>
/// The distribution-spec gaps issue 16 measured, on the wire against the published binary: tags named by
/// <c>?tag=</c> on a push by digest (sha512 content included), sparse indexes, and requests Kestrel rejects itself.
/// </summary>
public sealed class WireConformanceTests(ITestOutputHelper output)
{
    [Theory(Timeout = TestTimeouts.TestMs)]
    [InlineData("GET /v2/a\0b/tags/list HTTP/1.1\r\nHost: x\r\n\r\n", 400, "UNSUPPORTED")]
    [InlineData("GET /v2/ HTTP/1.1 trailing\r\nHost: x\r\n\r\n", 400, "UNSUPPORTED")]
    [InlineData("GET /v2/ HTTP/1.1\r\nHost: x\r\nNo-Colon-Here\r\n\r\n", 400, "UNSUPPORTED")]
    [InlineData("GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n", 431, "UNSUPPORTED")]
    [InlineData("GET /v2/{big} HTTP/1.1\r\nHost: x\r\n\r\n", 414, "NAME_INVALID")]
    [InlineData("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\nGET /v2/\0 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "UNSUPPORTED")]
    public async Task KestrelRejection_MalformedRequest_OciErrorBody(string request, int status, string code)
    {
        using var temp = new TempDirectory("rejections");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root")), output);

        string response = await SendRawAsync(server.Port, request.Replace("{big}", new string('a', 70_000), StringComparison.Ordinal));

        // The last response on the connection is the rejection (a pipelined valid request before it is answered first).
        int start = response.LastIndexOf("HTTP/1.1 ", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no response: {response}");
        string last = response[start..];
        Assert.StartsWith($"HTTP/1.1 {status} ", last, StringComparison.Ordinal);
        string[] parts = last.Split("\r\n\r\n", 2);
        Assert.Contains("Content-Type: application/json", parts[0], StringComparison.Ordinal);
        Assert.Contains("Docker-Distribution-API-Version: registry/2.0", parts[0], StringComparison.Ordinal);
        using var body = JsonDocument.Parse(parts[1]);
        var error = body.RootElement.GetProperty("errors")[0];
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(Encoding.UTF8.GetByteCount(parts[1]), int.Parse(parts[0].Split("Content-Length: ")[1].Split("\r\n")[0]));

        // The registry still serves normally afterwards.
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TestTimeouts.HttpRequest };
        Assert.Equal("{}", await http.GetStringAsync("/v2/"));
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task PutByDigest_Sha512ManifestWithTagParameters_TagsServeTheSha512Digest()
    {
        using var temp = new TempDirectory("tag-parameters");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root")), output);
        using var registry = new RegistryHttp(server.BaseAddress);
        var image = TestImages.Image("tag-parameters", layerCount: 1);
        foreach (var blob in image.ReferencedBlobs) await registry.PushBlobChunkedAsync("conf/sha512", blob.Content, 64 * 1024);
        string digest = "sha512:" + Convert.ToHexStringLower(SHA512.HashData(image.Manifest.Content));

        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TestTimeouts.HttpRequest };
        var content = new ByteArrayContent(image.Manifest.Content);
        content.Headers.ContentType = new MediaTypeHeaderValue(image.Manifest.MediaType);
        using var put = await http.PutAsync($"/v2/conf/sha512/manifests/{digest}?tag=release&tag=4.18.1", content);

        await RegistryHttp.ExpectAsync(put, HttpStatusCode.Created, "PUT by sha512 digest with ?tag=");
        Assert.Equal(digest, put.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(["release", "4.18.1"], put.Headers.GetValues("OCI-Tag"));
        foreach (string tag in new[] { "release", "4.18.1" })
        {
            using var get = await registry.GetManifestAsync("conf/sha512", tag);
            await RegistryHttp.ExpectAsync(get, HttpStatusCode.OK, $"GET tag {tag}");
            Assert.Equal(digest, get.Headers.GetValues("Docker-Content-Digest").Single());
            Assert.Equal(image.Manifest.Content, await get.Content.ReadAsByteArrayAsync());
        }
    }

    [PodmanFact(Timeout = TestTimeouts.TestMs)]
    public async Task SparseIndex_OnlyOwnPlatformChildMirrored_IndexDigestPullsWithPodman()
    {
        // A site that mirrors only the amd64 child of a multi-arch release: the IDMS names the index digest.
        using var temp = new TempDirectory("sparse-index");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root")), output);
        using var registry = new RegistryHttp(server.BaseAddress);
        var index = TestImages.Index("sparse-index");
        // The child for this machine's platform (the test index lists amd64 and arm64).
        string own = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "amd64";
        var ownImage = index.Images.Single(i => i.Architecture == own);
        foreach (var blob in ownImage.ReferencedBlobs) await registry.PushBlobChunkedAsync("ocp/release", blob.Content, 64 * 1024);
        await registry.PutManifestAsync("ocp/release", ownImage.Manifest.Digest, ownImage.Manifest);

        await registry.PutManifestAsync("ocp/release", index.Index.Digest, index.Index);

        using var get = await registry.GetManifestAsync("ocp/release", index.Index.Digest);
        await RegistryHttp.ExpectAsync(get, HttpStatusCode.OK, "GET sparse index by digest");
        var podman = new Infrastructure.Clients.Podman(temp.Sub("podman"));
        (await podman.PullAsync($"{server.Host}/ocp/release@{index.Index.Digest}")).EnsureSuccess();
    }

    private static async Task<string> SendRawAsync(int port, string request)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TestTimeouts.HttpRequest);
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
        using var received = new MemoryStream();
        // Kestrel closes the connection after a rejection: read to the end.
        await stream.CopyToAsync(received, timeout.Token);
        return Encoding.Latin1.GetString(received.ToArray());
    }
}
