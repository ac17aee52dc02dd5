using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Import.Media;

/// <summary>
/// Tells from an entry's (normalised) name what it holds, for every layout `edgereg import` reads; the layouts'
/// names do not collide, so one classifier serves archives and trees alike:
/// <code>
/// docker/registry/v2/blobs/&lt;alg&gt;/&lt;xx&gt;/&lt;hex&gt;/data                          oc-mirror v2 (Distribution's layout): blob
/// docker/registry/v2/repositories/&lt;repo&gt;/_manifests/revisions/&lt;alg&gt;/&lt;hex&gt;/link   manifest of repo
/// docker/registry/v2/repositories/&lt;repo&gt;/_manifests/tags/&lt;tag&gt;/current/link    tag (content: digest)
/// v2/&lt;repo&gt;/blobs/sha256:&lt;hex&gt;                                             `oc` tree: blob
/// v2/&lt;repo&gt;/manifests/sha256:&lt;hex&gt;                                         `oc` tree, oc-mirror v1: manifest bytes
/// v2/&lt;repo&gt;/manifests/&lt;tag&gt;                                                symbolic link to sha256:&lt;hex&gt;: tag
/// blobs/sha256:&lt;hex&gt;                                                        oc-mirror v1: blob (flattened)
/// blobs/&lt;alg&gt;/&lt;hex&gt;, index.json                                            OCI layout / oci-archive
/// manifest.json, &lt;hex&gt;, &lt;hex&gt;.manifest.json                                   containers/image dir:
/// working-dir/cluster-resources/&lt;file&gt;, config/signature-*.json, release-signatures/&lt;file&gt;   resources
/// </code>
/// (oc-mirror: internal/pkg/archive, v1/pkg/cli/mirror; oc: pkg/cli/image/imagesource/file.go.)
/// </summary>
public static class EntryClassifier
{
    public static EntryRole Classify(string name)
    {
        var s = name.Split('/');
        if (s.Length >= 4 && s[0] == "docker" && s[1] == "registry" && s[2] == "v2") return Distribution(s.AsSpan(3));
        if (s.Length >= 4 && s[0] == "v2") return FileTree(s.AsSpan(1));
        if (s.Length == 2 && s[0] == "blobs" && Digest.TryParse(s[1], out var flat)) return new BlobRole(flat);
        if (s.Length == 3 && s[0] == "blobs" && Digest.TryParseAlgorithm(s[1], out var algorithm) && Digest.TryCreate(algorithm, s[2], out var oci))
            return new BlobRole(oci);
        if (s.Length == 1) return TopLevel(s[0]);
        if (s.Length == 3 && s[0] == "working-dir" && s[1] == "cluster-resources") return new ResourceRole(s[2]);
        if (s.Length == 2 && s[0] == "config" && s[1].StartsWith("signature-", StringComparison.Ordinal) && s[1].EndsWith(".json", StringComparison.Ordinal))
            return new ResourceRole(s[1]);
        if (s.Length == 2 && s[0] == "release-signatures") return new ResourceRole(s[1]);
        return IgnoredRole.Instance;
    }

    private static EntryRole TopLevel(string file)
    {
        if (file == "index.json") return new OciIndexRole();
        if (file == "manifest.json") return new ManifestFileRole(null, null, null, Listed: true);
        if (Digest.TryCreate(DigestAlgorithm.Sha256, file, out var blob)) return new BlobRole(blob);
        const string instanceSuffix = ".manifest.json";
        if (file.EndsWith(instanceSuffix, StringComparison.Ordinal)
            && Digest.TryCreate(DigestAlgorithm.Sha256, file[..^instanceSuffix.Length], out var instance))
        {
            return new ManifestFileRole(null, instance, null, Listed: false);
        }

        return IgnoredRole.Instance;
    }

    private static EntryRole Distribution(ReadOnlySpan<string> s)
    {
        if (s[0] == "blobs")
        {
            // blobs/<alg>/<first two hex>/<hex>/data
            if (s.Length == 5 && s[4] == "data" && Digest.TryParseAlgorithm(s[1], out var algorithm)
                && Digest.TryCreate(algorithm, s[3], out var digest) && s[2] == digest.Hex[..2])
            {
                return new BlobRole(digest);
            }

            return IgnoredRole.Instance;
        }

        if (s[0] != "repositories") return IgnoredRole.Instance;
        int marker = s.IndexOf("_manifests");
        if (marker < 2 || !RepositoryName.TryParse(string.Join('/', s[1..marker].ToArray()), out var repository)) return IgnoredRole.Instance;
        var rest = s[(marker + 1)..];
        if (rest.Length == 4 && rest[0] == "revisions" && rest[3] == "link" && Digest.TryParseAlgorithm(rest[1], out var alg)
            && Digest.TryCreate(alg, rest[2], out var revision))
        {
            return new RevisionLinkRole(repository, revision);
        }

        if (rest.Length == 4 && rest[0] == "tags" && rest[2] == "current" && rest[3] == "link" && Tag.IsValid(rest[1]))
        {
            return new TagRole(repository, rest[1]);
        }

        return IgnoredRole.Instance;
    }

    /// <summary><c>&lt;repo&gt;/blobs/&lt;digest&gt;</c> or <c>&lt;repo&gt;/manifests/&lt;digest or tag&gt;</c>, under <c>v2/</c>.</summary>
    private static EntryRole FileTree(ReadOnlySpan<string> s)
    {
        string kind = s[^2];
        string last = s[^1];
        if (kind is not ("blobs" or "manifests") || !RepositoryName.TryParse(string.Join('/', s[..^2].ToArray()), out var repository))
            return IgnoredRole.Instance;
        bool isDigest = Digest.TryParse(last, out var digest);
        if (kind == "blobs") return isDigest ? new BlobRole(digest) : IgnoredRole.Instance;
        if (isDigest) return new ManifestFileRole(repository, digest, null, Listed: true);
        return Tag.IsValid(last) ? new TagRole(repository, last) : IgnoredRole.Instance;
    }
}
