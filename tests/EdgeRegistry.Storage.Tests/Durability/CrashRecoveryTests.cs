using System.Text;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Durability;

/// <summary>
/// What kill -9 leaves on disk at the file level, made by hand, and what Open must make of it: nothing partial
/// visible, temporary state cleared, recent uploads resumable.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private const string RepoName = "edge/crash";
    private static readonly RepositoryName Repo = RepositoryName.Parse(RepoName);
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private string TempArea => Path.Combine(_f.Root, ".edgereg", "tmp");

    [Fact]
    public async Task Open_PartialUploadData_UploadResumableAndNoBlobVisible()
    {
        byte[] content = TestContent.Bytes(100_000, 1);
        var digest = TestContent.Sha256(content);
        string id = _f.Store.StartUpload(Repo).Id;
        // The process died mid-write: the upload's data file holds a prefix of the blob.
        File.WriteAllBytes(Path.Combine(_f.RepositoryPath(RepoName), "_uploads", id, "data"), content[..40_000]);

        var store = _f.OpenPlain();

        Assert.Null(store.StatBlob(Repo, digest));
        Assert.Equal(40_000, store.GetUpload(Repo, id)!.Value.Length);
        await store.AppendUploadAsync(Repo, id, StoreFixture.Body(content[40_000..]), 40_000, 60_000, CancellationToken.None);
        Assert.Equal(digest, (await store.CompleteUploadAsync(Repo, id, digest, null, null, null, CancellationToken.None)).Digest);
    }

    [Fact]
    public async Task Open_TempFilesAndHalfWrittenLinkTemp_ClearedAndNothingChanges()
    {
        var image = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 2);
        var before = _f.Snapshot();
        Directory.CreateDirectory(TempArea);
        File.WriteAllBytes(Path.Combine(TempArea, Guid.NewGuid().ToString("N")), TestContent.Bytes(5_000, 3));
        File.WriteAllText(Path.Combine(TempArea, Guid.NewGuid().ToString("N")), "sha256:" + image.Digest.Hex[..20]);
        string graveyard = Path.Combine(TempArea, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(graveyard, "sha256"));
        File.WriteAllText(Path.Combine(graveyard, "sha256", "link"), image.Digest.ToString());

        var store = _f.OpenPlain();

        Assert.Empty(Directory.EnumerateFileSystemEntries(TempArea));
        Assert.Equal(before, _f.Snapshot());
        Assert.Equal(image.Digest, store.GetManifest(Repo, "v1")!.Digest);
    }

    [Fact]
    public async Task Open_BlobDirectoryWithoutData_BlobAbsentAndPushableAgain()
    {
        byte[] content = TestContent.Bytes(8_000, 4);
        var digest = TestContent.Sha256(content);
        // A crash after mkdir of the blob's directory and before the rename of its data.
        Directory.CreateDirectory(Path.GetDirectoryName(_f.BlobDataPath(digest))!);
        // A crash after the layer link was written for a blob whose data never arrived cannot happen in our
        // publish order, but Distribution-written stores can hold it; it must not make the blob visible.
        string layerLink = Path.Combine(_f.RepositoryPath(RepoName), "_layers", "sha256", digest.Hex, "link");
        Directory.CreateDirectory(Path.GetDirectoryName(layerLink)!);
        File.WriteAllText(layerLink, digest.ToString());

        var store = _f.OpenPlain();

        Assert.Null(store.StatBlob(Repo, digest));
        Assert.Null(store.OpenBlob(Repo, digest));
        var info = await store.PutBlobAsync(Repo, digest, StoreFixture.Body(content), content.Length, CancellationToken.None);
        Assert.Equal(content.Length, store.StatBlob(Repo, info.Digest)!.Value.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256:")]
    [InlineData("sha256:0123")]
    [InlineData("garbage\0\0\0")]
    public async Task Open_TruncatedTagLink_TagAbsentNotCorrupt(string linkContent)
    {
        await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 5);
        var kept = await ImageBuilder.PushOciAsync(_f, RepoName, "v2", 6);
        File.WriteAllText(Path.Combine(_f.RepositoryPath(RepoName), "_manifests", "tags", "v1", "current", "link"), linkContent);

        var store = _f.OpenPlain();

        Assert.Null(store.GetManifest(Repo, "v1"));
        Assert.Equal(kept.Digest, store.GetManifest(Repo, "v2")!.Digest);
        Assert.Equal(["v2"], store.ListTags(Repo));
    }

    [Fact]
    public async Task Open_ManifestBlobWithCorruptBytes_ManifestAbsentRatherThanServedCorrupt()
    {
        var image = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 7);
        byte[] corrupt = (byte[])image.Manifest.Clone();
        corrupt[^2] ^= 0x20;
        File.WriteAllBytes(_f.BlobDataPath(image.Digest), corrupt);

        var store = _f.OpenPlain();

        Assert.Null(store.GetManifest(Repo, "v1"));
        Assert.Null(store.GetManifest(Repo, image.Digest.ToString()));
    }

    [Fact]
    public void Open_EmptyDirectory_CreatesDistributionLayout()
    {
        var store = _f.OpenPlain();

        Assert.True(Directory.Exists(Path.Combine(_f.V2, "blobs")));
        Assert.True(Directory.Exists(Path.Combine(_f.V2, "repositories")));
        Assert.Empty(store.ListRepositories());
        Assert.Equal(Path.GetFullPath(_f.Root), store.Root);
    }

    [Fact]
    public async Task Open_RevisionLinkToMissingManifestBlob_ManifestAbsent()
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, RepoName, 8, 1);
        byte[] manifest = Testing.Support.Manifests.OciManifest(config, configBytes.Length, layers);
        var digest = TestContent.Sha256(manifest);
        string revision = Path.Combine(_f.RepositoryPath(RepoName), "_manifests", "revisions", "sha256", digest.Hex, "link");
        Directory.CreateDirectory(Path.GetDirectoryName(revision)!);
        File.WriteAllText(revision, digest.ToString(), Encoding.ASCII);

        var store = _f.OpenPlain();

        Assert.Null(store.GetManifest(Repo, digest.ToString()));
    }
}
