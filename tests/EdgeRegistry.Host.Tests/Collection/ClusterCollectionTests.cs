using System.Net;
using EdgeRegistry.Collection;
using EdgeRegistry.Host.Tests.Status;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Collection;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Layout;
using EdgeRegistry.Storage.Naming;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRegistry.Host.Tests.Collection;

/// <summary>
/// Garbage collection across three real in-process nodes: a digest-only pull on one node protects the manifest on
/// another, and what the collector decides on one node (a retention tag delete, an unreferenced manifest) reaches all.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class ClusterCollectionTests : IDisposable
{
    private static readonly RepositoryName Repository = RepositoryName.Parse("apps/collected");
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Collect_OnFirstNode_KeepsWhatSecondNodePulledByDigestAndItsDeletesReachAllThree()
    {
        var cluster = new InProcessCluster(_temp);
        var collection = new CollectionSettings
        {
            Interval = TimeSpan.Zero,
            Options = new CollectionOptions
            {
                Grace = TimeSpan.Zero,
                PullRetention = TimeSpan.FromHours(1),
                Policies = [RetentionRules.ParsePolicy("apps/* keepLast=1", out _)!],
            },
        };
        var settings = Enumerable.Range(0, 3).Select(i => cluster.Settings(i) with { Collection = collection }).ToList();
        var seeded = RegistryStore.Open(settings[0].Root);
        var pulled = await PushUntaggedAsync(seeded, "pulled by digest on node 2");
        var unpulled = await PushUntaggedAsync(seeded, "pulled by nobody");
        await StoreContent.PushImageAsync(seeded, Repository.Value, "old", "old release");
        await StoreContent.PushImageAsync(seeded, Repository.Value, "new", "new release");
        // Pushed two hours ago as far as node 1 knows, the newer tag an hour after the older one.
        var paths = new StorePaths(settings[0].Root);
        foreach (var digest in new[] { pulled, unpulled }) File.SetLastWriteTimeUtc(paths.RevisionLink(Repository, digest), DateTime.UtcNow.AddHours(-2));
        foreach (var (_, digest) in seeded.ListTagTargets(Repository)) File.SetLastWriteTimeUtc(paths.RevisionLink(Repository, digest), DateTime.UtcNow.AddHours(-2));
        File.SetLastWriteTimeUtc(paths.TagCurrentLink(Repository, "old"), DateTime.UtcNow.AddHours(-3));
        File.SetLastWriteTimeUtc(paths.TagCurrentLink(Repository, "new"), DateTime.UtcNow.AddHours(-2));

        await using var a = await InProcessCluster.StartAsync(settings[0]);
        await using var b = await InProcessCluster.StartAsync(settings[1]);
        await using var c = await InProcessCluster.StartAsync(settings[2]);
        var revisions = settings.Select(s => new StorePaths(s.Root)).ToList();
        await Poll.UntilAsync(() => revisions.All(p => File.Exists(p.RevisionLink(Repository, unpulled)) && File.Exists(p.TagCurrentLink(Repository, "old"))), () => "the content to reach all three nodes");

        // CRI-O on node 2 pulls by digest (IDMS): node 1 must learn it before it collects.
        using (var http = cluster.Client(1, TimeSpan.FromSeconds(10)))
        using (var pull = await http.GetAsync($"/v2/{Repository}/manifests/{pulled}"))
        {
            Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
        }
        var nodeOne = a.Services.GetRequiredService<IRegistryStore>();
        await Poll.UntilAsync(() => nodeOne.Pulls.LastPulled(pulled) is not null, () => "node 2's pull to reach node 1");

        // A clustered collection defers its deletes while a peer's copy of the repository is still under way (the polls
        // above wait for the links, not for every blob's bytes): on a loaded machine the first run may defer them, as an
        // operator's would; the next run, once the copies ended, does them. Bounded: 20 runs, a second apart.
        var collector = a.Services.GetRequiredService<IGarbageCollection>();
        var report = await collector.RunAsync("test", dryRun: false, CancellationToken.None);
        for (int run = 1; run < 20 && report is { TagsDeleted: 0, Deferred: > 0 }; run++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            report = await collector.RunAsync("test", dryRun: false, CancellationToken.None);
        }

        Assert.Equal(0, report.Deferred);
        Assert.Equal(1, report.TagsDeleted);
        Assert.True(File.Exists(revisions[0].RevisionLink(Repository, pulled)), "node 1 collected what node 2 pulls");
        Assert.False(File.Exists(revisions[0].RevisionLink(Repository, unpulled)));
        await Poll.UntilAsync(() => revisions.All(p => !File.Exists(p.RevisionLink(Repository, unpulled)) && !File.Exists(p.TagCurrentLink(Repository, "old"))), () => "node 1's manifest and retention deletes to reach nodes 2 and 3");
        Assert.All(revisions, p => Assert.True(File.Exists(p.RevisionLink(Repository, pulled)) && File.Exists(p.TagCurrentLink(Repository, "new"))));
        for (int node = 0; node < 3; node++)
        {
            using var http = cluster.Client(node, TimeSpan.FromSeconds(10));
            using var gone = await http.GetAsync($"/v2/{Repository}/manifests/old");
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            using var kept = await http.GetAsync($"/v2/{Repository}/manifests/new");
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        }
    }

    private static async Task<Digest> PushUntaggedAsync(RegistryStore store, string content)
    {
        await StoreContent.PushImageAsync(store, Repository.Value, "scratch", content);
        var digest = store.ListTagTargets(Repository).Single(t => t.Tag == "scratch").Digest;
        store.DeleteManifest(Repository, "scratch");
        return digest;
    }
}
