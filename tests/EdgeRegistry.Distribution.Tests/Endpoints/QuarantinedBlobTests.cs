using System.Net;
using System.Text;
using EdgeRegistry.Distribution.Tests.Support;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Scrub;

namespace EdgeRegistry.Distribution.Tests.Endpoints;

/// <summary>
/// A node without peers: a manifest whose layer the store took out of service as damaged answers 404 (so
/// containers/image moves to its next mirror instead of failing on the blob), and 200 again once the blob is back.
/// </summary>
public class QuarantinedBlobTests
{
    [Fact]
    public async Task Get_LayerQuarantined_404UntilTheLayerIsPushedAgain()
    {
        await using var server = await RegistryServer.StartAsync();
        byte[] config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        byte[] layer = RegistryServer.RandomBytes(4096);
        string configDigest = await server.PushBlobAsync("team/app", config);
        string layerDigest = await server.PushBlobAsync("team/app", layer);
        byte[] manifest = Manifests.OciImage(configDigest, config.Length, layerDigest, layer.Length);
        using (var put = await server.PutManifestAsync("team/app", "v1", manifest, Manifests.OciManifestType))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using (var before = await server.Client.GetAsync("/v2/team/app/manifests/v1"))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        Assert.NotNull(server.Store.Quarantine(ParseDigest(layerDigest), DamageKind.DigestMismatch, "a flipped byte (test)"));

        using (var get = await server.Client.GetAsync("/v2/team/app/manifests/v1"))
            await OciAssert.ErrorAsync(get, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using (var byDigest = await server.Client.GetAsync($"/v2/team/app/manifests/{RegistryServer.Sha256(manifest)}"))
            await OciAssert.ErrorAsync(byDigest, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using (var head = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v2/team/app/manifests/v1")))
            Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        using (var blob = await server.Client.GetAsync($"/v2/team/app/blobs/{layerDigest}"))
            Assert.Equal(HttpStatusCode.NotFound, blob.StatusCode);

        await server.PushBlobAsync("team/app", layer);

        using var after = await server.Client.GetAsync("/v2/team/app/manifests/v1");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(manifest, await after.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_OtherImageUndamaged_StillServedWhileAnotherIsQuarantined()
    {
        await using var server = await RegistryServer.StartAsync();
        var (damaged, _) = await server.PushImageAsync("team/damaged", "v1");
        var (kept, _) = await server.PushImageAsync("team/kept", "v1");
        var layer = System.Text.Json.JsonDocument.Parse(damaged).RootElement.GetProperty("layers")[0].GetProperty("digest").GetString()!;

        Assert.NotNull(server.Store.Quarantine(ParseDigest(layer), DamageKind.SizeMismatch, "truncated (test)"));

        using (var get = await server.Client.GetAsync("/v2/team/damaged/manifests/v1"))
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        using var other = await server.Client.GetAsync("/v2/team/kept/manifests/v1");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(kept, await other.Content.ReadAsByteArrayAsync());
    }

    private static Digest ParseDigest(string text) => Digest.TryParse(text, out var digest) ? digest : throw new FormatException(text);
}
