using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Host.Tests.Status;

/// <summary>Writes small OCI images through the real store, and tells what a census of them must find.</summary>
internal static class StoreContent
{
    /// <summary>Pushes a config blob, one layer blob and an image manifest; returns the bytes of the three blobs.</summary>
    /// <param name="layerBytes">The layer's content; a short text naming <paramref name="content"/> when null.</param>
    public static async Task<long> PushImageAsync(IRegistryStore store, string repository, string tag, string content, byte[]? layerBytes = null)
    {
        var name = RepositoryName.Parse(repository);
        var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"comment\":\"{content}\"}}");
        var layer = layerBytes ?? Encoding.UTF8.GetBytes($"layer of {content}");
        var configDigest = await PutBlobAsync(store, name, config);
        var layerDigest = await PutBlobAsync(store, name, layer);
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"{{ManifestMediaTypes.OciManifest}}",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{config.Length}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{layerDigest}}","size":{{layer.Length}}}]}
            """);
        await store.PutManifestAsync(name, tag, ManifestMediaTypes.OciManifest, manifest, CancellationToken.None);
        return config.Length + layer.Length + manifest.Length;
    }

    private static async Task<Digest> PutBlobAsync(IRegistryStore store, RepositoryName repository, byte[] content)
    {
        var digest = Digest.FromHash(DigestAlgorithm.Sha256, SHA256.HashData(content));
        await store.PutBlobAsync(repository, digest, PipeReader.Create(new MemoryStream(content)), content.Length, CancellationToken.None);
        return digest;
    }
}
