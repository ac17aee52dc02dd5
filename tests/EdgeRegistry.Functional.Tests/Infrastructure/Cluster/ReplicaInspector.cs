using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Cluster;

/// <summary>
/// Checks what a node's store holds by reading its files (Distribution's layout), not by asking the server:
/// a pull could be answered by read-through, so only the disk shows whether the node is a real replica.
/// </summary>
internal static class ReplicaInspector
{
    /// <returns>Null when the store holds the whole image, verified; else the first thing missing or wrong.</returns>
    public static string? Missing(string root, ExpectedImage image)
    {
        var layout = new DistributionLayout(root);
        var repository = Path.Combine(layout.RepositoriesDirectory, image.Repository);
        foreach (var digest in image.ManifestDigests.Concat(image.BlobDigests))
        {
            if (VerifiedBlob(layout, digest) is { } problem)
            {
                return problem;
            }
        }

        foreach (var manifest in image.ManifestDigests)
        {
            var link = Path.Combine(repository, "_manifests", "revisions", "sha256", Sha256Digest.Hex(manifest), "link");
            if (ReadLink(link) != manifest)
            {
                return $"{link} does not name {manifest}";
            }
        }

        foreach (var blob in image.BlobDigests)
        {
            var link = Path.Combine(repository, "_layers", "sha256", Sha256Digest.Hex(blob), "link");
            if (ReadLink(link) != blob)
            {
                return $"{link} does not name {blob}";
            }
        }

        return TagIs(root, image.Repository, image.Tag, image.RootDigest);
    }

    /// <returns>Null when the tag's current link names <paramref name="digest"/> (or, for null, when the tag is absent).</returns>
    public static string? TagIs(string root, string repository, string tag, string? digest)
    {
        var link = Path.Combine(new DistributionLayout(root).RepositoriesDirectory, repository, "_manifests", "tags", tag, "current", "link");
        var actual = ReadLink(link);
        return actual == digest ? null : $"{repository}:{tag} in {root} is {actual ?? "absent"}, expected {digest ?? "absent"}";
    }

    public static string? TagDigest(string root, string repository, string tag) =>
        ReadLink(Path.Combine(new DistributionLayout(root).RepositoriesDirectory, repository, "_manifests", "tags", tag, "current", "link"));

    private static string? VerifiedBlob(DistributionLayout layout, string digest)
    {
        var data = layout.BlobData(digest);
        if (!File.Exists(data))
        {
            return $"{data} is missing";
        }

        var actual = Sha256Digest.OfFile(data);
        return actual == digest ? null : $"{data} holds {actual}, not {digest}";
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
