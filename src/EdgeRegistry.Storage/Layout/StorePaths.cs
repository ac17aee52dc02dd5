using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Layout;

/// <summary>
/// The whole on-disk layout, drawn once; every path the store, replication and `edgereg status` touch is built
/// here. The v2 tree is CNCF Distribution's filesystem driver layout, so a registry:2 store can be served as it is
/// and Distribution can serve what we write:
/// <code>
/// &lt;root&gt;/
///   docker/registry/v2/
///     blobs/&lt;alg&gt;/&lt;hex[0:2]&gt;/&lt;hex&gt;/data                  committed blob bytes (content-addressed, shared)
///     repositories/&lt;name&gt;/                              a name may nest (library/alpine); "_" children are internals
///       _layers/&lt;alg&gt;/&lt;hex&gt;/link                          "alg:hex": the blob belongs to this repository
///       _manifests/revisions/&lt;alg&gt;/&lt;hex&gt;/link              the manifest belongs to this repository
///       _manifests/tags/&lt;tag&gt;/current/link                  the digest the tag points at now
///       _manifests/tags/&lt;tag&gt;/index/&lt;alg&gt;/&lt;hex&gt;/link        every digest the tag has pointed at
///       _uploads/&lt;uuid&gt;/data, startedat                    an upload in progress
///       _referrers/&lt;alg&gt;/&lt;subject hex&gt;/&lt;alg&gt;/&lt;hex&gt;/link   ours: manifests whose subject is the digest
///   .edgereg/
///     tmp/                                                   ours: temporary files, renamed into place; cleared at start-up
///     versions/tags/&lt;name&gt;/&lt;tag&gt;                           ours: "&lt;version&gt; &lt;node&gt; &lt;digest&gt;" or "&lt;version&gt; &lt;node&gt; -" (deleted)
///     versions/manifests/&lt;name&gt;/&lt;alg&gt;/&lt;hex&gt;               ours: "&lt;version&gt; &lt;node&gt; +" or "&lt;version&gt; &lt;node&gt; -" (deleted)
///     versions/blobs/&lt;name&gt;/&lt;alg&gt;/&lt;hex&gt;                   ours: the same, for a blob's link into a repository
///     pulls                                                  ours: "&lt;digest&gt; &lt;unix ms&gt;" per line: when a manifest was last pulled on any node
///     agent.lock                                             ours: held (flock) by the serving agent
///     scrub                                                  ours: the scrub's cursor (where the pass is, when the last one ended)
///     quarantine/&lt;alg&gt;-&lt;hex&gt;-&lt;time&gt;/data                  ours: damaged blobs the scrub moved aside, never served
/// </code>
/// Distribution ignores "_referrers" (it skips unknown "_" directories) and everything under ".edgereg".
/// Repository names and digests reaching this class are already validated, so no segment can be ".." or empty.
/// Walkers that discover directories (enumeration, the status census) name the files inside them with
/// <see cref="DataFile"/>, <see cref="LinkFile"/> and the segment constants instead of spelling them out.
/// </summary>
public sealed class StorePaths
{
    /// <summary>The file holding a blob's or an upload's bytes.</summary>
    public const string DataName = "data";

    /// <summary>A Distribution link file: "alg:hex".</summary>
    public const string LinkName = "link";

    /// <summary>A repository directory is one that holds this child, or <see cref="LayersName"/> (see RepositoryCatalog).</summary>
    public const string ManifestsName = "_manifests";

    /// <summary>A repository's directory of layer links (one per blob it holds).</summary>
    public const string LayersName = "_layers";

    /// <summary>Under <see cref="ManifestsName"/>: one directory per manifest revision.</summary>
    public const string RevisionsName = "revisions";

    /// <summary>The directory name that holds a repository's uploads (searched for by the stale-upload purge).</summary>
    public const string UploadsName = "_uploads";

    public StorePaths(string root)
    {
        Root = root;
        V2 = Path.Combine(root, "docker", "registry", "v2");
        Blobs = Path.Combine(V2, "blobs");
        Repositories = Path.Combine(V2, "repositories");
        string own = Path.Combine(root, ".edgereg");
        Temp = Path.Combine(own, "tmp");
        TagVersions = Path.Combine(own, "versions", "tags");
        ManifestVersions = Path.Combine(own, "versions", "manifests");
        BlobVersions = Path.Combine(own, "versions", "blobs");
        Pulls = Path.Combine(own, "pulls");
        AgentLock = Path.Combine(own, "agent.lock");
        ScrubCursor = Path.Combine(own, "scrub");
        Quarantine = Path.Combine(own, "quarantine");
    }

    public string Root { get; }
    public string V2 { get; }
    public string Blobs { get; }
    public string Repositories { get; }
    public string Temp { get; }
    public string TagVersions { get; }
    public string ManifestVersions { get; }
    public string BlobVersions { get; }

    /// <summary>The file of last-pull times (see <see cref="Collection.PullRecords"/>).</summary>
    public string Pulls { get; }

    /// <summary>Locked (flock) by the serving agent for its lifetime, so an offline `edgereg gc` never runs beside it.</summary>
    public string AgentLock { get; }

    /// <summary>The scrub's durable cursor (see <see cref="Scrub.ScrubCursor"/>).</summary>
    public string ScrubCursor { get; }

    /// <summary>Where damaged blobs are moved aside: out of every lookup, kept for the operator to inspect.</summary>
    public string Quarantine { get; }

    /// <summary>The layout's path below the root ("docker/registry/v2"), for messages about a root that lacks it.</summary>
    public static string V2Relative { get; } = Path.Combine("docker", "registry", "v2");

    public static string DataFile(string directory) => Path.Combine(directory, DataName);

    public static string LinkFile(string directory) => Path.Combine(directory, LinkName);

    public string BlobAlgorithmDirectory(string algorithmName) => Path.Combine(Blobs, algorithmName);

    public string BlobDirectory(Digest digest) =>
        Path.Combine(Blobs, digest.AlgorithmName, digest.Hex[..2], digest.Hex);

    public string BlobData(Digest digest) => DataFile(BlobDirectory(digest));

    public string Repository(RepositoryName name) => Path.Combine(Repositories, name.Value);

    public string LayerLink(RepositoryName name, Digest digest) =>
        LinkFile(Path.Combine(Repository(name), LayersName, digest.AlgorithmName, digest.Hex));

    public string ManifestsDirectory(RepositoryName name) => Path.Combine(Repository(name), ManifestsName);

    /// <summary>The revisions directory inside a repository's <see cref="ManifestsName"/> directory.</summary>
    public static string RevisionsIn(string manifestsDirectory) => Path.Combine(manifestsDirectory, RevisionsName);

    public string RevisionsDirectory(RepositoryName name, string algorithmName) =>
        Path.Combine(RevisionsIn(ManifestsDirectory(name)), algorithmName);

    public string RevisionLink(RepositoryName name, Digest digest) =>
        LinkFile(Path.Combine(RevisionsDirectory(name, digest.AlgorithmName), digest.Hex));

    public string TagsDirectory(RepositoryName name) => Path.Combine(ManifestsDirectory(name), "tags");

    public string TagDirectory(RepositoryName name, string tag) => Path.Combine(TagsDirectory(name), tag);

    public string TagCurrentLink(RepositoryName name, string tag) => LinkFile(Path.Combine(TagDirectory(name, tag), "current"));

    public string TagIndexLink(RepositoryName name, string tag, Digest digest) =>
        LinkFile(Path.Combine(TagDirectory(name, tag), "index", digest.AlgorithmName, digest.Hex));

    public string UploadsDirectory(RepositoryName name) => Path.Combine(Repository(name), UploadsName);

    public string UploadDirectory(RepositoryName name, string uploadId) => Path.Combine(UploadsDirectory(name), uploadId);

    public string UploadData(RepositoryName name, string uploadId) => DataFile(UploadDirectory(name, uploadId));

    public string UploadStartedAt(RepositoryName name, string uploadId) => Path.Combine(UploadDirectory(name, uploadId), "startedat");

    public string ReferrersDirectory(RepositoryName name, Digest subject) =>
        Path.Combine(Repository(name), "_referrers", subject.AlgorithmName, subject.Hex);

    public string ReferrerLink(RepositoryName name, Digest subject, Digest referrer) =>
        LinkFile(Path.Combine(ReferrersDirectory(name, subject), referrer.AlgorithmName, referrer.Hex));

    public string TagVersion(RepositoryName name, string tag) => Path.Combine(TagVersions, name.Value, tag);

    public string ManifestVersion(RepositoryName name, Digest digest) =>
        Path.Combine(ManifestVersions, name.Value, digest.AlgorithmName, digest.Hex);

    public string BlobVersion(RepositoryName name, Digest digest) =>
        Path.Combine(BlobVersions, name.Value, digest.AlgorithmName, digest.Hex);

    /// <summary>A repository's layer links directory for one algorithm (walked by the garbage collector).</summary>
    public string LayersDirectory(RepositoryName name, string algorithmName) =>
        Path.Combine(Repository(name), LayersName, algorithmName);

    /// <summary>
    /// A fresh, unique temporary file path on the store's file system (so renames out of it are atomic). Named by
    /// <see cref="TempNames"/>: no syscall per name, where a Guid drew kernel randomness for each one.
    /// </summary>
    public string NewTempFile() => Path.Combine(Temp, TempNames.Next());
}
