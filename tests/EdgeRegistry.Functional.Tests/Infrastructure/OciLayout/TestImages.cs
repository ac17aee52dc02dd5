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
    public static GeneratedImage Image(string name, string architecture = "amd64", int layerCount = 3, int layerBytes = 16 * 1024, string? firstLayerOf = null) =>
        FromLayers(architecture, Enumerable.Range(0, layerCount)
            .Select(i => Layer(i == 0 && firstLayerOf is not null ? firstLayerOf : name, i, layerBytes + (i * 1024), architecture)).ToList());

    /// <summary>Layer <paramref name="index"/> of the images named <paramref name="name"/>: its gzipped tarball and diff ID.</summary>
    public static (OciBlob Layer, string DiffId) Layer(string name, int index, int layerBytes = 16 * 1024, string architecture = "amd64")
    {
        var seed = StableSeed($"{name}/{architecture}/{index}");
        var (gzipped, diffId) = LayerTarball.Create($"{name}/layer-{index}.bin", seed, layerBytes);
        return (new OciBlob(MediaTypes.GzipLayer, gzipped), diffId);
    }

    /// <summary>An image of the given layers (which other images may share), with a config naming their diff IDs.</summary>
    public static GeneratedImage FromLayers(string architecture, IReadOnlyList<(OciBlob Layer, string DiffId)> layerList)
    {
        var layers = layerList.Select(static l => l.Layer).ToList();
        var diffIds = layerList.Select(static l => l.DiffId).ToList();
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
