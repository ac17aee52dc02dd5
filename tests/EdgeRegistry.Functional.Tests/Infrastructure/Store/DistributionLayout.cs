namespace EdgeRegistry.Functional.Tests.Infrastructure.Store;

/// <summary>
/// Read-only view of a CNCF Distribution filesystem store (the layout both registries share), written
/// independently of edgereg's own path code so the tests check the format, not the implementation:
/// <c>docker/registry/v2/blobs/sha256/ab/abcd…/data</c> and
/// <c>docker/registry/v2/repositories/NAME/_manifests/tags/TAG/current/link</c>.
/// </summary>
internal sealed class DistributionLayout
{
    private readonly string _v2;

    public DistributionLayout(string root)
    {
        _v2 = Path.Combine(root, "docker", "registry", "v2");
    }

    public string BlobsDirectory => Path.Combine(_v2, "blobs", "sha256");

    public string RepositoriesDirectory => Path.Combine(_v2, "repositories");

    public string BlobData(string digest)
    {
        var hex = Sha256Digest.Hex(digest);
        return Path.Combine(BlobsDirectory, hex[..2], hex, "data");
    }

    /// <summary>Every committed blob: (digest its directory names, path of its data file).</summary>
    public IEnumerable<(string Digest, string DataPath)> Blobs()
    {
        if (!Directory.Exists(BlobsDirectory))
        {
            yield break;
        }

        foreach (var prefix in Directory.EnumerateDirectories(BlobsDirectory))
        {
            foreach (var blob in Directory.EnumerateDirectories(prefix))
            {
                var data = Path.Combine(blob, "data");
                if (File.Exists(data))
                {
                    yield return ("sha256:" + Path.GetFileName(blob), data);
                }
            }
        }
    }

    /// <summary>Every tag of every repository, with the digest its current/link names.</summary>
    public IEnumerable<(string Repository, string Tag, string Digest)> Tags()
    {
        if (!Directory.Exists(RepositoriesDirectory))
        {
            yield break;
        }

        foreach (var manifests in Directory.EnumerateDirectories(RepositoriesDirectory, "_manifests", SearchOption.AllDirectories))
        {
            var repository = Path.GetRelativePath(RepositoriesDirectory, Path.GetDirectoryName(manifests)!);
            var tags = Path.Combine(manifests, "tags");
            if (!Directory.Exists(tags))
            {
                continue;
            }

            foreach (var tag in Directory.EnumerateDirectories(tags))
            {
                var link = Path.Combine(tag, "current", "link");
                if (File.Exists(link))
                {
                    yield return (repository, Path.GetFileName(tag), File.ReadAllText(link).Trim());
                }
            }
        }
    }

    /// <summary>
    /// Every link file a Distribution client follows: layer links and manifest revision links (whose directory names
    /// the digest they must hold) and each tag's current link. A tag's index/ history is left out: Distribution's own
    /// collector leaves it behind too, and nothing reads it to serve content.
    /// </summary>
    public IEnumerable<(string Path, string? NamedDigest, string Content)> Links()
    {
        if (!Directory.Exists(RepositoriesDirectory))
        {
            yield break;
        }

        foreach (var link in Directory.EnumerateFiles(RepositoriesDirectory, "link", SearchOption.AllDirectories))
        {
            var parts = Path.GetRelativePath(RepositoriesDirectory, link).Split(Path.DirectorySeparatorChar);
            string? named;
            if (parts.Length >= 4 && parts[^2].Length == 64 && parts[^3] == "sha256"
                && (parts[^4] == "_layers" || (parts[^4] == "revisions" && parts.Length >= 5 && parts[^5] == "_manifests")))
            {
                named = "sha256:" + parts[^2];
            }
            else if (parts.Length >= 5 && parts[^2] == "current" && parts[^4] == "tags" && parts[^5] == "_manifests")
            {
                named = null;
            }
            else
            {
                continue;
            }

            yield return (link, named, File.ReadAllText(link).Trim());
        }
    }
}
