using System.Net;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Distribution.Tests.Support;
using EdgeRegistry.Storage.Manifests;

namespace EdgeRegistry.Distribution.Tests.Endpoints;

/// <summary>
/// Sparse indexes: a site mirrors only the child for its own platform of a multi-arch release and keeps the
/// release's index digest. The push is accepted when the children this node's platform needs are held.
/// </summary>
public class SparseIndexTests
{
    private static readonly string Own = ManifestPlatform.Current.Architecture;
    private static readonly string Foreign = Own == "arm64" ? "amd64" : "arm64";

    [Fact]
    public async Task Put_IndexMissingOnlyForeignChild_201AndServed()
    {
        await using var server = await RegistryServer.StartAsync();
        var (image, imageDigest) = await server.PushImageAsync("sparse", "own");
        string absent = RegistryServer.Sha256(RandomNumberGenerator.GetBytes(1024));
        byte[] index = Index((imageDigest, image.Length, Own), (absent, 1024, Foreign));

        using var put = await server.PutManifestAsync("sparse", "release", index, Manifests.OciIndexType);

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var get = await server.Client.GetAsync("/v2/sparse/manifests/release");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(index, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Put_IndexMissingOwnPlatformChild_ManifestBlobUnknown()
    {
        await using var server = await RegistryServer.StartAsync();
        var (image, imageDigest) = await server.PushImageAsync("sparse-own", "foreign");
        string absent = RegistryServer.Sha256(RandomNumberGenerator.GetBytes(1024));
        byte[] index = Index((imageDigest, image.Length, Foreign), (absent, 1024, Own));

        using var put = await server.PutManifestAsync("sparse-own", "release", index, Manifests.OciIndexType);

        await OciAssert.ErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
    }

    [Fact]
    public async Task Put_IndexWithoutOwnPlatformMissingAChild_ManifestBlobUnknown()
    {
        // No child for this node's platform: nothing says which child a client wants, so all are required.
        await using var server = await RegistryServer.StartAsync();
        var (image, imageDigest) = await server.PushImageAsync("sparse-none", "one");
        string absent = RegistryServer.Sha256(RandomNumberGenerator.GetBytes(1024));
        byte[] index = Index((imageDigest, image.Length, Foreign), (absent, 1024, "s390x"));

        using var put = await server.PutManifestAsync("sparse-none", "release", index, Manifests.OciIndexType);

        await OciAssert.ErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
    }

    [Fact]
    public async Task Put_ImageManifestMissingALayer_StillRefused()
    {
        // Not sparse-capable: containers/image takes every layer from the mirror that served the manifest.
        await using var server = await RegistryServer.StartAsync();
        string config = await server.PushBlobAsync("sparse-image", "{}"u8.ToArray());
        byte[] manifest = Manifests.OciImage(config, 2, RegistryServer.Sha256([9, 9, 9]), 3);

        using var put = await server.PutManifestAsync("sparse-image", "v1", manifest, Manifests.OciManifestType);

        await OciAssert.ErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
    }

    private static byte[] Index(params (string Digest, long Size, string Architecture)[] children)
    {
        var entries = string.Join(",", children.Select(c =>
            $"{{\"mediaType\":\"{Manifests.OciManifestType}\",\"digest\":\"{c.Digest}\",\"size\":{c.Size},\"platform\":{{\"architecture\":\"{c.Architecture}\",\"os\":\"linux\"}}}}"));
        return Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"{Manifests.OciIndexType}\",\"manifests\":[{entries}]}}");
    }
}
