using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
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
            $$$"""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["{{{Digest(layerText)}}}"]}}""");
        await PushBlobAsync(client, repository, config);
        await PushBlobAsync(client, repository, layer);

        var manifest = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{ManifestType}}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{Digest(config)}}}","size":{{{config.Length}}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{{Digest(layer)}}}","size":{{{layer.Length}}}}]}""");
        using var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(ManifestType);
        using var response = await client.PutAsync($"/v2/{repository}/manifests/{tag}", content);
        Assert.True(response.IsSuccessStatusCode, $"manifest push answered {(int)response.StatusCode}");
        return Digest(manifest);
    }

    private static async Task PushBlobAsync(HttpClient client, string repository, byte[] blob)
    {
        using var content = new ByteArrayContent(blob);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.PostAsync($"/v2/{repository}/blobs/uploads/?digest={Digest(blob)}", content);
        Assert.True(response.IsSuccessStatusCode, $"blob push answered {(int)response.StatusCode}");
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

    private static string Digest(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));
}
