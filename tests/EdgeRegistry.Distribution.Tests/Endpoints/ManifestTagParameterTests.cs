using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Distribution.Tests.Support;

namespace EdgeRegistry.Distribution.Tests.Endpoints;

/// <summary>distribution-spec main: a manifest push by digest may name tags with <c>?tag=</c>, answered with <c>OCI-Tag</c>.</summary>
public class ManifestTagParameterTests
{
    [Fact]
    public async Task PutByDigest_Sha512WithTags_TagsNameTheSha512Digest()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] manifest = await ImageManifestAsync(server, "t512");
        string digest = RegistryServer.Sha512(manifest);

        using var put = await server.PutManifestAsync("t512", $"{digest}?tag=v1&tag=stable&tag=v1", manifest, Manifests.OciManifestType);

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(digest, OciAssert.Header(put, "Docker-Content-Digest"));
        Assert.Equal(["v1", "stable"], put.Headers.GetValues("OCI-Tag"));
        Assert.Equal($"/v2/t512/manifests/{digest}", put.Headers.Location!.OriginalString);
        foreach (string tag in new[] { "v1", "stable" })
        {
            using var get = await server.Client.GetAsync($"/v2/t512/manifests/{tag}");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(digest, OciAssert.Header(get, "Docker-Content-Digest"));
            Assert.Equal(manifest, await get.Content.ReadAsByteArrayAsync());
        }
        using var tags = JsonDocument.Parse(await server.Client.GetStringAsync("/v2/t512/tags/list"));
        Assert.Equal(["stable", "v1"], tags.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PutByDigest_OneInvalidTag_400AndNothingStored()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] manifest = await ImageManifestAsync(server, "tbad");
        string digest = RegistryServer.Sha256(manifest);

        using var put = await server.PutManifestAsync("tbad", $"{digest}?tag=good&tag=-bad", manifest, Manifests.OciManifestType);

        await OciAssert.ErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
        using var byDigest = await server.Client.GetAsync($"/v2/tbad/manifests/{digest}");
        Assert.Equal(HttpStatusCode.NotFound, byDigest.StatusCode);
        using var byTag = await server.Client.GetAsync("/v2/tbad/manifests/good");
        Assert.Equal(HttpStatusCode.NotFound, byTag.StatusCode);
    }

    [Fact]
    public async Task PutByTag_WithTagParameter_400()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] manifest = await ImageManifestAsync(server, "tpath");

        using var put = await server.PutManifestAsync("tpath", "v1?tag=v2", manifest, Manifests.OciManifestType);

        await OciAssert.ErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
    }

    [Fact]
    public async Task PutByDigest_NoTagParameter_NoOciTagHeader()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] manifest = await ImageManifestAsync(server, "tnone");

        using var put = await server.PutManifestAsync("tnone", RegistryServer.Sha256(manifest), manifest, Manifests.OciManifestType);

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.False(put.Headers.Contains("OCI-Tag"));
    }

    private static async Task<byte[]> ImageManifestAsync(RegistryServer server, string repository)
    {
        byte[] config = Encoding.UTF8.GetBytes("{\"n\":\"" + Guid.NewGuid() + "\"}");
        byte[] layer = RandomNumberGenerator.GetBytes(64);
        string configDigest = await server.PushBlobAsync(repository, config);
        string layerDigest = await server.PushBlobAsync(repository, layer);
        return Manifests.OciImage(configDigest, config.Length, layerDigest, layer.Length);
    }
}
