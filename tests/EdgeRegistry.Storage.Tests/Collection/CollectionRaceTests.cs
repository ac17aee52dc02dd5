using EdgeRegistry.Storage.Collection;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Testing.Support;
using Microsoft.Extensions.Logging.Abstractions;
using M = EdgeRegistry.Storage.Testing.Support.Manifests;

namespace EdgeRegistry.Storage.Tests.Collection;

/// <summary>
/// Distribution's race (distribution#3045), run for real: blobs uploaded, then a collection with no grace period
/// racing the manifest PUT that references them. Whoever wins, no manifest is ever visible with a blob missing.
/// </summary>
public sealed class CollectionRaceTests : IDisposable
{
    private const string Repo = "apps/race";
    private static readonly RepositoryName RepoName = RepositoryName.Parse(Repo);
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Collect_RacingManifestPut_NeverLeavesAManifestWithMissingBlobs()
    {
        var collector = new GarbageCollector(_f.Store, new CollectionOptions { Grace = TimeSpan.Zero, PullRetention = TimeSpan.Zero },
            TimeProvider.System, NullLogger.Instance);
        int published = 0, refused = 0;
        for (int round = 0; round < 40; round++)
        {
            var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, Repo, seed: 1000 + round, layerCount: 2);
            byte[] manifest = M.OciManifest(config, configBytes.Length, layers);
            using var start = new Barrier(2);
            var collect = Task.Run(() =>
            {
                start.SignalAndWait();
                return collector.Collect(dryRun: false, "race");
            });
            var put = Task.Run(async () =>
            {
                start.SignalAndWait();
                try
                {
                    await _f.Store.PutManifestAsync(RepoName, $"r{round}", ManifestMediaTypes.OciManifest, manifest, CancellationToken.None);
                    return true;
                }
                catch (StoreException e) when (e.Error == StoreError.ManifestBlobUnknown)
                {
                    return false; // the collector claimed the blobs first: the client is told and pushes them again
                }
            });
            await Task.WhenAll(collect, put).WaitAsync(TimeSpan.FromSeconds(30));
            if (await put) published++;
            else refused++;

            // Every visible manifest is whole, before and after one more collection.
            for (int pass = 0; pass < 2; pass++)
            {
                foreach (var (tag, digest) in _f.Store.ListTagTargets(RepoName))
                {
                    var references = _f.Store.GetReferences(RepoName, digest);
                    Assert.NotNull(references);
                    Assert.All(references!.Blobs, b => Assert.True(_f.Store.StatBlob(RepoName, b.Digest) is not null, $"{tag} lost {b.Digest}"));
                }
                collector.Collect(dryRun: false, "after");
            }
        }
        Assert.Equal(40, published + refused);
        Assert.True(published > 0, "no PUT ever won the race");
    }
}
