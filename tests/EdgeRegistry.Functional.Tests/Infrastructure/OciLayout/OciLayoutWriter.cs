using System.Text.Json;

namespace EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

/// <summary>
/// Writes generated images into an OCI image layout directory (oci-layout, index.json, blobs/sha256/…),
/// the source skopeo copies from with `oci:DIR:TAG`.
/// </summary>
internal static class OciLayoutWriter
{
    public static void Write(string directory, string tag, GeneratedImage image) =>
        Write(directory, tag, image.Manifest, image.AllObjects);

    public static void Write(string directory, string tag, GeneratedIndex index) =>
        Write(directory, tag, index.Index, index.AllObjects);

    private static void Write(string directory, string tag, OciBlob root, IEnumerable<OciBlob> objects)
    {
        var blobs = Directory.CreateDirectory(Path.Combine(directory, "blobs", "sha256")).FullName;
        foreach (var blob in objects)
        {
            File.WriteAllBytes(Path.Combine(blobs, Sha256Digest.Hex(blob.Digest)), blob.Content);
        }

        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        using var index = File.Create(Path.Combine(directory, "index.json"));
        using var writer = new Utf8JsonWriter(index);
        writer.WriteStartObject();
        writer.WriteNumber("schemaVersion", 2);
        writer.WriteStartArray("manifests");
        writer.WriteStartObject();
        writer.WriteString("mediaType", root.MediaType);
        writer.WriteString("digest", root.Digest);
        writer.WriteNumber("size", root.Size);
        writer.WriteStartObject("annotations");
        writer.WriteString("org.opencontainers.image.ref.name", tag);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
