using System.Text;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;

namespace EdgeRegistry.Import.Tests.Fixtures;

/// <summary>A deterministic image (config, layers, OCI manifest) as bytes, for writing media in each tool's layout.</summary>
internal sealed record TestImage(string Repository, string Tag, byte[] Manifest, byte[] Config, IReadOnlyList<byte[]> Layers)
{
    public Digest Digest => TestContent.Sha256(Manifest);

    public IEnumerable<byte[]> Blobs => [Config, .. Layers];

    public static TestImage Create(string repository, string tag, int seed, int layerCount = 2, int layerBytes = 3000, byte[]? sharedLayer = null)
    {
        byte[] config = Encoding.UTF8.GetBytes($$"""{"architecture":"amd64","os":"linux","seed":{{seed}}}""");
        var layers = Enumerable.Range(0, layerCount).Select(i => TestContent.Bytes(layerBytes + i * 101, seed * 100 + i)).ToList();
        if (sharedLayer is not null) layers.Add(sharedLayer);
        byte[] manifest = Manifests.OciManifest(TestContent.Sha256(config), config.Length,
            layers.Select(l => (TestContent.Sha256(l), (long)l.Length)).ToArray());
        return new TestImage(repository, tag, manifest, config, layers);
    }
}
