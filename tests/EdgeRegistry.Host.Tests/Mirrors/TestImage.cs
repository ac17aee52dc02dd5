using System.IO.Compression;
using System.Text;

namespace EdgeRegistry.Host.Tests.Mirrors;

/// <summary>A minimal OCI image (config + one gzipped layer + manifest) pushed over the real distribution API.</summary>
internal static class TestImage
{
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>Pushes the image to <paramref name="registry"/> as <paramref name="repository"/>:<paramref name="tag"/> and returns the manifest digest.</summary>
    public static async Task<string> PushAsync(Uri registry, string repository, string tag)
    {
        using var client = new HttpClient { BaseAddress = registry, Timeout = TimeSpan.FromSeconds(30) };
        var layerText = Encoding.UTF8.GetBytes("edgereg mirror test layer\n");
        var layer = Gzip(layerText);
        var config = Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["{{{Sha256Digest.Of(layerText)}}}"]}}""");
        await OciPush.BlobAsync(client, repository, config);
        await OciPush.BlobAsync(client, repository, layer);

        var manifest = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{ManifestType}}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{Sha256Digest.Of(config)}}}","size":{{{config.Length}}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{{Sha256Digest.Of(layer)}}}","size":{{{layer.Length}}}}]}""");
        return await OciPush.ManifestAsync(client, repository, tag, ManifestType, manifest);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }
}
