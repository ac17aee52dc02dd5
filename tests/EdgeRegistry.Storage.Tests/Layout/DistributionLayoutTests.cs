using System.Text;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Layout;

/// <summary>The on-disk layout is CNCF Distribution's, byte for byte, in both directions.</summary>
public sealed class DistributionLayoutTests : IDisposable
{
    private const string RepoName = "library/layout";
    private static readonly RepositoryName Repo = RepositoryName.Parse(RepoName);
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private string V2(params string[] parts) => Path.Combine([_f.V2, .. parts]);

    [Fact]
    public async Task Push_Image_WritesDistributionPathsAndLinkContents()
    {
        var image = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 1);
        string repository = V2("repositories", "library", "layout");

        foreach (var digest in image.Layers.Append(image.Config).Append(image.Digest))
        {
            Assert.True(File.Exists(V2("blobs", "sha256", digest.Hex[..2], digest.Hex, "data")), $"blob data of {digest}");
        }
        foreach (var digest in image.Layers.Append(image.Config))
        {
            Assert.Equal("sha256:" + digest.Hex, File.ReadAllText(Path.Combine(repository, "_layers", "sha256", digest.Hex, "link")));
        }
        string hex = image.Digest.Hex;
        Assert.Equal("sha256:" + hex, File.ReadAllText(Path.Combine(repository, "_manifests", "revisions", "sha256", hex, "link")));
        Assert.Equal("sha256:" + hex, File.ReadAllText(Path.Combine(repository, "_manifests", "tags", "v1", "current", "link")));
        Assert.Equal("sha256:" + hex, File.ReadAllText(Path.Combine(repository, "_manifests", "tags", "v1", "index", "sha256", hex, "link")));
        Assert.Equal(image.Manifest, File.ReadAllBytes(V2("blobs", "sha256", hex[..2], hex, "data")));
    }

    [Fact]
    public async Task Push_Sha512Blob_StoredUnderItsAlgorithmDirectory()
    {
        byte[] content = TestContent.Bytes(1_000, 2);
        var digest = (await _f.PutBlobAsync(RepoName, content, DigestAlgorithm.Sha512)).Digest;

        Assert.Equal(content, File.ReadAllBytes(V2("blobs", "sha512", digest.Hex[..2], digest.Hex, "data")));
        Assert.Equal(digest.ToString(), File.ReadAllText(V2("repositories", "library", "layout", "_layers", "sha512", digest.Hex, "link")));
    }

    /// <summary>A tree as registry:2 writes it (links without newline, an old tag index entry, an upload in progress).</summary>
    [Fact]
    public async Task Open_TreeWrittenByDistribution_ServesItsManifestsBlobsAndTags()
    {
        byte[] layer = TestContent.Bytes(4_096, 3);
        byte[] config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        var layerDigest = TestContent.Sha256(layer);
        var configDigest = TestContent.Sha256(config);
        byte[] manifest = Testing.Support.Manifests.DockerManifest(configDigest, config.Length, [(layerDigest, layer.Length)]);
        var manifestDigest = TestContent.Sha256(manifest);
        var oldDigest = TestContent.Sha256([0x42]);
        foreach (var (digest, bytes) in new[] { (layerDigest, layer), (configDigest, config), (manifestDigest, manifest) })
        {
            WriteFile(V2("blobs", "sha256", digest.Hex[..2], digest.Hex, "data"), bytes);
        }
        string repository = V2("repositories", "library", "layout");
        WriteLink(Path.Combine(repository, "_layers", "sha256", layerDigest.Hex, "link"), layerDigest);
        WriteLink(Path.Combine(repository, "_layers", "sha256", configDigest.Hex, "link"), configDigest);
        WriteLink(Path.Combine(repository, "_manifests", "revisions", "sha256", manifestDigest.Hex, "link"), manifestDigest);
        WriteLink(Path.Combine(repository, "_manifests", "tags", "latest", "current", "link"), manifestDigest);
        WriteLink(Path.Combine(repository, "_manifests", "tags", "latest", "index", "sha256", manifestDigest.Hex, "link"), manifestDigest);
        WriteLink(Path.Combine(repository, "_manifests", "tags", "latest", "index", "sha256", oldDigest.Hex, "link"), oldDigest);
        string upload = Path.Combine(repository, "_uploads", Guid.NewGuid().ToString("D"));
        WriteFile(Path.Combine(upload, "data"), [1, 2, 3]);
        WriteFile(Path.Combine(upload, "startedat"), Encoding.ASCII.GetBytes(DateTime.UtcNow.ToString("O")));
        WriteFile(Path.Combine(upload, "hashstates", "sha256", "0"), [0]);

        var store = RegistryStore.Open(_f.Root);

        var stored = store.GetManifest(Repo, "latest");
        Assert.NotNull(stored);
        Assert.Equal(manifestDigest, stored.Digest);
        Assert.Equal(ManifestMediaTypes.DockerManifest, stored.MediaType);
        Assert.Equal(manifest, stored.Content.ToArray());
        Assert.Equal(manifestDigest, store.GetManifest(Repo, manifestDigest.ToString())!.Digest);
        Assert.Equal(layer.Length, store.StatBlob(Repo, layerDigest)!.Value.Length);
        using (var reader = store.OpenBlob(Repo, layerDigest)!) Assert.Equal(layer, Blobs.BlobTests.ReadAll(reader));
        Assert.Equal(["latest"], store.ListTags(Repo));
        Assert.Equal([RepoName], store.ListRepositories());

        // New content pushed on top of it lands in the same tree.
        var image = await store.PutManifestAsync(Repo, "v2", ManifestMediaTypes.DockerManifest, manifest, CancellationToken.None);
        Assert.Equal(manifestDigest, image.Digest);
        Assert.Equal(["latest", "v2"], store.ListTags(Repo));
    }

    [Fact]
    public async Task ListRepositories_PushStoppedAfterItsBlobs_ListedAsDistributionListsItANamespaceNot()
    {
        // A push that ended after its blobs (the client never sent the manifest): only _layers. Distribution lists it,
        // and the collector reaches its links only through this list.
        await _f.PutBlobAsync("edge/blobs-only", TestContent.Bytes(300, 1));
        await ImageBuilder.PushOciAsync(_f, "edge/images", "v1", 2);

        Assert.Equal(["edge/blobs-only", "edge/images"], _f.Store.ListRepositories());
        Assert.False(Directory.Exists(V2("repositories", "edge", "blobs-only", "_manifests")));
        // "edge" is only a namespace: a directory of repositories, no repository of its own.
        Assert.False(Directory.Exists(V2("repositories", "edge", "_layers")) || Directory.Exists(V2("repositories", "edge", "_manifests")));
    }

    private static void WriteLink(string path, Digest digest) => WriteFile(path, Encoding.ASCII.GetBytes(digest.ToString()));

    private static void WriteFile(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }
}
