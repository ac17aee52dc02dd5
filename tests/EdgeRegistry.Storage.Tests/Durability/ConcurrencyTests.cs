using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Durability;

/// <summary>Concurrent pushes of the same blob, manifest and tag: all succeed or fail cleanly; the end state is whole.</summary>
public sealed class ConcurrencyTests : IDisposable
{
    /// <summary>Enough writers to overlap every step of a publish on two cores, few enough to finish in seconds.</summary>
    private const int Writers = 16;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const string RepoName = "edge/race";
    private static readonly RepositoryName Repo = RepositoryName.Parse(RepoName);
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static async Task<T[]> RaceAsync<T>(Func<int, Task<T>> writer)
    {
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await writer(i);
        })).ToArray();
        start.Set();
        return await Task.WhenAll(tasks).WaitAsync(Deadline);
    }

    [Fact]
    public async Task PutBlobAsync_SameBlobFromManyWriters_AllSucceedAndBlobIntact()
    {
        byte[] content = TestContent.Bytes(2 * 1024 * 1024 + 1, 1);
        var digest = TestContent.Sha256(content);

        var results = await RaceAsync(_ => _f.PutBlobAsync(RepoName, content));

        Assert.All(results, r => Assert.Equal(new Storage.Blobs.BlobInfo(digest, content.Length), r));
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_f.Root, ".edgereg", "tmp")));
        Assert.False(Directory.Exists(Path.Combine(_f.RepositoryPath(RepoName), "_uploads"))
            && Directory.EnumerateFileSystemEntries(Path.Combine(_f.RepositoryPath(RepoName), "_uploads")).Any());
    }

    [Fact]
    public async Task PutManifestAsync_SameManifestFromManyWriters_AllSucceedWithOneDigest()
    {
        var image = await ImageBuilder.PushOciAsync(_f, RepoName, "seed", 2);

        var results = await RaceAsync(i => _f.Store.PutManifestAsync(Repo, i % 2 == 0 ? "same" : image.Digest.ToString(),
            ManifestMediaTypes.OciManifest, image.Manifest, CancellationToken.None));

        Assert.All(results, r => Assert.Equal(image.Digest, r.Digest));
        Assert.Equal(image.Manifest, File.ReadAllBytes(_f.BlobDataPath(image.Digest)));
        Assert.Equal(image.Digest, _f.OpenPlain().GetManifest(Repo, "same")!.Digest);
    }

    [Fact]
    public async Task PutManifestAsync_ManyDigestsRacingForOneTag_TagResolvesToAPushedDigestInMemoryAndOnDisk()
    {
        var images = new ImageBuilder.PushedImage[Writers];
        for (int i = 0; i < Writers; i++) images[i] = await ImageBuilder.PushOciAsync(_f, RepoName, "img" + i, 10 + i, layerCount: 1);

        await RaceAsync(i => _f.Store.PutManifestAsync(Repo, "contended", ManifestMediaTypes.OciManifest, images[i].Manifest, CancellationToken.None));

        var inMemory = _f.Store.GetManifest(Repo, "contended")!;
        var onDisk = _f.OpenPlain().GetManifest(Repo, "contended")!;
        Assert.Contains(images, i => i.Digest == onDisk.Digest);
        // The running store must serve what the disk (and Distribution, and the next start) says.
        Assert.Equal(onDisk.Digest, inMemory.Digest);
        Assert.Equal(onDisk.Content.ToArray(), File.ReadAllBytes(_f.BlobDataPath(onDisk.Digest)));
    }

    [Fact]
    public async Task PutAndDelete_TagRacingWithDeletes_EndsEitherAbsentOrWhole()
    {
        var image = await ImageBuilder.PushOciAsync(_f, RepoName, "seed", 3);

        await RaceAsync(async i =>
        {
            if (i % 2 == 0) return (object)await _f.Store.PutManifestAsync(Repo, "flip", ManifestMediaTypes.OciManifest, image.Manifest, CancellationToken.None);
            return _f.Store.DeleteManifest(Repo, "flip");
        });

        var inMemory = _f.Store.GetManifest(Repo, "flip");
        var onDisk = _f.OpenPlain().GetManifest(Repo, "flip");
        Assert.Equal(onDisk?.Digest, inMemory?.Digest);
        if (onDisk is not null) Assert.Equal(image.Manifest, onDisk.Content.ToArray());
    }
}
