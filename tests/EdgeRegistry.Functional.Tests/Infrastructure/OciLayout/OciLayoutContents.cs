using System.Text.Json;

namespace EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

/// <summary>
/// What skopeo wrote into an `oci:` directory when copying an image out of a registry: the digest the
/// tag's entry in index.json names, and the digest of every blob file — each verified against its content.
/// </summary>
internal sealed record OciLayoutContents(string RootDigest, IReadOnlySet<string> BlobDigests)
{
    public static OciLayoutContents Read(string directory, string tag)
    {
        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "index.json")));
        var entry = index.RootElement.GetProperty("manifests").EnumerateArray().Single(manifest =>
            manifest.TryGetProperty("annotations", out var annotations) &&
            annotations.TryGetProperty("org.opencontainers.image.ref.name", out var name) &&
            name.GetString() == tag);

        var blobs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(directory, "blobs", "sha256")))
        {
            var named = "sha256:" + Path.GetFileName(file);
            var actual = Sha256Digest.OfFile(file);
            Assert.True(named == actual, $"{file} holds {actual}, not what its name says");
            blobs.Add(actual);
        }

        return new OciLayoutContents(entry.GetProperty("digest").GetString()!, blobs);
    }
}
