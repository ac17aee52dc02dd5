using System.Text.Json;

namespace EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

/// <summary>
/// Deterministic test images: the same name always yields the same bytes and digests, and different names
/// never share a blob (each layer's content is seeded by name, architecture and position).
/// </summary>
internal static class TestImages
{
    /// <param name="firstLayerOf">
    /// Another image's name whose first layer this image shares, byte for byte (same architecture and layer size): a
    /// base layer two releases have in common, which a differential archive leaves out the second time.
    /// </param>
    public static GeneratedImage Image(string name, string architecture = "amd64", int layerCount = 3, int layerBytes = 16 * 1024, string? firstLayerOf = null)
    {
        var layers = new List<OciBlob>();
        var diffIds = new List<string>();
        for (var i = 0; i < layerCount; i++)
        {
            var owner = i == 0 && firstLayerOf is not null ? firstLayerOf : name;
            var seed = StableSeed($"{owner}/{architecture}/{i}");
            var (gzipped, diffId) = LayerTarball.Create($"{owner}/layer-{i}.bin", seed, layerBytes + (i * 1024));
            layers.Add(new OciBlob(MediaTypes.GzipLayer, gzipped));
            diffIds.Add(diffId);
        }

        var config = new OciBlob(MediaTypes.ImageConfig, Json(writer =>
        {
            writer.WriteString("architecture", architecture);
            writer.WriteString("os", "linux");
            writer.WriteStartObject("config");
            writer.WriteStartArray("Cmd");
            writer.WriteStringValue("/bin/true");
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteStartObject("rootfs");
            writer.WriteString("type", "layers");
            writer.WriteStartArray("diff_ids");
            diffIds.ForEach(writer.WriteStringValue);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }));

        var manifest = new OciBlob(MediaTypes.ImageManifest, Json(writer =>
        {
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", MediaTypes.ImageManifest);
            writer.WritePropertyName("config");
            WriteDescriptor(writer, config);
            writer.WriteStartArray("layers");
            layers.ForEach(layer => WriteDescriptor(writer, layer));
            writer.WriteEndArray();
        }));

        return new GeneratedImage(architecture, manifest, config, layers);
    }

    /// <summary>A two-platform index (linux/amd64 and linux/arm64).</summary>
    public static GeneratedIndex Index(string name, int layerCount = 2)
    {
        GeneratedImage[] images = [Image(name, "amd64", layerCount), Image(name, "arm64", layerCount)];
        var index = new OciBlob(MediaTypes.ImageIndex, Json(writer =>
        {
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", MediaTypes.ImageIndex);
            writer.WriteStartArray("manifests");
            foreach (var image in images)
            {
                WriteDescriptor(writer, image.Manifest, platform: image.Architecture);
            }

            writer.WriteEndArray();
        }));
        return new GeneratedIndex(index, images);
    }

    private static void WriteDescriptor(Utf8JsonWriter writer, OciBlob blob, string? platform = null)
    {
        writer.WriteStartObject();
        writer.WriteString("mediaType", blob.MediaType);
        writer.WriteString("digest", blob.Digest);
        writer.WriteNumber("size", blob.Size);
        if (platform is not null)
        {
            writer.WriteStartObject("platform");
            writer.WriteString("architecture", platform);
            writer.WriteString("os", "linux");
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static byte[] Json(Action<Utf8JsonWriter> writeProperties)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>string.GetHashCode is randomized per process; this seed is stable across runs.</summary>
    private static int StableSeed(string text)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        return BitConverter.ToInt32(hash, 0);
    }
}
