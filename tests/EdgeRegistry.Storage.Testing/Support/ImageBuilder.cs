using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Testing.Support;

/// <summary>Pushes a complete image (config, layers, manifest) the way a client does: blobs first, then the manifest.</summary>
public static class ImageBuilder
{
    public sealed record PushedImage(Digest Digest, byte[] Manifest, Digest Config, Digest[] Layers);

    public static async Task<PushedImage> PushOciAsync(StoreFixture fixture, string repository, string reference, int seed,
        int layerCount = 2)
    {
        var (config, configBytes, layers) = await PushBlobsAsync(fixture, repository, seed, layerCount);
        byte[] manifest = Manifests.OciManifest(config, configBytes.Length, layers);
        var result = await fixture.Store.PutManifestAsync(RepositoryName.Parse(repository), reference, ManifestMediaTypes.OciManifest,
            manifest, CancellationToken.None);
        return new PushedImage(result.Digest, manifest, config, layers.Select(l => l.Digest).ToArray());
    }

    /// <summary>Stores a config and layers; returns their digests without pushing a manifest.</summary>
    public static async Task<(Digest Config, byte[] ConfigBytes, (Digest Digest, long Size)[] Layers)> PushBlobsAsync(
        StoreFixture fixture, string repository, int seed, int layerCount)
    {
        byte[] configBytes = System.Text.Encoding.UTF8.GetBytes($$"""{"architecture":"amd64","os":"linux","seed":{{seed}}}""");
        var config = (await fixture.PutBlobAsync(repository, configBytes)).Digest;
        var layers = new (Digest, long)[layerCount];
        for (int i = 0; i < layerCount; i++)
        {
            byte[] layer = TestContent.Bytes(1000 + i * 37, seed * 100 + i);
            layers[i] = ((await fixture.PutBlobAsync(repository, layer)).Digest, layer.Length);
        }
        return (config, configBytes, layers);
    }
}
