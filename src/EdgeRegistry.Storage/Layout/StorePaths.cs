using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Layout;

/// <summary>
/// The whole on-disk layout, drawn once; every path the store touches is built here. It is CNCF
/// Distribution's filesystem driver layout, so a registry:2 store can be served as it is and Distribution
/// can serve what we write:
/// <code>
/// &lt;root&gt;/
///   docker/registry/v2/
///     blobs/&lt;alg&gt;/&lt;hex[0:2]&gt;/&lt;hex&gt;/data                  committed blob bytes (content-addressed, shared)
///     repositories/&lt;name&gt;/
///       _layers/&lt;alg&gt;/&lt;hex&gt;/link                          "alg:hex": the blob belongs to this repository
///       _manifests/revisions/&lt;alg&gt;/&lt;hex&gt;/link              the manifest belongs to this repository
///       _manifests/tags/&lt;tag&gt;/current/link                  the digest the tag points at now
///       _manifests/tags/&lt;tag&gt;/index/&lt;alg&gt;/&lt;hex&gt;/link        every digest the tag has pointed at
///       _uploads/&lt;uuid&gt;/data, startedat                    an upload in progress
///       _referrers/&lt;alg&gt;/&lt;subject hex&gt;/&lt;alg&gt;/&lt;hex&gt;/link   ours: manifests whose subject is the digest
///   .edgereg/tmp/                                            ours: temporary files, renamed into place
/// </code>
/// Distribution ignores "_referrers" (it skips unknown "_" directories) and everything under ".edgereg".
/// Repository names and digests reaching this class are already validated, so no segment can be ".." or empty.
/// </summary>
internal sealed class StorePaths
{
    public StorePaths(string root)
    {
        Root = root;
        V2 = Path.Combine(root, "docker", "registry", "v2");
        Blobs = Path.Combine(V2, "blobs");
        Repositories = Path.Combine(V2, "repositories");
        Temp = Path.Combine(root, ".edgereg", "tmp");
    }

    public string Root { get; }
    public string V2 { get; }
    public string Blobs { get; }
    public string Repositories { get; }
    public string Temp { get; }

    public string BlobDirectory(Digest digest) =>
        Path.Combine(Blobs, digest.AlgorithmName, digest.Hex[..2], digest.Hex);

    public string BlobData(Digest digest) => Path.Combine(BlobDirectory(digest), "data");

    public string Repository(RepositoryName name) => Path.Combine(Repositories, name.Value);

    public string LayerLink(RepositoryName name, Digest digest) =>
        Path.Combine(Repository(name), "_layers", digest.AlgorithmName, digest.Hex, "link");

    public string ManifestsDirectory(RepositoryName name) => Path.Combine(Repository(name), "_manifests");

    public string RevisionLink(RepositoryName name, Digest digest) =>
        Path.Combine(ManifestsDirectory(name), "revisions", digest.AlgorithmName, digest.Hex, "link");

    public string TagsDirectory(RepositoryName name) => Path.Combine(ManifestsDirectory(name), "tags");

    public string TagDirectory(RepositoryName name, string tag) => Path.Combine(TagsDirectory(name), tag);

    public string TagCurrentLink(RepositoryName name, string tag) => Path.Combine(TagDirectory(name, tag), "current", "link");

    public string TagIndexLink(RepositoryName name, string tag, Digest digest) =>
        Path.Combine(TagDirectory(name, tag), "index", digest.AlgorithmName, digest.Hex, "link");

    public string UploadsDirectory(RepositoryName name) => Path.Combine(Repository(name), "_uploads");

    public string UploadDirectory(RepositoryName name, string uploadId) => Path.Combine(UploadsDirectory(name), uploadId);

    public string UploadData(RepositoryName name, string uploadId) => Path.Combine(UploadDirectory(name, uploadId), "data");

    public string UploadStartedAt(RepositoryName name, string uploadId) => Path.Combine(UploadDirectory(name, uploadId), "startedat");

    public string ReferrersDirectory(RepositoryName name, Digest subject) =>
        Path.Combine(Repository(name), "_referrers", subject.AlgorithmName, subject.Hex);

    public string ReferrerLink(RepositoryName name, Digest subject, Digest referrer) =>
        Path.Combine(ReferrersDirectory(name, subject), referrer.AlgorithmName, referrer.Hex, "link");

    /// <summary>A fresh, unique temporary file path on the store's file system (so renames out of it are atomic).</summary>
    public string NewTempFile() => Path.Combine(Temp, Guid.NewGuid().ToString("N"));
}
