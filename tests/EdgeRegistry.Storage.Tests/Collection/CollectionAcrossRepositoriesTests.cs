using EdgeRegistry.Storage.Collection;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Testing.Support;
using Microsoft.Extensions.Logging.Abstractions;
using M = EdgeRegistry.Storage.Testing.Support.Manifests;

namespace EdgeRegistry.Storage.Tests.Collection;

/// <summary>
/// The collector decides a repository at a time and keeps only a live set of digests across them: what one
/// repository's decision must not change in another (a manifest or blob shared between them, an index whose child
/// lives elsewhere), and a store of many repositories reported like one.
/// </summary>
public sealed class CollectionAcrossRepositoriesTests : IDisposable
{
    private static readonly CollectionOptions Immediate = new() { Grace = TimeSpan.Zero, PullRetention = TimeSpan.Zero };
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private CollectionReport Collect(bool dryRun = false) =>
        new GarbageCollector(_f.Store, Immediate, TimeProvider.System, NullLogger.Instance).Collect(dryRun, "test");

    private bool HasBlob(Digest digest) => File.Exists(_f.BlobDataPath(digest));

    /// <summary>The same blobs (same seed, same bytes) linked in the repository, and the manifest stored there untagged.</summary>
    private async Task<Digest> PushUntaggedCopyAsync(string repository, byte[] manifest, int seed, int layerCount)
    {
        await ImageBuilder.PushBlobsAsync(_f, repository, seed, layerCount);
        var digest = ContentHasher.Compute(DigestAlgorithm.Sha256, manifest);
        await _f.Store.PutManifestAsync(RepositoryName.Parse(repository), digest.ToString(), ManifestMediaTypes.OciManifest, manifest,
            CancellationToken.None);
        return digest;
    }

    [Fact]
    public async Task Collect_ManifestTaggedInOneRepositoryUntaggedInAnother_DeletesOnlyTheUntaggedCopyAndKeepsEveryBlob()
    {
        var image = await ImageBuilder.PushOciAsync(_f, "apps/a", "v1", seed: 50);
        var copy = await PushUntaggedCopyAsync("apps/b", image.Manifest, seed: 50, layerCount: 2);

        var report = Collect();

        Assert.Equal(image.Digest, copy);
        Assert.Equal((1, 0), (report.ManifestsDeleted, report.BlobsDeleted));
        Assert.Equal(new RepositoryCollection("apps/b", 1, 0, 0, 0), Assert.Single(report.Repositories));
        Assert.NotNull(_f.Store.GetManifest(RepositoryName.Parse("apps/a"), "v1"));
        Assert.Null(_f.Store.GetManifest(RepositoryName.Parse("apps/b"), copy.ToString()));
        Assert.All(image.Layers.Append(image.Config).Append(image.Digest), d => Assert.True(HasBlob(d), $"{d} was swept"));
        // A live blob is not swept, so its links stay too (only a sweep removes links, with the blob).
        Assert.NotNull(_f.Store.StatBlob(RepositoryName.Parse("apps/b"), image.Layers[0]));
    }

    [Fact]
    public async Task Collect_BlobsOnlyADeletedManifestReferenced_SweptWithTheirLinksInEveryRepositoryAndCountedInEach()
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, "apps/a", seed: 51, layerCount: 1);
        var manifest = M.OciManifest(config, configBytes.Length, layers);
        var untagged = await PushUntaggedCopyAsync("apps/a", manifest, seed: 51, layerCount: 1);
        await ImageBuilder.PushBlobsAsync(_f, "apps/b", seed: 51, layerCount: 1); // linked in b, no manifest of b names them
        var inOwnRepository = await ImageBuilder.PushOciAsync(_f, "apps/b", "v1", seed: 54);
        var kept = await ImageBuilder.PushOciAsync(_f, "apps/c", "v1", seed: 52);

        var report = Collect();

        Assert.Equal((1, 3), (report.ManifestsDeleted, report.BlobsDeleted)); // the manifest, its config and layer
        Assert.False(HasBlob(untagged) || HasBlob(config) || HasBlob(layers[0].Digest));
        var inB = Assert.Single(report.Repositories, r => r.Repository == "apps/b");
        Assert.Equal((0, 2, configBytes.Length + layers[0].Size), (inB.Manifests, inB.Blobs, inB.Bytes));
        Assert.Equal(1, Assert.Single(report.Repositories, r => r.Repository == "apps/a").Manifests);
        Assert.DoesNotContain(report.Repositories, r => r.Repository == "apps/c");
        foreach (string repository in new[] { "apps/a", "apps/b" })
            Assert.Null(_f.Store.StatBlob(RepositoryName.Parse(repository), layers[0].Digest));
        Assert.All(kept.Layers.Append(kept.Config).Append(kept.Digest).Concat(inOwnRepository.Layers), d => Assert.True(HasBlob(d)));
    }

    [Fact]
    public async Task Collect_IndexWhoseChildLivesOnlyInAnotherRepository_ChildCopyCollectedThereAndTheIndexStillNamesItsBlob()
    {
        // The child pushed to both, then deleted from the index's repository: what a pull of the index through apps/a
        // cannot reach, since the mark follows children inside the repository that holds the index.
        var child = await ImageBuilder.PushOciAsync(_f, "apps/a", "child", seed: 53, layerCount: 1);
        await PushUntaggedCopyAsync("apps/b", child.Manifest, seed: 53, layerCount: 1);
        byte[] index = M.Index(ManifestMediaTypes.OciIndex, ManifestMediaTypes.OciManifest, (child.Digest, child.Manifest.Length, "amd64"));
        await _f.Store.PutManifestAsync(RepositoryName.Parse("apps/a"), "multi", ManifestMediaTypes.OciIndex, index, CancellationToken.None);
        Assert.True(_f.Store.DeleteManifest(RepositoryName.Parse("apps/a"), child.Digest.ToString()));

        var dry = Collect(dryRun: true);
        var report = Collect();

        Assert.Equal((dry.ManifestsDeleted, dry.BlobsDeleted, dry.BytesReclaimed), (report.ManifestsDeleted, report.BlobsDeleted, report.BytesReclaimed));
        Assert.Equal(1, report.ManifestsDeleted);
        Assert.Null(_f.Store.GetManifest(RepositoryName.Parse("apps/b"), child.Digest.ToString()));
        Assert.NotNull(_f.Store.GetManifest(RepositoryName.Parse("apps/a"), "multi"));
        Assert.True(HasBlob(child.Digest), "the index references the child's bytes");
        Assert.False(HasBlob(child.Layers[0]) || HasBlob(child.Config));
    }

    [Fact]
    public async Task Collect_ManyRepositories_EachDecidedOnItsOwnAndReportedInLexicalOrder()
    {
        const int repositories = 24;
        var tagged = new List<(string Repository, ImageBuilder.PushedImage Image)>();
        var untagged = new List<(string Repository, Digest Digest, Digest Layer)>();
        for (int i = repositories - 1; i >= 0; i--) // pushed out of order: the report orders them
        {
            string repository = $"team{i % 3}/app-{i:D2}";
            tagged.Add((repository, await ImageBuilder.PushOciAsync(_f, repository, "v1", seed: 100 + i, layerCount: 1)));
            var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, repository, seed: 200 + i, layerCount: 1);
            var digest = await PushUntaggedCopyAsync(repository, M.OciManifest(config, configBytes.Length, layers), seed: 200 + i, layerCount: 1);
            untagged.Add((repository, digest, layers[0].Digest));
        }

        var dry = Collect(dryRun: true);
        var report = Collect();

        Assert.Equal(dry.Repositories, report.Repositories);
        Assert.Equal((repositories, repositories * 3), (report.ManifestsDeleted, report.BlobsDeleted));
        Assert.Equal(report.Repositories.Select(r => r.Repository).Order(StringComparer.Ordinal), report.Repositories.Select(r => r.Repository));
        Assert.Equal(repositories, report.Repositories.Count);
        Assert.All(report.Repositories, r => Assert.Equal((1, 2), (r.Manifests, r.Blobs)));
        Assert.All(tagged, t => Assert.NotNull(_f.Store.GetManifest(RepositoryName.Parse(t.Repository), "v1")));
        Assert.All(tagged, t => Assert.All(t.Image.Layers.Append(t.Image.Config).Append(t.Image.Digest), d => Assert.True(HasBlob(d))));
        Assert.All(untagged, u => Assert.False(HasBlob(u.Digest) || HasBlob(u.Layer)));
    }
}
